/* casework.c -- the state machine of a person's acts on a case (see
 * casework.h). Pure functions over the case record and its casework JSON
 * object; every refusal is worded for the lawyer who asked. The acts on
 * the accounts' notices (release, withhold, a gag's end) are in
 * casework_notices.c; what the record says without an act (a date, a
 * proposal, a live gag, a withheld notice) is in casework_record.c.
 */
#include "casework.h"
#include "casework_impl.h"
#include "pipeline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const act_names[CW_ACT_COUNT] = {
    [CW_VERIFY] = "verify",
    [CW_WAIT] = "wait",
    [CW_DECIDE] = "decide",
    [CW_NOTICE_RELEASE] = "notice release",
    [CW_NOTICE_WITHHOLD] = "notice withhold",
    [CW_GAG_LIFTED] = "gag lifted",
    [CW_GAG_SET_ASIDE] = "gag set-aside",
    [CW_GAG_EXTENDED] = "gag extended",
    [CW_CHALLENGE_FILED] = "challenge filed",
    [CW_CHALLENGE_GRANTED] = "challenge granted",
    [CW_CHALLENGE_DENIED] = "challenge denied",
    [CW_CHALLENGE_WITHDRAWN] = "challenge withdrawn",
    [CW_PRODUCE] = "produce",
    [CW_CLOSE] = "close",
    [CW_REOPEN] = "reopen",
    [CW_NOTE] = "note",
    [CW_EXPORT] = "export",
};

const char *casework_act_name(cw_act_t act)
{
    return (unsigned)act < CW_ACT_COUNT ? act_names[act] : "invalid";
}

/* ---- helpers, shared with casework_notices.c (casework_impl.h) ------------- */

int cw_refuse(cw_result_t *out, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
    out->status = status;
    return status;
}

void cw_say(cw_result_t *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
}

/* {by, at, reason} of the act: what every casework entry carries. */
json_t *cw_stamp(const cw_request_t *rq)
{
    return json_pack("{s:s,s:s,s:s}", "by", rq->operator_name, "at",
                     rq->now ? rq->now : "", "reason", rq->reason ? rq->reason : "");
}

/* The member key of o, of type (JSON_OBJECT or JSON_ARRAY): a new empty
 * one in its place when it is missing or of another type. */
json_t *cw_member_of(json_t *o, const char *key, json_type type)
{
    json_t *m = json_object_get(o, key);
    if (!m || json_typeof(m) != type) {
        m = type == JSON_ARRAY ? json_array() : json_object();
        json_object_set_new(o, key, m);
    }
    return m;
}

json_t *cw_account_entry(json_t *cw, const char *account)
{
    return cw_member_of(cw_member_of(cw, "accounts", JSON_OBJECT), account, JSON_OBJECT);
}

static account_decision_t *find_account(case_t *c, const char *account)
{
    for (size_t i = 0; account && i < c->account_count; i++)
        if (!strcmp(c->accounts[i].account, account))
            return &c->accounts[i];
    return NULL;
}

bool cw_held_add(cw_result_t *out, const char *account, long score)
{
    if (out->held_count >= sizeof out->held / sizeof out->held[0])
        return false;
    out->held[out->held_count++] = (cw_held_t){ account, score };
    return true;
}

static const char *categories_names(unsigned cats, char *buf, size_t len)
{
    buf[0] = '\0';
    for (unsigned bit = 1; bit <= CAT_CONTENT; bit <<= 1)
        if (cats & bit) {
            size_t n = strlen(buf);
            snprintf(buf + n, len - n, "%s%s", n ? "," : "", request_category_name(bit));
        }
    if (!buf[0])
        snprintf(buf, len, "nothing");
    return buf;
}

/* ---- the states each act may start from --------------------------------- */

static bool is_state(const char *state, const char *a)
{
    return state && !strcmp(state, a);
}

