/* test_notice.c -- the customer-notice table of default-policy.md
 * (notice_decide_case) row by row; each letter of config/notices/ rendered
 * for a sample case and compared with its golden file
 * (tests/fixtures/notices/NAME.golden; WRIT_UPDATE_GOLDEN=1 rewrites them)
 * and checked for the facts it must state, its shape (72-column body,
 * folded ASCII headers) and the absence of internal codes; and
 * notice_render itself: header injection, RFC 2047, wrapping, template
 * errors.
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
        fail_msg("\"%s\" does not contain \"%s\"", hay ? hay : "(null)", needle);
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
    c->accounts[1].decision = DEC_EMERGENCY_REVIEW; /* gag beats rule 3 */
    c->accounts[2].decision = DEC_REJECT_OUT_OF_JURISDICTION;
    notice_decide_case(c);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(c->accounts[i].notice, NOTICE_HELD);
        assert_string_equal(c->accounts[i].release_on, "2026-03-31");
        assert_string_equal(c->accounts[i].notice_to, c->accounts[i].account);
    }
    assert_false(c->challenge_recommended); /* consumers only */
    case_destroy(&c);

    /* No end date: held with release_on "", enterprise -> challenge. */
    c = make_case(1, true, "");
    c->accounts[0].decision = DEC_REDIRECT_TO_CUSTOMER;
    make_enterprise(&c->accounts[0]);
    notice_decide_case(c);
    assert_int_equal(c->accounts[0].notice, NOTICE_HELD);
    assert_string_equal(c->accounts[0].release_on, "");
    assert_string_equal(c->accounts[0].notice_to, "sysadmin@copperline-title.example");
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
    assert_string_equal(c->accounts[1].notice_to, "sysadmin@copperline-title.example");
    assert_false(c->challenge_recommended);
    case_destroy(&c);
}

static void test_rule4_prepared(void **state)
{
    (void)state;
    static const decision_t decs[] = { DEC_REJECT_OUT_OF_JURISDICTION,
                                       DEC_REJECT_INSUFFICIENT_PROCESS, DEC_PARTIAL,
                                       DEC_REDIRECT_TO_CUSTOMER, DEC_DISCLOSE };
    case_t *c = make_case(6, false, "");
    for (size_t i = 0; i < 5; i++)
        c->accounts[i].decision = decs[i];
    make_enterprise(&c->accounts[3]);
    /* accounts[5] is undecided: the table is not applied to it. */
    notice_decide_case(c);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(c->accounts[i].notice, NOTICE_PREPARED);
    assert_string_equal(c->accounts[0].notice_to, "a@northmail.example");
    assert_string_equal(c->accounts[3].notice_to, "sysadmin@copperline-title.example");
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
    static const char *const dn[] = { "no_data",
                                      "preserve",
                                      "emergency_review",
                                      "needs_review",
                                      "reject_out_of_jurisdiction",
                                      "reject_insufficient_process",
                                      "partial",
                                      "redirect_to_customer",
                                      "disclose" };
    for (int i = 0; i < 9; i++) {
        assert_int_equal(decision_from_name(dn[i]), DEC_NO_DATA + i);
        assert_string_equal(decision_name(DEC_NO_DATA + i), dn[i]);
    }
    static const char *const nn[] = { "not_required", "held", "deferred", "prepared" };
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
    .from = "Northwind Cloud Legal <legal-notices@northwind-cloud.example>",
    .date = "Tue, 07 Oct 2025 09:00:00 +0000",
    .message_id = "c0123456789abcdef.5d2b1c9a0e3f@northwind-cloud.example",
    .contact = "legal-notices@northwind-cloud.example",
};

