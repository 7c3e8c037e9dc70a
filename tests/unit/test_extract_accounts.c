/* test_extract_accounts.c -- extraction unit tests: targeted accounts:
 * folding, de-duplication, the requester's and law enforcement's own
 * addresses excluded. Small example messages written for these tests (not
 * the labelled samples); shared helpers in extract_test.h. The code under
 * test: common/extract/ (README.md there).
 */
#include "extract_test.h"

static void accounts_fold_dedupe_exclude(void **state)
{
    (void)state;
    request_t r;
    parse_mail("Agent.Smith@fbi.gov", "Warrant",
               "Search warrant for:\n  Target.One@ExampleMail.example\n"
               "  target.one@examplemail.example\n  b2@other.example.\n"
               "Send records to agent.smith@fbi.gov or to my colleague "
               "jane.roe@fbi.gov, cc the AUSA at john.q@usdoj.gov.\n"
               "Served on legal-requests@northwind-cloud.example and "
               "support@mail.northwind-cloud.example.\n",
               &r);
    assert_int_equal(r.account_count, 2);
    assert_string_equal(r.accounts[0], "b2@other.example");
    assert_string_equal(r.accounts[1], "target.one@examplemail.example");
    request_clear(&r);
}

static void accounts_freemail_requester(void **state)
{
    (void)state;
    request_t r;
    /* A requester on free mail does not make its other users colleagues. */
    parse_mail("officer.x@gmail.com", "Emergency",
               "Emergency disclosure request for suspect.y@gmail.com\n", &r);
    assert_int_equal(r.account_count, 1);
    assert_string_equal(r.accounts[0], "suspect.y@gmail.com");
    request_clear(&r);
}

static void accounts_html_mailto(void **state)
{
    (void)state;
    const char *raw =
        "From: a@dea.gov\nTo: legal-requests@northwind-cloud.example\n"
        "Subject: Subpoena\nDate: Tue, 1 Apr 2025 09:00:00 +0000\n"
        "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        "<html><body><p>Account: <a href=\"mailto:Hidden.Target@Example.COM\">"
        "the target</a></p><p>Also <a href=\"mailto:seen@example.com\">"
        "seen&#64;example.com</a> &amp; nothing else.</p></body></html>\n";
    request_t r;
    assert_int_equal(parse_raw(raw, strlen(raw), &r), PARSE_OK);
    assert_int_equal(r.account_count, 2);
    assert_true(has_account(&r, "hidden.target@example.com"));
    assert_true(has_account(&r, "seen@example.com"));
    request_clear(&r);
}

static void request_account_set(void **state)
{
    (void)state;
    request_t *r = request_new();
    assert_int_equal(request_add_account(r, "b@x.example"), 0);
    assert_int_equal(request_add_account(r, "A@X.example"), 0);
    assert_int_equal(request_add_account(r, "a@x.example"), 0);
    assert_int_equal(request_add_account(r, "a2@x.example"), 0);
    assert_int_equal(r->account_count, 3);
    assert_string_equal(r->accounts[0], "a2@x.example");
    assert_string_equal(r->accounts[1], "a@x.example");
    assert_string_equal(r->accounts[2], "b@x.example");
    request_destroy(&r);
    assert_null(r);
}

static void accounts_gov_targets_and_contacts(void **state)
{
    (void)state;
    request_t r;
    parse_mail("agent@fbi.gov", "Search warrant 25-SW-1",
               "This warrant applies to the e-mail account "
               "treasurer@millbrookvillage.gov stored by Northwind Cloud. Send "
               "the records to the case agent at agent2@fbi.gov or to the "
               "village's counsel, counsel@millbrookvillage.gov. Contact: "
               "det.x@sheriff.millcounty.gov\n",
               &r);
    assert_int_equal(r.account_count, 1);
    assert_true(has_account(&r, "treasurer@millbrookvillage.gov"));
    request_clear(&r);
    parse_mail("ofc@smallvillepd.org", "Preservation",
               "Preserve the account corn.kid@northmail.example. You can also "
               "reach me at my personal e-mail, jb.badge204@gmail.com.\n",
               &r);
    assert_int_equal(r.account_count, 1);
    assert_true(has_account(&r, "corn.kid@northmail.example"));
    request_clear(&r);
}

/* A police department's own domain ("elmpd.org") never hosts a target,
 * even when the colleague named is not the sender. */
static void accounts_police_department_domain(void **state)
{
    (void)state;
    request_t r;
    parse_mail("agent@fbi.gov", "Subpoena 25-1",
               "Produce subscriber records of t@northmail.example.\nQuestions: "
               "AUSA Jane Roe, jane.roe@usdoj.gov, or my partner "
               "det.kim@elmpd.org.\n",
               &r);
    assert_int_equal(r.account_count, 1);
    assert_true(has_account(&r, "t@northmail.example"));
    request_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accounts_fold_dedupe_exclude),
        cmocka_unit_test(accounts_freemail_requester),
        cmocka_unit_test(accounts_html_mailto),
        cmocka_unit_test(request_account_set),
        cmocka_unit_test(accounts_gov_targets_and_contacts),
        cmocka_unit_test(accounts_police_department_domain),
    };
    parse_global_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    parse_global_shutdown();
    return rc;
}
