/* test_delivery.c -- the pure part of writ-send (common/core/delivery.c):
 * notice ids from Maildir names, the recipient and Message-ID read from a
 * prepared notice, the bytes handed to the relay (CRLF, Reply-To), what a
 * relay's answer means (the crash-window rule: no verdict after the end
 * of the data is "unconfirmed", before it "deferred"), the backoff, and
 * the on-call alert (Auto-Submitted, no customer data, no injection),
 * and the letters to the requester (acknowledgement, decision letters).
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
#include "delivery.h"
#include "letter.h"
#include "parse.h"

#include <glib.h>

static const char NOTICE[] =
    "From: Northwind Cloud Legal <legal-notices@northwind-cloud.example>\n"
    "To: rosa.delgado77@northmail.example\n"
    "Subject: Legal request from HSI for data of your account (our case\n"
    " c0123456789abcdef)\n"
    "Date: Tue, 07 Oct 2025 09:00:00 +0000\n"
    "Message-ID: <c0123456789abcdef.5d2b1c9a0e3f@northwind-cloud.example>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Dear customer,\n"
    "To: not-a-header@example.invalid\n"
    "Grüße\n";

static void test_id_from_name(void **state)
{
    (void)state;
    char id[DELIVERY_ID_LEN], case_id[32];
    assert_true(
        delivery_id_from_name("c0123456789abcdef.0123456789abcdef.writ", id, case_id));
    assert_string_equal(id, "c0123456789abcdef.0123456789abcdef");
    assert_string_equal(case_id, "c0123456789abcdef");
    assert_true(delivery_id_from_name("c0123456789abcdef.0123456789abcdef.writ:2,S", id,
                                      case_id));
    assert_string_equal(id, "c0123456789abcdef.0123456789abcdef");
    assert_false(
        delivery_id_from_name("c0123456789abcdef.0123456789abcdef.writx", id, case_id));
    assert_false(
        delivery_id_from_name("c0123456789ABCDEF.0123456789abcdef.writ", id, case_id));
    assert_false(
        delivery_id_from_name("x0123456789abcdef.0123456789abcdef.writ", id, case_id));
    assert_false(delivery_id_from_name("c0123456789abcdef.0123.writ", id, case_id));
    assert_false(delivery_id_from_name(".writ", id, case_id));
    assert_false(delivery_id_from_name("", id, case_id));
}

static void test_headers(void **state)
{
    (void)state;
    delivery_headers_t h;
    const char *why = NULL;
    assert_int_equal(delivery_headers_read(NOTICE, strlen(NOTICE), &h, &why), 0);
    assert_string_equal(h.to, "rosa.delgado77@northmail.example");
    assert_string_equal(h.message_id,
                        "c0123456789abcdef.5d2b1c9a0e3f@northwind-cloud.example");
    delivery_headers_clear(&h);

    /* "Name <addr>", folded */
    const char named[] = "To: Copperline\n  Admin <admin@copperline.example>\n"
                         "Message-ID: <a@b>\n\nbody\n";
    assert_int_equal(delivery_headers_read(named, strlen(named), &h, &why), 0);
    assert_string_equal(h.to, "admin@copperline.example");
    delivery_headers_clear(&h);

    /* what cannot be sent as it is */
    const char *bad[] = {
        "Message-ID: <a@b>\n\nTo: x@y.example\n",              /* To only in the body */
        "To: x@y.example, z@y.example\nMessage-ID: <a@b>\n\n", /* two recipients */
        "To: x@y.example\n\n",                                 /* no Message-ID */
        "To: x@y.example\nMessage-ID: a@b\n\n",                /* no brackets */
        "To: nobody\nMessage-ID: <a@b>\n\n",                   /* not an address */
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why = NULL;
        assert_int_equal(delivery_headers_read(bad[i], strlen(bad[i]), &h, &why), -1);
        assert_non_null(why);
        assert_null(h.to);
    }
}

