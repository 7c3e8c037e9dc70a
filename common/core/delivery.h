/* delivery.h -- what writ-send decides about a message it sends: which
 * notice a Maildir file is, to whom it goes, the exact bytes handed to
 * the relay, what a relay's answer means for the notice (sent, deferred,
 * failed, unconfirmed), when a deferred notice is tried again, and the
 * on-call alert for a case a person must look at.
 *
 * Pure functions over strings and structs (unit tested in
 * tests/unit/test_delivery.c); the relay (libcurl) and Redis
 * (delivery_store.c) are in the shells.
 */
#ifndef WRIT_DELIVERY_H
#define WRIT_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A notice's id: its Maildir base name without ".writ" --
 * "{case id}.{16 hex of the account's SHA-256}" (outbox.c notice_name).
 * An alert's: "{case id}.alert.{8 hex of the reason's SHA-256}". */
#define DELIVERY_ID_LEN 64

/* A case's decision letter to its requester: "{case id}.letter" (one per
 * case; an acknowledgement is "{case id}.ack"). */
void delivery_letter_id(const char *case_id, char id[DELIVERY_ID_LEN]);

/* The notice id of a Maildir file name ("c0123456789abcdef.0a1b...writ",
 * in new/ or cur/ with ":2,FLAGS"), into id; case_id receives its case.
 * false when the name is not a notice writ-notify wrote. */
bool delivery_id_from_name(const char *name, char id[DELIVERY_ID_LEN], char case_id[32]);

/* What a prepared message says about its own delivery: the recipient
 * (the one address in To:) and its Message-ID (without brackets).
 * Returns 0, or -1 with why set when the message has no single address
 * in To: or no Message-ID (the notice cannot be sent as it is: failed). */
typedef struct {
    char *to;
    char *message_id;
} delivery_headers_t;

int delivery_headers_read(const char *text, size_t len, delivery_headers_t *out,
                          const char **why);
void delivery_headers_clear(delivery_headers_t *h);

/* The bytes handed to the relay: the prepared text with CRLF line ends
 * and a Reply-To: header added after the first header line when the
 * message has none and reply_to is non-empty. Newly allocated; *out_len
 * receives its length. */
char *delivery_wire_text(const char *text, size_t len, const char *reply_to,
                         size_t *out_len);

/* What one SMTP transaction's end means for the notice. */
typedef enum {
    DELIVERY_SENT = 0,   /* 2xx after the end of the data */
    DELIVERY_DEFERRED,   /* 4xx, or the relay could not be reached or
                                 broke off before the end of the data: try
                                 again later (nothing was accepted) */
    DELIVERY_FAILED,     /* 5xx: the relay refused it; a person looks */
    DELIVERY_UNCONFIRMED /* the end of the data went out and no answer
                                 came back: the relay may have accepted it.
                                 Never sent again automatically. */
} delivery_outcome_t;

/* transport_ok: the transfer completed without a transport error;
 * code: the relay's last reply code (0 when none came); data_ended:
 * whether the end of the data ("." line) was handed to the connection. */
delivery_outcome_t delivery_classify(bool transport_ok, long code, bool data_ended);
const char *delivery_outcome_name(delivery_outcome_t o);

/* Milliseconds to wait before attempt number attempts+1 after a
 * deferral: base doubled per attempt, at most max_ms. */
uint64_t delivery_backoff_ms(unsigned attempts, uint64_t base_ms, uint64_t max_ms);

/* Alerts for the on-call person. A case in review is an emergency when
 * its reason says so (pipeline.c's wording). */
bool delivery_reason_is_emergency(const char *review_reason);
/* The alert's id for (case, reason) into id: a case entering review again
 * for another reason is alerted again, the same reason only once. */
void delivery_alert_id(const char *case_id, const char *reason, char id[DELIVERY_ID_LEN]);

typedef struct {
    const char *from;       /* header From (the provider's sender) */
    const char *to;         /* the on-call address */
    const char *date;       /* RFC 5322 date */
    const char *message_id; /* without brackets */
    const char *case_id;
    const char *reason; /* the case's review reason (writ's own words) */
    bool emergency;
} delivery_alert_t;

/* An RFC 5322 message (LF line ends) with Auto-Submitted:
 * auto-generated: the case number and why a person must look -- never
 * a customer's data (the reason is writ's own sentence; accounts,
 * names and message text are not in it). NULL when a field is missing. */
char *delivery_alert_render(const delivery_alert_t *a);

/* The daily digest of what is due (writctl due) to the on-call address:
 * its delivery id, "digest.YYYYMMDD", one per day. */
void delivery_digest_id(const char *day, char id[DELIVERY_ID_LEN]);

typedef struct {
    const char *date;   /* YYYY-MM-DD */
    const char *status; /* "overdue by 2 days", "due today", "in 3 days" */
    const char *case_id;
    const char *kind;   /* "deadline", "preservation", "gag end", ... */
    const char *type;   /* the request type in words */
    const char *agency; /* the requester */
    const char *what;   /* instead of type and agency when set: a
                               * message writ-send could not deliver, in
                               * its kind and state ("notice failed") */
} delivery_digest_item_t;

typedef struct {
    const char *from, *to, *date, *message_id; /* as delivery_alert_t */
    const char *day;                           /* the digest's day, YYYY-MM-DD */
    long days;                                 /* how far ahead it looks */
    const delivery_digest_item_t *items;
    size_t count;
} delivery_digest_t;

/* An RFC 5322 message (LF line ends, Auto-Submitted: auto-generated): one
 * line per date -- date, when, case, kind, request type and agency; never
 * the account a date is about (writctl due says it). "Nothing is due."
 * when count is 0 (the digest still goes: its arrival says writ runs).
 * NULL when a field is missing. */
char *delivery_digest_render(const delivery_digest_t *d);

#endif
