/* test_verify.c -- requester verification: the agencies table, which
 * Authentication-Results are believed, and what an unverified request's
 * decisions become. */
#define _GNU_SOURCE /* asprintf */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agencies.h"
#include "domain.h"
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
    (void)state;
    agencies_t *a = table();
    assert_string_equal(agencies_match(a, "agent@fbi.gov"), "FBI");
    assert_string_equal(agencies_match(a, "x@mail.ic.fbi.gov"), "FBI");
    assert_null(agencies_match(a, "x@notfbi.gov")); /* look-alike */
    assert_null(agencies_match(a, "x@fbi.gov.evil.example"));
    assert_null(agencies_match(a, "no-at-sign"));
    agencies_destroy(&a);
    assert_null(a);
}

/* The most specific domain names the agency, whatever the table's order. */
static void test_most_specific_domain_wins(void **state)
{
    (void)state;
    agencies_t *a = agencies_new();
    agencies_add(a, "U.S. Department of Justice", "US", "usdoj.gov");
    agencies_add(a, "DEA", "US", "dea.gov, dea.usdoj.gov");
    assert_string_equal(agencies_match(a, "agent@dea.usdoj.gov"), "DEA");
    assert_string_equal(agencies_match(a, "agent@mail.dea.usdoj.gov"), "DEA");
    assert_string_equal(agencies_match(a, "oia@usdoj.gov"), "U.S. Department of Justice");
    assert_string_equal(agencies_match(a, "x@crm.usdoj.gov"),
                        "U.S. Department of Justice");
    agencies_destroy(&a);
}

/* A domain's role (agencies.h): shared_domains verify a sender but name no
 * issuer, unconfirmed_domains name the issuer but never verify. */
static void test_domain_roles(void **state)
{
    (void)state;
    agencies_t *a = agencies_new();
    assert_int_equal(agencies_add_roles(a, "U.S. Department of Justice", "US", NULL,
                                        "usdoj.gov", NULL),
                     0);
    assert_int_equal(
        agencies_add_roles(a, "DEA", "US", "dea.gov, dea.usdoj.gov", NULL, NULL), 0);
    assert_int_equal(agencies_add_roles(a, "NCIS", "US", NULL, NULL, "ncis.navy.mil"), 0);
    const char *cc = NULL;
    assert_string_equal(agencies_match(a, "oia@usdoj.gov"), "U.S. Department of Justice");
    assert_null(agencies_issuer(a, "usdoj.gov", &cc));
    assert_null(agencies_issuer(a, "crm.usdoj.gov", &cc));
    assert_string_equal(agencies_issuer(a, "mail.dea.usdoj.gov", &cc), "DEA");
    assert_string_equal(cc, "US");
    assert_null(agencies_match(a, "agent@ncis.navy.mil"));
    assert_string_equal(agencies_issuer(a, "ncis.navy.mil", NULL), "NCIS");
    agencies_destroy(&a);
}

/* An agency with no domain of any kind is a mistake in the file. */
static void test_agency_without_domains_refused(void **state)
{
    (void)state;
    char path[] = "/tmp/writ-agencies-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *zpl = "agencies\n    x\n        name = \"X\"\n        country = US\n";
    assert_int_equal(write(fd, zpl, strlen(zpl)), (ssize_t)strlen(zpl));
    close(fd);
    char err[256] = "";
    assert_null(agencies_load(path, err, sizeof err));
    assert_non_null(strstr(err, "needs a name and domains"));
    unlink(path);
}

