/* test_extract_text.c -- extraction unit tests: the text view built once
 * per message (common/extract/text.h): its line and sentence index gives
 * at every offset the same bounds as scanning the text for them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/text.h"

/* At every offset of t (and its end), the index and the scan agree. */
static void check_index_against_scan(const char *t)
{
    size_t n = strlen(t);
    text_view_t v;
    assert_true(text_view_init(&v, t, n));
    for (size_t i = 0; i <= n; i++) {
        if (view_line_start(&v, i) != line_start(t, i) ||
            view_line_end(&v, i) != line_end(t, n, i))
            fail_msg("line at %zu: index [%zu, %zu), scan [%zu, %zu)", i,
                     view_line_start(&v, i), view_line_end(&v, i), line_start(t, i),
                     line_end(t, n, i));
        size_t s, e, ss, se;
        view_sentence(&v, i, &s, &e);
        sentence_bounds(t, n, i, &ss, &se);
        if (s != ss || e != se)
            fail_msg("sentence at %zu: index [%zu, %zu), scan [%zu, %zu)", i, s, e, ss,
                     se);
    }
    text_view_free(&v);
}

static void index_matches_scan(void **state)
{
    (void)state;
    check_index_against_scan("");
    check_index_against_scan("\n");
    check_index_against_scan("\n\n");
    check_index_against_scan("One line without an end");
    check_index_against_scan(
        "Date: March 3, 2025\n\nDear Custodian of Records:\n\n"
        "Pursuant to 18 U.S.C. 2703(d), Dana M. Whitcombe of the F.B.I. "
        "requests records. Is this clear? Yes! (A note.) No. 25-117 is the "
        "reference.\n  \t\nThe end.\n");
    check_index_against_scan(
        "Case No. 4. Agent J. Smith. Please respond.\r\n\r\nThanks.");
}

/* Past SENTENCE_MAX the bounds are the window's, as with the scan. */
static void index_keeps_the_sentence_window(void **state)
{
    (void)state;
    size_t n = 3 * SENTENCE_MAX + 200;
    char *t = malloc(n + 1);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++)
        t[i] = i % 7 == 6 ? ' ' : 'a';
    memcpy(t + SENTENCE_MAX, ". Then", 6); /* one break, early */
    t[n] = '\0';
    check_index_against_scan(t);

    text_view_t v;
    assert_true(text_view_init(&v, t, n));
    size_t s, e;
    view_sentence(&v, 2 * SENTENCE_MAX + 100, &s, &e);
    assert_int_equal(s, SENTENCE_MAX + 100);         /* not the break */
    assert_int_equal(e, 3 * SENTENCE_MAX + 100 + 1); /* not the end */
    assert_int_equal(v.break_count, 1);
    assert_int_equal(v.line_count, 1);
    text_view_free(&v);
    free(t);
}

/* The index counts what the extractors ask about. */
static void index_contents(void **state)
{
    (void)state;
    const char *t = "First sentence. Second one?\nLine two\n\nAfter a blank line.";
    text_view_t v;
    assert_true(text_view_init(&v, t, strlen(t)));
    assert_int_equal(v.line_count, 4);
    assert_int_equal(v.lines[1], 28);
    assert_int_equal(v.lines[3], 38);
    /* "." after "First sentence", "?" + newline, the blank line; the
     * text's last "." has nothing after it */
    assert_int_equal(v.break_count, 3);
    assert_int_equal(v.breaks[0], 14);
    assert_int_equal(t[v.breaks[1]], '?');
    assert_int_equal(v.breaks[2], 37);
    text_view_free(&v);
    assert_null(v.lines);
    assert_null(v.breaks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(index_matches_scan),
        cmocka_unit_test(index_keeps_the_sentence_window),
        cmocka_unit_test(index_contents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
