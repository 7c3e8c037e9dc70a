/* test_notice.c -- the customer-notice table of default-policy.md
 * (notice_decide_case) row by row, and notice_render: addressing, the
 * facts a notice must name, header-injection safety, template errors, and
 * the shipped config/notice.tmpl read from WRIT_SOURCE_DIR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "notice.h"

/* ---- helpers --------------------------------------------------------------- */

static void cp(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* A case with accounts a@, b@, c@ ... (n of them), all consumer, US. */
static case_t *make_case(size_t n, bool gag, const char *until)
{
    request_t *r = request_new();
    r->type = REQ_SEARCH_WARRANT;
    request_set_string(&r->issuing_agency, "USSS");
    request_set_string(&r->issuing_country, "US");
    request_set_string(&r->reference, "25 MJ 4418");
    r->categories = CAT_SUBSCRIBER | CAT_CONTENT;
    r->nondisclosure = gag;
    cp(r->nondisclosure_until, sizeof r->nondisclosure_until, until);
    for (size_t i = 0; i < n; i++) {
        char acct[32];
        snprintf(acct, sizeof acct, "%c@northmail.example", (char)('a' + i));
        assert_int_equal(request_add_account(r, acct), 0);
    }
    case_t *c = case_new("c0123456789abcdef");
    assert_non_null(c);
    case_set_request(c, r);
    assert_int_equal(c->account_count, n);
    for (size_t i = 0; i < n; i++) {
        c->accounts[i].location.found = true;
        cp(c->accounts[i].location.country, 3, "US");
        cp(c->accounts[i].location.region, 64, "us-east-1");
    }
    return c;
}

static void make_enterprise(account_decision_t *d)
{
    d->location.enterprise = true;
    cp(d->location.tenant, sizeof d->location.tenant, "t-1004");
    cp(d->location.tenant_name, sizeof d->location.tenant_name,
       "Copperline Title & Escrow Inc.");
    cp(d->location.admin_contact, sizeof d->location.admin_contact,
       "sysadmin@copperline-title.example");
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay ? hay : "(null)",
                 needle);
}

/* ---- the table ---------------------------------------------------------------- */

static void test_rule1_not_required(void **state)
{
    (void)state;
    case_t *c = make_case(2, true, "2026-03-31");
    c->accounts[0].decision = DEC_NO_DATA;
    c->accounts[0].location.found = false;
    c->accounts[1].decision = DEC_PRESERVE;
    make_enterprise(&c->accounts[1]);
    notice_decide_case(c);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(c->accounts[i].notice, NOTICE_NOT_REQUIRED);
        assert_null(c->accounts[i].notice_to);
        assert_string_equal(c->accounts[i].release_on, "");
    }
    /* Even a gagged enterprise preservation needs no challenge. */
    assert_false(c->challenge_recommended);
    case_destroy(&c);
}

static void test_rule2_held(void **state)
{
    (void)state;
    case_t *c = make_case(3, true, "2026-03-31");
    c->accounts[0].decision = DEC_DISCLOSE;
    c->accounts[1].decision = DEC_EMERGENCY_REVIEW;      /* gag beats rule 3 */
    c->accounts[2].decision = DEC_REJECT_OUT_OF_JURISDICTION;
    notice_decide_case(c);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(c->accounts[i].notice, NOTICE_HELD);
        assert_string_equal(c->accounts[i].release_on, "2026-03-31");
        assert_string_equal(c->accounts[i].notice_to, c->accounts[i].account);
    }
    assert_false(c->challenge_recommended);             /* consumers only */
    case_destroy(&c);

    /* No end date: held with release_on "", enterprise -> challenge. */
    c = make_case(1, true, "");
    c->accounts[0].decision = DEC_REDIRECT_TO_CUSTOMER;
    make_enterprise(&c->accounts[0]);
    notice_decide_case(c);
    assert_int_equal(c->accounts[0].notice, NOTICE_HELD);
    assert_string_equal(c->accounts[0].release_on, "");
    assert_string_equal(c->accounts[0].notice_to,
                        "sysadmin@copperline-title.example");
    assert_true(c->challenge_recommended);

    /* Deciding again after the gag is gone recomputes the flag. */
    c->request->nondisclosure = false;
    notice_decide_case(c);
    assert_int_equal(c->accounts[0].notice, NOTICE_PREPARED);
    assert_false(c->challenge_recommended);
    case_destroy(&c);
}

