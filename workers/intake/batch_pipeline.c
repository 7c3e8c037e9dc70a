/* batch_pipeline.c -- two slots, one batch in flight (see batch_pipeline.h). */
#include "batch_pipeline.h"
#include "case_store.h"
#include "pipeline.h"

#include <stdlib.h>

#define INTAKE_BATCH_MAX 64

/* The messages of one batch, and the connections they came on. */
typedef struct {
    client_t *clients[INTAKE_BATCH_MAX];
    delivery_t ds[INTAKE_BATCH_MAX];
    size_t n;
    intake_batch_t *batch;
} batch_slot_t;

/* Two slots: while Redis stores the batch in one (in flight), the next
 * messages are parsed into the other. */
struct batch_pipeline_t {
    intake_t *in;
    batch_slot_t slot[2];
    int flying; /* index of the slot in flight, or -1 */
    uint64_t next_heartbeat;
};

batch_pipeline_t *batch_pipeline_new(intake_t *in)
{
    batch_pipeline_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->in = in;
    self->flying = -1;
    return self;
}

bool batch_pipeline_in_flight(const batch_pipeline_t *self)
{
    return self->flying >= 0;
}

/* Collects the whole messages waiting (not already in flight). */
static void collect(batch_slot_t *s, client_t *clients, size_t max_clients)
{
    s->n = 0;
    for (size_t i = 0; i < max_clients && s->n < INTAKE_BATCH_MAX; i++) {
        client_t *c = &clients[i];
        if (c->fd < 0 || !c->awaiting || c->in_flight)
            continue;
        s->ds[s->n] = (delivery_t){ .envelope = lmtp_session_envelope(c->session) };
        s->ds[s->n].raw = lmtp_session_message(c->session, &s->ds[s->n].len);
        s->clients[s->n++] = c;
    }
}

/* Reads the outcomes of the batch in flight and answers its connections;
 * one whose buffered input already holds its next message waits again. */
static void land(batch_pipeline_t *self)
{
    batch_slot_t *s = &self->slot[self->flying];
    self->flying = -1;
    intake_batch_finish(self->in, &s->batch);
    for (size_t k = 0; k < s->n; k++) {
        client_t *c = s->clients[k];
        c->awaiting = false;
        c->in_flight = false;
        client_reply_delivered(c, &s->ds[k]);
        c->last_activity = writ_now_ms();
        client_process(c);
    }
    s->n = 0;
}

void batch_pipeline_heartbeat(batch_pipeline_t *self)
{
    if (self->flying >= 0 || writ_now_ms() < self->next_heartbeat)
        return;
    case_store_heartbeat(self->in->store, STAGE_INTAKE, self->in->worker);
    self->next_heartbeat = writ_now_ms() + 1000;
}

/* Sends the batch parsed into slot next; false when nothing went out (no
 * reply comes: it has landed already). */
static bool send_slot(batch_pipeline_t *self, batch_slot_t *next, intake_batch_t *b)
{
    intake_batch_send(self->in, b);
    next->batch = b;
    for (size_t k = 0; k < next->n; k++)
        next->clients[k]->in_flight = true;
    self->flying = (int)(next - self->slot);
    if (intake_batch_awaits_redis(b))
        return true; /* the loop polls for its replies */
    land(self);
    return false;
}

/* Answers the messages of a slot that could not be parsed (out of
 * memory: every delivery marked TEMPFAIL). */
static void answer_unparsed(batch_slot_t *next)
{
    for (size_t k = 0; k < next->n; k++) {
        client_t *c = next->clients[k];
        c->awaiting = false;
        client_reply_delivered(c, &next->ds[k]);
        client_process(c);
    }
    next->n = 0;
}

/* The messages that arrived are parsed while Redis stores the batch
 * before them, then that batch lands (its 250s go out only now) and
 * theirs is sent. */
void batch_pipeline_deliver_waiting(batch_pipeline_t *self, client_t *clients,
                                    size_t max_clients, bool redis_ready)
{
    for (;;) {
        batch_slot_t *next = &self->slot[self->flying == 0 ? 1 : 0];
        collect(next, clients, max_clients);
        intake_batch_t *b =
            next->n ? intake_batch_prepare(self->in, next->ds, next->n) : NULL;
        if (self->flying >= 0 && (next->n || redis_ready))
            land(self);
        else if (next->n == 0)
            return;         /* nothing new, and Redis not done */
        redis_ready = true; /* (nothing in flight from here) */
        batch_pipeline_heartbeat(self);
        if (b) {
            if (send_slot(self, next, b))
                return;
            continue;
        }
        /* Nothing parsed (out of memory) or nothing new: answer the ones
         * that failed, then see what landing the batch made ready. */
        answer_unparsed(next);
    }
}

void batch_pipeline_destroy(batch_pipeline_t **self_p)
{
    batch_pipeline_t *self = *self_p;
    if (!self)
        return;
    if (self->flying >= 0)
        land(self); /* stored: those get their 250 */
    free(self);
    *self_p = NULL;
}
