/* pipeline.h -- case-level decisions between the per-account tables:
 * whether a case can be decided automatically at all, and which state a
 * case ends in once its notices are decided. Pure functions.
 */
#ifndef WRIT_PIPELINE_H
#define WRIT_PIPELINE_H

#include "case.h"
#include "policy.h"

/* Case states, in order. */
#define STATE_RECEIVED "received"
#define STATE_DECIDED  "decided"
#define STATE_NOTIFIED "notified"
#define STATE_HELD     "held"
#define STATE_REVIEW   "review"

/* Decides every account (locs[i] is account i's registry entry) and
 * returns the state the case moves to: STATE_DECIDED, or STATE_REVIEW
 * when it cannot be decided automatically (review_reason set). */
const char *pipeline_decide_case(const policy_settings_t *settings,
                                 case_t *c, const location_t *locs);

/* After notice_decide_case: STATE_REVIEW when a person must act (a
 * review reason, or a deferred notice), else STATE_HELD when a notice is
 * held under a gag, else STATE_NOTIFIED. */
const char *pipeline_final_state(const case_t *c);

/* "YYYY-MM-DD" -> yyyymmdd as a number, 0 when empty or malformed. */
long pipeline_date_number(const char *date);

#endif
