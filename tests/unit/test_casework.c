/* test_casework.c -- the state machine of a person's acts (casework.c):
 * for every act, the case states it is allowed from and refused in, and
 * each rule a lawyer relies on (a live gag holds its notice, a rejected
 * account produces nothing, a closed case is not decided, an unverified
 * emergency is not disclosed, a production beyond the decision needs an
 * override, challenges and gags move only forward, reopen restores).
 * Pure functions: no Redis.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casework.h"
#include "notice.h"
#include "pipeline.h"

#define ACCT "a@northmail.example"
#define ACCT2 "b@northmail.example"

/* A case with one or two accounts, each with the given decision and
 * notice; held notices end on `until` ("" = indefinite). */
static case_t *make_case(request_type_t type, decision_t dec, notice_status_t notice,
                         const char *until, bool two)
{
    request_t *r = request_new();
    r->type = type;
    r->categories = CAT_SUBSCRIBER | CAT_TRANSACTIONAL;
    request_add_account(r, ACCT);
    if (two)
        request_add_account(r, ACCT2);
    case_t *c = case_new("c0123456789abcdef");
    case_set_request(c, r);
    for (size_t i = 0; i < c->account_count; i++) {
        account_decision_t *d = &c->accounts[i];
        d->decision = dec;
        d->notice = notice;
        d->notice_to = strdup(d->account);
        d->reason = strdup("the policy would decide partial (only subscriber)");
        /* A proposal held for review keeps what the policy granted. */
        d->granted = dec == DEC_PARTIAL || dec == DEC_NEEDS_REVIEW ? CAT_SUBSCRIBER
                     : dec == DEC_DISCLOSE ? CAT_SUBSCRIBER | CAT_TRANSACTIONAL
                                           : 0;
        snprintf(d->release_on, sizeof d->release_on, "%s", until ? until : "");
    }
    return c;
}

static cw_request_t req(cw_act_t act)
{
    return (cw_request_t){ .act = act,
                           .operator_name = "alice",
                           .reason = "on the record",
                           .today = "2026-06-01",
                           .now = "2026-06-01T10:00:00Z" };
}

static int apply(const char *state, case_t *c, json_t *cw, const cw_request_t *rq,
                 cw_result_t *out)
{
    casework_apply(state, c, cw, rq, out);
    return out->status;
}

static const char *const all_states[] = {
    STATE_RECEIVED, STATE_DECIDED, STATE_REVIEW, STATE_WAITING,
    STATE_NOTIFIED, STATE_HELD,    STATE_CLOSED,
};

/* One row: an act, the case it acts on, the states it is allowed from. */
typedef struct {
    cw_act_t act;
    decision_t dec;
    notice_status_t notice;
    const char *until;
    const char *allowed; /* space-separated states */
    const char *to;      /* state after, "" = unchanged */
} row_t;

static const row_t rows[] = {
    { CW_VERIFY, DEC_NEEDS_REVIEW, NOTICE_DEFERRED, "", "review waiting", "" },
    { CW_WAIT, DEC_NEEDS_REVIEW, NOTICE_DEFERRED, "", "review waiting", "waiting" },
    { CW_DECIDE, DEC_NEEDS_REVIEW, NOTICE_DEFERRED, "", "review waiting", "decided" },
    { CW_NOTICE_RELEASE, DEC_NEEDS_REVIEW, NOTICE_DEFERRED, "",
      "review waiting notified held", "" },
    { CW_NOTICE_WITHHOLD, DEC_NEEDS_REVIEW, NOTICE_DEFERRED, "",
      "review waiting notified held", "" },
    { CW_GAG_LIFTED, DEC_DISCLOSE, NOTICE_HELD, "2027-01-01",
      "review waiting notified held", "" },
    { CW_GAG_SET_ASIDE, DEC_DISCLOSE, NOTICE_HELD, "", "review waiting notified held",
      "" },
    { CW_GAG_EXTENDED, DEC_DISCLOSE, NOTICE_HELD, "2027-01-01",
      "review waiting notified held", "" },
    { CW_CHALLENGE_FILED, DEC_DISCLOSE, NOTICE_HELD, "", "review waiting notified held",
      "" },
    { CW_PRODUCE, DEC_DISCLOSE, NOTICE_PREPARED, "", "review waiting notified held", "" },
    { CW_CLOSE, DEC_DISCLOSE, NOTICE_PREPARED, "", "review waiting notified held",
      "closed" },
    { CW_REOPEN, DEC_DISCLOSE, NOTICE_PREPARED, "", "closed", "review" },
    { CW_NOTE, DEC_DISCLOSE, NOTICE_PREPARED, "",
      "received decided review waiting notified held closed", "" },
    { CW_EXPORT, DEC_DISCLOSE, NOTICE_PREPARED, "",
      "received decided review waiting notified held closed", "" },
};

