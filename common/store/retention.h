/* retention.h -- how long a case's customer data is kept, and the legal
 * hold that stops it being removed.
 *
 * A case in a final state (notified; closed, once cases can be closed)
 * whose last change is older than the retention setting loses its
 * original message (writ:raw:{id}) and extracted text (writ:text:{id});
 * its record (decisions), sha256, size, Message-ID and audit stay, so
 * what was decided and why remains provable and a redelivery of the same
 * message still finds its case. A case on legal hold is never purged.
 * Each act is one Lua script: atomic, idempotent, audited with the
 * operator's name. The case hash gains:
 *   hold hold_by hold_at     the legal hold's reason, who set it, when (ms)
 *   purged_at purged_by      when (ms) and by whom the data was purged
 * and writ:holds (set) lists the held case ids.
 */
#ifndef WRIT_RETENTION_H
#define WRIT_RETENTION_H

#include <stdbool.h>
#include <stdint.h>
#include "case_store.h"

/* Parses an age: N with an optional unit s, m, h or d (default d), e.g.
 * "365", "30d", "12h", "0". -1 when it is not one (negative, overflow,
 * junk). Returns milliseconds. */
int64_t retention_parse_age(const char *text);

/* Whether a case in this state is final for retention. */
bool retention_final_state(const char *state);

typedef enum {
    PURGE_DONE = 0,    /* purged now */
    PURGE_ALREADY = 1, /* purged before: nothing changed */
    PURGE_NO_CASE = 2,
    PURGE_HELD = 3,       /* on legal hold: kept */
    PURGE_NOT_FINAL = 4,  /* still being worked on: kept */
    PURGE_TOO_RECENT = 5, /* changed after the cutoff: kept */
    PURGE_ERROR = -1      /* Redis failure (case_store_error) */
} purge_result_t;

/* What a purge of a case with these fields would do (the same rules as
 * the script, for --dry-run and for choosing candidates): hold and
 * purged_at NULL or "" when absent. */
purge_result_t retention_judge(const char *state, uint64_t updated_at_ms,
                               const char *hold, const char *purged_at,
                               uint64_t cutoff_ms);

/* Purges one case if it still qualifies (judged again inside the script,
 * atomically); operator and note go into the audit. */
purge_result_t retention_purge(case_store_t *store, const char *id, uint64_t cutoff_ms,
                               const char *operator_name, const char *note);

/* Sets or releases a case's legal hold, audited. 0 done, 1 already so
 * (nothing changed), 2 no such case, -1 Redis failure. */
int retention_hold_set(case_store_t *store, const char *id, const char *reason,
                       const char *operator_name);
int retention_hold_release(case_store_t *store, const char *id, const char *reason,
                           const char *operator_name);

#endif