static void test_wire_text(void **state)
{
    (void)state;
    size_t len = 0;
    char *w =
        delivery_wire_text(NOTICE, strlen(NOTICE), "legal@northwind-cloud.example", &len);
    assert_non_null(w);
    assert_int_equal(strlen(w), len);
    /* every line ends CRLF, no bare LF */
    for (size_t i = 0; i < len; i++)
        if (w[i] == '\n')
            assert_true(i > 0 && w[i - 1] == '\r');
    /* Reply-To once, in the header, after the first line */
    assert_non_null(strstr(
        w, "From: Northwind Cloud Legal <legal-notices@northwind-cloud.example>\r\n"
           "Reply-To: legal@northwind-cloud.example\r\nTo: "));
    assert_null(strstr(strstr(w, "Reply-To:") + 1, "Reply-To:"));
    assert_non_null(strstr(w, "\r\n\r\nDear customer,\r\n"));
    assert_non_null(strstr(w, "Grüße\r\n"));
    free(w);

    /* a Reply-To already there is kept; a CR/LF in the setting is refused */
    const char has[] = "From: a@b\nReply-To: c@d\n\nx";
    w = delivery_wire_text(has, strlen(has), "e@f", &len);
    assert_string_equal(w, "From: a@b\r\nReply-To: c@d\r\n\r\nx\r\n");
    free(w);
    const char plain[] = "From: a@b\r\n\r\nx\r\n";
    w = delivery_wire_text(plain, strlen(plain), "e@f\r\nBcc: evil@x", &len);
    assert_string_equal(w, "From: a@b\r\n\r\nx\r\n");
    free(w);
    /* a folded first line stays whole */
    const char folded[] = "Subject: a\n b\nTo: c@d\n\nx\n";
    w = delivery_wire_text(folded, strlen(folded), "e@f", &len);
    assert_string_equal(w, "Subject: a\r\n b\r\nReply-To: e@f\r\nTo: c@d\r\n\r\nx\r\n");
    free(w);
}

static void test_classify(void **state)
{
    (void)state;
    assert_int_equal(delivery_classify(true, 250, true), DELIVERY_SENT);
    /* 250 without the end of the data (curl error mid-way): not sent */
    assert_int_equal(delivery_classify(false, 250, false), DELIVERY_DEFERRED);
    assert_int_equal(delivery_classify(false, 550, false), DELIVERY_FAILED);
    assert_int_equal(delivery_classify(false, 554, true), DELIVERY_FAILED);
    assert_int_equal(delivery_classify(false, 451, false), DELIVERY_DEFERRED);
    assert_int_equal(delivery_classify(false, 421, true), DELIVERY_DEFERRED);
    /* relay down or broke off before the end of the data: retry */
    assert_int_equal(delivery_classify(false, 0, false), DELIVERY_DEFERRED);
    assert_int_equal(delivery_classify(false, 354, false), DELIVERY_DEFERRED);
    /* the end of the data went out and no verdict came back: may be sent */
    assert_int_equal(delivery_classify(false, 0, true), DELIVERY_UNCONFIRMED);
    assert_int_equal(delivery_classify(false, 354, true), DELIVERY_UNCONFIRMED);
    assert_string_equal(delivery_outcome_name(DELIVERY_UNCONFIRMED), "unconfirmed");
}

static void test_backoff(void **state)
{
    (void)state;
    assert_int_equal(delivery_backoff_ms(1, 5000, 3600000), 5000);
    assert_int_equal(delivery_backoff_ms(2, 5000, 3600000), 10000);
    assert_int_equal(delivery_backoff_ms(4, 5000, 3600000), 40000);
    assert_int_equal(delivery_backoff_ms(30, 5000, 3600000), 3600000);
    assert_int_equal(delivery_backoff_ms(1000000, 5000, 3600000), 3600000);
    assert_int_equal(delivery_backoff_ms(0, 5000, 3600000), 5000);
}