static bool in_pipeline(const char *state)
{
    return is_state(state, STATE_RECEIVED) || is_state(state, STATE_DECIDED);
}

static bool open_for_review(const char *state)
{
    return is_state(state, STATE_REVIEW) || is_state(state, STATE_WAITING);
}

/* Common gate: the case must be neither with the pipeline nor closed. */
static int gate_open(const char *state, json_t *cw, cw_result_t *out)
{
    if (in_pipeline(state))
        return cw_refuse(out, CW_REFUSED,
                         "writ is still working on this case "
                         "(state %s); try again in a moment",
                         state);
    if (is_state(state, STATE_CLOSED)) {
        json_t *closed = json_object_get(cw, "closed");
        return cw_refuse(out, CW_REFUSED,
                         "the case is closed (by %s: %s); "
                         "reopen it first (case reopen)",
                         cw_jget(closed, "by") ? cw_jget(closed, "by") : "someone",
                         cw_jget(closed, "reason") ? cw_jget(closed, "reason")
                                                   : "no reason recorded");
    }
    return CW_OK;
}

/* ---- the acts ---------------------------------------------------------------- */

static int act_verify(const char *state, case_t *c, json_t *cw, const cw_request_t *rq,
                      cw_result_t *out)
{
    (void)c;
    json_t *v = json_object_get(cw, "verification");
    if (v)
        return cw_refuse(out, CW_REFUSED,
                         "the requester was already verified by "
                         "%s at %s",
                         cw_jget(v, "by"), cw_jget(v, "at"));
    json_object_set_new(cw, "verification", cw_stamp(rq));
    out->new_state = is_state(state, STATE_WAITING) ? STATE_WAITING : STATE_REVIEW;
    cw_say(out, "requester verified out of band: %s", rq->reason);
    return CW_OK;
}

static int act_wait(const char *state, case_t *c, json_t *cw, const cw_request_t *rq,
                    cw_result_t *out)
{
    (void)state; /* run_act checked it is open for review */
    (void)c;
    json_t *w = cw_stamp(rq);
    if (rq->until)
        json_object_set_new(w, "until", json_string(rq->until));
    json_object_set_new(cw, "waiting", w);
    out->new_state = STATE_WAITING;
    out->dated = true;
    cw_say(out, "waiting on the requester%s%s: %s", rq->until ? " until " : "",
           rq->until ? rq->until : "", rq->reason);
    return CW_OK;
}

static bool decision_value_bad(const char *name)
{
    decision_t dec = decision_from_name(name);
    return dec >= DEC_COUNT ||
           casework_undecided(&(account_decision_t){ .decision = dec });
}

/* The decision the person asked for, for account d. */
static int decide_value(const cw_request_t *rq, const account_decision_t *d,
                        decision_t *dec, cw_result_t *out)
{
    if (rq->accept) {
        *dec = casework_proposal(d);
        if (*dec == DEC_NONE)
            return cw_refuse(out, CW_REFUSED,
                             "writ made no proposal for account "
                             "%s (%s): decide with --decision",
                             d->account, decision_name(d->decision));
        return CW_OK;
    }
    *dec = decision_from_name(rq->decision);
    (void)out;
    return CW_OK;
}

static bool discloses(decision_t d)
{
    return d == DEC_DISCLOSE || d == DEC_PARTIAL;
}

static void record_decision(case_t *c, json_t *cw, const cw_request_t *rq,
                            account_decision_t *d, decision_t dec)
{
    char *reason = NULL;
    const char *was = decision_name(casework_proposal(d));
    size_t len = strlen(rq->reason) + strlen(rq->operator_name) + 128;
    reason = malloc(len);
    if (reason) {
        if (rq->accept)
            snprintf(reason, len,
                     "decided by %s, accepting writ's proposal "
                     "(%s): %s",
                     rq->operator_name, was, rq->reason);
        else
            snprintf(reason, len, "decided by %s: %s", rq->operator_name, rq->reason);
        free(d->reason);
        d->reason = reason;
    }
    d->decision = dec;
    if (discloses(dec) && d->granted == 0)
        d->granted =
            c->request && c->request->categories ? c->request->categories : CAT_ALL;
    if (!discloses(dec))
        d->granted = 0;
    json_t *entry = cw_stamp(rq);
    json_object_set_new(entry, "decision", json_string(decision_name(dec)));
    json_object_set_new(cw_account_entry(cw, d->account), "decided", entry);
}

