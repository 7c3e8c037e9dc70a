/* test_policy.c -- the decision table of default-policy.md (policy.c), row
 * by row, its settings (cloud_act, executive agreements, redirect), and the
 * 14 labelled samples: their contract fields, run through policy_decide and
 * notice_decide_case against the sample registry CSVs, must give exactly
 * the labels' expected decisions, notices and challenge_recommended.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agencies.h"
#include "case.h"
#include "notice.h"
#include "policy.h"

/* ---- helpers --------------------------------------------------------------- */

/* Bounded copy that always terminates (truncation is fine in a test). */
static void cp(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

static request_t *req_make(request_type_t type, const char *country, unsigned cats)
{
    request_t *r = request_new();
    assert_non_null(r);
    r->type = type;
    request_set_string(&r->issuing_country, country);
    request_set_string(&r->issuing_agency, "FBI");
    request_set_string(&r->reference, "REF-1");
    r->categories = cats;
    assert_int_equal(request_add_account(r, "a@northmail.example"), 0);
    return r;
}

static location_t loc_make(bool enterprise, const char *region, const char *country)
{
    location_t l;
    memset(&l, 0, sizeof l);
    l.found = true;
    l.enterprise = enterprise;
    cp(l.region, sizeof l.region, region);
    cp(l.country, sizeof l.country, country);
    if (enterprise) {
        snprintf(l.tenant, sizeof l.tenant, "t-9");
        snprintf(l.tenant_name, sizeof l.tenant_name, "Acme Ltd");
        snprintf(l.admin_contact, sizeof l.admin_contact, "it@acme.example");
    }
    return l;
}

/* The account decided by decide(); its members are freed by the next
 * decide() and by decide_cleanup(). */
static account_decision_t g_d;

static void decide_cleanup(void)
{
    free(g_d.reason);
    free(g_d.account);
    memset(&g_d, 0, sizeof g_d);
}

/* Decides the request's first account; settings NULL means the defaults. */
static account_decision_t *decide(const policy_settings_t *s, const request_t *r,
                                  const location_t *l)
{
    decide_cleanup();
    g_d.account = strdup(r->accounts[0]);
    policy_settings_t def;
    policy_settings_default(&def);
    policy_decide(s ? s : &def, r, l, &g_d);
    assert_non_null(g_d.reason);
    assert_null(strchr(g_d.reason, '\n')); /* one line */
    return &g_d;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/* ---- settings ---------------------------------------------------------------- */

static void test_settings_default(void **state)
{
    (void)state;
    policy_settings_t s;
    policy_settings_default(&s);
    assert_int_equal(s.reach, REACH_TERRITORIAL);
    assert_true(s.redirect_enterprise);
    assert_string_equal(s.provider_country, "US");
    assert_int_equal(s.agreement_count, 2);
    assert_string_equal(s.agreements[0], "GB");
    assert_string_equal(s.agreements[1], "AU");

    reach_t reach;
    assert_int_equal(policy_reach_from_name("cloud_act", &reach), 0);
    assert_int_equal(reach, REACH_CLOUD_ACT);
    assert_int_equal(policy_reach_from_name("territorial", &reach), 0);
    assert_int_equal(reach, REACH_TERRITORIAL);
    assert_int_equal(policy_reach_from_name("global", &reach), -1);

    assert_int_equal(policy_set_agreements(&s, "gb, au  JP"), 0);
    assert_int_equal(s.agreement_count, 3);
    assert_string_equal(s.agreements[2], "JP");
    assert_int_equal(policy_set_agreements(&s, "GB,GBR"), -1);
    assert_int_equal(s.agreement_count, 3); /* unchanged on error */
    assert_int_equal(policy_set_agreements(&s, ""), 0);
    assert_int_equal(s.agreement_count, 0);
}

static void test_sufficiency(void **state)
{
    (void)state;
    assert_int_equal(policy_sufficient_categories(REQ_SEARCH_WARRANT), CAT_ALL);
    assert_int_equal(policy_sufficient_categories(REQ_MLAT_REQUEST), CAT_ALL);
    assert_int_equal(policy_sufficient_categories(REQ_COURT_ORDER),
                     CAT_SUBSCRIBER | CAT_TRANSACTIONAL);
    assert_int_equal(policy_sufficient_categories(REQ_SUBPOENA), CAT_SUBSCRIBER);
    assert_int_equal(policy_sufficient_categories(REQ_NATIONAL_SECURITY_LETTER),
                     CAT_SUBSCRIBER);
    assert_int_equal(policy_sufficient_categories(REQ_UNKNOWN), 0);
    assert_int_equal(policy_sufficient_categories(REQ_PRESERVATION_REQUEST), 0);
    assert_int_equal(policy_sufficient_categories(REQ_EMERGENCY_REQUEST), 0);
}

/* ---- the table, row by row ---------------------------------------------------- */

static void test_rule1_no_data(void **state)
{
    (void)state;
    location_t none = { 0 };
    request_t *r = req_make(REQ_PRESERVATION_REQUEST, "US", CAT_ALL);
    r->emergency = true;
    account_decision_t *d = decide(NULL, r, &none);
    assert_int_equal(d->decision, DEC_NO_DATA);
    assert_contains(d->reason, "a@northmail.example");
    assert_contains(d->reason, "not in the data-location registry");
    assert_false(d->location.found);
    request_destroy(&r);
    /* A NULL location means "not registered" too. */
    r = req_make(REQ_SEARCH_WARRANT, "US", CAT_ALL);
    d = decide(NULL, r, NULL);
    assert_int_equal(d->decision, DEC_NO_DATA);
    request_destroy(&r);
    decide_cleanup();
}

static void test_rule2_preserve(void **state)
{
    (void)state;
    /* Preservation wins over emergency and over foreign storage. */
    request_t *r = req_make(REQ_PRESERVATION_REQUEST, "US", CAT_ALL);
    r->emergency = true;
    location_t l = loc_make(false, "ie-dublin-1", "IE");
    account_decision_t *d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_PRESERVE);
    assert_contains(d->reason, "preservation_request");
    assert_contains(d->reason, "nothing is disclosed");
    assert_int_equal(d->granted, 0);
    assert_string_equal(d->location.region, "ie-dublin-1");
    request_destroy(&r);
    decide_cleanup();
}

static void test_rule3_emergency(void **state)
{
    (void)state;
    location_t l = loc_make(false, "ie-dublin-1", "IE");
    request_t *r = req_make(REQ_EMERGENCY_REQUEST, "US", CAT_SUBSCRIBER);
    account_decision_t *d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_EMERGENCY_REVIEW); /* before rule 5 */
    assert_contains(d->reason, "emergency_request");
    request_destroy(&r);

    /* emergency: true on ordinary process is rule 3 as well. */
    r = req_make(REQ_SUBPOENA, "US", CAT_CONTENT);
    r->emergency = true;
    d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_EMERGENCY_REVIEW);
    assert_contains(d->reason, "subpoena claims an emergency");
    request_destroy(&r);
    decide_cleanup();
}

