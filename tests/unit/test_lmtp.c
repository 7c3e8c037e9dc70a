/* test_lmtp.c -- the LMTP state machine: RFC 2033 dialogue, pipelining,
 * dot-unstuffing, per-recipient replies, SIZE, bad sequences. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "envelope.h"
#include "lmtp.h"

static bool only_legal(void *ctx, const char *addr)
{
    (void)ctx;
    return !strcmp(addr, "legal@provider.example") ||
           !strcmp(addr, "legal2@provider.example");
}

static lmtp_config_t cfg = { .hostname = "mx.test",
                             .max_message_size = 1000,
                             .accept_rcpt = only_legal,
                             .ctx = NULL };

/* Feeds input; returns the event; out receives all output so far. */
static lmtp_event_t feed(lmtp_session_t *s, const char *in, char *out, size_t outlen)
{
    size_t used = 0;
    lmtp_event_t ev = lmtp_session_feed(s, in, strlen(in), &used);
    size_t n;
    const char *o = lmtp_session_output(s, &n);
    snprintf(out, outlen, "%.*s", (int)n, o);
    lmtp_session_output_sent(s, n);
    return ev;
}

static void test_full_dialogue_pipelined(void **state)
{
    (void)state;
    lmtp_session_t *s = lmtp_session_new(&cfg);
    char out[4096];
    lmtp_session_greet(s);
    feed(s, "", out, sizeof out);
    assert_non_null(strstr(out, "220 mx.test"));
    /* Everything in one write, as a pipelining gateway does. */
    lmtp_event_t ev =
        feed(s,
             "LHLO gw\r\nMAIL FROM:<a@b.example> SIZE=100\r\n"
             "RCPT TO:<Legal@Provider.example>\r\nRCPT TO:<nobody@provider.example>\r\n"
             "RCPT TO:<legal2@provider.example>\r\nDATA\r\n"
             "Subject: x\r\n\r\n..leading dot\r\nline\r\n.\r\n",
             out, sizeof out);
    assert_int_equal(ev, LMTP_MESSAGE);
    assert_non_null(strstr(out, "250-PIPELINING"));
    assert_non_null(strstr(out, "250-ENHANCEDSTATUSCODES"));
    assert_non_null(strstr(out, "250-8BITMIME"));
    assert_non_null(strstr(out, "250-SMTPUTF8"));
    assert_non_null(strstr(out, "250 SIZE 1000"));
    assert_non_null(strstr(out, "550 5.1.1 <nobody@provider.example>"));
    assert_non_null(strstr(out, "354 "));
    size_t len;
    const char *msg = lmtp_session_message(s, &len);
    assert_int_equal(len, strlen("Subject: x\r\n\r\n.leading dot\r\nline\r\n"));
    assert_memory_equal(msg, "Subject: x\r\n\r\n.leading dot\r\nline\r\n", len);
    assert_int_equal(lmtp_session_recipients(s), 2);
    /* Custody: the envelope names the accepted recipients only. */
    assert_string_equal(
        lmtp_session_envelope(s),
        "from=<a@b.example> to=<legal@provider.example>,<legal2@provider.example>");
    lmtp_session_delivered(s, 250, "2.0.0", "accepted as case c1");
    ev = feed(s, "QUIT\r\n", out, sizeof out);
    /* One reply per accepted recipient, then QUIT's. */
    const char *first = strstr(out, "250 2.0.0 accepted as case c1\r\n");
    assert_non_null(first);
    assert_non_null(strstr(first + 5, "250 2.0.0 accepted as case c1\r\n"));
    assert_non_null(strstr(out, "221 "));
    assert_int_equal(ev, LMTP_CLOSE);
    lmtp_session_destroy(&s);
    assert_null(s);
}

static void test_lf_only_client_bytes_kept(void **state)
{
    (void)state;
    lmtp_session_t *s = lmtp_session_new(&cfg);
    char out[4096];
    feed(s, "LHLO gw\nMAIL FROM:<>\nRCPT TO:<legal@provider.example>\nDATA\n", out,
         sizeof out);
    assert_int_equal(feed(s, "A: b\n\nbody\n.\n", out, sizeof out), LMTP_MESSAGE);
    size_t len;
    const char *msg = lmtp_session_message(s, &len);
    assert_int_equal(len, 11);
    assert_memory_equal(msg, "A: b\n\nbody\n", 11);
    lmtp_session_destroy(&s);
}

