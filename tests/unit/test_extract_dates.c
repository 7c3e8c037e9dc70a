/* test_extract_dates.c -- extraction unit tests: date forms and
 * arithmetic, numbers and durations, the letter's own date. Small example
 * messages written for these tests (not the labelled samples); shared
 * helpers in extract_test.h. The code under test: common/extract/
 * (README.md there).
 */
#include "extract_test.h"

static void dates_forms(void **state)
{
    (void)state;
    assert_parses("31 July 2014", "2014-07-31");
    assert_parses("31st July, 2014", "2014-07-31");
    assert_parses("July 31, 2014", "2014-07-31");
    assert_parses("Jul. 31 2014", "2014-07-31");
    assert_parses("Sept. 30, 2025", "2025-09-30");
    assert_parses("March 31,\n   2026", "2026-03-31");
    assert_parses("2014-07-31", "2014-07-31");
    assert_parses("07/31/2024", "2024-07-31");
    assert_parses("7/4/24", "2024-07-04");
    assert_parses("31/07/2024", "2024-07-31");
    assert_parses("31.07.2014", "2014-07-31");
    assert_parses("12. September 2024", "2024-09-12");
    assert_parses("1. Mai 2024", "2024-05-01");
    assert_parses("3. M\xc3\xa4rz 2025", "2025-03-03");
    assert_parses("14. Oktober 2003", "2003-10-14");
    assert_parses("4th day of December, 2013", "2013-12-04");

    date_t d;
    assert_int_equal(date_parse_at("February 30, 2024", 17, &d), 0);
    assert_int_equal(date_parse_at("13/13/2024", 10, &d), 0);
    assert_int_equal(date_parse_at("May not", 7, &d), 0);
    assert_true(date_parse_at_style("03/02/2025", 10, true, &d) > 0);
    assert_date(d, "2025-02-03");

    size_t s, e;
    const char *t = "Case 24-1090417 dated Tuesday, July 16, 2024 at noon";
    assert_true(date_find(t, strlen(t), &d, &s, &e));
    assert_date(d, "2024-07-16");
    assert_int_equal(s, 31);
}

static void dates_arithmetic(void **state)
{
    (void)state;
    assert_date(date_add_days(ymd(2024, 10, 2), 180), "2025-03-31");
    assert_date(date_add_days(ymd(2024, 12, 25), 10), "2025-01-04");
    assert_date(date_add_years(ymd(2024, 2, 29), 1), "2025-02-28");
    assert_date(date_add_years(ymd(2013, 12, 4), 1), "2014-12-04");
    assert_date(date_add_months(ymd(2025, 1, 31), 1), "2025-02-28");
    assert_date(date_add_months(ymd(2024, 11, 15), 3), "2025-02-15");
    /* Friday + 1 business day = Monday */
    assert_date(date_add_business_days(ymd(2025, 3, 7), 1), "2025-03-10");
    date_t bad = { 2025, 2, 30 };
    assert_false(date_valid(&bad));
    assert_false(date_valid(&(date_t){ 0, 0, 0 }));
}

static void numbers_and_durations(void **state)
{
    (void)state;
    long v;
    assert_true(number_parse_at("fourteen (14) days", 18, &v) > 0);
    assert_int_equal(v, 14);
    assert_true(number_parse_at("ten days", 8, &v) > 0);
    assert_int_equal(v, 10);
    assert_true(number_parse_at("twenty-eight days", 17, &v) > 0);
    assert_int_equal(v, 28);
    assert_true(number_parse_at("one hundred eighty days", 23, &v) > 0);
    assert_int_equal(v, 180);
    assert_true(number_parse_at("180", 3, &v) > 0);
    assert_int_equal(v, 180);
    assert_int_equal(number_parse_at("3rd", 3, &v), 0);

    duration_t d;
    assert_true(duration_parse_at("one year from", 13, &d) > 0);
    assert_int_equal(d.unit, DUR_YEARS);
    assert_int_equal(d.n, 1);
    assert_true(duration_parse_at("ten (10) business days", 22, &d) > 0);
    assert_int_equal(d.unit, DUR_BUSINESS_DAYS);
    assert_int_equal(d.n, 10);
    assert_true(duration_parse_at("a 90-day period", 15, &d) == 0);
    assert_true(duration_parse_at("90-day period", 13, &d) > 0);
    assert_int_equal(d.n, 90);
    assert_true(duration_parse_at("1 hour", 6, &d) > 0);
    assert_int_equal(d.unit, DUR_HOURS);
}

/* Month names in the languages requests arrive in, with their own day
 * forms: French "1er", Spanish / Portuguese "7 de abril de 2025", Italian
 * "1\xc2\xb0 aprile", Dutch, German "M\xc3\xa4rz" / "Maerz", and capitals. */