static void test_rule4_unknown(void **state)
{
    (void)state;
    location_t l = loc_make(false, "ie-dublin-1", "IE");
    request_t *r = req_make(REQ_UNKNOWN, "DE", CAT_SUBSCRIBER);
    account_decision_t *d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_NEEDS_REVIEW);
    assert_contains(d->reason, "request_type unknown");
    request_destroy(&r);
    decide_cleanup();
}

/* An MLAT request as the foreign agency sends it, and as the requested
 * state's authority serves it. */
static request_t *mlat_make(const char *issuing, const char *agency,
                            const char *requesting, const char *served_by, unsigned cats)
{
    request_t *r = req_make(REQ_MLAT_REQUEST, issuing, cats);
    request_set_string(&r->issuing_agency, agency);
    request_set_string(&r->requesting_country, requesting);
    snprintf(r->auth.agency_country, sizeof r->auth.agency_country, "%s",
             served_by ? served_by : "");
    return r;
}

static void test_rule5_treaty_route(void **state)
{
    (void)state;
    location_t l = loc_make(false, "us-east-1", "US");

    /* The BKA's own letter of request: not process in the US. */
    request_t *r = mlat_make("US", "BKA", "DE", "DE", CAT_CONTENT | CAT_SUBSCRIBER);
    account_decision_t *d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_REJECT_INSUFFICIENT_PROCESS);
    assert_int_equal(d->granted, 0);
    assert_int_equal(d->refused, CAT_CONTENT | CAT_SUBSCRIBER);
    assert_string_equal(
        d->reason, "mlat_request sent by BKA (DE) itself, not served by an authority of "
                   "the requested state (US): a letter of request is not process in the "
                   "US until the Justice Department's Office of International Affairs "
                   "executes it and obtains a court order under 18 U.S.C. § 3512; the "
                   "request must go through that Office; nothing is disclosed");
    request_destroy(&r);

    /* ... even for data stored in its own country: rule 5 precedes the
     * jurisdiction rule, so the reason never sends it to "an MLAT to DE". */
    location_t de = loc_make(false, "eu-central-1", "DE");
    r = mlat_make("US", "BKA", "DE", "DE", CAT_CONTENT);
    d = decide(NULL, r, &de);
    assert_int_equal(d->decision, DEC_REJECT_INSUFFICIENT_PROCESS);
    assert_contains(d->reason, "Office of International Affairs");
    assert_null(strstr(d->reason, "MLAT request to"));
    request_destroy(&r);

    /* ... and for an enterprise account (not a redirect). */
    location_t ent = loc_make(true, "us-east-1", "US");
    r = mlat_make("US", "NCA", "GB", "GB", CAT_TRANSACTIONAL);
    d = decide(NULL, r, &ent);
    assert_int_equal(d->decision, DEC_REJECT_INSUFFICIENT_PROCESS);
    assert_int_equal(d->refused, CAT_TRANSACTIONAL);
    request_destroy(&r);

    /* A sender that is no known agency at all (free mail, unknown force). */
    r = mlat_make("US", "Politie", "NL", NULL, CAT_SUBSCRIBER);
    d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_REJECT_INSUFFICIENT_PROCESS);
    assert_contains(d->reason, "sent by Politie (from NL) itself");
    request_destroy(&r);

    /* No categories named: subscriber is what is refused. */
    r = mlat_make("US", "Garda Síochána", "IE", "IE", 0);
    d = decide(NULL, r, &l);
    assert_int_equal(d->refused, CAT_SUBSCRIBER);
    request_destroy(&r);

    /* Served by the requested state's authority (OIA for the US): the
     * table goes on -- here to disclose. */
    r = mlat_make("US", "Garda Síochána", "IE", "US", CAT_CONTENT);
    d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_DISCLOSE);
    request_destroy(&r);

    /* ... and on to the jurisdiction rule for data stored abroad. */
    r = mlat_make("US", "Garda Síochána", "IE", "US", CAT_CONTENT);
    d = decide(NULL, r, &de);
    assert_int_equal(d->decision, DEC_REJECT_OUT_OF_JURISDICTION);
    request_destroy(&r);

    /* Another requested state: its own central authority, named by code. */
    location_t ie = loc_make(false, "ie-dublin-1", "IE");
    r = mlat_make("IE", "FBI", "US", "US", CAT_CONTENT);
    d = decide(NULL, r, &ie);
    assert_int_equal(d->decision, DEC_REJECT_INSUFFICIENT_PROCESS);
    assert_contains(d->reason, "not process there until the central "
                               "authority of IE executes it");
    request_destroy(&r);
    r = mlat_make("IE", "FBI", "US", "IE", CAT_CONTENT);
    d = decide(NULL, r, &ie);
    assert_int_equal(d->decision, DEC_DISCLOSE);
    request_destroy(&r);

    /* Requested state unknown: nobody can have served it. */
    r = mlat_make(NULL, "BKA", "DE", "DE", CAT_CONTENT);
    d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_REJECT_INSUFFICIENT_PROCESS);
    request_destroy(&r);

    /* Rules 1-4 still come first. */
    r = mlat_make("US", "BKA", "DE", "DE", CAT_CONTENT);
    location_t none = { 0 };
    d = decide(NULL, r, &none);
    assert_int_equal(d->decision, DEC_NO_DATA);
    r->emergency = true;
    d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_EMERGENCY_REVIEW);
    request_destroy(&r);

    /* Not an MLAT: rule 5 does not look at the sender at all. */
    r = req_make(REQ_SEARCH_WARRANT, "US", CAT_CONTENT);
    d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_DISCLOSE);
    request_destroy(&r);
    decide_cleanup();
}

