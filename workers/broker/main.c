/* writ-broker -- the work bus between stages (see common/bus.h).
 *
 * Wires two sockets to the dispatch bookkeeping: producers' jobs come in
 * on the submit socket, replicas ask for work on the workers socket. It
 * keeps nothing that matters: a lost broker costs only the in-memory
 * queue, which the stages' sweepers re-send from Redis.
 */
#include "bus.h"
#include "config.h"
#include "dispatch.h"
#include "log.h"
#include "case_store.h"
#include "pipeline.h"

#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REPLICA_EXPIRY_MS 3500

/* Submissions refused, by why; logged at most once a second each (a peer
 * can send them at will). A refused job costs nothing that matters: its
 * case is pending in Redis and its stage's sweeper sends it again when
 * its lease expires (a forged job names no real work at all). */
typedef struct {
    log_limit_t malformed, unknown_stage, full;
} refusals_t;

static void log_malformed(unsigned long n)
{
    log_warn(NULL, "%lu malformed submission(s) dropped", n);
}

static void log_unknown_stage(unsigned long n)
{
    log_warn(NULL, "%lu job(s) for no known stage refused", n);
}

static void log_full(unsigned long n)
{
    log_warn(NULL, "%lu job(s) refused: a stage's queue full (jobs or "
             "bytes); left to the sweeper", n);
}

/* Once a second: what was refused since the last line. */
static void log_refusals_due(refusals_t *r)
{
    unsigned long n;
    if (log_limit_due(&r->malformed, &n))
        log_malformed(n);
    if (log_limit_due(&r->unknown_stage, &n))
        log_unknown_stage(n);
    if (log_limit_due(&r->full, &n))
        log_full(n);
}

/* [stage][case id][record]: three frames, an id a replica can take. */
static bool submission_well_formed(zmsg_t *msg)
{
    if (zmsg_size(msg) != 3)
        return false;
    zmsg_first(msg);                    /* the stage */
    zframe_t *id = zmsg_next(msg);
    return zframe_size(id) > 0 && zframe_size(id) <= BUS_ID_MAX;
}

static void on_submit(dispatch_t *d, zsock_t *submit, refusals_t *refused)
{
    zmsg_t *msg = zmsg_recv(submit);
    if (!msg)
        return;
    unsigned long count;
    if (!submission_well_formed(msg)) {
        zmsg_destroy(&msg);
        if (log_limit_allow(&refused->malformed, &count))
            log_malformed(count);
        return;
    }
    char *stage = zmsg_popstr(msg);
    zmsg_pushstr(msg, stage);
    zmsg_pushstr(msg, "JOB");
    int rc = dispatch_enqueue(d, stage, &msg);
    if (rc == -2 && log_limit_allow(&refused->unknown_stage, &count))
        log_unknown_stage(count);
    else if (rc == -1 && log_limit_allow(&refused->full, &count))
        log_full(count);
    free(stage);
}

static void on_worker(dispatch_t *d, zsock_t *workers)
{
    zmsg_t *msg = zmsg_recv(workers);
    if (!msg)
        return;
    zframe_t *identity = zmsg_pop(msg);
    char *kind = zmsg_popstr(msg);
    char *stage = zmsg_popstr(msg);
    char *arg = zmsg_popstr(msg);
    uint64_t now = writ_now_ms();
    if (kind && stage) {
        if (!strcmp(kind, "READY"))
            dispatch_ready(d, identity, stage, arg ? atoi(arg) : 1, now);
        else if (!strcmp(kind, "DONE"))
            dispatch_done(d, identity, arg ? atoi(arg) : 1, now);
        else if (!strcmp(kind, "HB"))
            dispatch_heartbeat(d, identity, stage, arg ? atoi(arg) : 0, now);
    }
    free(kind);
    free(stage);
    free(arg);
    zframe_destroy(&identity);
    zmsg_destroy(&msg);
}

/* Takes everything already waiting on both sockets (up to a bound, so
 * dispatching keeps up): under load one wake-up serves many messages
 * instead of one poll per message. */