static void dates_non_english_months(void **state)
{
    (void)state;
    assert_parses("3 mars 2025", "2025-03-03");
    assert_parses("1er janvier 2025", "2025-01-01");
    assert_parses("30 mai 2025", "2025-05-30");
    assert_parses("15 ao\xc3\xbbt 2024", "2024-08-15");
    assert_parses("2 d\xc3\xa9"
                  "cembre 2024",
                  "2024-12-02");
    assert_parses("7 F\xc3\x89VRIER 2025", "2025-02-07");
    assert_parses("7 de abril de 2025", "2025-04-07");
    assert_parses("30 de mayo de 2025", "2025-05-30");
    assert_parses("1 de enero del 2026", "2026-01-01");
    assert_parses("12 de mar\xc3\xa7o de 2025", "2025-03-12");
    assert_parses("5 de mar. de 2025", "2025-03-05");
    assert_parses("1\xc2\xb0 aprile 2025", "2025-04-01");
    assert_parses("21 luglio 2025", "2025-07-21");
    assert_parses("9 gennaio 2025", "2025-01-09");
    assert_parses("3 maart 2025", "2025-03-03");
    assert_parses("17 mei 2025", "2025-05-17");
    assert_parses("3 mrt 2025", "2025-03-03");
    assert_parses("4. Maerz 2025", "2025-03-04");
    assert_parses("4. M\xc3\x84RZ 2025", "2025-03-04");
    assert_parses("20. Juni 2025", "2025-06-20");
    date_t d;
    /* a docket "13 Mag. 3097" is still no date */
    assert_int_equal(date_parse_at("13 Mag. 3097", 12, &d), 0);
    assert_int_equal(date_parse_at("7 de la tarde", 13, &d), 0);
    size_t s, e;
    const char *t = "Madrid, a lunes 7 de abril de 2025";
    assert_true(date_find(t, strlen(t), &d, &s, &e));
    assert_date(d, "2025-04-07");
    duration_t du;
    assert_true(duration_parse_at("10 jours ouvrables", 18, &du) > 0);
    assert_int_equal(du.unit, DUR_BUSINESS_DAYS);
    assert_true(duration_parse_at("15 d\xc3\xad"
                                  "as",
                                  8, &du) > 0);
    assert_int_equal(du.n, 15);
    assert_int_equal(du.unit, DUR_DAYS);
}

/* "20-Mar-2025" (form-field style) parses; a docket part does not. */
static void dates_day_month_abbrev_dashed(void **state)
{
    (void)state;
    assert_parses("20-Mar-2025", "2025-03-20");
    assert_parses("3-SEP-24", "2024-09-03");
    assert_parses("20/Mar/2025", "2025-03-20");
    date_t d;
    assert_int_equal(date_parse_at("24-mar-00318", 12, &d), 0);
}

/* A table with its labels in a header row: the cell under "Date" is the
 * letter's date (HTML cells become tabs, rows lines). */
static void letter_date_from_column_table(void **state)
{
    (void)state;
    const char *t = "DEA SUBPOENA\n\tDate\tSubpoena No.\n\n"
                    "\t04/08/2025\tR3-25-9\n";
    date_t d;
    assert_true(extract_letter_date(t, strlen(t), false, &d));
    assert_date(d, "2025-04-08");
    const char *u = "\tSubpoena No.\tDate issued\n\tR3-25-9\tApril 8, 2025\n";
    assert_true(extract_letter_date(u, strlen(u), false, &d));
    assert_date(d, "2025-04-08");
    const char *w = "\tPeriod\tDate\n\tJan-Mar\t\n";
    assert_false(extract_letter_date(w, strlen(w), false, &d));
}

/* "14JUN2025" (military style) and a dotted date ending its sentence. */
static void dates_military_and_dotted_sentence_end(void **state)
{
    (void)state;
    assert_parses("14JUN2025", "2025-06-14");
    assert_parses("03sep2024 1700 hrs", "2024-09-03");
    assert_parses("14.06.2025.", "2025-06-14");
    date_t d;
    assert_int_equal(date_parse_at("10.1.2.3", 8, &d), 0);
    deadline_check("Date: June 1, 2025\nProduce the records no later than "
                   "14.06.2025.\n",
                   false, "2025-06-14");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dates_forms),
        cmocka_unit_test(dates_arithmetic),
        cmocka_unit_test(numbers_and_durations),
        cmocka_unit_test(dates_non_english_months),
        cmocka_unit_test(dates_day_month_abbrev_dashed),
        cmocka_unit_test(letter_date_from_column_table),
        cmocka_unit_test(dates_military_and_dotted_sentence_end),
    };
    parse_global_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    parse_global_shutdown();
    return rc;
}
