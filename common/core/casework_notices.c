/* casework_notices.c -- the acts on the notices of a case's accounts:
 * release, withhold, and the end (or extension) of a gag. Each is a table
 * row (notice_act_t: which accounts it takes, a check, a change) run by one
 * two-pass driver that checks every account before it changes any, so a
 * refusal leaves nothing half done. Split from casework.c, whose helpers
 * (cw_refuse, cw_stamp, ...) it shares through casework_impl.h.
 */
#include "casework.h"
#include "casework_impl.h"
#include "pipeline.h"

#include <stdio.h>
#include <string.h>

static bool has_notice(const account_decision_t *d)
{
    return d->notice == NOTICE_HELD || d->notice == NOTICE_DEFERRED;
}

/* An act on the notices of a case's accounts (release, withhold, the end
 * of a gag): the accounts it takes when the person names none, why one it
 * takes cannot take it now, what it does to one, and the refusal when it
 * takes none. */
typedef struct {
    bool (*due)(const account_decision_t *d);
    int (*check)(account_decision_t *d, json_t *cw, const cw_request_t *rq,
                 cw_result_t *out);
    void (*change)(account_decision_t *d, json_t *cw, const cw_request_t *rq,
                   cw_result_t *out);
    const char *none;
    const char *done; /* what was done, of *n accounts (NULL: the act says) */
} notice_act_t;

static bool act_takes(const notice_act_t *act, const account_decision_t *d,
                      const cw_request_t *rq)
{
    return rq->account ? !strcmp(d->account, rq->account) : act->due(d);
}

/* Checks every account the act takes, then changes them all, so a refusal
 * leaves nothing half done; *n receives how many it changed. */
static int on_each_account(const notice_act_t *act, const char *state, case_t *c,
                           json_t *cw, const cw_request_t *rq, cw_result_t *out,
                           size_t *n)
{
    for (size_t i = 0; i < c->account_count; i++)
        if (act_takes(act, &c->accounts[i], rq) &&
            act->check(&c->accounts[i], cw, rq, out) != CW_OK)
            return out->status;
    *n = 0;
    for (size_t i = 0; i < c->account_count; i++) {
        account_decision_t *d = &c->accounts[i];
        if (!act_takes(act, d, rq))
            continue;
        act->change(d, cw, rq, out);
        if (!out->account)
            out->account = d->account;
        (*n)++;
    }
    if (*n == 0)
        return cw_refuse(out, CW_REFUSED, "%s", act->none);
    out->new_state = state;
    if (act->done)
        cw_say(out, act->done, *n);
    return CW_OK;
}

/* Whether the notice of d can go to the state (the act's own: said is how
 * a refusal words it); if not, out says why. */
static int notice_can_go(const account_decision_t *d, json_t *cw, const char *state,
                         const char *said, cw_result_t *out)
{
    if (d->notice == NOTICE_PREPARED)
        return cw_refuse(out, CW_REFUSED,
                         "the notice to %s was already prepared (%s); it "
                         "cannot be called back",
                         d->account, d->notice_path ? d->notice_path : "in the outbox");
    if (!has_notice(d))
        return cw_refuse(out, CW_REFUSED, "no notice is due for %s (decision %s)",
                         d->account, decision_name(d->decision));
    const char *ns = cw_notice_state(cw, d->account);
    if (ns && !strcmp(ns, state))
        return cw_refuse(out, CW_REFUSED, "the notice to %s is already %s", d->account,
                         said);
    return CW_OK;
}

/* Records the notice of d in the state, and who put it there under key. */
static void notice_record(json_t *cw, const account_decision_t *d, const char *state,
                          const char *key, const cw_request_t *rq)
{
    json_t *a = cw_account_entry(cw, d->account);
    json_object_set_new(a, "notice", json_string(state));
    json_object_set_new(a, key, cw_stamp(rq));
}

static int release_check(account_decision_t *d, json_t *cw, const cw_request_t *rq,
                         cw_result_t *out)
{
    if (notice_can_go(d, cw, "release_requested", "being prepared", out) != CW_OK)
        return out->status;
    if (!d->notice_to)
        return cw_refuse(out, CW_REFUSED,
                         "there is nobody to send the "
                         "notice to %s to: the tenant has no admin "
                         "contact in the registry",
                         d->account);
    if (casework_gag_live(d, cw, rq->today))
        return cw_refuse(out, CW_REFUSED,
                         "the notice to %s is held "
                         "under a nondisclosure order %s%s; record the "
                         "order's end first (case gag ... lifted or "
                         "set-aside)",
                         d->account, d->release_on[0] ? "until " : "with no end date",
                         d->release_on);
    return CW_OK;
}

static void release_change(account_decision_t *d, json_t *cw, const cw_request_t *rq,
                           cw_result_t *out)
{
    if (d->notice == NOTICE_DEFERRED) {
        d->notice = NOTICE_HELD; /* notify's release path prepares it */
        d->release_on[0] = '\0';
        out->record_changed = true;
    }
    notice_record(cw, d, "release_requested", "notice_released", rq);
    cw_held_add(out, d->account, 0);
}

