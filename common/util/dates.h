/* dates.h -- calendar dates as written in legal requests, and the little
 * arithmetic the contract needs ("within ten days of the date of this
 * Order", "for one year from ...").
 *
 * Pure functions over byte ranges of UTF-8 text; no locale, no time zone,
 * no allocation. Parsers return the number of bytes consumed (0 = no match)
 * so callers can walk a text with them.
 */
#ifndef WRIT_DATES_H
#define WRIT_DATES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int year;  /* 1900..2199 when valid */
    int month; /* 1..12 */
    int day;   /* 1..days in month */
} date_t;

typedef enum {
    DUR_DAYS = 0,
    DUR_BUSINESS_DAYS, /* Mon..Fri; holidays are not known here */
    DUR_WEEKS,
    DUR_MONTHS,
    DUR_YEARS,
    DUR_HOURS, /* parsed so callers can reject it: no date */
} duration_unit_t;

typedef struct {
    long n;
    duration_unit_t unit;
} duration_t;

bool date_valid(const date_t *d);
int date_days_in_month(int year, int month);
int date_cmp(const date_t *a, const date_t *b);
/* "YYYY-MM-DD" into out (at least 11 bytes); "" when d is invalid. */
void date_format(const date_t *d, char *out, size_t outlen);

/* A date starting exactly at s: "31 July 2014", "July 31, 2014",
 * "2014-07-31", "07/31/2014" (month first unless the first number > 12),
 * "31.07.2014", "12. September 2024", "1. Mai 2024", "4th day of
 * December, 2013". Components may be separated by any white space
 * (including line breaks). Returns bytes consumed, 0 if no date here. */
size_t date_parse_at(const char *s, size_t len, date_t *out);
/* The same; with day_first, ambiguous "03/02/2025" is 3 February (the
 * European reading, for requests from outside the US). */
size_t date_parse_at_style(const char *s, size_t len, bool day_first, date_t *out);

/* First date in s[0..len) that starts on a word boundary. On success sets
 * *out and, when non-NULL, *start / *end (byte offsets). */
bool date_find(const char *s, size_t len, date_t *out, size_t *start, size_t *end);
bool date_find_style(const char *s, size_t len, bool day_first, date_t *out,
                     size_t *start, size_t *end);

/* Arithmetic; months/years clamp the day ("Jan 31 + 1 month" = Feb 28/29).
 * Results are invalid dates if the input was. */
/* Days since 1970-01-01 (proleptic Gregorian), and back. */
long date_to_days(const date_t *d);
date_t date_from_days(long days);
date_t date_add_days(date_t d, long days);
date_t date_add_business_days(date_t d, long days);
date_t date_add_months(date_t d, long months);
date_t date_add_years(date_t d, long years);
date_t date_add_duration(date_t d, const duration_t *dur);

/* A cardinal number at s: "14", "fourteen", "fourteen (14)", "one hundred
 * eighty", "twenty-eight". The parenthesised digits win when present.
 * Returns bytes consumed, 0 if none. */
size_t number_parse_at(const char *s, size_t len, long *out);

/* "<number> [calendar|business|working] <unit>" at s, e.g. "ten days",
 * "180 days", "one year", "fourteen (14) calendar days", "a period of
 * 90 days" is NOT accepted here (callers skip "a period of"). "a year" /
 * "one year" both work. Returns bytes consumed, 0 if none. */
size_t duration_parse_at(const char *s, size_t len, duration_t *out);

#endif