static void test_rule6_out_of_jurisdiction(void **state)
{
    (void)state;
    location_t l = loc_make(false, "ie-dublin-1", "IE");
    request_t *r = req_make(REQ_SEARCH_WARRANT, "US", CAT_ALL);
    account_decision_t *d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_REJECT_OUT_OF_JURISDICTION);
    assert_string_equal(
        d->reason, "US search_warrant does not reach data stored in IE (ie-dublin-1) "
                   "under territorial reach; the requester must use an MLAT request to "
                   "IE");
    assert_false(d->comity_review);
    request_destroy(&r);

    /* Unknown issuing country: cannot be shown to reach anything. */
    l = loc_make(false, "us-east-1", "US");
    r = req_make(REQ_SEARCH_WARRANT, NULL, CAT_ALL);
    d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_REJECT_OUT_OF_JURISDICTION);
    assert_contains(d->reason, "issuing country is unknown");
    request_destroy(&r);

    /* Foreign process for US-stored data. */
    r = req_make(REQ_COURT_ORDER, "DE", CAT_SUBSCRIBER);
    d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_REJECT_OUT_OF_JURISDICTION);
    assert_contains(d->reason, "DE court_order does not reach data stored "
                               "in US (us-east-1)");
    request_destroy(&r);
    decide_cleanup();
}