static bool emergency(const case_t *c)
{
    return c->request &&
           (c->request->type == REQ_EMERGENCY_REQUEST || c->request->emergency);
}

static int act_decide(const char *state, case_t *c, json_t *cw, const cw_request_t *rq,
                      cw_result_t *out)
{
    (void)state; /* run_act checked it is open for review */
    account_decision_t *only = NULL;
    if (rq->account) {
        only = find_account(c, rq->account);
        if (!casework_undecided(only))
            return cw_refuse(out, CW_REFUSED,
                             "account %s was already decided "
                             "(%s); nothing is waiting for a decision there",
                             only->account, decision_name(only->decision));
    }
    if (!rq->accept && decision_value_bad(rq->decision))
        return cw_refuse(out, CW_BAD_INPUT,
                         "unknown decision '%s': one of no_data, "
                         "preserve, reject_out_of_jurisdiction, "
                         "reject_insufficient_process, reject_other, partial, "
                         "redirect_to_customer, disclose",
                         rq->decision ? rq->decision : "");
    bool unverified = c->verify_requester && !json_object_get(cw, "verification");
    size_t decided = 0;
    /* First check every account, then change: all or nothing. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < c->account_count; i++) {
            account_decision_t *d = &c->accounts[i];
            if ((only && d != only) || !casework_undecided(d))
                continue;
            decision_t dec;
            if (decide_value(rq, d, &dec, out) != CW_OK)
                return out->status;
            if (pass == 0 && unverified && emergency(c) && discloses(dec))
                return cw_refuse(out, CW_REFUSED,
                                 "this emergency request comes "
                                 "from a requester writ could not verify: confirm "
                                 "it out of band first (case verify), then decide %s",
                                 decision_name(dec));
            if (pass == 1) {
                record_decision(c, cw, rq, d, dec);
                decided++;
            }
        }
    out->record_changed = true;
    bool remaining = false;
    for (size_t i = 0; i < c->account_count; i++)
        remaining |= casework_undecided(&c->accounts[i]);
    char what[64];
    snprintf(what, sizeof what, "%s",
             rq->accept ? "writ's proposal"
                        : decision_name(decision_from_name(rq->decision)));
    if (remaining) {
        out->new_state = STATE_REVIEW;
        cw_say(out,
               "%zu account(s) decided (%s); other accounts still wait for "
               "a decision",
               decided, what);
        return CW_OK;
    }
    json_t *entry = cw_stamp(rq);
    json_object_set_new(entry, "decision", json_string(what));
    json_object_set_new(cw, "decided", entry);
    json_object_del(cw, "waiting");
    c->verify_requester = false;
    case_set_review(c, NULL);
    out->clear_review_reason = true;
    out->new_state = STATE_DECIDED;
    out->to_notify = true;
    cw_say(out, "%zu account(s) decided (%s); the case goes on to notify", decided, what);
    return CW_OK;
}

static int act_challenge(const char *state, case_t *c, json_t *cw, const cw_request_t *rq,
                         cw_result_t *out)
{
    (void)c;
    json_t *ch = json_object_get(cw, "challenge");
    const char *st = cw_jget(ch, "status");
    const char *to = rq->act == CW_CHALLENGE_FILED     ? "filed"
                     : rq->act == CW_CHALLENGE_GRANTED ? "granted"
                     : rq->act == CW_CHALLENGE_DENIED  ? "denied"
                                                       : "withdrawn";
    bool pending = st && !strcmp(st, "filed");
    if (rq->act == CW_CHALLENGE_FILED && pending)
        return cw_refuse(out, CW_REFUSED, "a challenge is already pending (%s %s)",
                         cw_jget(ch, "court") ? cw_jget(ch, "court")
                                              : "court not recorded",
                         cw_jget(ch, "docket") ? cw_jget(ch, "docket") : "");
    if (rq->act == CW_CHALLENGE_FILED && st && !strcmp(st, "granted"))
        return cw_refuse(out, CW_REFUSED, "the challenge was already granted");
    if (rq->act != CW_CHALLENGE_FILED && !pending)
        return cw_refuse(out, CW_REFUSED,
                         "no challenge is pending: record "
                         "`challenge filed` first");
    json_t *entry = cw_stamp(rq);
    json_object_set_new(entry, "status", json_string(to));
    const char *court = rq->court ? rq->court : cw_jget(ch, "court");
    const char *docket = rq->docket ? rq->docket : cw_jget(ch, "docket");
    if (court)
        json_object_set_new(entry, "court", json_string(court));
    if (docket)
        json_object_set_new(entry, "docket", json_string(docket));
    json_t *history = json_object_get(ch, "history");
    history = json_is_array(history) ? json_incref(history) : json_array();
    json_t *h = json_deep_copy(entry);
    json_array_append_new(history, h);
    json_object_set_new(entry, "history", history);
    json_object_set_new(cw, "challenge", entry); /* frees the old one */
    court = cw_jget(entry, "court");
    docket = cw_jget(entry, "docket");
    out->new_state = state;
    cw_say(out, "challenge %s%s%s%s%s", to, court ? " in " : "", court ? court : "",
           docket ? ", docket " : "", docket ? docket : "");
    return CW_OK;
}