static char *slurp(const char *rel)
{
    const char *root = getenv("WRIT_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root ? root : ".", rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strdup(buf);
}

/* The shipped template of a letter (config/notices/<name>.txt). */
static char *load_letter(notice_letter_t letter)
{
    char rel[256];
    snprintf(rel, sizeof rel, "config/notices/%s.txt", notice_letter_name(letter));
    char *t = slurp(rel);
    if (!t)
        fail_msg("cannot open %s", rel);
    return t;
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

/* Columns of a line (UTF-8 characters). */
static size_t columns(const char *s, size_t n)
{
    size_t cols = 0;
    for (size_t i = 0; i < n; i++)
        cols += ((unsigned char)s[i] & 0xC0) != 0x80;
    return cols;
}

/* What every letter must be: headers ASCII and folded before 78 columns,
 * body lines at most 72 columns, no CR, no internal code or identifier. */
static void assert_letter_shape(const char *msg)
{
    assert_null(strchr(msg, '\r'));
    const char *body = strstr(msg, "\n\n");
    assert_non_null(body);
    for (const char *p = msg; p < body; p++)
        assert_true((unsigned char)*p < 0x80);
    for (const char *p = msg; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        size_t max = p < body ? 78 : NOTICE_WIDTH;
        if (columns(p, n) > max)
            fail_msg("line over %zu columns: \"%.*s\"", max, (int)n, p);
        if (!nl)
            break;
        p = nl + 1;
    }
    static const char *const internal[] = { "no_data",
                                            "preserve",
                                            "emergency_review",
                                            "needs_review",
                                            "reject_out_of_jurisdiction",
                                            "reject_insufficient_process",
                                            "partial\n",
                                            "redirect_to_customer",
                                            "disclose\n",
                                            "mlat_request",
                                            "search_warrant",
                                            "national_security_letter",
                                            "us-east-1",
                                            "ie-dublin-1",
                                            "de-frankfurt-1",
                                            "t-1001",
                                            "t-1004",
                                            "territorial",
                                            "has been told",
                                            "{{",
                                            "}}",
                                            NULL };
    for (int i = 0; internal[i]; i++)
        if (strstr(body, internal[i]))
            fail_msg("the letter shows \"%s\"", internal[i]);
}

/* ---- the letters, as golden files ------------------------------------------- */

/* A case as the samples give it: agency, country, process, reference,
 * categories, one account with its location and decision. */
typedef struct {
    const char *golden; /* tests/fixtures/notices/<name>.golden */
    request_type_t type;
    const char *agency, *issuing, *requesting, *served_by, *reference;
    unsigned asked, granted, refused;
    bool gag;
    const char *until;
    const char *account, *storage, *region;
    bool enterprise;
    decision_t decision;
    notice_letter_t letter;
} letter_case_t;

static const letter_case_t LETTERS[] = {
    { "disclosure", REQ_SUBPOENA, "HSI", "US", "US", "US", "2024R00655-GJ-03",
      CAT_SUBSCRIBER, CAT_SUBSCRIBER, 0, false, "", "rosa.delgado77@northmail.example",
      "US", "us-east-1", false, DEC_DISCLOSE, NOTICE_LETTER_DISCLOSURE },
    { "partial", REQ_SUBPOENA, "DEA", "US", "US", "US", "R3-25-0117",
      CAT_SUBSCRIBER | CAT_TRANSACTIONAL, CAT_SUBSCRIBER, CAT_TRANSACTIONAL, false, "",
      "marco.ruiz.88@northmail.example", "US", "us-east-1", false, DEC_PARTIAL,
      NOTICE_LETTER_PARTIAL },
    { "rejected-jurisdiction", REQ_NATIONAL_SECURITY_LETTER, "FBI", "US", "US", "US",
      "NSL-NY-2025-00233", CAT_TRANSACTIONAL, 0, 0, false, "",
      "cian.murphy@northmail.example", "IE", "ie-dublin-1", false,
      DEC_REJECT_OUT_OF_JURISDICTION, NOTICE_LETTER_REJECTED_JURISDICTION },
    { "rejected-process", REQ_NATIONAL_SECURITY_LETTER, "FBI", "US", "US", "US",
      "NSL-NY-2025-00233", CAT_TRANSACTIONAL, 0, CAT_TRANSACTIONAL, false, "",
      "p.wexford@northmail.example", "US", "us-east-1", false,
      DEC_REJECT_INSUFFICIENT_PROCESS, NOTICE_LETTER_REJECTED_PROCESS },
    { "rejected-treaty", REQ_MLAT_REQUEST, "BKA", "US", "DE", "DE", "SO41-240912-3",
      CAT_CONTENT | CAT_SUBSCRIBER, 0, CAT_CONTENT | CAT_SUBSCRIBER, false, "",
      "f.albrecht@northmail.example", "US", "us-east-1", false,
      DEC_REJECT_INSUFFICIENT_PROCESS, NOTICE_LETTER_REJECTED_TREATY },
    { "redirected", REQ_SUBPOENA, "HSI", "US", "US", "US", "2024R00655-GJ-03",
      CAT_SUBSCRIBER, CAT_SUBSCRIBER, 0, false, "", "escrow@copperline-title.example",
      "US", "us-east-1", true, DEC_REDIRECT_TO_CUSTOMER, NOTICE_LETTER_REDIRECTED },
    { "released", REQ_SEARCH_WARRANT, "USSS", "US", "US", "US", "25 MJ 4418", CAT_ALL,
      CAT_ALL, 0, true, "2026-03-31", "v.sokolova@northmail.example", "US", "us-east-1",
      false, DEC_DISCLOSE, NOTICE_LETTER_RELEASED },
    { "released-treaty", REQ_MLAT_REQUEST, "Garda Síochána", "US", "IE", "US",
      "CJMA/2024/0387", CAT_CONTENT | CAT_SUBSCRIBER, CAT_CONTENT | CAT_SUBSCRIBER, 0,
      true, "", "seanog.ryan@northmail.example", "US", "us-east-1", false, DEC_DISCLOSE,
      NOTICE_LETTER_RELEASED },
    { "other", REQ_EMERGENCY_REQUEST, "Pine Hollow County Sheriff's Office", "US", "US",
      "", "PHSO-25-031447", CAT_SUBSCRIBER | CAT_TRANSACTIONAL, 0, 0, false, "",
      "darkstar1999@northmail.example", "US", "us-east-1", false, DEC_EMERGENCY_REVIEW,
      NOTICE_LETTER_OTHER },
};

static case_t *letter_case(const letter_case_t *l)
{
    request_t *r = request_new();
    r->type = l->type;
    request_set_string(&r->issuing_agency, l->agency);
    request_set_string(&r->issuing_country, l->issuing);
    request_set_string(&r->requesting_country, l->requesting);
    cp(r->auth.agency_country, sizeof r->auth.agency_country, l->served_by);
    request_set_string(&r->reference, l->reference);
    r->categories = l->asked;
    r->nondisclosure = l->gag;
    cp(r->nondisclosure_until, sizeof r->nondisclosure_until, l->until);
    assert_int_equal(request_add_account(r, l->account), 0);
    case_t *c = case_new("c0123456789abcdef");
    case_set_request(c, r);
    account_decision_t *d = &c->accounts[0];
    d->location.found = true;
    cp(d->location.country, sizeof d->location.country, l->storage);
    cp(d->location.region, sizeof d->location.region, l->region);
    if (l->enterprise)
        make_enterprise(d);
    d->decision = l->decision;
    d->granted = l->granted;
    d->refused = l->refused;
    d->reason = strdup("internal reason: us-east-1 t-1001 territorial");
    notice_decide_case(c);
    if (l->gag) { /* the gag ended: the notice is released */
        assert_int_equal(d->notice, NOTICE_HELD);
        d->notice = NOTICE_PREPARED;
    }
    if (l->letter == NOTICE_LETTER_OTHER)
        d->notice = NOTICE_PREPARED; /* a person released it */
    return c;
}

/* Renders each letter from its shipped template and compares it with its
 * golden file byte for byte. WRIT_UPDATE_GOLDEN=1 rewrites the files
 * (then read the diff as the customer would). */
static void test_letters_golden(void **state)
{
    (void)state;
    const char *root = getenv("WRIT_SOURCE_DIR");
    bool update = getenv("WRIT_UPDATE_GOLDEN") != NULL;
    for (size_t i = 0; i < sizeof LETTERS / sizeof LETTERS[0]; i++) {
        const letter_case_t *l = &LETTERS[i];
        case_t *c = letter_case(l);
        account_decision_t *d = &c->accounts[0];
        assert_int_equal(notice_letter_for(c, d), l->letter);
        char *tmpl = load_letter(l->letter);
        char *msg = notice_render(tmpl, c, d, &ENV);
        if (!msg)
            fail_msg("%s: template did not render", l->golden);
        assert_letter_shape(msg);
        char rel[256];
        snprintf(rel, sizeof rel, "tests/fixtures/notices/%s.golden", l->golden);
        if (update) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", root ? root : ".", rel);
            FILE *f = fopen(path, "wb");
            assert_non_null(f);
            fputs(msg, f);
            fclose(f);
        }
        char *golden = slurp(rel);
        if (!golden)
            fail_msg("no golden file %s (WRIT_UPDATE_GOLDEN=1 writes it)", rel);
        if (strcmp(golden, msg) != 0)
            fail_msg("%s differs from the rendered letter:\n%s", rel, msg);
        free(golden);
        free(msg);
        free(tmpl);
        case_destroy(&c);
    }
}

/* The facts each letter must state, in words a customer reads. */
static void test_letters_say_what_happened(void **state)
{
    (void)state;
    static const struct {
        size_t which;
        const char *const says[6];
    } facts[] = {
        { 0,
          { "HSI (the United States)", "a subpoena", "2024R00655-GJ-03",
            "subscriber information", "motion to quash", NULL } },
        { 1,
          { "hand over subscriber information",
            "refused to hand over "
            "records of your use",
            NULL } },
        { 2,
          { "stored in Ireland", "from the United States does not reach",
            "handed over nothing", NULL } },
        { 3,
          { "a National Security Letter does not allow us to hand over "
            "records",
            NULL } },
        { 4,
          { "BKA (Germany), writing to us directly",
            "Office of "
            "International Affairs",
            "handed over nothing", NULL } },
        { 5,
          { "Dear administrator of Copperline Title & Escrow Inc.",
            "escrow@copperline-title.example",
            "ask the customer "
            "directly",
            NULL } },
        { 6,
          { "ended on 31\u00a0March\u00a02026", "hand over subscriber information",
            "we decided to comply", "may already have been handed over", NULL } },
        { 7,
          { "Garda Síochána (Ireland), through the authorities of the "
            "United States",
            "has been lifted", NULL } },
    };
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        const letter_case_t *l = &LETTERS[facts[i].which];
        case_t *c = letter_case(l);
        char *tmpl = load_letter(l->letter);
        char *msg = notice_render(tmpl, c, &c->accounts[0], &ENV);
        assert_non_null(msg);
        /* Unwrapped, so a fact split over two lines is still found. */
        for (char *p = msg; *p; p++)
            if (*p == '\n')
                *p = ' ';
        for (char *p = msg; *p; p++) /* "  - " item indents */
            while (p[0] == ' ' && p[1] == ' ')
                memmove(p, p + 1, strlen(p));
        for (int k = 0; facts[i].says[k]; k++)
            assert_contains(msg, facts[i].says[k]);
        assert_contains(msg, "c0123456789abcdef");
        assert_contains(msg, ENV.contact);
        free(msg);
        free(tmpl);
        case_destroy(&c);
    }
}

