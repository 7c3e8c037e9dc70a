/* extract_test.h -- what the extraction unit tests (test_extract_*.c,
 * one file per field family like common/extract/) share: a message built
 * from a subject and a body and parsed as intake parses it, and checks
 * for types, categories, dates, gags and deadlines. Functions are static
 * inline so each test program uses what it needs.
 */
#ifndef WRIT_EXTRACT_TEST_H
#define WRIT_EXTRACT_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "extract.h"
#include "mail.h"
#include "parse.h"
#include "request.h"

static inline parse_status_t parse_raw(const char *raw, size_t len, request_t *r)
{
    parse_settings_t s;
    parse_settings_default(&s);
    char err[256];
    memset(r, 0, sizeof *r);
    return parse_message(&s, raw, len, r, err, sizeof err);
}

/* A plain-text message from `from` with `subject` and `body`. */
static inline void parse_mail(const char *from, const char *subject, const char *body,
                              request_t *r)
{
    size_t need = strlen(from) + strlen(subject) + strlen(body) + 512;
    char *raw = malloc(need);
    assert_non_null(raw);
    int n = snprintf(raw, need,
                     "From: Sender <%s>\n"
                     "To: legal-requests@northwind-cloud.example\n"
                     "Subject: %s\n"
                     "Date: Mon, 3 Mar 2025 10:00:00 -0500\n"
                     "Message-ID: <test-1@example.test>\n"
                     "MIME-Version: 1.0\n"
                     "Content-Type: text/plain; charset=utf-8\n"
                     "Content-Transfer-Encoding: 8bit\n"
                     "\n%s",
                     from, subject, body);
    assert_int_equal(parse_raw(raw, (size_t)n, r), PARSE_OK);
    free(raw);
}

static inline void assert_type(const char *subject, const char *body, request_type_t want)
{
    request_t r;
    parse_mail("agent@fbi.gov", subject, body, &r);
    if (r.type != want)
        fail_msg("type %s, want %s for: %s", request_type_name(r.type),
                 request_type_name(want), body);
    request_clear(&r);
}

static inline bool has_account(const request_t *r, const char *a)
{
    for (size_t i = 0; i < r->account_count; i++)
        if (strcmp(r->accounts[i], a) == 0)
            return true;
    return false;
}

static inline unsigned cats_of(const char *text)
{
    size_t n;
    char *t = extract_normalize(text, strlen(text), &n);
    unsigned c = extract_categories(t, n);
    free(t);
    return c;
}

static inline date_t ymd(int y, int m, int d)
{
    return (date_t){ y, m, d };
}

static inline void assert_date(date_t d, const char *want)
{
    char buf[11];
    date_format(&d, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static inline void assert_parses(const char *text, const char *want)
{
    date_t d = { 0, 0, 0 };
    size_t n = date_parse_at(text, strlen(text), &d);
    if (!n)
        fail_msg("no date in \"%s\"", text);
    assert_date(d, want);
}

static inline void gag_check(const char *text, request_type_t type, bool present,
                             const char *until)
{
    size_t n;
    char *t = extract_normalize(text, strlen(text), &n);
    date_t ld;
    const date_t *lp = extract_letter_date(t, n, false, &ld) ? &ld : NULL;
    char got[11];
    bool p = extract_nondisclosure(t, n, type, lp, false, got);
    free(t);
    if (p != present || strcmp(got, until) != 0)
        fail_msg("gag %d until \"%s\", want %d \"%s\" for: %s", p, got, present, until,
                 text);
}

static inline void deadline_check(const char *text, bool day_first, const char *want)
{
    size_t n;
    char *t = extract_normalize(text, strlen(text), &n);
    date_t ld;
    const date_t *lp = extract_letter_date(t, n, day_first, &ld) ? &ld : NULL;
    char got[11];
    extract_deadline(t, n, lp, day_first, got);
    free(t);
    if (strcmp(got, want) != 0)
        fail_msg("deadline \"%s\", want \"%s\" for: %s", got, want, text);
}

#endif
