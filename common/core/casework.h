/* casework.h -- what a person may do to a case, as a state machine of pure
 * functions: given the case as it stands (its state, its record, its
 * casework object) and an act, either the act's effect (new state, the
 * record and casework object changed in place, the side effects the store
 * must apply atomically with it, one line saying what changed) or a
 * refusal a lawyer understands. No I/O: writctl reads the case, calls
 * casework_apply, and hands the result to one Lua script that applies it
 * only if the case is still as it was read (casework_store.h).
 *
 * Case states (the hash's `state`):
 *   received, decided   the pipeline is working on it (no act but note)
 *   review              a person must act
 *   waiting             waiting on the requester (case wait)
 *   notified, held      decided; notices prepared / held under a gag
 *   closed              closed by a person (case reopen undoes it)
 *
 * The casework object (JSON, the hash's `casework` field) keeps what the
 * record cannot: verification, waiting, closure, the challenge, and per
 * account the decider, the gag's lifecycle, withheld / release-requested
 * notices and the productions. See README "Working a case".
 */
#ifndef WRIT_CASEWORK_H
#define WRIT_CASEWORK_H

#include <jansson.h>
#include "case.h"

#define STATE_WAITING "waiting"
#define STATE_CLOSED "closed"

typedef enum {
    CW_VERIFY = 0,
    CW_WAIT,
    CW_DECIDE,
    CW_NOTICE_RELEASE,
    CW_NOTICE_WITHHOLD,
    CW_GAG_LIFTED,
    CW_GAG_SET_ASIDE,
    CW_GAG_EXTENDED,
    CW_CHALLENGE_FILED,
    CW_CHALLENGE_GRANTED,
    CW_CHALLENGE_DENIED,
    CW_CHALLENGE_WITHDRAWN,
    CW_PRODUCE,
    CW_CLOSE,
    CW_REOPEN,
    CW_NOTE,
    CW_EXPORT, /* the record handed out (case export) */
    CW_ACT_COUNT
} cw_act_t;

/* "verify", "gag lifted", ... (the audit's `act`). */
const char *casework_act_name(cw_act_t act);

/* One act as the person asked for it. Strings are borrowed. */
typedef struct {
    cw_act_t act;
    const char *operator_name;  /* required */
    const char *reason;         /* required except for note */
    const char *account;        /* NULL: every account it applies to */
    const char *decision;       /* decide: a decision name; NULL with accept */
    bool accept;                /* decide: take writ's proposal */
    const char *until;          /* wait / gag extended: YYYY-MM-DD */
    const char *court, *docket; /* challenge */
    unsigned categories;        /* produce: CAT_* */
    const char *date;           /* produce: YYYY-MM-DD (default today) */
    bool override;              /* produce outside the decision */
    const char *today;          /* YYYY-MM-DD */
    const char *now;            /* ISO 8601 time of the act */
} cw_request_t;

/* A change to writ:held for one account: score yyyymmdd, 0 = release now
 * (notify's release path prepares it), CW_HELD_FOREVER = until a person
 * acts, CW_HELD_REMOVE = out of the set. */
#define CW_HELD_FOREVER (-2L)
#define CW_HELD_REMOVE (-1L)
typedef struct {
    const char *account; /* borrowed from the case */
    long score;
} cw_held_t;

enum { CW_OK = 0, CW_REFUSED = 1, CW_BAD_INPUT = 64 };

typedef struct {
    int status;            /* CW_OK, CW_REFUSED, CW_BAD_INPUT */
    char message[768];     /* what changed, or why not */
    const char *new_state; /* static string */
    bool record_changed;   /* c was changed: store it */
    bool to_notify;        /* hand to notify (pending, lease expired) */
    bool clear_review_reason;
    bool dated;   /* keep in the dates index (due) */
    bool undated; /* out of the dates index */
    cw_held_t held[64];
    size_t held_count;
    const char *account; /* the account of the audit entry, or NULL */
} cw_result_t;

/* Applies rq to the case: on CW_OK c and cw are changed in place and out
 * says what else to store; otherwise nothing is changed and out->message
 * says why. cw must be a JSON object (an empty one for a case never
 * worked on). state is the hash's state. */
void casework_apply(const char *state, case_t *c, json_t *cw, const cw_request_t *rq,
                    cw_result_t *out);

/* writ's proposal for an account held for review: the decision the
 * policy would have made, from the reason the pipeline recorded (DEC_NONE
 * when it made none, e.g. an emergency). */
decision_t casework_proposal(const account_decision_t *d);

/* Whether an account still waits for a person's decision. */
bool casework_undecided(const account_decision_t *d);

/* "YYYY-MM-DD" valid calendar date. */
bool casework_date_ok(const char *s);

/* Whether the gag on an account's notice is still in force today
 * (YYYY-MM-DD): held, not lifted or set aside, and its end not reached. */
bool casework_gag_live(const account_decision_t *d, json_t *cw, const char *today);

/* Whether a person withheld the notice to account (case notice withhold)
 * and has not released it since (case notice release). */
bool casework_notice_withheld(json_t *cw, const char *account);

/* notify's rule over the notice table (notice_decide_case), before it
 * prepares anything: a notice a person withheld is never prepared. One
 * the table would prepare stays deferred -- the case in review, saying
 * why, until a person releases it; one held under a gag stays held, and
 * notify keeps it out of writ:held (casework_notice_withheld), so the
 * gag's end does not send it either. Returns how many were kept back. */
size_t casework_keep_withheld(case_t *c, json_t *cw);

#define CW_WITHHELD_REVIEW                          \
    "a person withheld a customer notice: it goes " \
    "out only when a person releases it (case notice release)"

#endif
