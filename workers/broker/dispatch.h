/* dispatch.h -- the broker's bookkeeping, without sockets: per stage a
 * bounded queue of jobs and the replicas ready for them, with credit.
 *
 * A job goes to the replica that has had free credit longest (the zguide
 * load-balancing pattern), so work follows readiness. A replica silent for
 * longer than the expiry is forgotten, and its credit with it.
 */
#ifndef WRIT_DISPATCH_H
#define WRIT_DISPATCH_H

#include <czmq.h>
#include <stdint.h>

typedef struct dispatch_t dispatch_t;

/* stages: the stage names there are (NULL-terminated); work for any
 * other name is refused, so a peer cannot make the broker keep a queue
 * per name it makes up. Each stage's queue holds at most max_jobs jobs
 * and max_bytes bytes of them. */
dispatch_t *dispatch_new(const char *const *stages, size_t max_jobs, size_t max_bytes);
void dispatch_destroy(dispatch_t **self_p);

/* Takes ownership of job (the frames to send after the identity). Returns
 * 0 queued, -1 queue full (jobs or bytes), -2 no such stage; refused, the
 * job is destroyed (Redis still has the case pending: the stage's
 * sweeper sends it again once its lease expires). */
int dispatch_enqueue(dispatch_t *self, const char *stage, zmsg_t **job);

/* A replica announced credit (READY) or proved it is alive (HB with its
 * free credit; used only when the replica is not known, e.g. after a
 * broker restart). identity is copied. A replica of no known stage is
 * ignored. */
void dispatch_ready(dispatch_t *self, zframe_t *identity, const char *stage, int credit,
                    uint64_t now);
void dispatch_heartbeat(dispatch_t *self, zframe_t *identity, const char *stage,
                        int free_credit, uint64_t now);
/* `jobs` finished (a replica that took a batch says so once). */
void dispatch_done(dispatch_t *self, zframe_t *identity, int jobs, uint64_t now);

/* The next assignment, if any: *identity and *job are new, caller sends
 * and destroys them. Returns false when nothing can be dispatched. */
bool dispatch_next(dispatch_t *self, zframe_t **identity, zmsg_t **job);

/* Forgets replicas silent since before now - expiry_ms; returns count. */
size_t dispatch_expire(dispatch_t *self, uint64_t now, uint64_t expiry_ms);

size_t dispatch_queued(dispatch_t *self, const char *stage);
/* Bytes of the jobs queued for a stage. */
size_t dispatch_queued_bytes(dispatch_t *self, const char *stage);
size_t dispatch_replicas(dispatch_t *self, const char *stage);

#endif
