/* agencies.h -- the known requesting agencies and their mail domains
 * (config/agencies.zpl), and the verdict on whether a request's sender
 * is who it claims to be.
 *
 * The one list of agencies' mail domains: requester verification
 * (agencies_match) and extraction (agencies_issuer: the agency a letter
 * from there was issued by; an address there is never a target) read the
 * same table, so a domain the legal team adds is known to both. A domain
 * has one of three roles, by the key that lists it:
 *   domains              verifies a sender and names the issuer;
 *   shared_domains       verifies a sender only: others write from it too
 *                        (a relay, a portal, a whole city's mail), so it
 *                        does not say which agency issued a letter;
 *   unconfirmed_domains  names the issuer only: the legal team has not
 *                        confirmed it, so it never verifies a sender.
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

/* Loads a ZPL file:  agencies / agency / name, country, domains ("a,b"),
 * shared_domains, unconfirmed_domains (at least one of the three).
 * NULL with a reason in err when the file cannot be read or is malformed. */
agencies_t *agencies_load(const char *path, char *err, size_t errlen);
/* The copy of config/agencies.zpl built into the program (read-only, never
 * freed): extraction's table when its caller gives none (writctl parse
 * outside a writ tree, the fuzzers, the per-field extract_*()). */
const agencies_t *agencies_builtin(void);
agencies_t *agencies_new(void);
void agencies_destroy(agencies_t **self_p);
/* Adds one agency; each list is comma/space separated (NULL: none), its
 * role as above. agencies_add: domains only. */
int agencies_add_roles(agencies_t *self, const char *name, const char *country,
                       const char *domains, const char *shared, const char *unconfirmed);
int agencies_add(agencies_t *self, const char *name, const char *country,
                 const char *domains);
size_t agencies_count(const agencies_t *self);

/* The agency whose domain (domains, shared_domains) is the address's
 * domain or a parent of it (mail.fbi.gov matches fbi.gov), the most
 * specific one when several are; NULL when none. */
const char *agencies_match(const agencies_t *self, const char *address);

/* The country of that agency ("US"); NULL when none matches or the
 * list gives no country. */
const char *agencies_country(const agencies_t *self, const char *address);

/* The agency a letter from domain (or a subdomain) was issued by: the
 * most specific of domains and unconfirmed_domains, as above; NULL when
 * none. *country (may be NULL) gets its country ("" when the list gives
 * none). */
const char *agencies_issuer(const agencies_t *self, const char *domain,
                            const char **country);

/* One line saying why req is not verified ("" when it is): parse's own
 * words (req->auth.why) when it gave some. The verdict itself is parse.c's
 * (verify_sender): DMARC pass from the provider's gateway for the one From
 * domain, and that domain a known agency's (agencies_match). */
void agencies_unverified_reason(const request_t *req, char *reason, size_t reason_len);

#endif
