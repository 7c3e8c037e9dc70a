/* stage_runner.c -- the shared replica loop (see stage_runner.h). */
#include "stage_runner.h"
#include "redis_login.h"
#include "bus.h"
#include "log.h"
#include "wire.h"

#include <czmq.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sysexits.h>

typedef struct {
    const stage_def_t *def;
    const char *worker;
    case_store_t *store;
    bus_submit_t *submit;
    bus_worker_t *bus;
    uint64_t lease_ms;     /* of the cases handed on */
    uint64_t own_lease_ms; /* of this stage's own cases */
    long delay_ms;         /* debug: slow this replica down */
    unsigned long done;
    uint64_t last_job_ms;
} runner_t;

static void hand_on(runner_t *r, case_t *c, const char *next_stage, const char *record,
                    size_t len)
{
    if (bus_submit_send(r->submit, next_stage, c->id, record, len) != 0)
        log_warn(c->id, "bus busy: left to the %s sweeper", next_stage);
}

static void log_forged(const char *id)
{
    log_warn(id, "the job's record is not the one in Redis (forged, or "
                 "changed meanwhile): not acted on; the stored record comes "
                 "back with the lease");
}

static void mark_undecodable(runner_t *r, bus_job_t *job, const char *err,
                             const char *sha1)
{
    /* Retrying cannot help a record that does not decode: a person must
     * look at the original message. */
    char reason[256];
    snprintf(reason, sizeof reason,
             "the case record cannot be read "
             "(%s); a person must read the original message",
             err);
    int rc =
        case_store_mark_review(r->store, job->id, r->def->stage, r->worker, reason, sha1);
    if (rc == 0)
        log_error(job->id, "undecodable record: sent to review");
    else if (rc == 4)
        log_forged(job->id);
    else if (rc != 1)
        log_warn(job->id, "undecodable record; cannot mark for review now: "
                          "stays pending");
}

/* One case of a batch on its way through process_batch. */
typedef struct {
    bus_job_t *job;
    char sha1[41];  /* of the job's record, as received */
    bool verified;  /* it is the record Redis holds */
    case_t *c;      /* NULL: did not decode */
    bool processed; /* process() succeeded */
    stage_result_t res;
    char *record; /* encoded once: Redis and next stage */
    size_t len;
} batch_item_t;

static void log_outcome(runner_t *r, case_t *c, int rc, const char *new_state)
{
    if (rc == 0)
        log_info(c->id, "%s -> %s", r->def->input_state, new_state);
    else if (rc == 1)
        log_info(c->id, "already processed (redelivery): no change");
    else if (rc == 2)
        log_warn(c->id, "case no longer exists");
    else if (rc == 3)
        log_info(c->id, "what the decision used changed meanwhile: deciding again");
    else if (rc == 4)
        log_forged(c->id);
    else
        log_warn(c->id, "cannot record result (%s): stays pending",
                 case_store_error(r->store));
}

/* A job is a copy: before anything is decided (a notice written) its
 * record must be the one Redis holds for a case waiting for this stage.
 * One round trip for the batch. */
static void verify_batch(runner_t *r, batch_item_t *items, size_t n)
{
    case_verify_t *vs = calloc(n, sizeof *vs);
    int *rcs = calloc(n, sizeof *rcs);
    if (!vs || !rcs) {
        log_warn(NULL, "out of memory: %zu case(s) stay pending", n);
        free(vs);
        free(rcs);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        case_store_record_sha1(items[i].job->record, items[i].job->len, items[i].sha1);
        vs[i] = (case_verify_t){
            .id = items[i].job->id,
            .stage = r->def->stage,
            .expect_state = r->def->input_state,
            .record_sha1 = items[i].sha1,
            .worker = r->worker,
        };
    }
    case_store_verify_batch(r->store, vs, n, rcs);
    for (size_t i = 0; i < n; i++) {
        const char *id = items[i].job->id;
        items[i].verified = rcs[i] == 0;
        if (rcs[i] == 1)
            log_info(id, "already processed (redelivery): no change");
        else if (rcs[i] == 2)
            log_warn(id, "case no longer exists");
        else if (rcs[i] == 4)
            log_forged(id);
        else if (rcs[i] != 0)
            log_warn(id, "cannot check the record (%s): stays pending",
                     case_store_error(r->store));
    }
    free(vs);
    free(rcs);
}

/* Decodes and decides every case whose record is the stored one; then
 * lets the stage make what it did durable, once for the batch. Returns
 * whether that succeeded. */
static bool decide_batch(runner_t *r, batch_item_t *items, size_t n)
{
    verify_batch(r, items, n);
    for (size_t i = 0; i < n; i++) {
        char err[160];
        bus_job_t *job = items[i].job;
        if (!items[i].verified)
            continue;
        items[i].c = wire_decode_case(job->record, job->len, err, sizeof err);
        if (!items[i].c)
            mark_undecodable(r, job, err, items[i].sha1);
        else if (r->def->process(r->def->ctx, r->store, items[i].c, &items[i].res) != 0)
            log_warn(items[i].c->id, "temporary failure; the case stays pending");
        else
            items[i].processed = true;
    }
    if (r->def->commit && r->def->commit(r->def->ctx) != 0) {
        log_warn(NULL,
                 "a batch of %zu case(s) could not be made durable: "
                 "its cases stay pending",
                 n);
        return false;
    }
    return true;
}