static void test_shipped_table_loads(void **state)
{
    (void)state;
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

/* ---- messages as the provider's gateway hands them on ---- */

/* The gateway's own Received line (mx1 of the provider) and results. */
#define GW_RECEIVED                                                          \
    "Received: from mx-relay.fbi.gov (mx-relay.fbi.gov [198.51.100.37])\r\n" \
    "\tby mx1.northwind-cloud.example (Postfix) with ESMTPS id 4WPb1x;\r\n"  \
    "\tMon, 3 Feb 2025 10:00:01 +0000\r\n"
#define AR(id, dmarc, hfrom)                                            \
    "Authentication-Results: " id "; dkim=pass header.d=" hfrom ";\r\n" \
    "\tspf=pass smtp.mailfrom=agent@" hfrom ";\r\n"                     \
    "\tdmarc=" dmarc " (p=REJECT dis=NONE) header.from=" hfrom "\r\n"
#define GW_AR(dmarc, hfrom) AR("mx1.northwind-cloud.example", dmarc, hfrom)
#define NSL_BODY(from)                                                 \
    "From: Agent <" from ">\r\n"                                       \
    "To: legal-requests@northwind-cloud.example\r\n"                   \
    "Subject: National Security Letter NSL-1\r\n"                      \
    "Date: Mon, 3 Feb 2025 10:00:00 +0000\r\n"                         \
    "Message-ID: <v1@x>\r\n\r\n"                                       \
    "Under 18 U.S.C. 2709 provide subscriber name and address for\r\n" \
    "target@northmail.example.\r\n"

static request_t *parse_in(parse_results_position_t where, const char *msg)
{
    parse_settings_t ps;
    parse_settings_default(&ps);
    ps.results_position = where;
    agencies_t *a = table();
    ps.agencies = a;
    request_t *r = request_new();
    char err[128];
    assert_int_equal(parse_message(&ps, msg, strlen(msg), r, err, sizeof err), PARSE_OK);
    agencies_destroy(&a);
    return r;
}

static request_t *parse_msg(const char *msg)
{
    return parse_in(PARSE_RESULTS_TRACE_BLOCK, msg);
}

/* Asserts r is not verified and its reason contains needle. */
static void assert_unverified(request_t *r, const char *needle)
{
    assert_false(r->auth.verified);
    char why[600];
    agencies_unverified_reason(r, why, sizeof why);
    if (!strstr(why, needle))
        fail_msg("reason '%s' lacks '%s'", why, needle);
}

static void test_trusted_gateway_and_known_domain_verify(void **state)
{
    (void)state;
    /* Where Postfix with OpenDKIM/OpenDMARC writes them: above its own
     * Received line; both positions accept it. */
    const char *above = GW_AR("pass", "fbi.gov") GW_RECEIVED NSL_BODY("agent@fbi.gov");
    for (int where = 0; where < 2; where++) {
        request_t *r = parse_in((parse_results_position_t)where, above);
        assert_string_equal(r->auth.dmarc, "pass");
        assert_true(r->auth.known_agency);
        assert_true(r->auth.verified);
        char why[256];
        agencies_unverified_reason(r, why, sizeof why);
        assert_string_equal(why, "");
        request_destroy(&r);
    }
    /* Below its Received line (the samples' gateway): trace_block only. */
    const char *below =
        "Return-Path: <agent@fbi.gov>\r\n" GW_RECEIVED GW_AR("pass", "fbi.gov")
            NSL_BODY("agent@fbi.gov");
    request_t *r = parse_msg(below);
    assert_true(r->auth.verified);
    request_destroy(&r);
    r = parse_in(PARSE_RESULTS_ABOVE_RECEIVED, below);
    assert_unverified(r, "no Authentication-Results where it writes them");
    request_destroy(&r);
}

static void test_untrusted_results_are_ignored(void **state)
{
    (void)state;
    /* A sender can write any Authentication-Results it likes; only the
     * provider's own gateway's count. */
    request_t *r = parse_msg(AR("mx.attacker.example", "pass", "fbi.gov")
                                 GW_RECEIVED NSL_BODY("agent@fbi.gov"));
    assert_string_equal(r->auth.dmarc, "");
    assert_true(r->auth.known_agency);
    assert_unverified(r, "no Authentication-Results");
    request_destroy(&r);
    /* A look-alike id is not the provider's. */
    r = parse_msg(AR("evil-northwind-cloud.example", "pass", "fbi.gov")
                      GW_RECEIVED NSL_BODY("agent@fbi.gov"));
    assert_false(r->auth.verified);
    request_destroy(&r);
}

static void test_dmarc_fail_or_unknown_domain_not_verified(void **state)
{
    (void)state;
    request_t *r =
        parse_msg(GW_AR("fail", "fbi.gov") GW_RECEIVED NSL_BODY("agent@fbi.gov"));
    assert_unverified(r, "DMARC fail");
    request_destroy(&r);
    r = parse_msg(GW_AR("pass", "fbi-gov.example")
                      GW_RECEIVED NSL_BODY("agent@fbi-gov.example"));
    assert_false(r->auth.known_agency);
    assert_unverified(r, "not a known agency");
    request_destroy(&r);
}

/* Attack: the sender writes the provider's authserv-id below the
 * gateway's own header. Only the topmost run counts. */
static void test_forged_results_below_the_gateways(void **state)
{
    (void)state;
    for (int where = 0; where < 2; where++) {
        request_t *r =
            parse_in((parse_results_position_t)where,
                     GW_AR("fail", "fbi.gov") GW_RECEIVED GW_AR("pass", "fbi.gov")
                         NSL_BODY("agent@fbi.gov"));
        assert_string_equal(r->auth.dmarc, "fail");
        assert_unverified(r, "DMARC fail");
        request_destroy(&r);
    }
    /* Below the gateway's (sample-style) results, among the author's
     * fields, or after a foreign Received line: ignored too. */
    request_t *r = parse_msg(GW_RECEIVED GW_AR(
        "none", "fbi.gov") "Received: from x by mail.fbi.gov; Mon, 3 Feb 2025 09:59:00 "
                           "+0000\r\n" GW_AR("pass", "fbi.gov")
                                 NSL_BODY("agent@fbi.gov"));
    assert_string_equal(r->auth.dmarc, "none");
    assert_false(r->auth.verified);
    request_destroy(&r);
}

/* Attack: the sender's results are the only ones (no gateway header). */
static void test_forged_results_without_a_gateway_header(void **state)
{
    (void)state;
    /* Straight to writ: no Received line of the provider's at all. */
    const char *bare = GW_AR("pass", "fbi.gov") NSL_BODY("agent@fbi.gov");
    for (int where = 0; where < 2; where++) {
        request_t *r = parse_in((parse_results_position_t)where, bare);
        assert_unverified(r, "no Authentication-Results where it writes them");
        request_destroy(&r);
    }
    /* Through a gateway that added no results: the sender's copy sits
     * below the gateway's Received line, where above_received never looks. */
    request_t *r =
        parse_in(PARSE_RESULTS_ABOVE_RECEIVED,
                 GW_RECEIVED GW_AR("pass", "fbi.gov") NSL_BODY("agent@fbi.gov"));
    assert_unverified(r, "no Authentication-Results");
    request_destroy(&r);
    /* Among the author's own fields: never the gateway's. */
    r = parse_msg(GW_RECEIVED "X-Mailer: forger\r\n" GW_AR("pass", "fbi.gov")
                      NSL_BODY("agent@fbi.gov"));
    assert_unverified(r, "no Authentication-Results");
    request_destroy(&r);
}

static void test_header_from_must_be_the_from_domain(void **state)
{
    (void)state;
    /* DMARC passed -- for the attacker's own domain. */
    request_t *r =
        parse_msg(GW_AR("pass", "evil.example") GW_RECEIVED NSL_BODY("agent@fbi.gov"));
    assert_true(r->auth.known_agency);
    assert_unverified(r, "is for evil.example, not for the From domain fbi.gov");
    request_destroy(&r);
    /* A parent domain is not the From domain either (DMARC names the
     * RFC5322.From domain itself). */
    r = parse_msg(GW_AR("pass", "fbi.gov") GW_RECEIVED NSL_BODY("agent@ic.fbi.gov"));
    assert_false(r->auth.verified);
    request_destroy(&r);
    /* No header.from at all. */
    r = parse_msg(
        "Authentication-Results: mx1.northwind-cloud.example; dmarc=pass\r\n" GW_RECEIVED
            NSL_BODY("agent@fbi.gov"));
    assert_unverified(r, "no header.from");
    request_destroy(&r);
}

static void test_several_from_never_verify(void **state)
{
    (void)state;
    /* Two From fields: whichever a reader shows, the sender is unknown. */
    request_t *r =
        parse_msg(GW_AR("pass", "fbi.gov") GW_RECEIVED
                  "From: Mallory <m@evil.example>\r\n" NSL_BODY("agent@fbi.gov"));
    assert_unverified(r, "2 From field(s)");
    request_destroy(&r);
    r = parse_msg(GW_AR("pass", "fbi.gov") GW_RECEIVED
                  "From: Agent <agent@fbi.gov>\r\n" NSL_BODY("m@evil.example"));
    assert_false(r->auth.verified);
    request_destroy(&r);
    /* One From field, a list of addresses (fbi.gov first). */
    r = parse_msg(GW_AR("pass", "fbi.gov")
                      GW_RECEIVED NSL_BODY("agent@fbi.gov>, Mallory <m@evil.example"));
    assert_unverified(r, "1 From field(s) with 2 address(es)");
    request_destroy(&r);
    /* A group hides its members no better. */
    r = parse_msg(GW_AR("pass", "fbi.gov") GW_RECEIVED
                  "From: FBI: agent@fbi.gov, m@evil.example;\r\n"
                  "To: legal-requests@northwind-cloud.example\r\n"
                  "Subject: NSL\r\n\r\nprovide target@northmail.example\r\n");
    assert_false(r->auth.verified);
    request_destroy(&r);
}

/* ---- forwarded requests (issue 11, part 2) ---- */

/* A colleague's forward of an agency's message as message/rfc822; the
 * colleague's own message passed the gateway. inner_trace: the forwarded
 * message's header fields above its From. */
static char *forward_rfc822(const char *colleague, const char *inner_trace,
                            const char *inner_from)
{
    char *m = NULL;
    int n = asprintf(
        &m,
        "Received: from internal-relay.northwind-cloud.example ([10.12.4.18])\r\n"
        "\tby mx1.northwind-cloud.example with ESMTP id 4Zs; Tue, 6 May 2025 11:47:30 "
        "-0400\r\n"
        "Authentication-Results: mx1.northwind-cloud.example; dkim=pass;\r\n"
        "\tdmarc=pass header.from=%s\r\n"
        "From: Priya Raman <%s>\r\n"
        "To: legal-requests@northwind-cloud.example\r\n"
        "Subject: Fwd: NSL-1\r\n"
        "Date: Tue, 6 May 2025 11:47:22 -0400\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        "--b1\r\nContent-Type: text/plain\r\n\r\nLegal team, see attached.\r\n"
        "--b1\r\nContent-Type: message/rfc822\r\n\r\n"
        "%s"
        "From: \"Agent (FBI)\" <%s>\r\n"
        "To: support@northwind-cloud.example\r\n"
        "Subject: NSL-1\r\n"
        "Date: Tue, 6 May 2025 09:02:11 -0400\r\n\r\n"
        "National Security Letter. Under 18 U.S.C. 2709 provide the subscriber\r\n"
        "name and address of target@northmail.example.\r\n"
        "--b1--\r\n",
        strchr(colleague, '@') + 1, colleague, inner_trace, inner_from);
    assert_true(n > 0);
    return m;
}

#define INNER_AR(dmarc, hfrom) AR("mx2.northwind-cloud.example", dmarc, hfrom)
#define FORWARDED_BY                                                                  \
    "forwarded by p.raman@northwind-cloud.example; the original sender could not be " \
    "verified"

static request_t *parse_forward(const char *colleague, const char *inner_trace,
                                const char *inner_from)
{
    char *m = forward_rfc822(colleague, inner_trace, inner_from);
    request_t *r = parse_msg(m);
    free(m);
    return r;
}

static void test_forward_verified_by_its_own_results(void **state)
{
    (void)state;
    request_t *r = parse_forward(
        "p.raman@northwind-cloud.example",
        "Return-Path: <agent@fbi.gov>\r\n" INNER_AR("pass", "fbi.gov"), "agent@fbi.gov");
    assert_string_equal(r->from,
                        "p.raman@northwind-cloud.example"); /* the forwarder, kept */
    assert_string_equal(r->auth.dmarc, "pass");
    assert_true(r->auth.known_agency);
    assert_true(r->auth.verified);
    request_destroy(&r);
}

static void test_forward_fail_or_missing_results(void **state)
{
    (void)state;
    /* The reproduction of issue 11: the gateway said fail. */
    request_t *r =
        parse_forward("p.raman@northwind-cloud.example",
                      "Authentication-Results: mx2.northwind-cloud.example;\r\n"
                      "\tdkim=none; spf=fail; dmarc=fail header.from=fbi.gov\r\n",
                      "agent@fbi.gov");
    assert_string_equal(r->auth.dmarc, "fail");
    assert_unverified(r, FORWARDED_BY " (the provider's gateway reports DMARC fail");
    request_destroy(&r);
    /* No results at all. */
    r = parse_forward("p.raman@northwind-cloud.example", "", "agent@fbi.gov");
    assert_unverified(r, FORWARDED_BY);
    request_destroy(&r);
    /* Pass, but for a domain that is no agency's. */
    r = parse_forward("p.raman@northwind-cloud.example",
                      INNER_AR("pass", "fbi-gov.example"), "agent@fbi-gov.example");
    assert_unverified(r, FORWARDED_BY " (its sender's domain is not a known agency");
    request_destroy(&r);
}

static void test_forward_with_edited_inner_headers(void **state)
{
    (void)state;
    /* The From changed after the gateway judged the message. */
    request_t *r = parse_forward("p.raman@northwind-cloud.example",
                                 INNER_AR("pass", "fbi-gov.example"), "agent@fbi.gov");
    assert_unverified(r, "not for the From domain fbi.gov");
    request_destroy(&r);
    /* Results added below the author's fields. */
    char *m = forward_rfc822("p.raman@northwind-cloud.example", "", "agent@fbi.gov");
    char *at = strstr(m, "To: support@");
    assert_non_null(at);
    char *edited = NULL;
    assert_true(asprintf(&edited, "%.*s%s%s", (int)(at - m), m,
                         INNER_AR("pass", "fbi.gov"), at) > 0);
    r = parse_msg(edited);
    assert_unverified(r, FORWARDED_BY);
    request_destroy(&r);
    free(edited);
    free(m);
    /* Results in someone else's name. */
    r = parse_forward("p.raman@northwind-cloud.example",
                      AR("mx.fbi.gov", "pass", "fbi.gov"), "agent@fbi.gov");
    assert_unverified(r, FORWARDED_BY);
    request_destroy(&r);
    /* A second From in the forwarded message. */
    r = parse_forward("p.raman@northwind-cloud.example",
                      INNER_AR("pass", "fbi.gov") "From: m@evil.example\r\n",
                      "agent@fbi.gov");
    assert_unverified(r, "2 From field(s)");
    request_destroy(&r);
}

/* The forwarder's own message must pass too: otherwise anyone could sign
 * as a colleague. */
static void test_forward_from_an_unproven_colleague(void **state)
{
    (void)state;
    char *m = forward_rfc822("p.raman@northwind-cloud.example",
                             INNER_AR("pass", "fbi.gov"), "agent@fbi.gov");
    char *p = strstr(m, "dmarc=pass header.from=northwind-cloud.example");
    assert_non_null(p);
    memcpy(p, "dmarc=fail", 10);
    request_t *r = parse_msg(m);
    assert_unverified(r, FORWARDED_BY " (the provider's gateway reports DMARC fail");
    request_destroy(&r);
    free(m);
}

/* Issue 11 part 4: a colleague on a subdomain of a provider domain is a
 * colleague (extract.h: "and their subdomains"); parse.c matched exactly,
 * and such a forward was judged by the colleague's own domain. */
static void test_forward_from_a_provider_subdomain(void **state)
{
    (void)state;
    request_t *r = parse_forward("p.raman@eu.northwind-cloud.example",
                                 INNER_AR("pass", "fbi.gov"), "agent@fbi.gov");
    assert_true(r->auth.known_agency);
    assert_true(r->auth.verified);
    request_destroy(&r);
    r = parse_forward("p.raman@eu.northwind-cloud.example", INNER_AR("fail", "fbi.gov"),
                      "agent@fbi.gov");
    assert_unverified(r, "forwarded by p.raman@eu.northwind-cloud.example");
    request_destroy(&r);
}

/* Attack: a provider-domain sender types an agency's "From:" line into a
 * body. An inline forward carries no results of the agency's message. */
static void test_inline_from_never_verifies(void **state)
{
    (void)state;
    const char *msg =
        "Received: from internal-relay.northwind-cloud.example ([10.12.4.18])\r\n"
        "\tby mx1.northwind-cloud.example with ESMTP id 4Zs; Tue, 6 May 2025 11:47:30 "
        "-0400\r\n"
        "Authentication-Results: mx1.northwind-cloud.example; dkim=pass;\r\n"
        "\tdmarc=pass header.from=northwind-cloud.example\r\n"
        "From: Priya Raman <p.raman@northwind-cloud.example>\r\n"
        "To: legal-requests@northwind-cloud.example\r\n"
        "Subject: Fwd: NSL-1\r\n"
        "Date: Tue, 6 May 2025 11:47:22 -0400\r\n\r\n"
        "See below.\r\n\r\n"
        "---------- Forwarded message ---------\r\n"
        "From: Agent <agent@fbi.gov>\r\n"
        "Date: Tue, 6 May 2025 09:02:11 -0400\r\n"
        "Subject: NSL-1\r\n"
        "Authentication-Results: mx1.northwind-cloud.example; dmarc=pass "
        "header.from=fbi.gov\r\n\r\n"
        "National Security Letter. Under 18 U.S.C. 2709 provide the subscriber\r\n"
        "name and address of target@northmail.example.\r\n";
    request_t *r = parse_msg(msg);
    assert_true(r->auth.known_agency); /* it names the FBI ... */
    assert_unverified(r, FORWARDED_BY " (the forward is inline"); /* ... proves nothing */
    request_destroy(&r);
}

/* ---- one domain test for all (issue 11 part 4) ---- */

static void test_domain_within(void **state)
{
    (void)state;
    assert_true(domain_within("fbi.gov", "fbi.gov"));
    assert_true(domain_within("Mail.FBI.gov", "fbi.gov"));
    assert_false(domain_within("notfbi.gov", "fbi.gov"));
    assert_false(domain_within("fbi.gov.evil.example", "fbi.gov"));
    assert_false(domain_within("gov", "fbi.gov"));
    assert_false(domain_within("fbi.gov", ""));
    assert_false(domain_within(NULL, "fbi.gov"));
    assert_true(domain_within_n("mx1.northwind-cloud.example; dkim", 27,
                                "northwind-cloud.example"));
    assert_true(
        address_within("a@eu.northwind-cloud.example", "northwind-cloud.example"));
    assert_false(address_within("no-at-sign", "northwind-cloud.example"));
    assert_string_equal(address_domain("a@b@c.example"), "c.example");
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
    (void)state;
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
    (void)state;
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
        cmocka_unit_test(test_most_specific_domain_wins),
        cmocka_unit_test(test_domain_roles),
        cmocka_unit_test(test_agency_without_domains_refused),
        cmocka_unit_test(test_shipped_table_loads),
        cmocka_unit_test(test_trusted_gateway_and_known_domain_verify),
        cmocka_unit_test(test_untrusted_results_are_ignored),
        cmocka_unit_test(test_dmarc_fail_or_unknown_domain_not_verified),
        cmocka_unit_test(test_forged_results_below_the_gateways),
        cmocka_unit_test(test_forged_results_without_a_gateway_header),
        cmocka_unit_test(test_header_from_must_be_the_from_domain),
        cmocka_unit_test(test_several_from_never_verify),
        cmocka_unit_test(test_forward_verified_by_its_own_results),
        cmocka_unit_test(test_forward_fail_or_missing_results),
        cmocka_unit_test(test_forward_with_edited_inner_headers),
        cmocka_unit_test(test_forward_from_an_unproven_colleague),
        cmocka_unit_test(test_forward_from_a_provider_subdomain),
        cmocka_unit_test(test_inline_from_never_verifies),
        cmocka_unit_test(test_domain_within),
        cmocka_unit_test(test_unverified_case_is_not_decided_automatically),
        cmocka_unit_test(test_unverified_emergency_stays_emergency_review),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
