/* casework_store.h -- reads a case for a person's act and applies the act
 * (casework.h) to Redis with one Lua script, optimistically: the script
 * checks that the case is still as it was read (state, revision, last
 * update), and only then writes the new state, record and casework
 * object, the audit entry (operator, act, reason, account), the indexes,
 * the held-notice set and, for a decision, the hand-off to notify
 * (writ:pending:notify with an expired lease: notify's sweeper takes it,
 * exactly as a stage's hand-off whose bus message was lost).
 *
 * The script is common/store/lua/act.lua; its keys (writ:case:{id} rev and
 * casework, writ:acts:{id}, writ:idx:*) are in keys.h.
 */
#ifndef WRIT_CASEWORK_STORE_H
#define WRIT_CASEWORK_STORE_H

#include "case_store.h"
#include "casework.h"

/* The create script's index payload (common/store/lua/create.lua, its last
 * argument: the search indexes, and a preservation request renewing an
 * earlier one) for a new case received at
 * received_ms: agency, reference (both lower-cased), preservation expiry
 * (days since 1970, "" unless a preservation request), whether it has
 * dates to watch, then its accounts; each field ends with a newline.
 * Caller frees; NULL when out of memory. */
char *casework_index_payload(const case_t *c, uint64_t received_ms);

/* Lower-cased, newline-free key part of an index (agency, reference),
 * as the payload and searches use it. Caller g_free()s. */
char *casework_index_key(const char *value);

/* The casework object of case id (HGET writ:case:{id} casework), for
 * notify: {} when the case was never worked on; NULL on a Redis failure
 * or an object that cannot be read -- the caller retries, since a notice
 * is never prepared without knowing whether a person withheld it.
 * Caller json_decref()s. */
json_t *casework_store_load(case_store_t *store, const char *id);

/* A case as read for an act. */
typedef struct {
    char id[CASE_ID_LEN];
    char state[32];
    char rev[24];
    char updated_at[24];
    case_t *c;  /* owned */
    json_t *cw; /* owned; {} when never worked on */
} cw_case_t;

/* 0 read, 1 no such case, -1 Redis failure or unreadable record
 * (case_store_error says which). */
int casework_store_read(case_store_t *store, const char *id, cw_case_t *out);
void cw_case_clear(cw_case_t *self);

typedef struct {
    const cw_case_t *before; /* as read */
    const cw_request_t *rq;
    const cw_result_t *res; /* casework_apply's CW_OK result */
    const char *act_id;     /* same id: applied at most once */
    const char *worker;     /* "writctl-{host}-{pid}" */
    bool unguarded;         /* notes: apply whatever the state */
} cw_commit_t;

/* Whether act_id was applied to the case already: 1 yes, 0 no, -1 error.
 * (A retried act that the state machine now refuses -- close after close
 * -- is recognised by its id.) */
int casework_store_act_known(case_store_t *store, const char *id, const char *act_id);

/* Applies the act. Returns 0 applied, 1 the case changed since it was
 * read (now_state receives its state now; nothing written), 2 this act id
 * was applied already (nothing written), 3 no such case, -1 Redis failure
 * (nothing written, or all of it: the script is atomic -- a retry with
 * the same act id tells which). */
int casework_store_commit(case_store_t *store, const cw_commit_t *p, char now_state[32]);

#endif
