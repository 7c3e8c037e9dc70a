/* letter.h -- letters to the requester (the agency that sent a request).
 * Pure functions; the templates are config/letters/<name>.txt, rendered
 * with the notices' renderer (common/notice.c: the same placeholders,
 * sanitising, wrapping and RFC 2047 headers), {{to}} being the
 * requester's address.
 *
 * Today: the acknowledgement, sent by writ-send only to a verified
 * requester. Rejection and redirect letters for a person to approve are
 * not built yet (README "Sending notices and alerts").
 */
#ifndef WRIT_LETTER_H
#define WRIT_LETTER_H

#include <stdbool.h>
#include "case.h"
#include "notice.h"

/* Whether the case's requester is acknowledged: the provider's gateway
 * verified it (DMARC pass for a known agency's domain, request auth),
 * the case does not say otherwise (verify_requester), and it has one
 * From address. A forged or unverified request gets nothing: an answer
 * would confirm to a forger that its target exists. */
bool letter_ack_due(const case_t *c);

/* The acknowledgement for the case from its template, addressed to the
 * requester's From address; NULL when it is not due or the template is
 * malformed. Newly allocated (free). */
char *letter_render_ack(const char *tmpl, const case_t *c,
                        const notice_envelope_t *env);

#endif
