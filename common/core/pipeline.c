/* pipeline.c -- case-level decisions (see pipeline.h). */
#include "pipeline.h"

#include <ctype.h>
#include <glib.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

const char *const PIPELINE_STAGES[] = { STAGE_INTAKE, STAGE_EXTRACT, STAGE_JURISDICTION,
                                        STAGE_NOTIFY, NULL };

bool pipeline_is_bus_stage(const char *name)
{
    for (const char *const *s = PIPELINE_BUS_STAGES; name && *s; s++)
        if (!strcmp(*s, name))
            return true;
    return false;
}

const char *pipeline_role(size_t i)
{
    for (size_t k = 0; PIPELINE_STAGES[k]; k++)
        if (k == i)
            return PIPELINE_STAGES[k];
    return NULL;
}

bool pipeline_may_submit(const char *role, const char *stage)
{
    if (!role || !pipeline_is_bus_stage(stage))
        return false;
    if (!strcmp(role, stage))
        return true;
    for (size_t k = 1; PIPELINE_STAGES[k]; k++) {
        if (strcmp(PIPELINE_STAGES[k], stage))
            continue;
        /* The stage before, or the one before an optional stage that a
         * case may skip (intake -> jurisdiction when a message carries no
         * documents for extract). */
        for (size_t j = k; j-- > 0;) {
            if (!strcmp(role, PIPELINE_STAGES[j]))
                return true;
            if (!pipeline_is_optional_stage(PIPELINE_STAGES[j]))
                return false;
        }
        return false;
    }
    return false;
}

bool pipeline_is_optional_stage(const char *name)
{
    return name && !strcmp(name, STAGE_EXTRACT);
}

/* An unverified requester's demand is never decided automatically: what
 * the policy would decide becomes a proposal for the person who checks
 * the requester. Facts (no data) and decisions that already wait for a
 * person stay as they are. */
static void hold_for_verification(const case_t *c, account_decision_t *d)
{
    if (d->decision == DEC_NO_DATA || d->decision == DEC_NEEDS_REVIEW ||
        d->decision == DEC_EMERGENCY_REVIEW) {
        if (d->decision == DEC_EMERGENCY_REVIEW && c->verify_reason) {
            char *reason =
                g_strdup_printf("%s; %s", d->reason ? d->reason : "", c->verify_reason);
            free(d->reason);
            d->reason = strdup(reason);
            g_free(reason);
        }
        return;
    }
    char *reason =
        g_strdup_printf("%s; the policy would decide %s (%s)",
                        c->verify_reason ? c->verify_reason : "requester not verified",
                        decision_name(d->decision), d->reason ? d->reason : "");
    free(d->reason);
    d->reason = strdup(reason);
    g_free(reason);
    d->decision = DEC_NEEDS_REVIEW;
}

const char *pipeline_decide_case(const policy_settings_t *settings, case_t *c,
                                 const location_t *locs)
{
    if (c->review_reason)
        return STATE_REVIEW;
    if (!c->request || c->account_count == 0) {
        case_set_review(c, "no targeted account could be found in the "
                           "request; a person must read it");
        return STATE_REVIEW;
    }
    for (size_t i = 0; i < c->account_count; i++) {
        policy_decide(settings, c->request, &locs[i], &c->accounts[i]);
        if (c->verify_requester)
            hold_for_verification(c, &c->accounts[i]);
    }
    return STATE_DECIDED;
}

const char *pipeline_final_state(const case_t *c)
{
    bool held = false;
    if (c->review_reason || c->verify_requester)
        return STATE_REVIEW;
    for (size_t i = 0; i < c->account_count; i++) {
        if (c->accounts[i].notice == NOTICE_DEFERRED)
            return STATE_REVIEW;
        held |= c->accounts[i].notice == NOTICE_HELD;
    }
    return held ? STATE_HELD : STATE_NOTIFIED;
}

/* Appends one clause to the reason being built ("a; b"). */
static void add_reason(GString *why, const char *clause)
{
    if (!clause || !*clause || strstr(why->str, clause))
        return;
    if (why->len)
        g_string_append(why, "; ");
    g_string_append(why, clause);
}

const char *pipeline_finish(case_t *c)
{
    const char *state = pipeline_final_state(c);
    if (strcmp(state, STATE_REVIEW) != 0 || c->review_reason)
        return state;
    GString *why = g_string_new(NULL);
    if (c->verify_requester)
        add_reason(why, c->verify_reason ? c->verify_reason : "requester not verified");
    for (size_t i = 0; i < c->account_count; i++) {
        const account_decision_t *d = &c->accounts[i];
        if (d->decision == DEC_EMERGENCY_REVIEW)
            add_reason(why, "emergency request: a person decides at once "
                            "whether to disclose voluntarily (18 U.S.C. § 2702); "
                            "the customer notice waits until the emergency has "
                            "passed");
        else if (d->decision == DEC_NEEDS_REVIEW && c->request &&
                 c->request->type == REQ_UNKNOWN)
            add_reason(why, "the request carries no recognisable legal "
                            "process; a person must read it before anything is "
                            "decided");
        else if (d->decision == DEC_NEEDS_REVIEW && !c->verify_requester)
            add_reason(why, "a decision needs a person");
    }
    if (!why->len)
        add_reason(why, "a customer notice waits for a person");
    case_set_review(c, why->str);
    g_string_free(why, TRUE);
    return pipeline_final_state(c);
}

size_t pipeline_release_held(case_t *c, account_decision_t *d)
{
    d->notice = NOTICE_PREPARED;
    size_t still = 0;
    for (size_t i = 0; i < c->account_count; i++)
        still += c->accounts[i].notice == NOTICE_HELD;
    if (still == 0)
        c->challenge_recommended = false;
    bool waits = c->verify_requester;
    for (size_t i = 0; i < c->account_count; i++) {
        const account_decision_t *a = &c->accounts[i];
        waits |= a->notice == NOTICE_DEFERRED || a->decision == DEC_NONE ||
                 a->decision == DEC_NEEDS_REVIEW || a->decision == DEC_EMERGENCY_REVIEW ||
                 a->decision >= DEC_COUNT;
    }
    if (!waits)
        case_set_review(c, NULL);
    return still;
}

void pipeline_release_note(const account_decision_t *d, size_t still_held, char *buf,
                           size_t len)
{
    const char *who = d->account && *d->account ? d->account : "an account";
    int n = d->release_on[0]
                ? snprintf(buf, len, "gag on %s ended %s: notice prepared", who,
                           d->release_on)
                : snprintf(buf, len, "gag on %s lifted: notice prepared", who);
    if (still_held && n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, "; %zu notice(s) still held", still_held);
}

long pipeline_date_number(const char *date)
{
    if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)date[i]))
            return 0;
    int y, m, d;
    if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return 0;
    return (long)y * 10000 + m * 100 + d;
}