static void test_alert(void **state)
{
    (void)state;
    const char *reason = "emergency request: a person decides at once whether "
                         "to disclose voluntarily (18 U.S.C. § 2702); the customer "
                         "notice waits until the emergency has passed";
    assert_true(delivery_reason_is_emergency(reason));
    assert_false(delivery_reason_is_emergency("a decision needs a person"));
    assert_false(delivery_reason_is_emergency(NULL));
    char id1[DELIVERY_ID_LEN], id2[DELIVERY_ID_LEN], id3[DELIVERY_ID_LEN];
    delivery_alert_id("c0123456789abcdef", reason, id1);
    delivery_alert_id("c0123456789abcdef", reason, id2);
    delivery_alert_id("c0123456789abcdef", "a decision needs a person", id3);
    assert_string_equal(id1, id2);
    assert_string_not_equal(id1, id3);
    assert_int_equal(strncmp(id1, "c0123456789abcdef.alert.", 24), 0);

    delivery_alert_t a = { .from = "writ <writ@northwind-cloud.example>",
                           .to = "oncall@northwind-cloud.example",
                           .date = "Tue, 07 Oct 2025 09:00:00 +0000",
                           .message_id = "x@northwind-cloud.example",
                           .case_id = "c0123456789abcdef",
                           .reason = reason,
                           .emergency = true };
    char *text = delivery_alert_render(&a);
    assert_non_null(text);
    assert_non_null(strstr(text, "\nAuto-Submitted: auto-generated\n"));
    assert_non_null(strstr(text, "\nMessage-ID: <x@northwind-cloud.example>\n"));
    assert_non_null(
        strstr(text, "Subject: [writ] EMERGENCY request: case c0123456789abcdef"));
    assert_non_null(strstr(text, "\nCase: c0123456789abcdef\n"));
    assert_non_null(strstr(text, "Content-Type: text/plain; charset=utf-8\n"));
    /* lines of the body within 78 columns */
    const char *body = strstr(text, "\n\n");
    for (const char *p = body + 2; *p;) {
        const char *e = strchr(p, '\n');
        assert_non_null(e);
        assert_true(e - p <= 78);
        p = e + 1;
    }
    free(text);

    /* a reason cannot add headers; a missing field renders nothing */
    a.reason = "x\nBcc: evil@example.invalid";
    a.emergency = false;
    text = delivery_alert_render(&a);
    assert_null(strstr(text, "\nBcc:"));
    assert_non_null(strstr(text, "Subject: [writ] review: case c0123456789abcdef"));
    free(text);
    a.to = "";
    assert_null(delivery_alert_render(&a));
}

/* The daily digest: one id per day, a line per date with the request's
 * type and agency (never an account), no header injection from an
 * agency's name, and a digest even when nothing is due. */
static void test_digest(void **state)
{
    (void)state;
    char id[DELIVERY_ID_LEN];
    delivery_digest_id("2026-12-05", id);
    assert_string_equal(id, "digest.20261205");
    delivery_digest_item_t items[] = {
        { "2026-12-01", "overdue by 4 days", "c0123456789abcdef", "deadline", "subpoena",
          "DEA", NULL },
        { "2026-12-09", "in 4 days", "c00000000000000aa", "gag end", "court order",
          "U.S. District Court\nBcc: evil@example.invalid", NULL },
        { "2026-12-04", "overdue by 1 day", "c00000000000000bb", "delivery", NULL, NULL,
          "notice failed" },
    };
    delivery_digest_t d = { .from = "writ <writ@northwind-cloud.example>",
                            .to = "legal@northwind-cloud.example",
                            .date = "Sat, 05 Dec 2026 07:00:00 +0000",
                            .message_id = "digest.20261205@northwind-cloud.example",
                            .day = "2026-12-05",
                            .days = 7,
                            .items = items,
                            .count = 3 };
    char *text = delivery_digest_render(&d);
    assert_non_null(text);
    assert_non_null(strstr(text, "\nAuto-Submitted: auto-generated\n"));
    assert_non_null(strstr(text, "Subject: [writ] due on 2026-12-05: 3 dates\n"));
    assert_non_null(strstr(text, "c00000000000000bb  delivery     notice failed\n"));
    assert_non_null(
        strstr(text, "\nMessage-ID: <digest.20261205@northwind-cloud.example>\n"));
    assert_non_null(strstr(text, "2026-12-01  overdue by 4 days"));
    assert_non_null(strstr(text, "c0123456789abcdef  deadline     subpoena from DEA\n"));
    assert_null(strstr(text, "\nBcc:"));
    assert_non_null(strstr(text, "writctl due --days 7"));
    free(text);
    d.count = 0;
    text = delivery_digest_render(&d);
    assert_non_null(strstr(text, "Subject: [writ] due on 2026-12-05: 0 dates\n"));
    assert_non_null(strstr(text, "\nNothing is due.\n"));
    free(text);
    d.to = "";
    assert_null(delivery_digest_render(&d));
}

