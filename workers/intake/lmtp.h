/* lmtp.h -- the LMTP protocol (RFC 2033) of one gateway connection, as a
 * state machine without sockets.
 *
 * Bytes from the client go in (lmtp_session_feed), reply bytes come out
 * (lmtp_session_output). When a whole message has arrived the session
 * stops reading and reports LMTP_MESSAGE; the caller stores the message
 * and then tells the session the outcome (lmtp_session_delivered), which
 * becomes one reply per accepted recipient. Supports PIPELINING,
 * ENHANCEDSTATUSCODES, 8BITMIME and SIZE.
 */
#ifndef WRIT_LMTP_H
#define WRIT_LMTP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct lmtp_session_t lmtp_session_t;

typedef struct {
    const char *hostname;
    size_t max_message_size; /* SIZE limit; over it: 552 5.3.4 */
    /* Whether a recipient is one of our intake addresses (lower-cased
     * addr-spec). NULL accepts every recipient. */
    bool (*accept_rcpt)(void *ctx, const char *address);
    void *ctx;
    /* The bytes of messages in transfer (DATA received and not yet
     * answered), shared by every session of a server: a session that would
     * take it over data_budget keeps no more of its message and answers
     * 451 4.3.1 at its end. NULL: no budget. */
    size_t *data_in_flight;
    size_t data_budget;
} lmtp_config_t;

/* A session takes no more input while this many reply bytes wait to be
 * sent: a client that does not read its replies is not read either. */
#define LMTP_OUTPUT_LIMIT 65536

typedef enum {
    LMTP_NEED_MORE = 0, /* fed everything; wait for input */
    LMTP_MESSAGE,       /* a message is ready to deliver */
    LMTP_CLOSE,         /* QUIT done (or fatal): close */
} lmtp_event_t;

/* The config (and what it points to) must outlive the session. */
lmtp_session_t *lmtp_session_new(const lmtp_config_t *config);
void lmtp_session_destroy(lmtp_session_t **self_p);

/* Queues the 220 greeting. */
void lmtp_session_greet(lmtp_session_t *self);
/* Queues a final reply and closes (e.g. 421 on timeout or shutdown). */
void lmtp_session_abort(lmtp_session_t *self, const char *reply);

/* Consumes input; *consumed says how much was taken (the rest must be fed
 * again later: after LMTP_MESSAGE nothing more is taken until the
 * delivery is reported). */
lmtp_event_t lmtp_session_feed(lmtp_session_t *self, const char *data, size_t len,
                               size_t *consumed);

/* The message received (dot-unstuffed, original line endings, without
 * the terminating "." line). Valid until lmtp_session_delivered. */
const char *lmtp_session_message(lmtp_session_t *self, size_t *len);
size_t lmtp_session_recipients(lmtp_session_t *self);
/* The current transaction's envelope, "from=<sender> to=<rcpt>,<rcpt>"
 * (accepted recipients only), for the case's custody record. */
const char *lmtp_session_envelope(lmtp_session_t *self);

/* Reports the outcome for the message: e.g. (250, "2.0.0", "queued as
 * c123"), (451, "4.3.0", "..."), (554, "5.6.0", "..."). One reply per
 * accepted recipient is queued. */
void lmtp_session_delivered(lmtp_session_t *self, int code, const char *enhanced,
                            const char *text);

/* Whether the session takes no input until its replies are sent
 * (LMTP_OUTPUT_LIMIT). */
bool lmtp_session_output_full(lmtp_session_t *self);
/* Reply bytes waiting to be sent. */
const char *lmtp_session_output(lmtp_session_t *self, size_t *len);
void lmtp_session_output_sent(lmtp_session_t *self, size_t n);
bool lmtp_session_waiting_delivery(lmtp_session_t *self);

#endif
