/* deliver.h -- what intake does with one whole message, whichever way it
 * came (LMTP or a pipe): parse it, store it as a case in Redis with its
 * original bytes, then hand it to the jurisdiction stage.
 */
#ifndef WRIT_INTAKE_DELIVER_H
#define WRIT_INTAKE_DELIVER_H

#include <stddef.h>
#include <stdint.h>
#include "bus.h"
#include "case.h"
#include "case_store.h"
#include "parse.h"

typedef struct {
    case_store_t *store;
    bus_submit_t *submit;
    const parse_settings_t *parse;
    const char *worker;
    uint64_t lease_ms;
    uint64_t extract_lease_ms; /* lease of a case handed to extract */
    uint64_t max_pending;      /* backlog beyond which intake says 451 4.3.2 */
    bool verify_requester;     /* unverified senders are never decided
                                automatically */
} intake_t;

typedef enum {
    DELIVER_ACCEPTED,  /* stored as a new case */
    DELIVER_DUPLICATE, /* the same message was stored before */
    DELIVER_NOT_MAIL,  /* kept as a case for review, but not mail */
    DELIVER_TEMPFAIL,  /* could not be stored: the gateway retries */
    DELIVER_BUSY,      /* backlog limit: the gateway retries later */
} deliver_status_t;

/* One message of a batch: what came in, and what to answer. */
typedef struct {
    const char *raw;
    size_t len;
    const char *envelope; /* "from=<..> to=<..>", may be NULL */
    deliver_status_t status;
    char case_id[CASE_ID_LEN]; /* new or existing case ("" if none) */
    char reason[512];          /* one line for the reply */
} delivery_t;

/* Delivers n messages that arrived together (several gateway
 * connections): each is parsed, then all are stored in one Redis round
 * trip, then each new case goes to jurisdiction. Every message gets its
 * own outcome, exactly as if delivered alone. */
void intake_deliver_batch(intake_t *in, delivery_t *ds, size_t n);

/* The same in three steps, so that the LMTP loop parses the next messages
 * while Redis stores these: _prepare parses ds[0..n) (NULL: out of
 * memory, every delivery then marked TEMPFAIL); _send writes their creates to Redis; _finish reads the outcomes
 * (blocking), fills in each delivery, hands new cases on and frees the
 * batch. ds and the messages it points to must stay as they are until
 * _finish, and the store is the sent batch's alone until then. */
typedef struct intake_batch_t intake_batch_t;
intake_batch_t *intake_batch_prepare(intake_t *in, delivery_t *ds, size_t n);
void intake_batch_send(intake_t *in, intake_batch_t *b);
/* Whether replies from Redis are still to come for the batch sent (false
 * when nothing could be sent: _finish then returns at once). */
bool intake_batch_awaits_redis(const intake_batch_t *b);
void intake_batch_finish(intake_t *in, intake_batch_t **batch_p);

/* Stores the message with its envelope ("from=<..> to=<..>", may be
 * NULL); case_id receives the (new or existing) case id and reason a
 * one-line explanation for the reply. */
deliver_status_t intake_deliver(intake_t *in, const char *raw, size_t len,
                                const char *envelope, char case_id[CASE_ID_LEN],
                                char *reason, size_t reason_len);

#endif