static case_advance_t advance_of(runner_t *r, batch_item_t *it)
{
    return (case_advance_t){
        .c = it->c,
        .stage = r->def->stage,
        .expect_state = r->def->input_state,
        .new_state = it->res.new_state,
        .next_stage = it->res.next_stage,
        .lease_ms = r->lease_ms,
        .worker = r->worker,
        .note = it->res.note,
        .held_members = it->res.held_members,
        .held_release = it->res.held_release,
        .held_count = it->res.held_count,
        .record = it->record,
        .record_len = it->len,
        .guard_key = it->res.guard_key,
        .guard_value = it->res.guard_value,
        .input_sha1 = it->sha1,
    };
}

/* Records the decided cases in one round trip and hands them on. Jobs
 * whose guard missed (decide again) are moved to the front of jobs;
 * returns their number. */
static size_t record_batch(runner_t *r, batch_item_t *items, size_t n, bus_job_t **jobs)
{
    case_advance_t *advs = calloc(n, sizeof *advs);
    batch_item_t **recorded = calloc(n, sizeof *recorded);
    int *rcs = calloc(n, sizeof *rcs);
    size_t m = 0, misses = 0;
    for (size_t i = 0; advs && recorded && rcs && i < n; i++) {
        if (!items[i].processed)
            continue;
        if (wire_encode_case(items[i].c, &items[i].record, &items[i].len) != 0) {
            log_warn(items[i].c->id, "cannot encode the result: stays pending");
            continue;
        }
        advs[m] = advance_of(r, &items[i]);
        recorded[m++] = &items[i];
    }
    case_store_advance_batch(r->store, advs, m, rcs);
    for (size_t k = 0; k < m; k++) {
        batch_item_t *it = recorded[k];
        log_outcome(r, it->c, rcs[k], it->res.new_state);
        if (rcs[k] == 0) {
            r->done++;
            if (it->res.next_stage)
                hand_on(r, it->c, it->res.next_stage, it->record, it->len);
        } else if (rcs[k] == 3)
            jobs[misses++] = it->job; /* items hold their own copy */
    }
    free(advs);
    free(recorded);
    free(rcs);
    return misses;
}

/* Decides, commits, records and hands on a batch; a case that fails
 * stays pending and its lease brings it back. Returns the number of
 * guard misses, moved to the front of jobs. */