static bool listed(const char *list, const char *state)
{
    char buf[128];
    snprintf(buf, sizeof buf, " %s ", list);
    char want[32];
    snprintf(want, sizeof want, " %s ", state);
    return strstr(buf, want) != NULL;
}

/* Every act from every state: allowed exactly where the table says, to
 * the state it says; refused elsewhere with a message and nothing
 * changed. */
static void test_every_transition(void **state)
{
    (void)state;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
        for (size_t s = 0; s < sizeof all_states / sizeof all_states[0]; s++) {
            const row_t *row = &rows[r];
            const char *from = all_states[s];
            case_t *c = make_case(REQ_SUBPOENA, row->dec, row->notice, row->until, false);
            json_t *cw = json_object();
            cw_request_t rq = req(row->act);
            rq.decision = "disclose";
            rq.until =
                row->act == CW_GAG_EXTENDED || row->act == CW_WAIT ? "2027-06-01" : NULL;
            rq.account = row->act == CW_PRODUCE ? ACCT : NULL;
            rq.categories = CAT_SUBSCRIBER;
            cw_result_t out;
            int rc = apply(from, c, cw, &rq, &out);
            bool allowed = listed(row->allowed, from);
            if (allowed != (rc == CW_OK))
                fail_msg("%s from %s: expected %s, got %d: %s",
                         casework_act_name(row->act), from,
                         allowed ? "allowed" : "refused", rc, out.message);
            assert_true(out.message[0] != '\0');
            if (allowed)
                assert_string_equal(out.new_state, row->to[0] ? row->to : from);
            else {
                assert_int_equal(rc, CW_REFUSED);
                assert_int_equal(json_object_size(cw), 0); /* nothing changed */
                assert_false(out.to_notify);
                assert_int_equal(out.held_count, 0);
            }
            json_decref(cw);
            case_destroy(&c);
        }
}

static void test_operator_and_reason_required(void **state)
{
    (void)state;
    case_t *c = make_case(REQ_SUBPOENA, DEC_NEEDS_REVIEW, NOTICE_DEFERRED, "", false);
    json_t *cw = json_object();
    cw_result_t out;
    cw_request_t rq = req(CW_VERIFY);
    rq.operator_name = NULL;
    assert_int_equal(apply(STATE_REVIEW, c, cw, &rq, &out), CW_BAD_INPUT);
    assert_non_null(strstr(out.message, "--as NAME"));
    rq = req(CW_VERIFY);
    rq.reason = "";
    assert_int_equal(apply(STATE_REVIEW, c, cw, &rq, &out), CW_BAD_INPUT);
    rq = req(CW_WAIT);
    rq.until = "2026-02-30";
    assert_int_equal(apply(STATE_REVIEW, c, cw, &rq, &out), CW_BAD_INPUT);
    assert_non_null(strstr(out.message, "bad date"));
    rq = req(CW_DECIDE);
    rq.decision = "needs_review";
    assert_int_equal(apply(STATE_REVIEW, c, cw, &rq, &out), CW_BAD_INPUT);
    rq.decision = "bogus";
    assert_int_equal(apply(STATE_REVIEW, c, cw, &rq, &out), CW_BAD_INPUT);
    rq = req(CW_VERIFY);
    rq.account = "nobody@example";
    assert_int_equal(apply(STATE_REVIEW, c, cw, &rq, &out), CW_REFUSED);
    assert_non_null(strstr(out.message, "has no account nobody@example"));
    assert_int_equal(json_object_size(cw), 0);
    json_decref(cw);
    case_destroy(&c);
}

