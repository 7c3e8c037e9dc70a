/* request.h -- the parsed legal request: what intake extracts from a message.
 *
 * This is the record of tests/fixtures/contracts/parse-output.md as a plain
 * struct. Every string is heap-owned by the struct (NULL when the contract
 * says null); request_destroy() frees them. Pure data, no I/O.
 */
#ifndef WRIT_REQUEST_H
#define WRIT_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    REQ_UNKNOWN = 0,
    REQ_SEARCH_WARRANT,
    REQ_SUBPOENA,
    REQ_COURT_ORDER,
    REQ_NATIONAL_SECURITY_LETTER,
    REQ_PRESERVATION_REQUEST,
    REQ_EMERGENCY_REQUEST,
    REQ_MLAT_REQUEST,
    REQ_TYPE_COUNT
} request_type_t;

/* Data categories as a bit set; names sort alphabetically as
 * content < subscriber < transactional, which is the contract's order. */
enum {
    CAT_SUBSCRIBER = 1u << 0,
    CAT_TRANSACTIONAL = 1u << 1,
    CAT_CONTENT = 1u << 2,
};
#define CAT_ALL (CAT_SUBSCRIBER | CAT_TRANSACTIONAL | CAT_CONTENT)

#define WRIT_DATE_LEN 11 /* "YYYY-MM-DD" + NUL; "" means null */

/* Authentication results as seen from the trusted gateway (issue 3).
 * Each result is a short token ("pass", "fail", "none", ...) or "" when the
 * trusted gateway said nothing about it. */
typedef struct {
    char spf[16];
    char dkim[16];
    char dmarc[16];
    bool known_agency;
    bool verified;
    /* Country of the known agency (config/agencies.zpl) the request's
     * sender belongs to -- for a forwarded request, the forwarded
     * message's sender; "" when none. Policy rule 5 asks whether an
     * authority of the requested state served an MLAT request. */
    char agency_country[3];
    /* Why not verified, set by parse (not on the wire: intake turns it
     * into the case's verify_reason); "" lets agencies_unverified_reason
     * say it from the fields above. */
    char why[512];
} request_auth_t;

typedef struct {
    char *message_id; /* without angle brackets; NULL if absent */
    char *from;       /* addr-spec, lower-cased; NULL if none */
    char *subject;    /* decoded UTF-8; NULL if absent */
    request_type_t type;
    char *issuing_agency;     /* NULL if none found */
    char *issuing_country;    /* ISO 3166-1 alpha-2; NULL if unknown */
    char *requesting_country; /* the state that originated the request:
                                  for an MLAT the foreign one; NULL if
                                  unknown */
    char *reference;          /* NULL if none */
    char **accounts;          /* sorted, unique, lower-cased */
    size_t account_count;
    unsigned categories; /* CAT_* bits */
    bool nondisclosure;
    char nondisclosure_until[WRIT_DATE_LEN];
    char deadline[WRIT_DATE_LEN];
    bool emergency;
    request_auth_t auth;
    bool over_limits;   /* request_enforce_limits cut something (not
                                  on the wire: intake sends such a case to
                                  review) */
    unsigned documents; /* document attachments the message carries
                                  (not on the wire: intake hands such a
                                  case to the extract stage) */
} request_t;

request_t *request_new(void);
void request_destroy(request_t **self_p);
/* Frees the members and zeroes the struct (for stack-allocated records). */
void request_clear(request_t *self);

const char *request_type_name(request_type_t type);
/* Returns REQ_TYPE_COUNT when the name is not one of the contract's. */
request_type_t request_type_from_name(const char *name);

/* Category name for one CAT_* bit ("subscriber", ...), NULL for others. */
const char *request_category_name(unsigned cat_bit);
unsigned request_category_from_name(const char *name);

/* Adds an account (lower-cased), keeping the list sorted and unique.
 * Returns 0, or -1 on allocation failure. */
int request_add_account(request_t *self, const char *account);
/* Replaces *field with a copy of value (NULL allowed). */
void request_set_string(char **field, const char *value);

/* Who asked, for people: "Garda Síochána, IE, via US" when the
 * requesting state is not the one serving the request, "FBI, US"
 * otherwise -- never a serving state's code alone beside a foreign agency.
 * Newly allocated; NULL only on allocation failure. */
char *request_requester_text(const request_t *self);

/* Limits a request must fit so that it can be recorded and sent on:
 * longer strings are cut (on a UTF-8 boundary), accounts beyond
 * REQUEST_MAX_ACCOUNTS dropped. Returns true when anything was cut: the
 * case then needs a person. */
#define REQUEST_MAX_ACCOUNTS 1000
#define REQUEST_MAX_FIELD 2048
bool request_enforce_limits(request_t *self);

/* The contract's JSON object as a newly allocated string (jansson, keys in
 * contract order). With include_auth the issue-3 "authenticity" object is
 * added after the contract's fields. Caller frees. */
char *request_to_json(const request_t *self, bool include_auth);

#endif