static void drain(dispatch_t *d, zsock_t *submit, zsock_t *workers,
                  refusals_t *refused)
{
    for (int i = 0; i < 256; i++) {
        bool any = false;
        if (zsock_events(workers) & ZMQ_POLLIN) {
            on_worker(d, workers);
            any = true;
        }
        if (zsock_events(submit) & ZMQ_POLLIN) {
            on_submit(d, submit, refused);
            any = true;
        }
        if (!any)
            break;
    }
}

static void dispatch_all(dispatch_t *d, zsock_t *workers)
{
    zframe_t *identity;
    zmsg_t *job;
    while (dispatch_next(d, &identity, &job)) {
        zmsg_prepend(job, &identity);
        zmsg_send(&job, workers);
    }
}

int main(int argc, char **argv)
{
    char err[256];
    const char *config_path = argc > 2 && !strcmp(argv[1], "--config") ? argv[2] : NULL;
    writ_config_t *cfg = writ_config_load(config_path, err, sizeof err);
    if (!cfg) {
        fprintf(stderr, "writ-broker: %s\n", err);
        return 78;              /* EX_CONFIG */
    }
    char worker_id[96];
    snprintf(worker_id, sizeof worker_id, "broker-%d", (int) getpid());
    writ_log_init("writ-broker", worker_id, writ_config_get(cfg, "writ/log_level", "info"));
    /* SIGINT/SIGTERM set zsys_interrupted: the loop finishes its case and
     * stops. (zsys_handler_set(NULL) first would make this a no-op.) */
    zsys_catch_interrupts();

    const char *submit_ep = writ_config_get(cfg, "bus/submit_bind", "tcp://127.0.0.1:5560");
    const char *workers_ep = writ_config_get(cfg, "bus/workers_bind", "tcp://127.0.0.1:5561");
    zsock_t *submit = zsock_new(ZMQ_PULL);
    zsock_t *workers = zsock_new(ZMQ_ROUTER);
    /* Before bind: a peer's larger message is never taken in. */
    bus_set_max_message_size(bus_max_message_size_setting(cfg));
    bus_limit_message_size(submit);
    bus_limit_message_size(workers);
    zsock_set_rcvhwm(submit, 20000);
    zsock_set_router_mandatory(workers, 1);
    if (zsock_bind(submit, "%s", submit_ep) < 0
        || zsock_bind(workers, "%s", workers_ep) < 0) {
        log_error(NULL, "cannot bind %s / %s: %s", submit_ep, workers_ep,
                  zmq_strerror(zmq_errno()));
        zsock_destroy(&submit);
        zsock_destroy(&workers);
        writ_config_destroy(&cfg);
        return 69;              /* EX_UNAVAILABLE */
    }
    dispatch_t *d = dispatch_new(PIPELINE_BUS_STAGES,
        (size_t) writ_config_get_long(cfg, "bus/max_queue", 20000),
        (size_t) writ_config_get_long(cfg, "bus/max_queue_bytes", 64L * 1024 * 1024));
    if (!d) {
        log_error(NULL, "out of memory");
        zsock_destroy(&submit);
        zsock_destroy(&workers);
        writ_config_destroy(&cfg);
        return 71;              /* EX_OSERR */
    }
    refusals_t refused = { { 0, 0 }, { 0, 0 }, { 0, 0 } };
    log_info(NULL, "ready: submit %s, workers %s (config: %s)", submit_ep,
             workers_ep, writ_config_source(cfg));

    zpoller_t *poller = zpoller_new(submit, workers, NULL);
    uint64_t next_expiry = writ_now_ms() + 1000;
    while (!zsys_interrupted) {
        zsock_t *which = (zsock_t *) zpoller_wait(poller, 500);
        if (which == submit || which == workers)
            drain(d, submit, workers, &refused);
        else if (zpoller_terminated(poller))
            break;
        dispatch_all(d, workers);
        if (writ_now_ms() >= next_expiry) {
            log_refusals_due(&refused);
            size_t gone = dispatch_expire(d, writ_now_ms(), REPLICA_EXPIRY_MS);
            if (gone)
                log_warn(NULL, "%zu silent replica(s) forgotten", gone);
            next_expiry = writ_now_ms() + 1000;
        }
    }
    log_info(NULL, "stopping");
    zpoller_destroy(&poller);
    dispatch_destroy(&d);
    zsock_destroy(&submit);
    zsock_destroy(&workers);
    writ_config_destroy(&cfg);
    return 0;
}