static void test_decide_sends_on_to_notify(void **state)
{
    (void)state;
    case_t *c = make_case(REQ_SUBPOENA, DEC_NEEDS_REVIEW, NOTICE_DEFERRED, "", true);
    c->verify_requester = true;
    case_set_review(c, "requester not verified");
    json_t *cw = json_object();
    cw_result_t out;
    cw_request_t rq = req(CW_DECIDE);
    rq.account = ACCT;
    rq.accept = true; /* writ proposed partial */
    assert_int_equal(apply(STATE_WAITING, c, cw, &rq, &out), CW_OK);
    assert_string_equal(out.new_state, STATE_REVIEW); /* b@ still undecided */
    assert_false(out.to_notify);
    assert_int_equal(c->accounts[0].decision, DEC_PARTIAL);
    assert_int_equal(c->accounts[0].granted, CAT_SUBSCRIBER);
    assert_non_null(strstr(c->accounts[0].reason, "decided by alice"));
    rq = req(CW_DECIDE);
    rq.account = ACCT;
    rq.decision = "disclose";
    assert_int_equal(apply(STATE_REVIEW, c, cw, &rq, &out), CW_REFUSED);
    assert_non_null(strstr(out.message, "already decided"));
    rq.account = NULL;
    rq.decision = "reject_other";
    assert_int_equal(apply(STATE_REVIEW, c, cw, &rq, &out), CW_OK);
    assert_string_equal(out.new_state, STATE_DECIDED);
    assert_true(out.to_notify && out.record_changed && out.clear_review_reason);
    assert_int_equal(c->accounts[1].decision, DEC_REJECT_OTHER);
    assert_false(c->verify_requester);
    assert_null(c->review_reason);
    /* Notify then decides notices as for any decided case. */
    notice_decide_case(c);
    assert_string_equal(pipeline_final_state(c), STATE_NOTIFIED);
    assert_int_equal(c->accounts[0].notice, NOTICE_PREPARED);
    json_decref(cw);
    case_destroy(&c);
}

static void test_accept_without_proposal_refused(void **state)
{
    (void)state;
    case_t *c = make_case(REQ_EMERGENCY_REQUEST, DEC_EMERGENCY_REVIEW, NOTICE_DEFERRED,
                          "", false);
    free(c->accounts[0].reason);
    c->accounts[0].reason = strdup("emergency: a person decides");
    json_t *cw = json_object();
    cw_result_t out;
    cw_request_t rq = req(CW_DECIDE);
    rq.accept = true;
    assert_int_equal(apply(STATE_REVIEW, c, cw, &rq, &out), CW_REFUSED);
    assert_non_null(strstr(out.message, "no proposal"));
    json_decref(cw);
    case_destroy(&c);
}

static void test_unverified_emergency_needs_verification(void **state)
{
    (void)state;
    case_t *c = make_case(REQ_EMERGENCY_REQUEST, DEC_EMERGENCY_REVIEW, NOTICE_DEFERRED,
                          "", false);
    c->verify_requester = true;
    json_t *cw = json_object();
    cw_result_t out;
    cw_request_t rq = req(CW_DECIDE);
    rq.decision = "disclose";
    assert_int_equal(apply(STATE_REVIEW, c, cw, &rq, &out), CW_REFUSED);
    assert_non_null(strstr(out.message, "could not verify"));
    assert_int_equal(c->accounts[0].decision, DEC_EMERGENCY_REVIEW);
    rq.decision = "reject_other"; /* declining needs no check */
    case_t *c2 = make_case(REQ_EMERGENCY_REQUEST, DEC_EMERGENCY_REVIEW, NOTICE_DEFERRED,
                           "", false);
    c2->verify_requester = true;
    assert_int_equal(apply(STATE_REVIEW, c2, cw, &rq, &out), CW_OK);
    case_destroy(&c2);
    json_decref(cw);
    cw = json_object();
    cw_request_t v = req(CW_VERIFY);
    assert_int_equal(apply(STATE_REVIEW, c, cw, &v, &out), CW_OK);
    assert_int_equal(apply(STATE_REVIEW, c, cw, &v, &out), CW_REFUSED); /* twice */
    rq.decision = "disclose";
    assert_int_equal(apply(STATE_REVIEW, c, cw, &rq, &out), CW_OK);
    assert_int_equal(c->accounts[0].decision, DEC_DISCLOSE);
    assert_int_equal(c->accounts[0].granted, CAT_SUBSCRIBER | CAT_TRANSACTIONAL);
    json_decref(cw);
    case_destroy(&c);
}