static void test_message_split_across_reads(void **state)
{
    (void)state;
    lmtp_session_t *s = lmtp_session_new(&cfg);
    char out[4096];
    feed(s, "LHLO gw\r\nMAIL FROM:<x@y>\r\nRCPT TO:<legal@provider.example>\r\nDA", out,
         sizeof out);
    feed(s, "TA\r\nSubj", out, sizeof out);
    assert_non_null(strstr(out, "354"));
    assert_int_equal(feed(s, "ect: y\r\n\r\nz\r", out, sizeof out), LMTP_NEED_MORE);
    assert_int_equal(feed(s, "\n.\r\n", out, sizeof out), LMTP_MESSAGE);
    size_t len;
    lmtp_session_message(s, &len);
    assert_int_equal(len, strlen("Subject: y\r\n\r\nz\r\n"));
    lmtp_session_destroy(&s);
}

static void test_bad_sequences(void **state)
{
    (void)state;
    lmtp_session_t *s = lmtp_session_new(&cfg);
    char out[4096];
    feed(s, "MAIL FROM:<a@b>\r\n", out, sizeof out);
    assert_non_null(strstr(out, "503 5.5.1"));
    feed(s, "EHLO x\r\n", out, sizeof out);
    assert_non_null(strstr(out, "500 5.5.1"));
    feed(s, "LHLO x\r\nDATA\r\n", out, sizeof out);
    assert_non_null(strstr(out, "503 5.5.1"));
    feed(s, "RCPT TO:<legal@provider.example>\r\n", out, sizeof out);
    assert_non_null(strstr(out, "503 5.5.1"));
    feed(s, "MAIL FROM:<a@b>\r\nRCPT TO:<nobody@x>\r\nDATA\r\n", out, sizeof out);
    assert_non_null(strstr(out, "550 5.1.1"));
    assert_non_null(strstr(out, "503 5.5.1 need valid RCPT"));
    feed(s, "RSET\r\nNOOP\r\nBOGUS\r\n", out, sizeof out);
    assert_non_null(strstr(out, "250 2.0.0 reset"));
    assert_non_null(strstr(out, "500 5.5.2"));
    lmtp_session_destroy(&s);
}

static void test_size_limit(void **state)
{
    (void)state;
    lmtp_session_t *s = lmtp_session_new(&cfg);
    char out[4096];
    feed(s, "LHLO x\r\nMAIL FROM:<a@b> SIZE=5000\r\n", out, sizeof out);
    assert_non_null(strstr(out, "552 5.3.4"));
    feed(s, "MAIL FROM:<a@b>\r\nRCPT TO:<legal@provider.example>\r\nDATA\r\n", out,
         sizeof out);
    char *big = malloc(3000);
    memset(big, 'x', 2997);
    memcpy(big + 2997, "\r\n", 3);
    feed(s, big, out, sizeof out);
    free(big);
    assert_int_equal(feed(s, ".\r\n", out, sizeof out), LMTP_NEED_MORE);
    assert_non_null(strstr(out, "552 5.3.4"));
    /* The session is usable again afterwards. */
    feed(s, "MAIL FROM:<a@b>\r\n", out, sizeof out);
    assert_non_null(strstr(out, "250 2.1.0"));
    lmtp_session_destroy(&s);
}

static void test_overlong_command_line(void **state)
{
    (void)state;
    lmtp_session_t *s = lmtp_session_new(&cfg);
    char out[4096];
    char *line = malloc(10000);
    memset(line, 'A', 9997);
    memcpy(line + 9997, "\r\n", 3);
    feed(s, line, out, sizeof out);
    free(line);
    assert_non_null(strstr(out, "500 5.5.2 line too long"));
    feed(s, "LHLO x\r\n", out, sizeof out);
    assert_non_null(strstr(out, "250-x") ? strstr(out, "250-x")
                                         : strstr(out, "250-mx.test"));
    lmtp_session_destroy(&s);
}

