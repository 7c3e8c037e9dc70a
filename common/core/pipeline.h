/* pipeline.h -- case-level decisions between the per-account tables:
 * whether a case can be decided automatically at all, and which state a
 * case ends in once its notices are decided. Pure functions.
 */
#ifndef WRIT_PIPELINE_H
#define WRIT_PIPELINE_H

#include "case.h"
#include "policy.h"

/* Case states, in order. */
#define STATE_DOCUMENTS "documents" /* waiting for writ-extract */
#define STATE_RECEIVED "received"
#define STATE_DECIDED "decided"
#define STATE_NOTIFIED "notified"
#define STATE_HELD "held"
#define STATE_REVIEW "review"

/* The stage names, as the bus, the Redis queues and leases, heartbeats
 * and audit entries spell them (the Lua scripts receive them as
 * arguments). intake is also the role of writ-intake. */
#define STAGE_INTAKE "intake"
#define STAGE_EXTRACT "extract"
#define STAGE_JURISDICTION "jurisdiction"
#define STAGE_NOTIFY "notify"

/* Every stage, in pipeline order, NULL-terminated: the one list of stage
 * names. intake, first, is where requests enter; every stage after it
 * takes its work from the bus (PIPELINE_BUS_STAGES), and the broker
 * refuses jobs for any other name. A new stage is added here, in order. */
extern const char *const PIPELINE_STAGES[];
#define PIPELINE_BUS_STAGES (PIPELINE_STAGES + 1)

/* Whether name is a stage that takes work from the bus. */
bool pipeline_is_bus_stage(const char *name);

/* Decides every account (locs[i] is account i's registry entry) and
 * returns the state the case moves to: STATE_DECIDED, or STATE_REVIEW
 * when it cannot be decided automatically (review_reason set). */
const char *pipeline_decide_case(const policy_settings_t *settings, case_t *c,
                                 const location_t *locs);

/* After notice_decide_case: STATE_REVIEW when a person must act (a
 * review reason, or a deferred notice), else STATE_HELD when a notice is
 * held under a gag, else STATE_NOTIFIED. */
const char *pipeline_final_state(const case_t *c);

/* pipeline_final_state, and when that is STATE_REVIEW and no reason is
 * recorded yet, the reason a person reads in `case show`: an unverified
 * requester (the verification's own reason), an emergency awaiting a
 * person, a request of no recognisable type. */
const char *pipeline_finish(case_t *c);

/* Releases the held notice of account d once its gag has ended or was
 * lifted: the notice becomes prepared, and challenge_recommended is
 * cleared when no notice is held any more (there is no gag left to
 * challenge). A case every account of which is decided, with its
 * requester verified and no notice deferred any more, needs no person:
 * its review reason ends (a withheld notice a person released).
 * Returns the number of the case's notices still held. */
size_t pipeline_release_held(case_t *c, account_decision_t *d);

/* The audit note of such a release: "gag on ACCOUNT ended 2026-03-31:
 * notice prepared; 2 notice(s) still held", "gag on ACCOUNT lifted" when
 * no end date was known. */
void pipeline_release_note(const account_decision_t *d, size_t still_held, char *buf,
                           size_t len);

/* The bus's roles follow from PIPELINE_STAGES: every stage there
 * (intake included) is a role with a key of its own (see bus_auth.h).
 * Role i is PIPELINE_STAGES[i]; NULL past the last. */
const char *pipeline_role(size_t i);
/* Whether a process of role `role` may hand a job for `stage` to the bus:
 * the role just before the stage (intake before the first) or, past an
 * optional stage, the role before that one; and the stage itself (its
 * sweeper re-sends its own expired leases). */
bool pipeline_may_submit(const char *role, const char *stage);

/* A stage a case may skip: extract, which only cases whose message
 * carries documents go through. */
bool pipeline_is_optional_stage(const char *name);

/* "YYYY-MM-DD" -> yyyymmdd as a number, 0 when empty or malformed. */
long pipeline_date_number(const char *date);

#endif