static void test_live_gag_holds_notice(void **state)
{
    (void)state;
    case_t *c =
        make_case(REQ_NATIONAL_SECURITY_LETTER, DEC_DISCLOSE, NOTICE_HELD, "", false);
    json_t *cw = json_object();
    cw_result_t out;
    cw_request_t rq = req(CW_NOTICE_RELEASE);
    assert_int_equal(apply(STATE_HELD, c, cw, &rq, &out), CW_REFUSED);
    assert_non_null(strstr(out.message, "nondisclosure order"));
    cw_request_t ext = req(CW_GAG_EXTENDED);
    assert_int_equal(apply(STATE_HELD, c, cw, &ext, &out), CW_BAD_INPUT); /* no --until */
    cw_request_t lift = req(CW_GAG_SET_ASIDE);
    assert_int_equal(apply(STATE_HELD, c, cw, &lift, &out), CW_OK);
    assert_int_equal(out.held_count, 1);
    assert_int_equal(out.held[0].score, 0); /* notify prepares it now */
    assert_int_equal(apply(STATE_HELD, c, cw, &lift, &out), CW_REFUSED); /* twice */
    ext.until = "2030-01-01";
    assert_int_equal(apply(STATE_HELD, c, cw, &ext, &out), CW_REFUSED); /* after a lift */
    json_decref(cw);
    case_destroy(&c);

    /* A dated gag: extension moves the date forward only; once ended the
     * notice may be released. */
    c = make_case(REQ_COURT_ORDER, DEC_DISCLOSE, NOTICE_HELD, "2026-09-01", false);
    cw = json_object();
    ext.until = "2026-08-01";
    assert_int_equal(apply(STATE_HELD, c, cw, &ext, &out), CW_REFUSED);
    ext.until = "2027-03-01";
    assert_int_equal(apply(STATE_HELD, c, cw, &ext, &out), CW_OK);
    assert_string_equal(c->accounts[0].release_on, "2027-03-01");
    assert_int_equal(out.held[0].score, 20270301);
    assert_true(out.record_changed);
    rq.today = "2027-03-02";
    assert_int_equal(apply(STATE_HELD, c, cw, &rq, &out), CW_OK);
    assert_int_equal(out.held[0].score, 0);
    json_decref(cw);
    case_destroy(&c);
}