static void test_rule7_insufficient(void **state)
{
    (void)state;
    location_t l = loc_make(true, "us-east-1", "US"); /* before rule 7 */
    request_t *r = req_make(REQ_NATIONAL_SECURITY_LETTER, "US", CAT_TRANSACTIONAL);
    account_decision_t *d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_REJECT_INSUFFICIENT_PROCESS);
    assert_int_equal(d->refused, CAT_TRANSACTIONAL);
    assert_int_equal(d->granted, 0);
    assert_string_equal(d->reason,
                        "US national_security_letter is not sufficient for transactional "
                        "(needs court_order, search_warrant or mlat_request); nothing is "
                        "disclosed");
    request_destroy(&r);

    r = req_make(REQ_SUBPOENA, "US", CAT_CONTENT | CAT_TRANSACTIONAL);
    d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_REJECT_INSUFFICIENT_PROCESS);
    assert_int_equal(d->refused, CAT_CONTENT | CAT_TRANSACTIONAL);
    assert_contains(d->reason, "content (needs search_warrant or "
                               "mlat_request), transactional (needs court_order, "
                               "search_warrant or mlat_request)");
    request_destroy(&r);

    r = req_make(REQ_COURT_ORDER, "US", CAT_CONTENT);
    d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_REJECT_INSUFFICIENT_PROCESS);
    request_destroy(&r);
    decide_cleanup();
}

static void test_rule7_partial(void **state)
{
    (void)state;
    location_t l = loc_make(false, "us-central-1", "US");
    request_t *r = req_make(REQ_SUBPOENA, "US", CAT_SUBSCRIBER | CAT_TRANSACTIONAL);
    account_decision_t *d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_PARTIAL);
    assert_int_equal(d->granted, CAT_SUBSCRIBER);
    assert_int_equal(d->refused, CAT_TRANSACTIONAL);
    assert_string_equal(d->reason,
                        "US subpoena suffices for subscriber but not for transactional "
                        "(needs court_order, search_warrant or mlat_request); disclose "
                        "subscriber only");
    request_destroy(&r);

    r = req_make(REQ_COURT_ORDER, "US", CAT_ALL);
    d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_PARTIAL);
    assert_int_equal(d->granted, CAT_SUBSCRIBER | CAT_TRANSACTIONAL);
    assert_int_equal(d->refused, CAT_CONTENT);
    assert_contains(d->reason, "suffices for subscriber, transactional but "
                               "not for content");
    request_destroy(&r);
    decide_cleanup();
}

