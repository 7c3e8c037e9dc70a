/* stage_runner.h -- the loop every pipeline stage replica runs.
 *
 * It wires Redis and the bus around a stage's pure processing function:
 * take a job from the broker (and whatever else the broker has already
 * sent, up to the replica's credit: a batch), check in one round trip
 * that each job's record is the one Redis holds for a case waiting for
 * this stage (a job is only a copy: a forged or stale one is refused and
 * audited, and its lease brings the stored record back), decode each
 * case, let the stage decide, record every result and hand-off atomically per case in
 * one Redis round trip for the batch, send the cases on to the next
 * stage, ask for more. Under light load a batch is one case; under load
 * the fixed costs (round trips, flushes, wake-ups) are shared. It also heartbeats (so `writctl health`
 * sees the replica) and sweeps its stage's expired leases back onto the
 * bus, which is what makes delivery at-least-once whatever crashes.
 */
#ifndef WRIT_STAGE_RUNNER_H
#define WRIT_STAGE_RUNNER_H

#include "case.h"
#include "case_store.h"
#include "config.h"

#define STAGE_MAX_HELD 1000

typedef struct {
    const char *new_state;                    /* static string */
    const char *next_stage;                   /* static string or NULL */
    char note[256];                           /* audit note: no personal data */
    const char *held_members[STAGE_MAX_HELD]; /* owned by the stage */
    long held_release[STAGE_MAX_HELD];
    size_t held_count;
    /* Optional: record only while Redis key guard_key still holds
     * guard_value (e.g. the registry version the decision used). */
    const char *guard_key;
    char guard_value[32];
} stage_result_t;

typedef struct {
    const char *stage;       /* "jurisdiction", "notify" */
    const char *input_state; /* the state cases arrive in */
    /* Decides; returns 0, or -1 for a temporary failure (the case stays
     * pending and comes back after its lease). */
    int (*process)(void *ctx, case_store_t *store, case_t *c, stage_result_t *out);
    /* Called once a batch's cases are processed and before any of their
     * results is recorded: makes what process did durable (notify: one
     * flush for the batch's notice files). -1: nothing of the batch is
     * recorded; its cases stay pending and come back after their lease.
     * May be NULL. */
    int (*commit)(void *ctx);
    /* Frees what process put in out (held_members). May be NULL. */
    void (*release)(void *ctx, stage_result_t *out);
    /* Called about once a second between jobs (e.g. releasing gags that
     * ended). May be NULL. */
    void (*tick)(void *ctx, case_store_t *store);
    /* The guard did not match: what process relied on changed (a registry
     * import). Called before the case is decided again. May be NULL. */
    void (*stale)(void *ctx);
    void *ctx;
} stage_def_t;

/* Runs until SIGINT/SIGTERM; returns the process exit status. */
int stage_runner_run(writ_config_t *cfg, const stage_def_t *def, const char *worker_id);

#endif
