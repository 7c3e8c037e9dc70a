/* writ-broker -- the work bus between stages (see common/bus/bus.h).
 *
 * Wires two sockets to the dispatch bookkeeping: producers' jobs come in
 * on the submit socket, replicas ask for work on the workers socket. It
 * keeps nothing that matters: a lost broker costs only the in-memory
 * queue, which the stages' sweepers re-send from Redis.
 *
 * Both sockets are CurveZMQ servers (bus_auth.h): the broker's own ZAP
 * handler lets in only keys on its allow-list and names each peer's role,
 * and every message is checked against the role that sent it (a stage's
 * READY/HB/DONE only from that stage, a job only from the role allowed to
 * hand work to its stage). Refused messages are dropped and logged,
 * rate-limited; the cases they named stay pending in Redis.
 */
#include "bus.h"
#include "bus_auth.h"
#include "config.h"
#include "daemon_start.h"
#include "dispatch.h"
#include "log.h"
#include "case_store.h"
#include "pipeline.h"

#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sysexits.h>

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
    log_warn(NULL,
             "%lu job(s) refused: a stage's queue full (jobs or "
             "bytes); left to the sweeper",
             n);
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

static void printable(const char *in, char *out, size_t len)
{
    size_t n = 0;
    for (; in && in[n] && n + 1 < len; n++) {
        char c = in[n];
        out[n] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '_' || c == '-'
                     ? c
                     : '?';
    }
    out[n] = '\0';
}

/* Who may do what on a bus with keys; without keys (secure false)
 * everything is let through as before. */
typedef struct {
    bool secure;
    bus_refusals_t refusals;
    unsigned long refused;
} guard_t;

/* Whether the peer whose message began with frame may do `what` for
 * stage; logs a refusal (rate-limited, naming the key's role: the first
 * lines of a burst say who). */
static bool guard_allows(guard_t *g, zframe_t *frame, const char *what, const char *stage,
                         bool submit)
{
    if (!g->secure)
        return true;
    const char *role = bus_peer_role(frame);
    if (role && submit && !pipeline_is_bus_stage(stage))
        return true; /* refused by dispatch: no such stage */
    if (role && (submit ? pipeline_may_submit(role, stage)
                        : pipeline_is_bus_stage(stage) && !strcmp(role, stage)))
        return true;
    g->refused++;
    unsigned long before;
    if (!bus_refusals_admit(&g->refusals, writ_now_ms(), &before))
        return false;
    /* What the peer wrote goes to the log only as a word of a few safe
     * characters. */
    char shown_what[16], shown_stage[33];
    printable(what, shown_what, sizeof shown_what);
    printable(stage, shown_stage, sizeof shown_stage);
    log_warn(NULL,
             "bus: refused %s for stage '%s' from a peer with the %s "
             "key%s",
             shown_what, shown_stage, role ? role : "no",
             before ? " (more refusals before it, not logged)" : "");
    return false;
}

/* [stage][case id][record]: three frames, an id a replica can take. */
static bool submission_well_formed(zmsg_t *msg)
{
    if (zmsg_size(msg) != 3)
        return false;
    zmsg_first(msg); /* the stage */
    zframe_t *id = zmsg_next(msg);
    return zframe_size(id) > 0 && zframe_size(id) <= BUS_ID_MAX;
}

static void on_submit(dispatch_t *d, guard_t *g, zsock_t *submit, refusals_t *refused)
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
    if (!stage || !guard_allows(g, zmsg_first(msg), "job", stage, true)) {
        free(stage);
        zmsg_destroy(&msg);
        return;
    }
    zmsg_pushstr(msg, stage);
    zmsg_pushstr(msg, "JOB");
    int rc = dispatch_enqueue(d, stage, &msg);
    if (rc == -2 && log_limit_allow(&refused->unknown_stage, &count))
        log_unknown_stage(count);
    else if (rc == -1 && log_limit_allow(&refused->full, &count))
        log_full(count);
    free(stage);
}

