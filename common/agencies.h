/* agencies.h -- the known requesting agencies and their mail domains
 * (config/agencies.zpl), and the verdict on whether a request's sender
 * is who it claims to be.
 *
 * Forged requests are a documented attack: compromised or look-alike
 * police mailboxes sending fake emergency requests. A request is verified
 * only when the provider's own gateway saw DMARC pass for the sender's
 * domain AND that domain belongs to a known agency.
 */
#ifndef WRIT_AGENCIES_H
#define WRIT_AGENCIES_H

#include <stdbool.h>
#include <stddef.h>
#include "request.h"

typedef struct agencies_t agencies_t;

/* Loads a ZPL file:  agencies / agency / name, country, domains ("a,b").
 * NULL with a reason in err when the file cannot be read or is malformed. */
agencies_t *agencies_load(const char *path, char *err, size_t errlen);
agencies_t *agencies_new(void);
void        agencies_destroy(agencies_t **self_p);
/* Adds one agency; domains is a comma/space separated list. */
int         agencies_add(agencies_t *self, const char *name,
                         const char *country, const char *domains);
size_t      agencies_count(const agencies_t *self);

/* The agency whose domain is the address's domain or a parent of it
 * (mail.fbi.gov matches fbi.gov); NULL when none. */
const char *agencies_match(const agencies_t *self, const char *address);

/* The country of that agency ("US"); NULL when none matches or the
 * list gives no country. */
const char *agencies_country(const agencies_t *self, const char *address);

/* One line saying why req is not verified ("" when it is): parse's own
 * words (req->auth.why) when it gave some. The verdict itself is parse.c's
 * (verify_sender): DMARC pass from the provider's gateway for the one From
 * domain, and that domain a known agency's (agencies_match). */
void        agencies_unverified_reason(const request_t *req, char *reason,
                                       size_t reason_len);

#endif
