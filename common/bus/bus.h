/* bus.h -- the ZeroMQ work bus between stages.
 *
 * One broker (workers/broker) binds two endpoints:
 *   submit  (PULL)   producers PUSH [stage][case id][record]
 *   workers (ROUTER) stage replicas connect a DEALER and speak:
 *       -> ["READY", stage, credit]   I can take `credit` jobs at once
 *       -> ["DONE", stage, n]         n jobs finished: n more credit
 *       -> ["HB", stage, free]        I am alive (and have `free` credit)
 *       <- ["JOB", stage, id, record] work for you
 * Work goes to replicas by readiness (credit), never blindly round-robin,
 * so a slow replica only gets what it asks for. The bus is the fast path
 * only: Redis holds every case as pending for its stage until the stage
 * records its result, and a sweeper re-sends what a lost message left.
 * Every socket is CurveZMQ with a key per role (bus_auth.h): the broker
 * takes READY/HB/DONE for a stage only from that stage's key, and a job
 * for a stage only from the role before it or the stage itself. What a
 * job carries is still only a copy: a stage records its result only if
 * the record it decided on is the one Redis holds (case_store_verify).
 */
#ifndef WRIT_BUS_H
#define WRIT_BUS_H

#include "bus_auth.h"

#include <stdbool.h>
#include <stddef.h>
#include "config.h"

/* The longest case id a job may carry (bus_job_t.id holds it). */
#define BUS_ID_MAX 63

/* The largest message any bus socket accepts (ZMQ_MAXMSGSIZE: a peer
 * that sends a larger one is disconnected, its message never held), for
 * every bus socket made after the call. Each daemon sets it once from
 * bus_max_message_size_setting. */
void bus_set_max_message_size(long long bytes);
/* The setting bus/max_message_size; by default WIRE_MAX_BYTES (4 MiB,
 * the largest record wire_encode_case makes: a job carries a case's
 * record, never its message) plus 64 KiB. ZMQ_MAXMSGSIZE bounds each
 * frame. */
long long bus_max_message_size_setting(writ_config_t *cfg);
/* Applies that limit to a socket (the broker's own; bus_submit_new and
 * bus_worker_new apply it themselves). sock is a zsock_t *. */
void bus_limit_message_size(void *sock);

typedef struct bus_submit_t bus_submit_t;

/* keys: this process's (bus_auth.h), applied to the socket; NULL only on a
 * bus run without keys. The socket keeps what it needs: keys may be
 * destroyed afterwards. */
bus_submit_t *bus_submit_new(const char *endpoint, const bus_keys_t *keys);
void bus_submit_destroy(bus_submit_t **self_p);
/* Never blocks: returns -1 when the bus cannot take it now (the case is
 * still pending in Redis, so the sweeper will send it later). */
int bus_submit_send(bus_submit_t *self, const char *stage, const char *id,
                    const char *record, size_t len);

typedef struct bus_worker_t bus_worker_t;

typedef struct {
    char id[64];
    char *record; /* malloc'ed; bus_job_clear frees */
    size_t len;
} bus_job_t;

bus_worker_t *bus_worker_new(const char *endpoint, const char *stage, int credit,
                             const bus_keys_t *keys);
void bus_worker_destroy(bus_worker_t **self_p);
/* Waits up to timeout_ms for a job. 1 job received, 0 timeout or
 * interrupted, -1 error. Sends heartbeats as needed. A JOB this replica
 * cannot use (wrong frames, an id over BUS_ID_MAX) is logged (at most a
 * line a second, no content) and its credit given back at once (DONE):
 * what the broker counted as sent must come back, or the stage stalls. */
int bus_worker_recv(bus_worker_t *self, bus_job_t *job, int timeout_ms);
/* Tells the broker `jobs` jobs are finished (one message for a batch). */
void bus_worker_done(bus_worker_t *self, int jobs);
/* Sends a heartbeat now if one is due. */
void bus_worker_tick(bus_worker_t *self);
void bus_job_clear(bus_job_t *job);

#endif