/* The acknowledgement: only for a verified requester (a forged request,
 * or one a person must verify, gets nothing), to its From address, with
 * the case number and never an account. */
static case_t *ack_case(bool verified, bool verify_requester, const char *from)
{
    request_t *r = request_new();
    r->type = REQ_SUBPOENA;
    request_set_string(&r->issuing_agency, "DEA");
    request_set_string(&r->issuing_country, "US");
    request_set_string(&r->reference, "DEA-2024-0099");
    request_set_string(&r->from, from);
    request_add_account(r, "marco.ruiz.88@northmail.example");
    r->auth.verified = verified;
    case_t *c = case_new("c0123456789abcdef");
    case_set_request(c, r);
    c->verify_requester = verify_requester;
    return c;
}

static void test_ack(void **state)
{
    (void)state;
    gchar *tmpl = NULL;
    assert_true(
        g_file_get_contents("config/letters/acknowledgement.txt", &tmpl, NULL, NULL));
    notice_envelope_t env = {
        .from = "Northwind Cloud Legal <legal-notices@northwind-cloud.example>",
        .date = "Tue, 07 Oct 2025 09:00:00 +0000",
        .message_id = "c0123456789abcdef.ack@northwind-cloud.example",
        .contact = "legal-notices@northwind-cloud.example"
    };
    case_t *c = ack_case(true, false, "subpoenas@dea.example");
    assert_true(letter_ack_due(c));
    char *text = letter_render_ack(tmpl, c, &env);
    assert_non_null(text);
    assert_non_null(strstr(text, "\nTo: subpoenas@dea.example\n"));
    assert_non_null(strstr(text, "case c0123456789abcdef"));
    assert_non_null(strstr(text, "DEA-2024-0099"));
    assert_non_null(strstr(text, "\nAuto-Submitted: auto-replied\n"));
    assert_null(strstr(text, "marco.ruiz")); /* no account named */
    assert_null(strstr(text, "{{"));
    delivery_headers_t h;
    const char *why = NULL;
    assert_int_equal(delivery_headers_read(text, strlen(text), &h, &why), 0);
    assert_string_equal(h.to, "subpoenas@dea.example");
    delivery_headers_clear(&h);
    free(text);
    case_destroy(&c);

    /* forged (the gateway did not verify it), or held for a person to
     * verify, or no usable From: nothing */
    case_t *forged = ack_case(false, true, "subpoenas@dea.example");
    assert_false(letter_ack_due(forged));
    assert_null(letter_render_ack(tmpl, forged, &env));
    case_destroy(&forged);
    case_t *held = ack_case(true, true, "subpoenas@dea.example");
    assert_false(letter_ack_due(held));
    case_destroy(&held);
    case_t *odd = ack_case(true, false, "a@b.example, c@d.example");
    assert_false(letter_ack_due(odd));
    case_destroy(&odd);
    assert_false(letter_ack_due(NULL));
    g_free(tmpl);
}

/* The decision letters: one per case whose accounts all carry the same
 * rejection or redirect, only to a verified requester, with the reason in
 * words, the reference and the case number -- and nothing of the
 * accounts but where the data is stored (no account, tenant, contact). */