static void on_worker(dispatch_t *d, guard_t *g, zsock_t *workers)
{
    zmsg_t *msg = zmsg_recv(workers);
    if (!msg)
        return;
    zframe_t *identity = zmsg_pop(msg);
    zframe_t *kind_frame = zmsg_pop(msg); /* carries the peer's role */
    char *kind = kind_frame ? zframe_strdup(kind_frame) : NULL;
    char *stage = zmsg_popstr(msg);
    char *arg = zmsg_popstr(msg);
    uint64_t now = writ_now_ms();
    if (kind && stage && !guard_allows(g, kind_frame, kind, stage, false))
        ; /* logged */
    else if (kind && stage) {
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
    zframe_destroy(&kind_frame);
    zframe_destroy(&identity);
    zmsg_destroy(&msg);
}

/* The broker's sockets and bookkeeping. */
typedef struct {
    zsock_t *submit, *workers;
    dispatch_t *dispatch;
    refusals_t refused;
    guard_t guard;
    bus_allow_t *allow; /* NULL: bus without keys */
    bus_zap_t *zap;
    bus_watch_t *watch_submit, *watch_workers;
} broker_t;

/* Takes everything already waiting on both sockets (up to a bound, so
 * dispatching keeps up): under load one wake-up serves many messages
 * instead of one poll per message. Handshakes are answered first, so a
 * client is let in (or refused) without waiting behind a backlog. */
static void drain(broker_t *b)
{
    if (b->zap)
        bus_zap_handle(b->zap);
    if (b->watch_submit)
        bus_watch_handle(b->watch_submit);
    if (b->watch_workers)
        bus_watch_handle(b->watch_workers);
    for (int i = 0; i < 256; i++) {
        bool any = false;
        if (zsock_events(b->workers) & ZMQ_POLLIN) {
            on_worker(b->dispatch, &b->guard, b->workers);
            any = true;
        }
        if (zsock_events(b->submit) & ZMQ_POLLIN) {
            on_submit(b->dispatch, &b->guard, b->submit, &b->refused);
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
        /* A replica gone since its last heartbeat cannot be reached
         * (router_mandatory): czmq keeps the message then. The case is
         * still pending in Redis; its sweeper sends it again. */
        if (zmsg_send(&job, workers) != 0)
            zmsg_destroy(&job);
    }
}

/* Makes both sockets CurveZMQ servers with the broker's key and starts
 * the ZAP handler with the allow-list (before anything binds: libzmq lets
 * clients in while no handler is bound). 0, or -1 (logged). */
static int secure(broker_t *b, const char *dir)
{
    char err[512], missing[256];
    bus_keys_t *keys = bus_keys_load(dir, "broker", err, sizeof err);
    if (keys)
        b->allow = bus_allow_load(dir, missing, sizeof missing, err, sizeof err);
    if (!keys || !b->allow) {
        log_error(NULL, "bus keys: %s", err);
        bus_keys_destroy(&keys);
        return -1;
    }
    if (*missing)
        log_warn(NULL,
                 "bus keys: no key for %s in %s: that role cannot "
                 "connect",
                 missing, dir);
    b->zap = bus_zap_new(b->allow);
    if (!b->zap) {
        log_error(NULL, "cannot start the ZAP handler: %s", zmq_strerror(zmq_errno()));
        bus_keys_destroy(&keys);
        return -1;
    }
    bus_keys_apply_server(keys, b->submit);
    bus_keys_apply_server(keys, b->workers);
    bus_keys_destroy(&keys);
    b->watch_submit = bus_watch_new(b->submit, "submit");
    b->watch_workers = bus_watch_new(b->workers, "workers");
    b->guard.secure = true;
    return 0;
}

static void broker_close(broker_t *b)
{
    bus_watch_destroy(&b->watch_submit);
    bus_watch_destroy(&b->watch_workers);
    dispatch_destroy(&b->dispatch);
    zsock_destroy(&b->submit);
    zsock_destroy(&b->workers);
    bus_zap_destroy(&b->zap);
    bus_allow_destroy(&b->allow);
}

static void run(broker_t *b)
{
    zpoller_t *poller = zpoller_new(b->submit, b->workers, NULL);
    if (b->zap)
        zpoller_add(poller, bus_zap_socket(b->zap));
    if (b->watch_submit)
        zpoller_add(poller, bus_watch_socket(b->watch_submit));
    if (b->watch_workers)
        zpoller_add(poller, bus_watch_socket(b->watch_workers));
    uint64_t next_expiry = writ_now_ms() + 1000;
    while (!zsys_interrupted) {
        void *which = zpoller_wait(poller, 500);
        if (which)
            drain(b);
        else if (zpoller_terminated(poller))
            break;
        dispatch_all(b->dispatch, b->workers);
        if (writ_now_ms() >= next_expiry) {
            log_refusals_due(&b->refused);
            size_t gone = dispatch_expire(b->dispatch, writ_now_ms(), REPLICA_EXPIRY_MS);
            if (gone)
                log_warn(NULL, "%zu silent replica(s) forgotten", gone);
            next_expiry = writ_now_ms() + 1000;
        }
    }
    zpoller_destroy(&poller);
}

int main(int argc, char **argv)
{
    char worker_id[96];
    writ_config_t *cfg = daemon_start("broker", daemon_config_arg(argc, argv), worker_id,
                                      sizeof worker_id);
    if (!cfg)
        return EX_CONFIG;
    /* SIGINT/SIGTERM set zsys_interrupted: the loop finishes its case and
     * stops. (zsys_handler_set(NULL) first would make this a no-op.) */
    zsys_catch_interrupts();

    const char *submit_ep = writ_config_str(cfg, "bus/submit_bind");
    const char *workers_ep = writ_config_str(cfg, "bus/workers_bind");
    const char *keys_dir = bus_keys_dir(cfg);
    broker_t b = { .submit = zsock_new(ZMQ_PULL), .workers = zsock_new(ZMQ_ROUTER) };
    /* Before bind: a peer's larger message is never taken in. */
    bus_set_max_message_size(bus_max_message_size_setting(cfg));
    bus_limit_message_size(b.submit);
    bus_limit_message_size(b.workers);
    zsock_set_rcvhwm(b.submit, 20000);
    zsock_set_router_mandatory(b.workers, 1);
    if (keys_dir && secure(&b, keys_dir) != 0) {
        broker_close(&b);
        writ_config_destroy(&cfg);
        return EX_CONFIG;
    }
    if (!keys_dir)
        log_warn(NULL, "bus keys are off: any local process can take and "
                       "submit work (for measurements only)");
    if (zsock_bind(b.submit, "%s", submit_ep) < 0 ||
        zsock_bind(b.workers, "%s", workers_ep) < 0) {
        log_error(NULL, "cannot bind %s / %s: %s", submit_ep, workers_ep,
                  zmq_strerror(zmq_errno()));
        broker_close(&b);
        writ_config_destroy(&cfg);
        return EX_UNAVAILABLE;
    }
    b.dispatch =
        dispatch_new(PIPELINE_BUS_STAGES, (size_t)writ_config_long(cfg, "bus/max_queue"),
                     (size_t)writ_config_long(cfg, "bus/max_queue_bytes"));
    if (!b.dispatch) {
        log_error(NULL, "out of memory");
        broker_close(&b);
        writ_config_destroy(&cfg);
        return EX_OSERR;
    }
    log_notice(NULL, "ready: submit %s, workers %s, %s (config: %s)", submit_ep,
               workers_ep, keys_dir ? "CurveZMQ" : "NO KEYS", writ_config_source(cfg));
    run(&b);
    log_info(NULL,
             "stopping (%lu message(s) refused by role, %lu connection(s) "
             "refused by key)",
             b.guard.refused, b.zap ? bus_zap_refused(b.zap) : 0);
    broker_close(&b);
    writ_config_destroy(&cfg);
    return 0;
}
