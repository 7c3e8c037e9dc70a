/* case_query.h -- read-only views of cases for people and scripts: the
 * stable JSON forms `writctl case list --json` and `case show --json`
 * print, and the health summary.
 */
#ifndef WRIT_CASE_QUERY_H
#define WRIT_CASE_QUERY_H

#include <jansson.h>
#include "case_store.h"

/* Array of {id, state, message_id, received_at, updated_at, request_type,
 * requester ("Garda Síochána, IE, via US"), review_reason}, oldest first; state_filter NULL for all. NULL on a
 * Redis failure. */
json_t *case_query_list(case_store_t *store, const char *state_filter);

/* {id, state, message_id, sha256, size, received_at, updated_at,
 *  request{contract fields + authenticity}, requester (as in the list),
 *  accounts[{account, decision,
 *  reason, notice, notice_path, notice_to, release_on, comity_review,
 *  customer_type, tenant, region, country}], challenge_recommended,
 *  verify_requester, review_reason, envelope ("from=<..> to=<..>" or null),
 *  duplicate_of (the earlier case whose Message-ID this one reused with
 *  other bytes, or null),
 *  audit[{time, stage, worker, event, from, to, note}]}.
 * *missing is set when there is no such case. NULL on failure. */
json_t *case_query_show(case_store_t *store, const char *id, bool *missing);

/* {stages: {name: {live_workers: [..], pending, oldest_pending_age_s,
 *  ok}}, cases, ok}. A stage is unhealthy with no live replica (heartbeat
 * within live_ms) or when its oldest pending case waited longer than
 * max_pending_age_s. only_stage limits the check to one stage (NULL:
 * every stage of PIPELINE_STAGES). */
json_t *case_query_health(case_store_t *store, uint64_t live_ms, double max_pending_age_s,
                          const char *only_stage);

#endif