static void test_withhold_then_release(void **state)
{
    (void)state;
    case_t *c =
        make_case(REQ_COURT_ORDER, DEC_DISCLOSE, NOTICE_HELD, "2026-01-01", false);
    json_t *cw = json_object();
    cw_result_t out;
    cw_request_t w = req(CW_NOTICE_WITHHOLD);
    assert_int_equal(apply(STATE_HELD, c, cw, &w, &out), CW_OK);
    assert_int_equal(out.held[0].score, CW_HELD_REMOVE);
    assert_int_equal(apply(STATE_HELD, c, cw, &w, &out), CW_REFUSED);
    cw_request_t r = req(CW_NOTICE_RELEASE);
    assert_int_equal(apply(STATE_HELD, c, cw, &r, &out), CW_OK); /* gag ended */
    assert_int_equal(out.held[0].score, 0);
    assert_int_equal(apply(STATE_HELD, c, cw, &r, &out), CW_REFUSED); /* in progress */
    json_decref(cw);
    case_destroy(&c);

    c = make_case(REQ_SUBPOENA, DEC_DISCLOSE, NOTICE_PREPARED, "", false);
    cw = json_object();
    assert_int_equal(apply(STATE_NOTIFIED, c, cw, &w, &out), CW_REFUSED);
    assert_int_equal(apply(STATE_NOTIFIED, c, cw, &r, &out), CW_REFUSED);
    r.account = ACCT;
    assert_int_equal(apply(STATE_NOTIFIED, c, cw, &r, &out), CW_REFUSED);
    assert_non_null(strstr(out.message, "already prepared"));
    json_decref(cw);
    case_destroy(&c);

    /* A deferred notice with nobody to send it to stays deferred. */
    c = make_case(REQ_SUBPOENA, DEC_NEEDS_REVIEW, NOTICE_DEFERRED, "", false);
    free(c->accounts[0].notice_to);
    c->accounts[0].notice_to = NULL;
    cw = json_object();
    r.account = NULL;
    assert_int_equal(apply(STATE_REVIEW, c, cw, &r, &out), CW_REFUSED);
    assert_non_null(strstr(out.message, "admin contact"));
    json_decref(cw);
    case_destroy(&c);
}

/* notify's rule (casework_keep_withheld): a notice a person withheld is
 * never prepared -- not when the case is decided later, not when its gag
 * ends -- until a person releases it; then it is, and the case needs no
 * person any more. */
static void test_withheld_notice_never_prepared(void **state)
{
    (void)state;
    case_t *c =
        make_case(REQ_EMERGENCY_REQUEST, DEC_EMERGENCY_REVIEW, NOTICE_DEFERRED, "", true);
    case_set_review(c, "emergency request: a person decides at once");
    json_t *cw = json_object();
    cw_result_t out;
    cw_request_t w = req(CW_NOTICE_WITHHOLD);
    w.account = ACCT;
    w.reason = "the victim's safety: the account holder is the suspect";
    assert_int_equal(apply(STATE_REVIEW, c, cw, &w, &out), CW_OK);
    assert_true(casework_notice_withheld(cw, ACCT));
    assert_false(casework_notice_withheld(cw, ACCT2));
    cw_request_t dec = req(CW_DECIDE);
    dec.decision = "disclose";
    assert_int_equal(apply(STATE_REVIEW, c, cw, &dec, &out), CW_OK);
    assert_string_equal(out.new_state, STATE_DECIDED);

    /* notify: the table would prepare both; the withheld one stays back. */
    notice_decide_case(c);
    assert_int_equal(c->accounts[0].notice, NOTICE_PREPARED);
    assert_int_equal(casework_keep_withheld(c, cw), 1);
    assert_int_equal(c->accounts[0].notice, NOTICE_DEFERRED);
    assert_int_equal(c->accounts[1].notice, NOTICE_PREPARED);
    assert_string_equal(pipeline_finish(c), STATE_REVIEW);
    assert_string_equal(c->review_reason, CW_WITHHELD_REVIEW);
    /* Deciding again (a redelivery) gives the same case. */
    notice_decide_case(c);
    assert_int_equal(casework_keep_withheld(c, cw), 1);
    assert_int_equal(c->accounts[0].notice, NOTICE_DEFERRED);

    /* A person releases it: notify's release path prepares it. */
    cw_request_t r = req(CW_NOTICE_RELEASE);
    r.account = ACCT;
    assert_int_equal(apply(STATE_REVIEW, c, cw, &r, &out), CW_OK);
    assert_int_equal(out.held_count, 1);
    assert_int_equal(out.held[0].score, 0);
    assert_false(casework_notice_withheld(cw, ACCT));
    assert_int_equal(c->accounts[0].notice, NOTICE_HELD);
    assert_int_equal(pipeline_release_held(c, &c->accounts[0]), 0);
    assert_int_equal(c->accounts[0].notice, NOTICE_PREPARED);
    assert_null(c->review_reason);
    assert_string_equal(pipeline_finish(c), STATE_NOTIFIED);
    json_decref(cw);
    case_destroy(&c);

    /* Held under a gag and withheld: it stays held (the gag is still the
     * record's), but is kept back -- notify leaves it out of writ:held. */
    c = make_case(REQ_COURT_ORDER, DEC_DISCLOSE, NOTICE_HELD, "2027-01-01", false);
    cw = json_object();
    w.account = NULL;
    assert_int_equal(apply(STATE_HELD, c, cw, &w, &out), CW_OK);
    assert_int_equal(casework_keep_withheld(c, cw), 1);
    assert_int_equal(c->accounts[0].notice, NOTICE_HELD);
    assert_null(c->review_reason);
    assert_true(casework_notice_withheld(cw, ACCT));
    json_decref(cw);
    case_destroy(&c);

    /* Nothing withheld: nothing changes. */
    c = make_case(REQ_SUBPOENA, DEC_DISCLOSE, NOTICE_PREPARED, "", true);
    cw = json_object();
    assert_int_equal(casework_keep_withheld(c, cw), 0);
    assert_int_equal(c->accounts[0].notice, NOTICE_PREPARED);
    assert_null(c->review_reason);
    json_decref(cw);
    case_destroy(&c);
}

