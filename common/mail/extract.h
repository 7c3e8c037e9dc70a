/* extract.h -- the contract's request fields from the decoded text of a
 * request (tests/fixtures/contracts/parse-output.md): request_type,
 * issuing_agency, issuing_country, requesting_country, reference,
 * accounts, data_categories,
 * nondisclosure, deadline and emergency.
 *
 * Pure functions over UTF-8 text: phrase tables, statute citations and
 * document structure (labels, dates, sentences). No I/O, no logging, no
 * global state. mail.h produces the text; parse.c ties the two together.
 *
 * The individual extractors take *normalized* text (extract_normalize():
 * typographic quotes, dashes and exotic spaces folded to ASCII) so callers
 * and tests can use them one at a time; extract_request() does it all.
 */
#ifndef WRIT_EXTRACT_H
#define WRIT_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include "dates.h"
#include "request.h"

typedef struct agencies_t agencies_t;

typedef struct {
    const char *text; /* decoded request text (UTF-8) */
    size_t len;
    const char *subject;   /* the request's subject; may be NULL */
    const char *sender;    /* the request's sender address; may be NULL */
    const char *mail_date; /* the request's Date header, YYYY-MM-DD or
                                * ""/NULL: fallback for "the date of this
                                * letter" when the text states none */
    /* Addresses in the header fields of the messages involved: never
     * targets (requester, recipients, colleagues in copy). */
    const char *const *header_addresses;
    size_t header_address_count;
    /* The provider's own mail domains (and their subdomains). */
    const char *const *provider_domains;
    size_t provider_domain_count;
    /* The agencies' mail domains (agencies.h: the list requester
     * verification reads, config/agencies.zpl): a letter from one names
     * its agency, an address there is never a target. NULL or empty (no
     * list configured): the copy built in, agencies_builtin(). */
    const agencies_t *agencies;
} extract_input_t;

/* Fills type, issuing_agency, issuing_country, requesting_country,
 * reference, accounts,
 * categories, nondisclosure(+until), deadline and emergency of out.
 * Leaves message_id / from / subject / auth alone. Returns 0, or -1 on
 * allocation failure (out then holds what was extracted so far). */
int extract_request(const extract_input_t *in, request_t *out);

/* Folds typographic characters to ASCII (quotes, dashes, no-break and
 * thin spaces; drops soft hyphens and zero-width characters) and joins
 * "2705 (b)" to "2705(b)". Newly allocated, NUL-terminated; *outlen set. */
char *extract_normalize(const char *text, size_t len, size_t *outlen);

/* --- the individual rules (normalized text) --- */

request_type_t extract_type(const char *text, size_t len, const char *subject);

/* Short agency name (malloc'ed) or NULL; *country gets the agency's ISO
 * code when known ("" otherwise). sender may be NULL; its domain is
 * looked up in agencies_builtin(). */
char *extract_agency(const char *text, size_t len, const char *subject,
                     const char *sender, char country[3]);

/* ISO 3166-1 alpha-2 of the state serving the request (malloc'ed) or
 * NULL. For an mlat_request, the requested (executing) state; otherwise
 * the agency's country, the US for US statutes / courts, else the
 * sender's national mail domain. sender may be NULL. */
char *extract_country(const char *text, size_t len, request_type_t type,
                      const char *agency_country, const char *sender);

/* ISO 3166-1 alpha-2 of the state whose authorities originated the
 * request (malloc'ed) or NULL. For an mlat_request the foreign state
 * that asked: the named agency's country, else the state the text or
 * subject names as asking ("Requesting State: Ireland", "on behalf of
 * the authorities of the Netherlands", "the German authorities"), else
 * the sender's national mail domain -- never the requested state. For
 * any other request, issuing_country. subject and sender may be NULL. */
char *extract_requesting_country(const char *text, size_t len, const char *subject,
                                 request_type_t type, const char *issuing_country,
                                 const char *agency_country, const char *sender);

/* The request's own reference without its label (malloc'ed) or NULL. */
char *extract_reference(const char *text, size_t len, const char *subject);

/* CAT_* bits of the data asked for; negated mentions add nothing. */
unsigned extract_categories(const char *text, size_t len);

/* The date the letter / order states for itself (day_first as below) ("Date:", "Dated:",
 * "Date and time issued:", a date alone on a line, "Wiesbaden, 12.
 * September 2024"); false when none. */
bool extract_letter_date(const char *text, size_t len, bool day_first, date_t *out);

/* Gag provision: returns present; until gets YYYY-MM-DD or "" (null).
 * letter_date (may be NULL) anchors "for one year from the date of this
 * Order". day_first: read "03/02/2025" as 3 February (non-US request). */
bool extract_nondisclosure(const char *text, size_t len, request_type_t type,
                           const date_t *letter_date, bool day_first, char until[11]);

/* Response deadline as YYYY-MM-DD into out, or "" when none; "within N
 * days of ..." counts from letter_date (may be NULL). */
void extract_deadline(const char *text, size_t len, const date_t *letter_date,
                      bool day_first, char out[11]);

bool extract_emergency(const char *text, size_t len, request_type_t type);

/* Calls add(ctx, address) for every targeted account in the text. */
void extract_accounts(const extract_input_t *in, const char *text, size_t len,
                      void (*add)(void *ctx, const char *account), void *ctx);

#endif
