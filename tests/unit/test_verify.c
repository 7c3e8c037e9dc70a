/* test_verify.c -- requester verification: the agencies table, which
 * Authentication-Results are believed, and what an unverified request's
 * decisions become. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agencies.h"
#include "case.h"
#include "notice.h"
#include "parse.h"
#include "pipeline.h"

static agencies_t *table(void)
{
    agencies_t *a = agencies_new();
    agencies_add(a, "FBI", "US", "fbi.gov, ic.fbi.gov");
    agencies_add(a, "BKA", "DE", "bka.bund.de");
    return a;
}

static void test_domain_match(void **state)
{
    (void) state;
    agencies_t *a = table();
    assert_string_equal(agencies_match(a, "agent@fbi.gov"), "FBI");
    assert_string_equal(agencies_match(a, "x@mail.ic.fbi.gov"), "FBI");
    assert_null(agencies_match(a, "x@notfbi.gov"));        /* look-alike */
    assert_null(agencies_match(a, "x@fbi.gov.evil.example"));
    assert_null(agencies_match(a, "no-at-sign"));
    agencies_destroy(&a);
    assert_null(a);
}

static void test_shipped_table_loads(void **state)
{
    (void) state;
    char path[4096], err[256];
    const char *src = getenv("WRIT_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/config/agencies.zpl", src ? src : ".");
    agencies_t *a = agencies_load(path, err, sizeof err);
    assert_non_null(a);
    assert_true(agencies_count(a) >= 10);
    assert_non_null(agencies_match(a, "someone@usss.dhs.gov"));
    agencies_destroy(&a);
    assert_null(agencies_load("/nonexistent.zpl", err, sizeof err));
}

static const char *MSG_FMT =
    "Authentication-Results: %s; dkim=pass header.d=fbi.gov; spf=pass;\r\n"
    "  dmarc=%s header.from=fbi.gov\r\n"
    "%s"
    "From: Agent <agent@%s>\r\n"
    "To: legal-requests@northwind-cloud.example\r\n"
    "Subject: National Security Letter NSL-1\r\n"
    "Date: Mon, 3 Feb 2025 10:00:00 +0000\r\n"
    "Message-ID: <v1@x>\r\n\r\n"
    "Under 18 U.S.C. 2709 provide subscriber name and address for\r\n"
    "target@northmail.example.\r\n";

static request_t *parse_with(const char *authserv, const char *dmarc,
                             const char *extra, const char *domain)
{
    char msg[2048];
    snprintf(msg, sizeof msg, MSG_FMT, authserv, dmarc, extra, domain);
    parse_settings_t ps;
    parse_settings_default(&ps);
    agencies_t *a = table();
    ps.agencies = a;
    request_t *r = request_new();
    char err[128];
    assert_int_equal(parse_message(&ps, msg, strlen(msg), r, err, sizeof err), PARSE_OK);
    agencies_destroy(&a);
    return r;
}

static void test_trusted_gateway_and_known_domain_verify(void **state)
{
    (void) state;
    request_t *r = parse_with("mx1.northwind-cloud.example", "pass", "", "fbi.gov");
    assert_string_equal(r->auth.dmarc, "pass");
    assert_true(r->auth.known_agency);
    assert_true(r->auth.verified);
    char why[256];
    agencies_unverified_reason(r, why, sizeof why);
    assert_string_equal(why, "");
    request_destroy(&r);
}

static void test_untrusted_results_are_ignored(void **state)
{
    (void) state;
    /* A sender can write any Authentication-Results it likes; only the
     * provider's own gateway's count. */
    request_t *r = parse_with("mx.attacker.example", "pass", "", "fbi.gov");
    assert_string_equal(r->auth.dmarc, "");
    assert_true(r->auth.known_agency);
    assert_false(r->auth.verified);
    char why[256];
    agencies_unverified_reason(r, why, sizeof why);
    assert_non_null(strstr(why, "DMARC"));
    request_destroy(&r);
    /* A forged trusted header below the gateway's own is not believed. */
    r = parse_with("mx1.northwind-cloud.example", "fail",
                   "Authentication-Results: mx1.northwind-cloud.example; dmarc=pass\r\n",
                   "fbi.gov");
    assert_string_equal(r->auth.dmarc, "fail");
    assert_false(r->auth.verified);
    request_destroy(&r);
}