/* ---- the renderer ------------------------------------------------------------- */

static void test_render_headers(void **state)
{
    (void)state;
    case_t *c = letter_case(&LETTERS[0]);
    account_decision_t *d = &c->accounts[0];
    char *tmpl = load_letter(NOTICE_LETTER_DISCLOSURE);
    char *msg = notice_render(tmpl, c, d, &ENV);
    assert_non_null(msg);
    char *h = headers_of(msg);
    assert_true(strncmp(h, "From: Northwind Cloud Legal <legal-notices@", 43) == 0);
    assert_contains(h, "\nTo: rosa.delgado77@northmail.example\n");
    assert_contains(h, "\nDate: Tue, 07 Oct 2025 09:00:00 +0000\n");
    assert_contains(h, "\nMessage-ID: <c0123456789abcdef.5d2b1c9a0e3f@"
                       "northwind-cloud.example>\n");
    assert_contains(h, "\nMIME-Version: 1.0\n");
    assert_contains(h, "\nContent-Type: text/plain; charset=utf-8\n");
    assert_contains(h, "\nContent-Transfer-Encoding: 8bit\n");
    assert_contains(h, "\nSubject: Legal request from HSI for data of your");
    assert_int_equal(header_count(h), 8);
    free(h);
    free(msg);

    /* Nobody to address: nothing is rendered. */
    free(d->notice_to);
    d->notice_to = NULL;
    assert_null(notice_render(tmpl, c, d, &ENV));
    free(tmpl);
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
    assert_contains(body, "FBI Bcc: victim@evil.example");
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
    char *msg = notice_render("Subject: From {{agency}}\n\n{{agency}}\n", c, d, &ENV);
    assert_non_null(msg);
    /* Headers stay ASCII (RFC 2047); the 8bit body keeps UTF-8. */
    assert_string_equal(msg, "Subject: From =?utf-8?B?R2FyZGEgU8Otb2Now6FuYQ==?="
                             "\n\nGarda Síochána\n");
    free(msg);
    /* A long non-ASCII subject: encoded-words folded onto lines of at most
     * 78 columns, each word at most 75 characters (RFC 2047 § 2). */
    request_set_string(&c->request->issuing_agency,
                       "Ministère public de la Confédération, Département "
                       "fédéral de justice et police, Berne");
    msg = notice_render("Subject: Legal request from {{agency}} for data\n\n"
                        "x\n",
                        c, d, &ENV);
    assert_non_null(msg);
    assert_letter_shape(msg);
    assert_non_null(strstr(msg, "\n =?utf-8?B?"));
    free(msg);
    case_destroy(&c);
}