static void test_rule8_redirect(void **state)
{
    (void)state;
    location_t l = loc_make(true, "us-west-2", "US");
    request_t *r = req_make(REQ_SEARCH_WARRANT, "US", CAT_ALL);
    account_decision_t *d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_REDIRECT_TO_CUSTOMER);
    assert_int_equal(d->granted, CAT_ALL);
    assert_contains(d->reason, "enterprise customer Acme Ltd (t-9)");
    assert_contains(d->reason, "seek the data from the customer itself");

    /* redirect off: the enterprise account is disclosed. */
    policy_settings_t s;
    policy_settings_default(&s);
    s.redirect_enterprise = false;
    d = decide(&s, r, &l);
    assert_int_equal(d->decision, DEC_DISCLOSE);
    request_destroy(&r);
    decide_cleanup();
}

static void test_rule9_disclose(void **state)
{
    (void)state;
    location_t l = loc_make(false, "us-east-1", "US");
    request_t *r = req_make(REQ_MLAT_REQUEST, "US", CAT_CONTENT | CAT_SUBSCRIBER);
    snprintf(r->auth.agency_country, sizeof r->auth.agency_country, "US");
    account_decision_t *d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_DISCLOSE);
    assert_int_equal(d->granted, CAT_CONTENT | CAT_SUBSCRIBER);
    assert_int_equal(d->refused, 0);
    assert_string_equal(
        d->reason, "US mlat_request suffices for content, subscriber of data stored in "
                   "US (us-east-1); disclose");
    request_destroy(&r);
    decide_cleanup();
}

static void test_no_categories(void **state)
{
    (void)state;
    location_t l = loc_make(false, "us-east-1", "US");
    request_t *r = req_make(REQ_NATIONAL_SECURITY_LETTER, "US", 0);
    account_decision_t *d = decide(NULL, r, &l);
    assert_int_equal(d->decision, DEC_DISCLOSE);
    assert_int_equal(d->granted, CAT_SUBSCRIBER);
    assert_contains(d->reason, "names no data categories; treated as "
                               "subscriber information only");
    request_destroy(&r);
    decide_cleanup();
}

/* ---- cloud_act ----------------------------------------------------------------- */

static void test_cloud_act(void **state)
{
    (void)state;
    policy_settings_t s;
    policy_settings_default(&s);
    s.reach = REACH_CLOUD_ACT;

    /* No executive agreement with IE: proceeds, no comity review. */
    location_t ie = loc_make(false, "ie-dublin-1", "IE");
    request_t *r = req_make(REQ_SEARCH_WARRANT, "US", CAT_ALL);
    account_decision_t *d = decide(&s, r, &ie);
    assert_int_equal(d->decision, DEC_DISCLOSE);
    assert_false(d->comity_review);
    assert_contains(d->reason, "cloud_act: US process reaches data stored "
                               "in IE (ie-dublin-1), no comity review (IE has no "
                               "executive agreement with the US)");

    /* GB has one: comity review, said in the reason. */
    location_t gb = loc_make(false, "gb-london-1", "GB");
    d = decide(&s, r, &gb);
    assert_int_equal(d->decision, DEC_DISCLOSE);
    assert_true(d->comity_review);
    assert_contains(d->reason, "marked for comity review (GB has an "
                               "executive agreement with the US)");

    /* Rules 6-7 still apply after the cloud_act pass. */
    location_t au = loc_make(true, "au-sydney-1", "AU");
    d = decide(&s, r, &au);
    assert_int_equal(d->decision, DEC_REDIRECT_TO_CUSTOMER);
    assert_true(d->comity_review);
    request_destroy(&r);

    r = req_make(REQ_NATIONAL_SECURITY_LETTER, "US", CAT_TRANSACTIONAL);
    d = decide(&s, r, &gb);
    assert_int_equal(d->decision, DEC_REJECT_INSUFFICIENT_PROCESS);
    assert_false(d->comity_review); /* nothing may go out */
    request_destroy(&r);

    /* Process from another country still follows rule 5. */
    location_t us = loc_make(false, "us-east-1", "US");
    r = req_make(REQ_COURT_ORDER, "GB", CAT_SUBSCRIBER);
    d = decide(&s, r, &us);
    assert_int_equal(d->decision, DEC_REJECT_OUT_OF_JURISDICTION);
    assert_contains(d->reason, "under cloud_act reach");
    d = decide(&s, r, &ie);
    assert_int_equal(d->decision, DEC_REJECT_OUT_OF_JURISDICTION);
    request_destroy(&r);

    /* A different agreement list. */
    assert_int_equal(policy_set_agreements(&s, "IE"), 0);
    r = req_make(REQ_SEARCH_WARRANT, "US", CAT_ALL);
    d = decide(&s, r, &ie);
    assert_true(d->comity_review);
    d = decide(&s, r, &gb);
    assert_false(d->comity_review);
    /* Data at home under cloud_act: no comity question at all. */
    d = decide(&s, r, &us);
    assert_int_equal(d->decision, DEC_DISCLOSE);
    assert_false(d->comity_review);
    assert_null(strstr(d->reason, "cloud_act"));
    request_destroy(&r);
    decide_cleanup();
}

