/* fields.h -- the extractors of common/extract/, one per field family,
 * over a text_view_t built once per message (private to common/extract/;
 * extract.h is the public contract, whose per-field functions wrap these
 * for callers and tests that hold plain text).
 *
 *   type.c         request_type
 *   agency.c       issuing_agency (+ the agency's country)
 *   country.c      issuing_country, requesting_country
 *   reference.c    reference
 *   categories.c   data_categories
 *   letter_date.c  the letter's own date (anchors gag and deadline)
 *   gag.c          nondisclosure (+ until)
 *   deadline.c     deadline
 *   emergency.c    emergency
 *   accounts.c     accounts (reads the plain text: extract_accounts())
 */
#ifndef WRIT_EXTRACT_FIELDS_H
#define WRIT_EXTRACT_FIELDS_H

#include "agencies.h"
#include "dates.h"
#include "request.h"
#include "text.h"

request_type_t type_of(const text_view_t *v, const char *subject);

/* agencies: the agencies' mail domains (known_agencies()). */
char *agency_of(const text_view_t *v, const char *subject, const char *sender,
                const agencies_t *agencies, char country[3]);
/* The table extraction reads: given, or agencies_builtin() when given is
 * NULL or empty (extract_input_t.agencies). */
const agencies_t *known_agencies(const agencies_t *given);
/* The agency a sender's mail domain belongs to, or NULL; *country (may
 * be NULL) gets its country. */
const char *sender_agency(const agencies_t *agencies, const char *sender,
                          const char **country);
/* Is d (or a parent of it) the mail domain of a known agency? */
bool agency_domain_known(const agencies_t *agencies, const char *d);

char *country_of(const text_view_t *v, request_type_t type, const char *agency_country,
                 const char *sender);
char *requesting_country_of(const text_view_t *v, const char *subject,
                            request_type_t type, const char *issuing_country,
                            const char *agency_country, const char *sender);
/* The ISO code of a country name starting at lo[i] (lower case), or NULL;
 * *len (may be NULL) gets the name's length. */
const char *country_at(const char *lo, size_t n, size_t i, size_t *len);

char *reference_of(const text_view_t *v, const char *subject);

unsigned categories_of(const text_view_t *v);
/* Does the text ask for data at all (a kind of data, or a verb)? */
bool asks_for_data(const text_view_t *v);

bool letter_date_of(const text_view_t *v, bool day_first, date_t *out);

bool nondisclosure_of(const text_view_t *v, request_type_t type,
                      const date_t *letter_date, bool day_first, char until[11]);

void deadline_of(const text_view_t *v, const date_t *letter_date, bool day_first,
                 char out[11]);

bool emergency_of(const text_view_t *v, request_type_t type);
/* Does the text claim a present danger of death or serious injury? */
bool danger_claimed(const text_view_t *v);

#endif