static const notice_act_t notice_release = {
    .due = has_notice,
    .check = release_check,
    .change = release_change,
    .none = "no notice of this case is held or deferred",
    .done = "%zu notice(s) released: notify prepares them now",
};

static int withhold_check(account_decision_t *d, json_t *cw, const cw_request_t *rq,
                          cw_result_t *out)
{
    (void)rq;
    return notice_can_go(d, cw, "withheld", "withheld", out);
}

static void withhold_change(account_decision_t *d, json_t *cw, const cw_request_t *rq,
                            cw_result_t *out)
{
    notice_record(cw, d, "withheld", "notice_withheld", rq);
    if (d->notice == NOTICE_HELD)
        cw_held_add(out, d->account, CW_HELD_REMOVE);
}

static const notice_act_t notice_withhold = {
    .due = has_notice,
    .check = withhold_check,
    .change = withhold_change,
    .none = "no notice of this case is held or deferred",
    .done = "%zu notice(s) withheld: none goes out until released",
};

static bool held_under_gag(const account_decision_t *d)
{
    return d->notice == NOTICE_HELD;
}

static int gag_check(account_decision_t *d, json_t *cw, const cw_request_t *rq,
                     cw_result_t *out)
{
    if (d->notice != NOTICE_HELD)
        return cw_refuse(out, CW_REFUSED,
                         "the notice to %s is not held under a gag (notice %s)",
                         d->account, notice_status_name(d->notice));
    const char *gs = cw_gag_state(cw, d->account);
    if (gs && (!strcmp(gs, "lifted") || !strcmp(gs, "set_aside")))
        return cw_refuse(out, CW_REFUSED, "the gag on %s was already %s", d->account,
                         !strcmp(gs, "lifted") ? "lifted" : "set aside");
    if (rq->act == CW_GAG_EXTENDED && d->release_on[0] &&
        pipeline_date_number(rq->until) <= pipeline_date_number(d->release_on))
        return cw_refuse(out, CW_REFUSED,
                         "the new end date %s is not "
                         "later than the current one (%s)",
                         rq->until, d->release_on);
    return CW_OK;
}

static void gag_change(account_decision_t *d, json_t *cw, const cw_request_t *rq,
                       cw_result_t *out)
{
    const char *to = rq->act == CW_GAG_LIFTED      ? "lifted"
                     : rq->act == CW_GAG_SET_ASIDE ? "set_aside"
                                                   : "extended";
    json_t *g = cw_stamp(rq);
    json_object_set_new(g, "state", json_string(to));
    json_object_set_new(g, "was_until", json_string(d->release_on));
    json_t *a = cw_account_entry(cw, d->account);
    const char *ns = cw_notice_state(cw, d->account);
    bool withheld = ns && !strcmp(ns, "withheld");
    if (rq->act == CW_GAG_EXTENDED) {
        json_object_set_new(g, "until", json_string(rq->until));
        snprintf(d->release_on, sizeof d->release_on, "%s", rq->until);
        out->record_changed = true;
        if (!withheld)
            cw_held_add(out, d->account, pipeline_date_number(rq->until));
    } else if (!withheld && d->notice_to) {
        cw_held_add(out, d->account, 0); /* notify prepares it now */
        json_object_set_new(a, "notice", json_string("release_requested"));
    }
    json_array_append(cw_member_of(a, "gag_history", JSON_ARRAY), g);
    json_object_set_new(a, "gag", g);
}

static const notice_act_t gag_end = {
    .due = held_under_gag,
    .check = gag_check,
    .change = gag_change,
    .none = "no notice of this case is held under a gag",
};

int cw_act_gag(const char *state, case_t *c, json_t *cw, const cw_request_t *rq,
               cw_result_t *out)
{
    if (rq->act == CW_GAG_EXTENDED && !rq->until)
        return cw_refuse(out, CW_BAD_INPUT,
                         "gag extended needs the new end date: --until YYYY-MM-DD");
    size_t n;
    if (on_each_account(&gag_end, state, c, cw, rq, out, &n) != CW_OK)
        return out->status;
    if (rq->act == CW_GAG_EXTENDED)
        cw_say(out, "gag extended to %s on %zu account(s)", rq->until, n);
    else
        cw_say(out, "gag %s on %zu account(s): held notices are released to notify",
               rq->act == CW_GAG_LIFTED ? "lifted" : "set aside", n);
    out->dated = true;
    return CW_OK;
}

int cw_act_notice_release(const char *state, case_t *c, json_t *cw,
                          const cw_request_t *rq, cw_result_t *out)
{
    size_t n;
    return on_each_account(&notice_release, state, c, cw, rq, out, &n);
}

int cw_act_notice_withhold(const char *state, case_t *c, json_t *cw,
                           const cw_request_t *rq, cw_result_t *out)
{
    size_t n;
    return on_each_account(&notice_withhold, state, c, cw, rq, out, &n);
}