static char *render_letter(letter_kind_t k, const case_t *c)
{
    gchar *path = g_strdup_printf("config/letters/%s.txt", letter_kind_name(k));
    gchar *tmpl = NULL;
    assert_true(g_file_get_contents(path, &tmpl, NULL, NULL));
    notice_envelope_t env = {
        .from = "Northwind Cloud Legal <legal-notices@northwind-cloud.example>",
        .date = "Tue, 07 Oct 2025 09:00:00 +0000",
        .message_id = "c0123456789abcdef.letter@northwind-cloud.example",
        .contact = "legal-notices@northwind-cloud.example"
    };
    char *text = letter_render_decision(tmpl, c, k, &env);
    g_free(tmpl);
    g_free(path);
    return text;
}

static void decide_all(case_t *c, decision_t d, const char *country)
{
    for (size_t i = 0; i < c->account_count; i++) {
        c->accounts[i].decision = d;
        snprintf(c->accounts[i].location.country, sizeof c->accounts[i].location.country,
                 "%s", country);
        c->accounts[i].location.found = true;
        c->accounts[i].location.enterprise = true;
        snprintf(c->accounts[i].location.tenant_name,
                 sizeof c->accounts[i].location.tenant_name, "Glenmore Analytics");
        snprintf(c->accounts[i].location.admin_contact,
                 sizeof c->accounts[i].location.admin_contact, "itops@glenmore.example");
    }
}

static void assert_letter_common(const char *text)
{
    assert_non_null(text);
    assert_non_null(strstr(text, "\nTo: subpoenas@dea.example\n"));
    assert_non_null(strstr(text, "c0123456789abcdef"));
    assert_non_null(strstr(text, "DEA-2024-0099"));
    assert_non_null(
        strstr(text, "Message-ID: <c0123456789abcdef.letter@northwind-cloud.example>"));
    assert_null(strstr(text, "marco.ruiz")); /* no account */
    assert_null(strstr(text, "second.account"));
    assert_null(strstr(text, "Glenmore")); /* no tenant */
    assert_null(strstr(text, "itops@"));   /* no customer contact */
    assert_null(strstr(text, "{{"));
    assert_null(strstr(text, "Auto-Submitted")); /* a person approved it */
    delivery_headers_t h;
    const char *why = NULL;
    assert_int_equal(delivery_headers_read(text, strlen(text), &h, &why), 0);
    assert_string_equal(h.to, "subpoenas@dea.example");
    delivery_headers_clear(&h);
}

/* Whether the letter says words, across folded headers and wrapped
 * lines. */
static bool says(const char *text, const char *words)
{
    char *flat = strdup(text), *w = flat;
    for (const char *p = text; *p; p++) {
        char ch = *p == '\n' ? ' ' : *p;
        if (ch == ' ' && w > flat && w[-1] == ' ')
            continue;
        *w++ = ch;
    }
    *w = '\0';
    bool found = strstr(flat, words) != NULL;
    free(flat);
    return found;
}