static void test_production_rules(void **state)
{
    (void)state;
    static const decision_t none[] = { DEC_REJECT_OUT_OF_JURISDICTION,
                                       DEC_REJECT_INSUFFICIENT_PROCESS,
                                       DEC_REJECT_OTHER,
                                       DEC_NO_DATA,
                                       DEC_PRESERVE,
                                       DEC_REDIRECT_TO_CUSTOMER,
                                       DEC_NEEDS_REVIEW };
    cw_result_t out;
    cw_request_t p = req(CW_PRODUCE);
    p.account = ACCT;
    p.categories = CAT_SUBSCRIBER;
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        case_t *c = make_case(REQ_SUBPOENA, none[i], NOTICE_PREPARED, "", false);
        json_t *cw = json_object();
        p.override = true; /* no override produces on these */
        assert_int_equal(apply(STATE_NOTIFIED, c, cw, &p, &out), CW_REFUSED);
        json_decref(cw);
        case_destroy(&c);
    }
    case_t *c = make_case(REQ_SUBPOENA, DEC_PARTIAL, NOTICE_PREPARED, "", false);
    json_t *cw = json_object();
    p.override = false;
    p.categories = CAT_SUBSCRIBER | CAT_CONTENT;
    assert_int_equal(apply(STATE_NOTIFIED, c, cw, &p, &out), CW_REFUSED);
    assert_non_null(strstr(out.message, "--override"));
    p.override = true;
    p.date = "2026-05-30";
    assert_int_equal(apply(STATE_NOTIFIED, c, cw, &p, &out), CW_OK);
    json_t *prod = json_array_get(
        json_object_get(json_object_get(json_object_get(cw, "accounts"), ACCT),
                        "productions"),
        0);
    assert_true(json_is_true(json_object_get(prod, "override")));
    assert_string_equal(json_string_value(json_object_get(prod, "date")), "2026-05-30");
    p.account = NULL;
    assert_int_equal(apply(STATE_NOTIFIED, c, cw, &p, &out), CW_BAD_INPUT);
    p.account = ACCT;
    p.categories = 0;
    assert_int_equal(apply(STATE_NOTIFIED, c, cw, &p, &out), CW_BAD_INPUT);
    json_decref(cw);
    case_destroy(&c);
}