static void test_rule3_deferred(void **state)
{
    (void)state;
    case_t *c = make_case(2, false, "");
    c->accounts[0].decision = DEC_EMERGENCY_REVIEW;
    c->accounts[1].decision = DEC_NEEDS_REVIEW;
    make_enterprise(&c->accounts[1]);
    notice_decide_case(c);
    assert_int_equal(c->accounts[0].notice, NOTICE_DEFERRED);
    assert_int_equal(c->accounts[1].notice, NOTICE_DEFERRED);
    assert_string_equal(c->accounts[0].notice_to, "a@northmail.example");
    assert_string_equal(c->accounts[1].notice_to,
                        "sysadmin@copperline-title.example");
    assert_false(c->challenge_recommended);
    case_destroy(&c);
}

static void test_rule4_prepared(void **state)
{
    (void)state;
    static const decision_t decs[] = {
        DEC_REJECT_OUT_OF_JURISDICTION, DEC_REJECT_INSUFFICIENT_PROCESS,
        DEC_PARTIAL, DEC_REDIRECT_TO_CUSTOMER, DEC_DISCLOSE };
    case_t *c = make_case(6, false, "");
    for (size_t i = 0; i < 5; i++)
        c->accounts[i].decision = decs[i];
    make_enterprise(&c->accounts[3]);
    /* accounts[5] is undecided: the table is not applied to it. */
    notice_decide_case(c);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(c->accounts[i].notice, NOTICE_PREPARED);
    assert_string_equal(c->accounts[0].notice_to, "a@northmail.example");
    assert_string_equal(c->accounts[3].notice_to,
                        "sysadmin@copperline-title.example");
    assert_int_equal(c->accounts[5].notice, NOTICE_NONE);
    assert_null(c->accounts[5].notice_to);

    /* An enterprise with no admin contact has nobody to address. */
    c->accounts[3].location.admin_contact[0] = '\0';
    notice_decide_case(c);
    assert_int_equal(c->accounts[3].notice, NOTICE_PREPARED);
    assert_null(c->accounts[3].notice_to);
    case_destroy(&c);
}

static void test_names(void **state)
{
    (void)state;
    static const char *const dn[] = {
        "no_data", "preserve", "emergency_review", "needs_review",
        "reject_out_of_jurisdiction", "reject_insufficient_process",
        "partial", "redirect_to_customer", "disclose" };
    for (int i = 0; i < 9; i++) {
        assert_int_equal(decision_from_name(dn[i]), DEC_NO_DATA + i);
        assert_string_equal(decision_name(DEC_NO_DATA + i), dn[i]);
    }
    static const char *const nn[] = { "not_required", "held", "deferred",
                                      "prepared" };
    for (int i = 0; i < 4; i++) {
        assert_int_equal(notice_status_from_name(nn[i]), NOTICE_NOT_REQUIRED + i);
        assert_string_equal(notice_status_name(NOTICE_NOT_REQUIRED + i), nn[i]);
    }
    assert_int_equal(decision_from_name("approve"), DEC_COUNT);
    assert_int_equal(decision_from_name(NULL), DEC_COUNT);
    assert_int_equal(notice_status_from_name("sent"), NOTICE_COUNT);
    assert_null(case_new("this-id-is-far-too-long-for-a-case"));
}

/* ---- rendering ---------------------------------------------------------------- */