static size_t process_batch(runner_t *r, bus_job_t **jobs, size_t n)
{
    batch_item_t *items = calloc(n, sizeof *items);
    if (!items) {
        log_warn(NULL, "out of memory: %zu case(s) stay pending", n);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        items[i].job = jobs[i];
    size_t misses = decide_batch(r, items, n) ? record_batch(r, items, n, jobs) : 0;
    for (size_t i = 0; i < n; i++) {
        if (items[i].processed && r->def->release)
            r->def->release(r->def->ctx, &items[i].res);
        free(items[i].record);
        case_destroy(&items[i].c);
    }
    free(items);
    return misses;
}

static void handle_batch(runner_t *r, bus_job_t **jobs, size_t n)
{
    if (r->delay_ms > 0)
        zclock_sleep((int)(r->delay_ms * (long)n));
    /* A guard miss means an import landed while deciding: decide again
     * from the job's record, a few times at most; after that the case
     * stays pending and its lease brings it back. */
    for (int tries = 0; tries < 3 && n > 0; tries++) {
        n = process_batch(r, jobs, n);
        if (n > 0 && r->def->stale)
            r->def->stale(r->def->ctx);
    }
}

/* Puts up to max of this stage's expired leases back on the bus. */
static void sweep(runner_t *r, size_t max)
{
    char **ids, **records;
    size_t *lens;
    int n = case_store_claim_expired(r->store, r->def->stage, r->own_lease_ms, max, &ids,
                                     &records, &lens);
    for (int i = 0; i < n; i++) {
        log_warn(ids[i], "lease expired: re-sending to %s", r->def->stage);
        bus_submit_send(r->submit, r->def->stage, ids[i], records[i], lens[i]);
    }
    if (n > 0)
        case_store_free_claims(ids, records, lens, (size_t)n);
}

/* How much a sweep takes. A busy replica sweeps only a few a second:
 * under a backlog, leases expire while cases wait in the broker's queue,
 * and re-sending them all would only grow the queue. A replica that got
 * nothing for a poll period knows the queue is empty, so what expired was
 * really lost (or never fitted in the broker's bounded queue): it takes a
 * large batch at once, and again each time it runs dry, so a backlog
 * larger than the broker's queue drains at the stage's own speed. */
#define SWEEP_BUSY 10
#define STAGE_BATCH_MAX 64
#define SWEEP_STARVED 500

static void housekeeping(runner_t *r, uint64_t *next)
{
    uint64_t now = writ_now_ms();
    if (now < *next)
        return;
    *next = now + 1000;
    if (case_store_heartbeat(r->store, r->def->stage, r->worker) != 0)
        log_warn(NULL, "redis unavailable: %s", case_store_error(r->store));
    sweep(r, now - r->last_job_ms > 1000 ? SWEEP_STARVED : SWEEP_BUSY);
    if (r->def->tick)
        r->def->tick(r->def->ctx, r->store);
}

/* SIGTERM/SIGINT end the loop after the current job; the runner owns the
 * stage workers' signal handling (installed after the sockets, so it
 * replaces czmq's), and the default action would kill the replica without
 * finishing what it holds or closing its sockets. */
static void on_stop_signal(int sig)
{
    (void)sig;
    zsys_interrupted = 1;
}

static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

/* Stopping: the broker may already have sent this replica up to `credit`
 * jobs. Finish them now rather than leave them to wait for their lease to
 * expire; no credit is given back, so no more arrive. */
static void finish_in_flight(runner_t *r)
{
    bus_job_t job, *one = &job;
    while (bus_worker_recv(r->bus, &job, 200) == 1) {
        handle_batch(r, &one, 1);
        bus_job_clear(&job);
    }
}

int stage_runner_run(writ_config_t *cfg, const stage_def_t *def, const char *worker_id)
{
    runner_t r = { .def = def, .worker = worker_id };
    char path[96];
    snprintf(path, sizeof path, "%s/credit", def->stage);
    long credit_setting = writ_config_get_long(cfg, path, 32);
    int credit = credit_setting < 1      ? 1
                 : credit_setting > 1000 ? 1000
                                         : (int)credit_setting;
    snprintf(path, sizeof path, "%s/debug_delay_ms", def->stage);
    r.delay_ms = writ_config_get_long(cfg, path, 0);
    r.lease_ms = (uint64_t)writ_config_long(cfg, "pipeline/lease_ms");
    bus_set_max_message_size(bus_max_message_size_setting(cfg));
    /* A stage whose cases take long (extract: OCR) has a lease of its own
     * ({stage}/lease_ms), so the sweeper does not re-send work in hand. */
    snprintf(path, sizeof path, "%s/lease_ms", def->stage);
    r.own_lease_ms = (uint64_t)writ_config_get_long(cfg, path, (long)r.lease_ms);
    bus_keys_t *keys = NULL;
    if (bus_keys_configured(cfg, def->stage, &keys) != 0)
        return EX_CONFIG;
    char err[256];
    r.store = redis_login_open(cfg, def->stage, def->stage, err, sizeof err);
    if (!r.store) {
        log_error(NULL, "%s", err);
        bus_keys_destroy(&keys);
        return EX_CONFIG; /* a setting to fix, not a retry */
    }
    r.submit = bus_submit_new(writ_config_str(cfg, "bus/submit"), keys);
    r.bus = bus_worker_new(writ_config_str(cfg, "bus/workers"), def->stage, credit, keys);
    bus_keys_destroy(&keys);
    if (!r.store || !r.submit || !r.bus) {
        log_error(NULL, "cannot set up redis or bus sockets");
        case_store_destroy(&r.store);
        bus_submit_destroy(&r.submit);
        bus_worker_destroy(&r.bus);
        return EX_UNAVAILABLE;
    }
    catch_stop_signals();
    log_notice(NULL, "ready: stage %s, credit %d, lease %llums", def->stage, credit,
               (unsigned long long)r.lease_ms);
    uint64_t next_housekeeping = 0;
    bus_job_t batch[STAGE_BATCH_MAX], *jobs[STAGE_BATCH_MAX];
    size_t batch_max = credit < STAGE_BATCH_MAX ? (size_t)credit : STAGE_BATCH_MAX;
    while (!zsys_interrupted) {
        housekeeping(&r, &next_housekeeping);
        int got = bus_worker_recv(r.bus, &batch[0], 250);
        if (got == 1) {
            /* Whatever else the broker already sent joins the batch. */
            size_t n = 1;
            while (n < batch_max && bus_worker_recv(r.bus, &batch[n], 0) == 1)
                n++;
            r.last_job_ms = writ_now_ms();
            for (size_t i = 0; i < n; i++)
                jobs[i] = &batch[i];
            handle_batch(&r, jobs, n);
            for (size_t i = 0; i < n; i++)
                bus_job_clear(&batch[i]);
            bus_worker_done(r.bus, (int)n);
        } else if (got == 0)
            sweep(&r, SWEEP_STARVED); /* ran dry: nothing is queued */
        else
            break;
    }
    finish_in_flight(&r);
    log_info(NULL, "stopping after %lu case(s)", r.done);
    bus_worker_destroy(&r.bus);
    bus_submit_destroy(&r.submit);
    case_store_destroy(&r.store);
    return 0;
}