static void test_challenge_lifecycle(void **state)
{
    (void)state;
    case_t *c =
        make_case(REQ_NATIONAL_SECURITY_LETTER, DEC_DISCLOSE, NOTICE_HELD, "", false);
    json_t *cw = json_object();
    cw_result_t out;
    cw_act_t refused_first[] = { CW_CHALLENGE_GRANTED, CW_CHALLENGE_DENIED,
                                 CW_CHALLENGE_WITHDRAWN };
    for (size_t i = 0; i < 3; i++) {
        cw_request_t rq = req(refused_first[i]);
        assert_int_equal(apply(STATE_HELD, c, cw, &rq, &out), CW_REFUSED);
    }
    cw_request_t f = req(CW_CHALLENGE_FILED);
    f.court = "D. Mass.";
    f.docket = "26-mc-1";
    assert_int_equal(apply(STATE_HELD, c, cw, &f, &out), CW_OK);
    assert_int_equal(apply(STATE_HELD, c, cw, &f, &out), CW_REFUSED);
    cw_request_t d = req(CW_CHALLENGE_DENIED);
    assert_int_equal(apply(STATE_HELD, c, cw, &d, &out), CW_OK);
    assert_int_equal(apply(STATE_HELD, c, cw, &d, &out), CW_REFUSED);
    assert_int_equal(apply(STATE_HELD, c, cw, &f, &out), CW_OK); /* appeal */
    cw_request_t g = req(CW_CHALLENGE_GRANTED);
    assert_int_equal(apply(STATE_HELD, c, cw, &g, &out), CW_OK);
    assert_int_equal(apply(STATE_HELD, c, cw, &f, &out), CW_REFUSED);
    json_t *ch = json_object_get(cw, "challenge");
    assert_string_equal(json_string_value(json_object_get(ch, "status")), "granted");
    assert_string_equal(json_string_value(json_object_get(ch, "court")), "D. Mass.");
    assert_int_equal(json_array_size(json_object_get(ch, "history")), 4);
    json_decref(cw);
    case_destroy(&c);
}

static void test_close_and_reopen(void **state)
{
    (void)state;
    case_t *c = make_case(REQ_SUBPOENA, DEC_NEEDS_REVIEW, NOTICE_DEFERRED, "", false);
    json_t *cw = json_object();
    cw_result_t out;
    cw_request_t w = req(CW_WAIT);
    assert_int_equal(apply(STATE_REVIEW, c, cw, &w, &out), CW_OK);
    cw_request_t cl = req(CW_CLOSE);
    assert_int_equal(apply(STATE_WAITING, c, cw, &cl, &out), CW_OK);
    assert_true(out.undated);
    cw_request_t d = req(CW_DECIDE);
    d.decision = "disclose";
    assert_int_equal(apply(STATE_CLOSED, c, cw, &d, &out), CW_REFUSED);
    assert_non_null(strstr(out.message, "reopen it first"));
    assert_int_equal(apply(STATE_CLOSED, c, cw, &cl, &out), CW_REFUSED);
    cw_request_t r = req(CW_REOPEN);
    assert_int_equal(apply(STATE_CLOSED, c, cw, &r, &out), CW_OK);
    assert_string_equal(out.new_state, STATE_WAITING);
    assert_null(json_object_get(cw, "closed"));
    assert_int_equal(apply(STATE_WAITING, c, cw, &r, &out), CW_REFUSED);
    json_decref(cw);
    case_destroy(&c);
}

static void test_proposal_parsing(void **state)
{
    (void)state;
    account_decision_t d = { .reason = "requester not verified; the policy would "
                                       "decide disclose (US subpoena suffices)" };
    assert_int_equal(casework_proposal(&d), DEC_DISCLOSE);
    d.reason = "the policy would decide needs_review (x)";
    assert_int_equal(casework_proposal(&d), DEC_NONE);
    d.reason = NULL;
    assert_int_equal(casework_proposal(&d), DEC_NONE);
    assert_true(casework_date_ok("2028-02-29"));
    assert_false(casework_date_ok("2027-02-29"));
    assert_false(casework_date_ok("2027-13-01"));
    assert_false(casework_date_ok("tomorrow"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_transition),
        cmocka_unit_test(test_operator_and_reason_required),
        cmocka_unit_test(test_decide_sends_on_to_notify),
        cmocka_unit_test(test_accept_without_proposal_refused),
        cmocka_unit_test(test_unverified_emergency_needs_verification),
        cmocka_unit_test(test_live_gag_holds_notice),
        cmocka_unit_test(test_withhold_then_release),
        cmocka_unit_test(test_withheld_notice_never_prepared),
        cmocka_unit_test(test_production_rules),
        cmocka_unit_test(test_challenge_lifecycle),
        cmocka_unit_test(test_close_and_reopen),
        cmocka_unit_test(test_proposal_parsing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
