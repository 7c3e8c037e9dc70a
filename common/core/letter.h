/* letter.h -- letters to the requester (the agency that sent a request).
 * Pure functions; the templates are config/letters/<name>.txt, rendered
 * with the notices' renderer (common/core/notice.c: the same placeholders,
 * sanitising, wrapping and RFC 2047 headers), {{to}} being the
 * requester's address.
 *
 * The acknowledgement, sent by writ-send only to a verified requester;
 * and the decision letters (a rejection or a redirect), which writ-send
 * prepares and holds for a person to approve (writctl case letter) unless
 * letters/auto_send says otherwise (README "Sending notices and alerts").
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
char *letter_render_ack(const char *tmpl, const case_t *c, const notice_envelope_t *env);

/* The decision letter a case's requester is owed, by what jurisdiction
 * decided. One letter per case: every account must carry the same
 * decision (and, out of jurisdiction, the same storage country);
 * anything mixed, undecided or another decision is LETTER_NONE -- a
 * person writes that answer. */
typedef enum {
    LETTER_NONE = 0,
    LETTER_REJECTED_JURISDICTION, /* reject_out_of_jurisdiction */
    LETTER_REJECTED_PROCESS,      /* reject_insufficient_process */
    LETTER_REJECTED_TREATY,       /* ... a foreign agency's own request:
                                        the treaty route (policy rule 5) */
    LETTER_REDIRECTED,            /* redirect_to_customer */
    LETTER_COUNT
} letter_kind_t;

/* LETTER_NONE too when the requester is not verified (letter_ack_due):
 * never an answer to a forged or unverified sender. */
letter_kind_t letter_decision_due(const case_t *c);
/* The template's file name without ".txt" ("requester-rejected-jurisdiction");
 * NULL for LETTER_NONE and beyond. */
const char *letter_kind_name(letter_kind_t k);
/* What the letter is, in words, for the queue ("a rejection letter (out
 * of jurisdiction)"); "" for LETTER_NONE. */
const char *letter_kind_words(letter_kind_t k);

/* The decision letter of kind k (letter_decision_due's) from its
 * template, to the requester's From address. The template sees the
 * request ({{reference}} {{case_id}} {{agency}} {{process}}
 * {{issuing_country}} {{asked_for}}...) and of the accounts only the
 * decision and {{storage_country}}: no account, tenant, contact or
 * other customer's data reaches a requester's letter. NULL when not due,
 * k is not the case's letter, or the template is malformed. Newly
 * allocated (free). */
char *letter_render_decision(const char *tmpl, const case_t *c, letter_kind_t k,
                             const notice_envelope_t *env);

#endif