static const char *no_production(decision_t d)
{
    switch (d) {
    case DEC_REJECT_OUT_OF_JURISDICTION:
    case DEC_REJECT_INSUFFICIENT_PROCESS:
    case DEC_REJECT_OTHER:
        return "the demand was rejected for this account: nothing may be produced";
    case DEC_NO_DATA:
        return "we hold no data for this account";
    case DEC_PRESERVE:
        return "a preservation request only asks us to keep the data; producing "
               "it needs legal process";
    case DEC_REDIRECT_TO_CUSTOMER:
        return "the requester was sent to the customer for this account: we do "
               "not produce it ourselves";
    default:
        return "no decision has been made for this account yet: decide first (case "
               "decide)";
    }
}

static int act_produce(const char *state, case_t *c, json_t *cw, const cw_request_t *rq,
                       cw_result_t *out)
{
    account_decision_t *d = find_account(c, rq->account);
    if (!d)
        return cw_refuse(out, CW_BAD_INPUT, "produce needs --account A");
    if (rq->categories == 0 || (rq->categories & ~(unsigned)CAT_ALL))
        return cw_refuse(out, CW_BAD_INPUT,
                         "produce needs --categories, a list of "
                         "subscriber, transactional, content");
    const char *date = rq->date ? rq->date : rq->today;
    if (!discloses(d->decision))
        return cw_refuse(out, CW_REFUSED, "%s: %s (decision %s)", d->account,
                         no_production(d->decision), decision_name(d->decision));
    char asked[64], allowed[64];
    unsigned beyond = rq->categories & ~d->granted;
    if (beyond && !rq->override)
        return cw_refuse(out, CW_REFUSED,
                         "the decision for %s (%s) allows %s; %s "
                         "was not allowed: produce it only with --override and "
                         "the reason (e.g. the court's further order)",
                         d->account, decision_name(d->decision),
                         categories_names(d->granted, allowed, sizeof allowed),
                         categories_names(beyond, asked, sizeof asked));
    json_t *p = cw_stamp(rq);
    json_t *cats = json_array();
    for (unsigned bit = 1; bit <= CAT_CONTENT; bit <<= 1)
        if (rq->categories & bit)
            json_array_append_new(cats, json_string(request_category_name(bit)));
    json_object_set_new(p, "categories", cats);
    json_object_set_new(p, "date", json_string(date));
    json_object_set_new(p, "override", json_boolean(beyond != 0));
    json_t *a = cw_account_entry(cw, d->account);
    json_array_append_new(cw_member_of(a, "productions", JSON_ARRAY), p);
    out->account = d->account;
    out->new_state = state;
    cw_say(out, "produced %s for %s on %s%s",
           categories_names(rq->categories, asked, sizeof asked), d->account, date,
           beyond ? " (override: beyond the decision)" : "");
    return CW_OK;
}

