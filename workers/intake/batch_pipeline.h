/* batch_pipeline.h -- the LMTP server's two-slot batch pipeline: whole
 * messages go to Redis in batches, one batch in flight. While Redis stores
 * the batch in one slot, the messages that arrived meanwhile are parsed
 * into the other; a batch's connections are answered (250, 451, 554) only
 * once Redis has stored it. The server loop (lmtp_server.c) polls the
 * store's socket while a batch is in flight and calls
 * batch_pipeline_deliver_waiting after every round.
 */
#ifndef WRIT_INTAKE_BATCH_PIPELINE_H
#define WRIT_INTAKE_BATCH_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include "client.h"
#include "deliver.h"

typedef struct batch_pipeline_t batch_pipeline_t;

/* NULL when out of memory. in must outlive the pipeline. */
batch_pipeline_t *batch_pipeline_new(intake_t *in);
/* Lands the batch in flight first, if any (stored: those get their 250). */
void batch_pipeline_destroy(batch_pipeline_t **self_p);

/* Whether a batch is in flight (the store's socket is then the batch's:
 * poll it for the replies, and use the store for nothing else). */
bool batch_pipeline_in_flight(const batch_pipeline_t *self);

/* Delivers every whole message waiting among clients[0..max_clients), as
 * batches; redis_ready: the store's socket is readable (or nothing is in
 * flight), so the batch in flight can land without blocking. */
void batch_pipeline_deliver_waiting(batch_pipeline_t *self, client_t *clients,
                                    size_t max_clients, bool redis_ready);

/* So `writctl health` sees this replica (best effort, at most once a
 * second); only between batches, as the store is the batch's while one is
 * in flight. */
void batch_pipeline_heartbeat(batch_pipeline_t *self);

#endif