static void test_decision_letters(void **state)
{
    (void)state;
    /* two accounts: one letter when they agree, none when they differ */
    request_t *r = request_new();
    r->type = REQ_SUBPOENA;
    request_set_string(&r->issuing_country, "US");
    request_set_string(&r->reference, "DEA-2024-0099");
    request_set_string(&r->from, "subpoenas@dea.example");
    request_add_account(r, "marco.ruiz.88@northmail.example");
    request_add_account(r, "second.account@northmail.example");
    r->auth.verified = true;
    case_t *c = case_new("c0123456789abcdef");
    case_set_request(c, r);
    decide_all(c, DEC_REJECT_OUT_OF_JURISDICTION, "IE");
    assert_int_equal(letter_decision_due(c), LETTER_REJECTED_JURISDICTION);
    char *text = render_letter(LETTER_REJECTED_JURISDICTION, c);
    assert_letter_common(text);
    free(text);
    snprintf(c->accounts[1].location.country, 3, "DE"); /* stored elsewhere */
    assert_int_equal(letter_decision_due(c), LETTER_NONE);
    c->accounts[1].decision = DEC_DISCLOSE; /* decided otherwise */
    assert_int_equal(letter_decision_due(c), LETTER_NONE);
    case_destroy(&c);

    /* out of jurisdiction: the storage country and the issuing country */
    c = ack_case(true, false, "subpoenas@dea.example");
    decide_all(c, DEC_REJECT_OUT_OF_JURISDICTION, "IE");
    assert_int_equal(letter_decision_due(c), LETTER_REJECTED_JURISDICTION);
    text = render_letter(LETTER_REJECTED_JURISDICTION, c);
    assert_letter_common(text);
    assert_true(says(text, "refused, outside our jurisdiction"));
    assert_true(says(text, "stored in Ireland"));
    assert_true(says(text, "United States"));
    free(text);
    /* the wrong kind for the case renders nothing */
    assert_null(render_letter(LETTER_REDIRECTED, c));
    case_destroy(&c);

    /* insufficient process: what the process does not reach */
    c = ack_case(true, false, "subpoenas@dea.example");
    decide_all(c, DEC_REJECT_INSUFFICIENT_PROCESS, "US");
    assert_int_equal(letter_decision_due(c), LETTER_REJECTED_PROCESS);
    text = render_letter(LETTER_REJECTED_PROCESS, c);
    assert_letter_common(text);
    assert_true(says(text, "a subpoena does not allow us to hand over"));
    free(text);
    case_destroy(&c);

    /* the treaty route: a foreign agency's own MLAT request */
    c = ack_case(true, false, "subpoenas@dea.example");
    c->request->type = REQ_MLAT_REQUEST;
    snprintf(c->request->auth.agency_country, sizeof c->request->auth.agency_country,
             "FR");
    decide_all(c, DEC_REJECT_INSUFFICIENT_PROCESS, "US");
    assert_int_equal(letter_decision_due(c), LETTER_REJECTED_TREATY);
    text = render_letter(LETTER_REJECTED_TREATY, c);
    assert_letter_common(text);
    assert_true(says(text, "treaty"));
    free(text);
    case_destroy(&c);

    /* redirect: ask the customer -- never named */
    c = ack_case(true, false, "subpoenas@dea.example");
    decide_all(c, DEC_REDIRECT_TO_CUSTOMER, "US");
    assert_int_equal(letter_decision_due(c), LETTER_REDIRECTED);
    text = render_letter(LETTER_REDIRECTED, c);
    assert_letter_common(text);
    assert_true(says(text, "please ask the customer"));
    free(text);
    case_destroy(&c);

    /* nothing: an unverified (forged) requester, a case in review, an
     * undecided or disclosed one */
    c = ack_case(false, true, "subpoenas@dea.example");
    decide_all(c, DEC_REJECT_OUT_OF_JURISDICTION, "IE");
    assert_int_equal(letter_decision_due(c), LETTER_NONE);
    assert_null(render_letter(LETTER_REJECTED_JURISDICTION, c));
    case_destroy(&c);
    c = ack_case(true, false, "subpoenas@dea.example");
    decide_all(c, DEC_REJECT_OUT_OF_JURISDICTION, "IE");
    case_set_review(c, "a person must look");
    assert_int_equal(letter_decision_due(c), LETTER_NONE);
    case_destroy(&c);
    c = ack_case(true, false, "subpoenas@dea.example");
    assert_int_equal(letter_decision_due(c), LETTER_NONE);
    decide_all(c, DEC_DISCLOSE, "US");
    assert_int_equal(letter_decision_due(c), LETTER_NONE);
    case_destroy(&c);
    assert_null(letter_kind_name(LETTER_NONE));
    assert_string_equal(letter_kind_words(LETTER_NONE), "");
    char id[DELIVERY_ID_LEN];
    delivery_letter_id("c0123456789abcdef", id);
    assert_string_equal(id, "c0123456789abcdef.letter");
}

int main(void)
{
    parse_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_from_name),     cmocka_unit_test(test_headers),
        cmocka_unit_test(test_wire_text),        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_backoff),          cmocka_unit_test(test_alert),
        cmocka_unit_test(test_digest),           cmocka_unit_test(test_ack),
        cmocka_unit_test(test_decision_letters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