static int act_close(const char *state, case_t *c, json_t *cw, const cw_request_t *rq,
                     cw_result_t *out)
{
    (void)c;
    json_t *closed = cw_stamp(rq);
    json_object_set_new(closed, "from", json_string(state));
    json_object_set_new(cw, "closed", closed);
    out->new_state = STATE_CLOSED;
    out->undated = true;
    cw_say(out, "case closed: %s", rq->reason);
    return CW_OK;
}

static int act_reopen(const char *state, case_t *c, json_t *cw, const cw_request_t *rq,
                      cw_result_t *out)
{
    (void)c;
    if (!is_state(state, STATE_CLOSED))
        return cw_refuse(out, CW_REFUSED, "the case is not closed (state %s)", state);
    static const char *const back[] = { STATE_REVIEW, STATE_WAITING, STATE_NOTIFIED,
                                        STATE_HELD };
    const char *from = cw_jget(json_object_get(cw, "closed"), "from");
    out->new_state = STATE_REVIEW;
    for (size_t i = 0; from && i < sizeof back / sizeof back[0]; i++)
        if (!strcmp(from, back[i]))
            out->new_state = back[i];
    json_t *r = cw_stamp(rq);
    json_object_set_new(r, "closed", json_deep_copy(json_object_get(cw, "closed")));
    json_object_set_new(cw, "reopened", r);
    json_object_del(cw, "closed");
    out->dated = true;
    cw_say(out, "case reopened (back to %s): %s", out->new_state, rq->reason);
    return CW_OK;
}

/* ---- dispatch -------------------------------------------------------------- */

static bool needs_reason(cw_act_t act)
{
    (void)act;
    return true; /* a note's text is its reason */
}

/* Whether the request is well formed (who, why, a known act, dates, an
 * account of the case); if not, out says why. */
static bool request_ok(case_t *c, json_t *cw, const cw_request_t *rq, cw_result_t *out)
{
    if (!rq->operator_name || !*rq->operator_name) {
        cw_refuse(out, CW_BAD_INPUT,
                  "every act names who did it: --as NAME or WRIT_OPERATOR");
        return false;
    }
    if (needs_reason(rq->act) && (!rq->reason || !*rq->reason)) {
        cw_refuse(out, CW_BAD_INPUT,
                  rq->act == CW_NOTE ? "a note needs its text"
                                     : "%s needs --reason TEXT (it goes on the record)",
                  casework_act_name(rq->act));
        return false;
    }
    if ((unsigned)rq->act >= CW_ACT_COUNT || !c || !json_is_object(cw)) {
        cw_refuse(out, CW_BAD_INPUT, "unknown act");
        return false;
    }
    if (rq->until && !casework_date_ok(rq->until)) {
        cw_refuse(out, CW_BAD_INPUT, "bad date '%s': use YYYY-MM-DD", rq->until);
        return false;
    }
    if (rq->date && !casework_date_ok(rq->date)) {
        cw_refuse(out, CW_BAD_INPUT, "bad date '%s': use YYYY-MM-DD", rq->date);
        return false;
    }
    if (rq->account && !find_account(c, rq->account)) {
        cw_refuse(out, CW_REFUSED, "case %s has no account %s", c->id, rq->account);
        return false;
    }
    return true;
}