static void test_tempfail_reply_per_recipient(void **state)
{
    (void)state;
    lmtp_session_t *s = lmtp_session_new(&cfg);
    char out[4096];
    feed(s,
         "LHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<legal@provider.example>\r\nDATA\r\nA: "
         "b\r\n\r\n.\r\n",
         out, sizeof out);
    lmtp_session_delivered(s, 451, "4.3.0", "try again");
    feed(s, "", out, sizeof out);
    assert_string_equal(out, "451 4.3.0 try again\r\n");
    lmtp_session_destroy(&s);
}

/* RFC 6531: a UTF-8 sender with the SMTPUTF8 parameter is accepted and
 * the UTF-8 header bytes reach the message unchanged. */
static void test_smtputf8_sender_and_headers(void **state)
{
    (void)state;
    lmtp_session_t *s = lmtp_session_new(&cfg);
    char out[4096];
    lmtp_event_t ev = feed(
        s,
        "LHLO gw\r\nMAIL FROM:<j\xc3\xbcrgen@polizei.example> SMTPUTF8 BODY=8BITMIME\r\n"
        "RCPT TO:<legal@provider.example>\r\nDATA\r\n"
        "From: J\xc3\xbcrgen <j\xc3\xbcrgen@polizei.example>\r\n\r\nStra\xc3\x9f"
        "e\r\n.\r\n",
        out, sizeof out);
    assert_int_equal(ev, LMTP_MESSAGE);
    assert_non_null(strstr(out, "250 2.1.0 sender ok"));
    size_t len;
    const char *msg = lmtp_session_message(s, &len);
    assert_non_null(memmem(msg, len, "J\xc3\xbcrgen <j\xc3\xbcrgen@", 15));
    lmtp_session_destroy(&s);
}

/* The custody line: pipe mode builds it from argv with the same calls;
 * a list that does not fit ends in "...". */
static void test_envelope_line(void **state)
{
    (void)state;
    char env[40];
    envelope_start(env, sizeof env, "");
    assert_string_equal(env, "from=<> to=");
    envelope_add_recipient(env, sizeof env, "a@b.example");
    envelope_add_recipient(env, sizeof env, "c@d.example");
    assert_string_equal(env, "from=<> to=<a@b.example>,<c@d.example>");
    envelope_add_recipient(env, sizeof env, "overflowing@d.example");
    assert_int_equal(strlen(env), sizeof env - 1);
    assert_string_equal(env + sizeof env - 4, "...");
    envelope_add_recipient(env, sizeof env, "x@y.example");
    assert_string_equal(env + sizeof env - 4, "...");
}

/* A client that pipelines commands without reading the replies is not
 * read beyond LMTP_OUTPUT_LIMIT bytes of replies; once they are sent,
 * the rest of its input is taken. */
static void test_unread_replies_stop_input(void **state)
{
    (void)state;
    lmtp_session_t *s = lmtp_session_new(&cfg);
    size_t n = 100000, len = 6 * n, used = 0, out;
    char *noops = malloc(len);
    for (size_t i = 0; i < n; i++)
        memcpy(noops + 6 * i, "NOOP\r\n", 6);
    lmtp_session_feed(s, "LHLO gw\r\n", 9, &used);
    lmtp_event_t ev = lmtp_session_feed(s, noops, len, &used);
    assert_int_equal(ev, LMTP_NEED_MORE);
    assert_true(used < len);
    assert_true(lmtp_session_output_full(s));
    lmtp_session_output(s, &out);
    assert_true(out < LMTP_OUTPUT_LIMIT + 512);
    size_t again;
    lmtp_session_feed(s, noops + used, len - used, &again);
    assert_int_equal(again, 0); /* nothing while full */
    lmtp_session_output_sent(s, out);
    lmtp_session_feed(s, noops + used, len - used, &again);
    assert_true(again > 0);
    free(noops);
    lmtp_session_destroy(&s);
}