static void test_render_wraps(void **state)
{
    (void)state;
    case_t *c = make_case(1, false, "");
    account_decision_t *d = &c->accounts[0];
    d->decision = DEC_DISCLOSE;
    notice_decide_case(c);
    request_set_string(&c->request->issuing_agency,
                       "Síochána Síochána "
                       "Síochána Síochána Síochána Síochána Síochána");
    char *msg = notice_render(
        "To: {{to}}\n\nThe agency {{agency}} asked for data of your account "
        "{{account}} on a day of which we say nothing.\n"
        "  - Who asked: {{agency}} and more words to wrap here\n"
        "# not a note here: only at the top\n",
        c, d, &ENV);
    assert_non_null(msg);
    assert_letter_shape(msg);
    assert_string_equal(
        strstr(msg, "\n\n") + 2,
        "The agency Síochána Síochána Síochána Síochána Síochána Síochána\n"
        "Síochána asked for data of your account a@northmail.example on a day of\n"
        "which we say nothing.\n"
        "  - Who asked: Síochána Síochána Síochána Síochána Síochána Síochána\n"
        "    Síochána and more words to wrap here\n"
        "# not a note here: only at the top\n");
    free(msg);
    /* Notes at the top of a template are dropped. */
    msg = notice_render("# a note for the legal team\n# and {{another}}\n"
                        "To: {{to}}\n\nx\n",
                        c, d, &ENV);
    assert_non_null(msg);
    assert_string_equal(msg, "To: a@northmail.example\n\nx\n");
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
    /* The internal codes are no placeholders any more. */
    assert_null(notice_render("To: {{to}}\n\n{{decision}}\n", c, d, &ENV));
    assert_null(notice_render("To: {{to}}\n\n{{reason}}\n", c, d, &ENV));
    assert_null(notice_render(NULL, c, d, &ENV));
    char *ok = notice_render("To: {{to}}\n\n} { }} {x}\n", c, d, &ENV);
    assert_non_null(ok);
    assert_string_equal(ok, "To: a@northmail.example\n\n} { }} {x}\n");
    free(ok);
    /* Every documented placeholder is known. */
    ok = notice_render("{{case_id}}{{to}}{{from}}{{date}}{{message_id}}"
                       "{{contact}}{{account}}{{tenant_name}}{{requester}}"
                       "{{agency}}{{requesting_country}}{{issuing_country}}"
                       "{{process}}{{reference}}{{asked_for}}{{handed_over}}"
                       "{{withheld}}{{storage_country}}{{gag_ended}}"
                       "{{outcome}}",
                       c, d, NULL);
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
        cmocka_unit_test(test_letters_golden),
        cmocka_unit_test(test_letters_say_what_happened),
        cmocka_unit_test(test_render_headers),
        cmocka_unit_test(test_render_wraps),
        cmocka_unit_test(test_render_no_injection),
        cmocka_unit_test(test_render_utf8_subject),
        cmocka_unit_test(test_render_template_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