typedef int act_fn(const char *state, case_t *c, json_t *cw, const cw_request_t *rq,
                   cw_result_t *out);

/* What runs each act and, for the acts only a case in review (or waiting on the requester)
 * takes, how each refuses a case in another state (%s: the state). The
 * note and the export change nothing here (casework_apply). */
static const struct {
    act_fn *run;
    const char *review_only;
} acts[CW_ACT_COUNT] = {
    [CW_VERIFY] = { act_verify,
                    "the case has been decided already (state %s): a verification "
                    "now changes nothing; add a note instead (case note)" },
    [CW_WAIT] = { act_wait,
                  "only a case in review can wait on the requester; this one is %s" },
    [CW_DECIDE] = { act_decide,
                    "the case has already been decided (state %s); only a case in "
                    "review can be decided" },
    [CW_NOTICE_RELEASE] = { cw_act_notice_release, NULL },
    [CW_NOTICE_WITHHOLD] = { cw_act_notice_withhold, NULL },
    [CW_GAG_LIFTED] = { cw_act_gag, NULL },
    [CW_GAG_SET_ASIDE] = { cw_act_gag, NULL },
    [CW_GAG_EXTENDED] = { cw_act_gag, NULL },
    [CW_CHALLENGE_FILED] = { act_challenge, NULL },
    [CW_CHALLENGE_GRANTED] = { act_challenge, NULL },
    [CW_CHALLENGE_DENIED] = { act_challenge, NULL },
    [CW_CHALLENGE_WITHDRAWN] = { act_challenge, NULL },
    [CW_PRODUCE] = { act_produce, NULL },
    [CW_CLOSE] = { act_close, NULL },
    [CW_REOPEN] = { act_reopen, NULL },
};

/* Runs the act (request_ok checked it is one) on work (a copy of the
 * casework object). */
static int run_act(const char *state, case_t *c, json_t *work, const cw_request_t *rq,
                   cw_result_t *out)
{
    if (acts[rq->act].review_only && !open_for_review(state))
        return cw_refuse(out, CW_REFUSED, acts[rq->act].review_only, state);
    if (acts[rq->act].run)
        return acts[rq->act].run(state, c, work, rq, out);
    return cw_refuse(out, CW_BAD_INPUT, "unknown act");
}

void casework_apply(const char *state, case_t *c, json_t *cw, const cw_request_t *rq,
                    cw_result_t *out)
{
    memset(out, 0, sizeof *out);
    out->new_state = state;
    if (!request_ok(c, cw, rq, out))
        return;
    if (rq->act == CW_NOTE) {
        cw_say(out, "note added");
        return;
    }
    if (rq->act == CW_EXPORT) { /* on the record, in any state */
        cw_say(out, "export recorded");
        return;
    }
    if (rq->act != CW_REOPEN && gate_open(state, cw, out) != CW_OK)
        return;
    if (rq->act == CW_REOPEN && in_pipeline(state)) {
        cw_refuse(out, CW_REFUSED, "the case is not closed (state %s)", state);
        return;
    }
    /* Work on copies: a refusal part-way leaves the caller's untouched. */
    json_t *work = json_deep_copy(cw);
    if (!work) {
        cw_refuse(out, CW_REFUSED, "out of memory");
        return;
    }
    int rc = run_act(state, c, work, rq, out);
    if (rc == CW_OK) {
        json_object_update(cw, work);
        /* Keys the act removed (waiting, closed) go from cw too. */
        const char *key;
        json_t *v;
        void *tmp;
        json_object_foreach_safe(cw, tmp, key, v) if (!json_object_get(work, key))
            json_object_del(cw, key);
    } else {
        out->held_count = 0;
        out->record_changed = false;
        out->to_notify = false;
    }
    json_decref(work);
}