/* ---- the labelled samples -------------------------------------------------------- */

/* A tiny RFC 4180 reader: one record per call, quotes and "" escapes. */
static int csv_row(const char **cur, char fields[][256], int max)
{
    const char *p = *cur;
    if (!*p)
        return 0;
    int n = 0;
    for (;;) {
        char *out = fields[n];
        size_t len = 0;
        if (*p == '"') {
            for (p++; *p; p++) {
                if (*p == '"' && p[1] == '"')
                    p++;
                else if (*p == '"') {
                    p++;
                    break;
                }
                if (len < 255)
                    out[len++] = *p;
            }
        }
        while (*p && *p != ',' && *p != '\n' && *p != '\r')
            if (len < 255)
                out[len++] = *p++;
            else
                p++;
        out[len] = '\0';
        n++;
        if (*p == ',' && n < max) {
            p++;
            continue;
        }
        while (*p == '\r' || *p == '\n')
            p++;
        break;
    }
    *cur = p;
    return n;
}

static char *slurp(const char *rel)
{
    const char *root = getenv("WRIT_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root ? root : ".", rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

typedef struct {
    char account[128];
    location_t loc;
} reg_entry_t;

static reg_entry_t registry[64];
static size_t registry_n;

static void load_registry(void)
{
    char f[6][256];
    char *tenants = slurp("tests/fixtures/samples/tenants.csv");
    char *locs = slurp("tests/fixtures/samples/locations.csv");
    const char *p = locs;
    csv_row(&p, f, 6); /* header */
    registry_n = 0;
    while (csv_row(&p, f, 6) == 5) {
        assert_true(registry_n < 64);
        reg_entry_t *e = &registry[registry_n++];
        memset(e, 0, sizeof *e);
        cp(e->account, sizeof e->account, f[0]);
        e->loc.found = true;
        e->loc.enterprise = strcmp(f[2], "enterprise") == 0;
        cp(e->loc.tenant, sizeof e->loc.tenant, f[1]);
        cp(e->loc.region, sizeof e->loc.region, f[3]);
        cp(e->loc.country, sizeof e->loc.country, f[4]);
        const char *t = tenants;
        csv_row(&t, f, 6);
        while (csv_row(&t, f, 6) == 3) {
            if (e->loc.tenant[0] && strcmp(f[0], e->loc.tenant) == 0) {
                cp(e->loc.tenant_name, sizeof e->loc.tenant_name, f[1]);
                cp(e->loc.admin_contact, sizeof e->loc.admin_contact, f[2]);
            }
        }
    }
    assert_int_equal(registry_n, 25);
    free(tenants);
    free(locs);
}

static location_t lookup(const char *account)
{
    for (size_t i = 0; i < registry_n; i++)
        if (strcmp(registry[i].account, account) == 0)
            return registry[i].loc;
    location_t none = { 0 };
    return none;
}

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* config/agencies.zpl, as intake loads it: which agency sent each label's
 * message (policy rule 5). */
static agencies_t *g_agencies;

static request_t *request_from_label(json_t *j)
{
    request_t *r = request_new();
    if (!g_agencies) {
        const char *root = getenv("WRIT_SOURCE_DIR");
        char path[1024], err[256];
        snprintf(path, sizeof path, "%s/config/agencies.zpl", root ? root : ".");
        g_agencies = agencies_load(path, err, sizeof err);
        if (!g_agencies)
            fail_msg("%s", err);
    }
    const char *cc = agencies_country(g_agencies, jstr(j, "from"));
    snprintf(r->auth.agency_country, sizeof r->auth.agency_country, "%s", cc ? cc : "");
    request_set_string(&r->requesting_country, jstr(j, "requesting_country"));
    r->type = request_type_from_name(jstr(j, "request_type"));
    assert_true(r->type < REQ_TYPE_COUNT);
    request_set_string(&r->issuing_agency, jstr(j, "issuing_agency"));
    request_set_string(&r->issuing_country, jstr(j, "issuing_country"));
    request_set_string(&r->reference, jstr(j, "reference"));
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(j, "accounts"), i, v)
        assert_int_equal(request_add_account(r, json_string_value(v)), 0);
    json_array_foreach(json_object_get(j, "data_categories"), i, v) r->categories |=
        request_category_from_name(json_string_value(v));
    json_t *nd = json_object_get(j, "nondisclosure");
    r->nondisclosure = json_is_true(json_object_get(nd, "present"));
    const char *until = jstr(nd, "until");
    snprintf(r->nondisclosure_until, sizeof r->nondisclosure_until, "%s",
             until ? until : "");
    r->emergency = json_is_true(json_object_get(j, "emergency"));
    return r;
}

static void check_sample(int n)
{
    char rel[128];
    snprintf(rel, sizeof rel, "tests/fixtures/samples/requests/%03d.json", n);
    char *text = slurp(rel);
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    assert_non_null(j);
    free(text);

    case_t *c = case_new("c0000000000000001");
    case_set_request(c, request_from_label(j));
    policy_settings_t s;
    policy_settings_default(&s);
    for (size_t i = 0; i < c->account_count; i++) {
        location_t l = lookup(c->accounts[i].account);
        policy_decide(&s, c->request, &l, &c->accounts[i]);
    }
    notice_decide_case(c);

    json_t *exp = json_object_get(j, "expected");
    json_t *decs = json_object_get(exp, "decisions");
    json_t *nots = json_object_get(exp, "notices");
    assert_int_equal(json_object_size(decs), c->account_count);
    for (size_t i = 0; i < c->account_count; i++) {
        account_decision_t *d = &c->accounts[i];
        const char *want = jstr(decs, d->account);
        const char *want_n = jstr(nots, d->account);
        if (!want || strcmp(want, decision_name(d->decision)) != 0)
            fail_msg("%03d %s: decision %s, label %s (%s)", n, d->account,
                     decision_name(d->decision), want ? want : "?", d->reason);
        if (!want_n || strcmp(want_n, notice_status_name(d->notice)) != 0)
            fail_msg("%03d %s: notice %s, label %s", n, d->account,
                     notice_status_name(d->notice), want_n ? want_n : "?");
    }
    if (c->challenge_recommended !=
        json_is_true(json_object_get(exp, "challenge_recommended")))
        fail_msg("%03d: challenge_recommended differs from the label", n);
    case_destroy(&c);
    json_decref(j);
}

static void test_samples(void **state)
{
    (void)state;
    load_registry();
    for (int n = 1; n <= 14; n++)
        check_sample(n);
    agencies_destroy(&g_agencies);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings_default),
        cmocka_unit_test(test_sufficiency),
        cmocka_unit_test(test_rule1_no_data),
        cmocka_unit_test(test_rule2_preserve),
        cmocka_unit_test(test_rule3_emergency),
        cmocka_unit_test(test_rule4_unknown),
        cmocka_unit_test(test_rule5_treaty_route),
        cmocka_unit_test(test_rule6_out_of_jurisdiction),
        cmocka_unit_test(test_rule7_insufficient),
        cmocka_unit_test(test_rule7_partial),
        cmocka_unit_test(test_rule8_redirect),
        cmocka_unit_test(test_rule9_disclose),
        cmocka_unit_test(test_no_categories),
        cmocka_unit_test(test_cloud_act),
        cmocka_unit_test(test_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