static const notice_envelope_t ENV = {
    .from = "legal-notices@northwind-cloud.example",
    .date = "Tue, 07 Oct 2025 09:00:00 +0000",
    .message_id = "notice.c0123456789abcdef.1@northwind-cloud.example",
};

static char *load_template(void)
{
    const char *root = getenv("WRIT_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/config/notice.tmpl", root ? root : ".");
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    static char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The header section of msg (up to the empty line), as a copy. */
static char *headers_of(const char *msg)
{
    const char *end = strstr(msg, "\n\n");
    assert_non_null(end);
    return strndup(msg, (size_t)(end - msg) + 1);
}

/* Number of header fields: lines that do not start with white space. */
static int header_count(const char *headers)
{
    int n = 0;
    for (const char *p = headers; *p; p = strchr(p, '\n') + 1) {
        if (*p != ' ' && *p != '\t')
            n++;
        if (!strchr(p, '\n'))
            break;
    }
    return n;
}

static void test_render_consumer(void **state)
{
    (void)state;
    case_t *c = make_case(1, false, "");
    account_decision_t *d = &c->accounts[0];
    d->decision = DEC_DISCLOSE;
    d->reason = strdup("US search_warrant suffices for content, subscriber "
                       "of data stored in US (us-east-1); disclose");
    notice_decide_case(c);
    char *msg = notice_render(load_template(), c, d, &ENV);
    assert_non_null(msg);
    assert_null(strchr(msg, '\r'));
    char *h = headers_of(msg);
    assert_contains(h, "\nTo: a@northmail.example\n");
    assert_contains(h, "From: legal-notices@northwind-cloud.example\n");
    assert_contains(h, "\nDate: Tue, 07 Oct 2025 09:00:00 +0000\n");
    assert_contains(h, "\nMessage-ID: <notice.c0123456789abcdef.1@"
                    "northwind-cloud.example>\n");
    assert_contains(h, "\nMIME-Version: 1.0\n");
    assert_contains(h, "\nContent-Type: text/plain; charset=utf-8\n");
    assert_contains(h, "\nContent-Transfer-Encoding: 8bit\n");
    assert_contains(h, "\nSubject: Notice of a legal request from USSS ");
    assert_int_equal(header_count(h), 8);
    free(h);
    assert_contains(msg, "USSS");                       /* agency */
    assert_contains(msg, "Type of request:   search warrant\n");
    assert_contains(msg, "25 MJ 4418");                 /* reference */
    assert_contains(msg, "subscriber information");
    assert_contains(msg, "content (such as messages");
    assert_contains(msg, "Decision: disclose\n");
    assert_contains(msg, d->reason);
    assert_contains(msg, "c0123456789abcdef");
    free(msg);
    case_destroy(&c);
}

static void test_render_enterprise(void **state)
{
    (void)state;
    case_t *c = make_case(1, false, "");
    account_decision_t *d = &c->accounts[0];
    d->decision = DEC_REDIRECT_TO_CUSTOMER;
    make_enterprise(d);
    notice_decide_case(c);
    char *msg = notice_render(load_template(), c, d, &ENV);
    assert_non_null(msg);
    assert_contains(msg, "\nTo: sysadmin@copperline-title.example\n");
    assert_contains(msg, "redirect_to_customer");
    assert_contains(msg, "a@northmail.example");        /* the account */
    free(msg);

    /* Nobody to address: nothing is rendered. */
    free(d->notice_to);
    d->notice_to = NULL;
    assert_null(notice_render(load_template(), c, d, &ENV));
    case_destroy(&c);
}

static void test_render_no_injection(void **state)
{
    (void)state;
    case_t *c = make_case(1, false, "");
    account_decision_t *d = &c->accounts[0];
    d->decision = DEC_DISCLOSE;
    notice_decide_case(c);
    /* Hostile values from the requester's mail. */
    request_set_string(&c->request->issuing_agency,
                       "FBI\r\nBcc: victim@evil.example\r\n\r\nforged body");
    request_set_string(&c->request->reference, "R-1\nX-Injected: yes\x7f\x01");
    free(d->notice_to);
    d->notice_to = strdup("a@northmail.example\r\nCc: spy@evil.example");
    const char *tmpl = "To: {{to}}\r\nSubject: Request {{reference}} from "
                       "{{agency}}\r\nX-Agency: {{ agency }}\r\n\r\n"
                       "Agency: {{agency}}\r\n";
    char *msg = notice_render(tmpl, c, d, &ENV);
    assert_non_null(msg);
    assert_null(strchr(msg, '\r'));
    char *h = headers_of(msg);
    assert_int_equal(header_count(h), 3);
    assert_null(strstr(h, "\nBcc:"));
    assert_null(strstr(h, "\nCc:"));
    assert_null(strstr(h, "\nX-Injected:"));
    for (const char *p = msg; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n');
    /* The body has exactly one line after the empty one. */
    const char *body = strstr(msg, "\n\n") + 2;
    assert_int_equal(strchr(body, '\n') - body, strlen(body) - 1);
    assert_contains(body, "FBI  Bcc: victim@evil.example");
    free(h);
    free(msg);
    case_destroy(&c);
}

static void test_render_utf8_subject(void **state)
{
    (void)state;
    case_t *c = make_case(1, false, "");
    account_decision_t *d = &c->accounts[0];
    d->decision = DEC_DISCLOSE;
    notice_decide_case(c);
    request_set_string(&c->request->issuing_agency, "Garda Síochána");
    char *msg = notice_render("Subject: From {{agency}}\n\n{{agency}}\n",
                              c, d, &ENV);
    assert_non_null(msg);
    /* Headers stay ASCII (RFC 2047); the 8bit body keeps UTF-8. */
    assert_string_equal(msg, "Subject: From =?utf-8?B?R2FyZGEgU8Otb2Now6FuYQ==?="
                             "\n\nGarda Síochána\n");
    free(msg);
    case_destroy(&c);
}

static void test_render_template_errors(void **state)
{
    (void)state;
    case_t *c = make_case(1, false, "");
    account_decision_t *d = &c->accounts[0];
    d->decision = DEC_DISCLOSE;
    notice_decide_case(c);
    assert_null(notice_render("To: {{to}}\n\n{{nonsense}}\n", c, d, &ENV));
    assert_null(notice_render("To: {{to}}\n\n{{agency\n", c, d, &ENV));
    assert_null(notice_render("To: {{}}\n", c, d, &ENV));
    assert_null(notice_render("To: {{To}}\n", c, d, &ENV));
    assert_null(notice_render(NULL, c, d, &ENV));
    char *ok = notice_render("To: {{to}}\n\n} { }} {x}\n", c, d, &ENV);
    assert_non_null(ok);
    assert_string_equal(ok, "To: a@northmail.example\n\n} { }} {x}\n");
    free(ok);
    /* Every documented placeholder is known. */
    ok = notice_render("{{case_id}}{{to}}{{from}}{{date}}{{message_id}}"
                       "{{agency}}{{request_type}}{{request_type_text}}"
                       "{{reference}}{{categories}}{{decision}}"
                       "{{decision_text}}{{reason}}{{account}}"
                       "{{tenant_name}}", c, d, NULL);
    assert_non_null(ok);
    free(ok);
    case_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule1_not_required),
        cmocka_unit_test(test_rule2_held),
        cmocka_unit_test(test_rule3_deferred),
        cmocka_unit_test(test_rule4_prepared),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_render_consumer),
        cmocka_unit_test(test_render_enterprise),
        cmocka_unit_test(test_render_no_injection),
        cmocka_unit_test(test_render_utf8_subject),
        cmocka_unit_test(test_render_template_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