static void begin_data(lmtp_session_t *s)
{
    char out[1024];
    feed(s,
         "LHLO gw\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<legal@provider.example>\r\n"
         "DATA\r\n",
         out, sizeof out);
    assert_non_null(strstr(out, "354 "));
}

/* Messages in transfer share one budget: the one that would take it over
 * keeps nothing more and gets 451 4.3.1 at its end; the budget is given
 * back when a message is answered, so a retry then fits. */
static void test_data_budget_shared(void **state)
{
    (void)state;
    size_t in_flight = 0;
    lmtp_config_t c = cfg;
    c.max_message_size = 100000;
    c.data_in_flight = &in_flight;
    c.data_budget = 300;
    lmtp_session_t *a = lmtp_session_new(&c), *b = lmtp_session_new(&c);
    char out[1024], line[101];
    memset(line, 'x', 98);
    memcpy(line + 98, "\r\n", 3);
    begin_data(a);
    begin_data(b);
    feed(a, line, out, sizeof out);
    feed(a, line, out, sizeof out); /* a holds 200 */
    assert_int_equal(in_flight, 200);
    feed(b, line, out, sizeof out); /* 300: still fits */
    feed(b, line, out, sizeof out); /* over: b keeps nothing */
    assert_int_equal(in_flight, 200);
    feed(b, line, out, sizeof out);
    lmtp_event_t ev = feed(b, ".\r\n", out, sizeof out);
    assert_int_equal(ev, LMTP_NEED_MORE);
    assert_non_null(strstr(out, "451 4.3.1 "));
    ev = feed(a, ".\r\n", out, sizeof out);
    assert_int_equal(ev, LMTP_MESSAGE);
    size_t len;
    lmtp_session_message(a, &len);
    assert_int_equal(len, 200);
    lmtp_session_delivered(a, 250, "2.0.0", "ok");
    assert_int_equal(in_flight, 0);
    /* b's retry fits now; a line split across feeds still ends it. */
    feed(b, "MAIL FROM:<a@b.example>\r\nRCPT TO:<legal@provider.example>\r\nDATA\r\n",
         out, sizeof out);
    feed(b, line, out, sizeof out);
    assert_int_equal(feed(b, ".", out, sizeof out), LMTP_NEED_MORE);
    assert_int_equal(feed(b, "\r\n", out, sizeof out), LMTP_MESSAGE);
    lmtp_session_destroy(&b);
    assert_int_equal(in_flight, 0); /* destroy gives it back */
    lmtp_session_destroy(&a);
}

/* Over the budget, the final dot is still found when it comes in pieces. */
static void test_over_budget_dot_split(void **state)
{
    (void)state;
    size_t in_flight = 0;
    lmtp_config_t c = cfg;
    c.data_in_flight = &in_flight;
    c.data_budget = 10;
    lmtp_session_t *s = lmtp_session_new(&c);
    char out[1024];
    begin_data(s);
    feed(s, "a line longer than ten bytes\r\n", out, sizeof out);
    feed(s, ".x\r\n", out, sizeof out); /* not the end */
    assert_int_equal(feed(s, ".", out, sizeof out), LMTP_NEED_MORE);
    assert_int_equal(feed(s, "\r", out, sizeof out), LMTP_NEED_MORE);
    feed(s, "\n", out, sizeof out);
    assert_non_null(strstr(out, "451 4.3.1 "));
    assert_int_equal(in_flight, 0);
    lmtp_session_destroy(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_dialogue_pipelined),
        cmocka_unit_test(test_lf_only_client_bytes_kept),
        cmocka_unit_test(test_message_split_across_reads),
        cmocka_unit_test(test_bad_sequences),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_overlong_command_line),
        cmocka_unit_test(test_tempfail_reply_per_recipient),
        cmocka_unit_test(test_smtputf8_sender_and_headers),
        cmocka_unit_test(test_envelope_line),
        cmocka_unit_test(test_unread_replies_stop_input),
        cmocka_unit_test(test_data_budget_shared),
        cmocka_unit_test(test_over_budget_dot_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
