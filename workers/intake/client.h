/* client.h -- one gateway connection of the LMTP server: its socket, its
 * protocol session (workers/intake/lmtp.c) and where its message stands in the
 * batch pipeline (batch.c). The server loop (lmtp_server.c) reads and
 * flushes it; the pipeline answers it once its message is stored.
 */
#ifndef WRIT_INTAKE_CLIENT_H
#define WRIT_INTAKE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "deliver.h"
#include "lmtp.h"

typedef struct {
    int fd; /* -1: a free slot */
    lmtp_session_t *session;
    uint64_t last_activity;
    char in[65536];
    size_t in_len;
    bool closing;
    bool awaiting;               /* a whole message waits for the batch */
    bool in_flight;              /* ... and Redis is storing it now */
    char addr[INET6_ADDRSTRLEN]; /* the peer's address (per-address limit) */
} client_t;

/* Sends what the session has to say, as far as the socket takes it. */
void client_flush(client_t *c);

/* Runs the protocol over what is buffered, up to a complete message,
 * which then waits for the batch (c->awaiting). */
void client_process(client_t *c);

/* Whether to read from a client now: not while its message is being
 * stored, not while its input buffer is full, and not while its replies
 * pile up unread (then TCP makes it wait, instead of intake's memory). */
bool client_takes_input(client_t *c);

/* Reads what the socket has, then processes it. */
void client_read(client_t *c);

/* Answers the client's message with the outcome of its delivery. */
void client_reply_delivered(client_t *c, const delivery_t *d);

/* Flushes, closes the socket and frees the session: the slot is free. */
void client_close(client_t *c);

#endif