static void test_dmarc_fail_or_unknown_domain_not_verified(void **state)
{
    (void) state;
    request_t *r = parse_with("mx1.northwind-cloud.example", "fail", "", "fbi.gov");
    assert_false(r->auth.verified);
    request_destroy(&r);
    r = parse_with("mx1.northwind-cloud.example", "pass", "", "fbi-gov.example");
    assert_false(r->auth.known_agency);
    assert_false(r->auth.verified);
    char why[256];
    agencies_unverified_reason(r, why, sizeof why);
    assert_non_null(strstr(why, "not a known agency"));
    request_destroy(&r);
}

static location_t consumer_us(void)
{
    location_t l = { .found = true, .enterprise = false };
    strcpy(l.region, "us-east-1");
    strcpy(l.country, "US");
    return l;
}

static void test_unverified_case_is_not_decided_automatically(void **state)
{
    (void) state;
    policy_settings_t ps;
    policy_settings_default(&ps);
    case_t *c = case_new("cv");
    request_t *r = request_new();
    r->type = REQ_SEARCH_WARRANT;
    r->categories = CAT_CONTENT;
    request_set_string(&r->issuing_country, "US");
    request_add_account(r, "a@northmail.example");
    request_add_account(r, "b@northmail.example");
    case_set_request(c, r);
    c->verify_requester = true;
    c->verify_reason = strdup("requester not verified: test");
    location_t locs[2] = { consumer_us(), { .found = false } };
    assert_string_equal(pipeline_decide_case(&ps, c, locs), STATE_DECIDED);
    /* a@: disclose becomes a proposal for a person; b@: no data stays. */
    assert_int_equal(c->accounts[0].decision, DEC_NEEDS_REVIEW);
    assert_non_null(strstr(c->accounts[0].reason, "would decide disclose"));
    assert_int_equal(c->accounts[1].decision, DEC_NO_DATA);
    notice_decide_case(c);
    assert_int_equal(c->accounts[0].notice, NOTICE_DEFERRED);
    assert_string_equal(pipeline_final_state(c), STATE_REVIEW);
    case_destroy(&c);
}

static void test_unverified_emergency_stays_emergency_review(void **state)
{
    (void) state;
    policy_settings_t ps;
    policy_settings_default(&ps);
    case_t *c = case_new("ce");
    request_t *r = request_new();
    r->type = REQ_EMERGENCY_REQUEST;
    r->emergency = true;
    r->categories = CAT_SUBSCRIBER;
    request_set_string(&r->issuing_country, "US");
    request_add_account(r, "a@northmail.example");
    case_set_request(c, r);
    c->verify_requester = true;
    c->verify_reason = strdup("requester not verified: free-mail sender");
    location_t loc = consumer_us();
    pipeline_decide_case(&ps, c, &loc);
    assert_int_equal(c->accounts[0].decision, DEC_EMERGENCY_REVIEW);
    assert_non_null(strstr(c->accounts[0].reason, "free-mail sender"));
    case_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domain_match),
        cmocka_unit_test(test_shipped_table_loads),
        cmocka_unit_test(test_trusted_gateway_and_known_domain_verify),
        cmocka_unit_test(test_untrusted_results_are_ignored),
        cmocka_unit_test(test_dmarc_fail_or_unknown_domain_not_verified),
        cmocka_unit_test(test_unverified_case_is_not_decided_automatically),
        cmocka_unit_test(test_unverified_emergency_stays_emergency_review),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
