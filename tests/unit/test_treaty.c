/* test_treaty.c -- treaty (MLAT) requests from the message to the letter,
 * without Redis: the samples 008 (the Garda's request, served by the
 * Justice Department's Office of International Affairs) and 009 (the
 * BKA's own letter of request), as sent and as a colleague forwards them,
 * parsed with the shipped config/agencies.zpl, decided by the default
 * policy and given their letter. Policy rule 5 turns on who served the
 * request -- for a forward, the forwarded message's sender -- never on the
 * colleague who forwarded it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agencies.h"
#include "case.h"
#include "notice.h"
#include "parse.h"
#include "policy.h"

static char *slurp(const char *rel, size_t *len)
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
    *len = (size_t)n;
    return s;
}

/* The sample as a colleague on the provider's domain forwards it: as a
 * message/rfc822 part (attached) or quoted inline. */
static char *forwarded(const char *inner, bool attached, size_t *len)
{
    const char *head = "Authentication-Results: mx1.northwind-cloud.example; dkim=pass "
                       "header.d=northwind-cloud.example; spf=pass; dmarc=pass "
                       "header.from=northwind-cloud.example\n"
                       "From: Priya Raman <p.raman@northwind-cloud.example>\n"
                       "To: legal-requests@northwind-cloud.example\n"
                       "Subject: Fwd: treaty request\n"
                       "Date: Tue, 4 Mar 2025 10:00:00 +0000\n"
                       "Message-ID: <fwd-1@northwind-cloud.example>\n"
                       "MIME-Version: 1.0\n";
    size_t need = strlen(head) + strlen(inner) + 1024;
    char *out = malloc(need);
    assert_non_null(out);
    int n;
    if (attached)
        n = snprintf(out, need,
                     "%s"
                     "Content-Type: multipart/mixed; boundary=\"b1\"\n\n"
                     "--b1\nContent-Type: text/plain\n\nPlease handle.\n"
                     "--b1\nContent-Type: message/rfc822\n\n%s\n--b1--\n",
                     head, inner);
    else {
        /* Inline: the forwarded headers as a mail client quotes them. */
        const char *from = strstr(inner, "\nFrom: ");
        assert_non_null(from);
        const char *from_end = strchr(from + 1, '\n');
        n = snprintf(out, need,
                     "%s"
                     "Content-Type: text/plain; charset=utf-8\n"
                     "Content-Transfer-Encoding: 8bit\n\n"
                     "Please handle.\n\n"
                     "---------- Forwarded message ---------\n"
                     "%.*s\nSubject: treaty request\n\n%s\n",
                     head, (int)(from_end - from - 1), from + 1,
                     strstr(inner, "\n\n") + 2);
    }
    *len = (size_t)n;
    return out;
}

static agencies_t *shipped_agencies(void)
{
    const char *root = getenv("WRIT_SOURCE_DIR");
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/config/agencies.zpl", root ? root : ".");
    agencies_t *a = agencies_load(path, err, sizeof err);
    if (!a)
        fail_msg("%s", err);
    return a;
}

/* Parses raw, decides its first account as stored in the US (consumer)
 * and returns the decision; *letter gets the notice's letter. */
static decision_t decide(const char *raw, size_t len, const char *served_by,
                         const char *requesting, notice_letter_t *letter)
{
    agencies_t *a = shipped_agencies();
    parse_settings_t ps;
    parse_settings_default(&ps);
    ps.agencies = a;
    request_t *r = request_new();
    char err[128];
    assert_int_equal(parse_message(&ps, raw, len, r, err, sizeof err), PARSE_OK);
    agencies_destroy(&a);
    assert_int_equal(r->type, REQ_MLAT_REQUEST);
    assert_string_equal(r->issuing_country, "US");
    assert_non_null(r->requesting_country);
    assert_string_equal(r->requesting_country, requesting);
    assert_string_equal(r->auth.agency_country, served_by);

    case_t *c = case_new("c0000000000000001");
    case_set_request(c, r);
    account_decision_t *d = &c->accounts[0];
    location_t loc = { .found = true };
    snprintf(loc.country, sizeof loc.country, "US");
    snprintf(loc.region, sizeof loc.region, "us-east-1");
    policy_settings_t s;
    policy_settings_default(&s);
    policy_decide(&s, r, &loc, d);
    decision_t out = d->decision;
    *letter = notice_letter_for(c, d);
    case_destroy(&c);
    return out;
}

static void test_foreign_agency_own_request(void **state)
{
    (void)state;
    size_t len;
    char *raw = slurp("tests/fixtures/samples/requests/009.eml", &len);
    notice_letter_t letter;
    assert_int_equal(decide(raw, len, "DE", "DE", &letter),
                     DEC_REJECT_INSUFFICIENT_PROCESS);
    assert_int_equal(letter, NOTICE_LETTER_REJECTED_TREATY);
    /* Forwarded by a colleague, attached or inline: still the BKA's own
     * request -- the colleague serves nothing. */
    for (int attached = 1; attached >= 0; attached--) {
        size_t fl;
        char *fwd = forwarded(raw, attached, &fl);
        assert_int_equal(decide(fwd, fl, "DE", "DE", &letter),
                         DEC_REJECT_INSUFFICIENT_PROCESS);
        free(fwd);
    }
    free(raw);
}

static void test_served_by_the_requested_state(void **state)
{
    (void)state;
    size_t len;
    char *raw = slurp("tests/fixtures/samples/requests/008.eml", &len);
    notice_letter_t letter;
    assert_int_equal(decide(raw, len, "US", "IE", &letter), DEC_DISCLOSE);
    size_t fl;
    char *fwd = forwarded(raw, true, &fl);
    assert_int_equal(decide(fwd, fl, "US", "IE", &letter), DEC_DISCLOSE);
    free(fwd);
    free(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_foreign_agency_own_request),
        cmocka_unit_test(test_served_by_the_requested_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
