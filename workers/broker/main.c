/* writ-broker -- the work bus between stages (see common/bus.h).
 *
 * Wires two sockets to the dispatch bookkeeping: producers' jobs come in
 * on the submit socket, replicas ask for work on the workers socket. It
 * keeps nothing that matters: a lost broker costs only the in-memory
 * queue, which the stages' sweepers re-send from Redis.
 */
#include "config.h"
#include "dispatch.h"
#include "log.h"
#include "case_store.h"

#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REPLICA_EXPIRY_MS 3500

static void on_submit(dispatch_t *d, zsock_t *submit)
{
    zmsg_t *msg = zmsg_recv(submit);
    if (!msg)
        return;
    if (zmsg_size(msg) != 3) {
        log_warn(NULL, "dropped a malformed submission (%zu frames)",
                 zmsg_size(msg));
        zmsg_destroy(&msg);
        return;
    }
    char *stage = zmsg_popstr(msg);
    zmsg_pushstr(msg, stage);
    zmsg_pushstr(msg, "JOB");
    if (dispatch_enqueue(d, stage, &msg) != 0)
        log_warn(NULL, "queue for %s full: job left to the sweeper", stage);
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
static void drain(dispatch_t *d, zsock_t *submit, zsock_t *workers)
{
    for (int i = 0; i < 256; i++) {
        bool any = false;
        if (zsock_events(workers) & ZMQ_POLLIN) {
            on_worker(d, workers);
            any = true;
        }
        if (zsock_events(submit) & ZMQ_POLLIN) {
            on_submit(d, submit);
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
    dispatch_t *d = dispatch_new((size_t) writ_config_get_long(cfg, "bus/max_queue", 20000));
    log_info(NULL, "ready: submit %s, workers %s (config: %s)", submit_ep,
             workers_ep, writ_config_source(cfg));

    zpoller_t *poller = zpoller_new(submit, workers, NULL);
    uint64_t next_expiry = writ_now_ms() + 1000;
    while (!zsys_interrupted) {
        zsock_t *which = (zsock_t *) zpoller_wait(poller, 500);
        if (which == submit || which == workers)
            drain(d, submit, workers);
        else if (zpoller_terminated(poller))
            break;
        dispatch_all(d, workers);
        if (writ_now_ms() >= next_expiry) {
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
