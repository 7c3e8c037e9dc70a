/* dates.c -- parsing of dates and durations as written in requests, and
 * calendar arithmetic (see dates.h). Pure: no locale, no allocation.
 */
#include "dates.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* How much white space (line breaks included) may separate the parts of a
 * date: enough for "March 31,\n    2026", bounded so we never wander. */
#define DATE_MAX_GAP 24

/* clang-format off */
static const struct {
    const char *name;
    int month;
} month_names[] = {
    /* English and German, then the other languages requests come in:
     * French, Spanish, Italian, Portuguese, Dutch. A name only matches as
     * a whole word, so the order does not matter. Abbreviations that are
     * also common words or docket parts ("Mag." in "13 Mag. 3097", "set",
     * "out") are deliberately left out. */
    {"january", 1}, {"januar", 1}, {"j\xc3\xa4nner", 1}, {"jan", 1},
    {"janvier", 1}, {"janv", 1}, {"enero", 1}, {"ene", 1}, {"gennaio", 1},
    {"gen", 1}, {"janeiro", 1}, {"januari", 1},
    {"february", 2}, {"februar", 2}, {"feb", 2}, {"f\xc3\xa9vrier", 2},
    {"fevrier", 2}, {"f\xc3\xa9vr", 2}, {"febrero", 2}, {"febbraio", 2},
    {"fevereiro", 2}, {"fev", 2}, {"februari", 2}, {"febr", 2},
    {"march", 3}, {"m\xc3\xa4rz", 3}, {"maerz", 3}, {"mar", 3}, {"mars", 3},
    {"marzo", 3}, {"mar\xc3\xa7o", 3}, {"marco", 3}, {"maart", 3}, {"mrt", 3},
    {"april", 4}, {"apr", 4}, {"avril", 4}, {"avr", 4}, {"abril", 4},
    {"abr", 4}, {"aprile", 4},
    {"may", 5}, {"mai", 5}, {"mayo", 5}, {"maggio", 5}, {"maio", 5},
    {"mei", 5},
    {"june", 6}, {"juni", 6}, {"jun", 6}, {"juin", 6}, {"junio", 6},
    {"giugno", 6}, {"giu", 6}, {"junho", 6},
    {"july", 7}, {"juli", 7}, {"jul", 7}, {"juillet", 7}, {"juil", 7},
    {"julio", 7}, {"luglio", 7}, {"lug", 7}, {"julho", 7},
    {"august", 8}, {"aug", 8}, {"ao\xc3\xbbt", 8}, {"aout", 8},
    {"agosto", 8}, {"ago", 8}, {"augustus", 8},
    {"september", 9}, {"sept", 9}, {"sep", 9}, {"septembre", 9},
    {"septiembre", 9}, {"setiembre", 9}, {"settembre", 9}, {"setembro", 9},
    {"october", 10}, {"oktober", 10}, {"oct", 10}, {"okt", 10},
    {"octobre", 10}, {"octubre", 10}, {"ottobre", 10}, {"ott", 10},
    {"outubro", 10},
    {"november", 11}, {"nov", 11}, {"novembre", 11}, {"noviembre", 11},
    {"novembro", 11},
    {"december", 12}, {"dezember", 12}, {"dec", 12}, {"dez", 12},
    {"d\xc3\xa9""cembre", 12}, {"decembre", 12}, {"d\xc3\xa9""c", 12},
    {"diciembre", 12}, {"dic", 12}, {"dicembre", 12}, {"dezembro", 12},
};
/* clang-format on */
#define MONTH_NAME_COUNT (sizeof month_names / sizeof month_names[0])

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int year, int month)
{
    static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month < 1 || month > 12)
        return 0;
    return month == 2 && is_leap(year) ? 29 : dim[month - 1];
}

bool date_valid(const date_t *d)
{
    return d && d->year >= 1900 && d->year <= 2199 && d->month >= 1 && d->month <= 12 &&
           d->day >= 1 && d->day <= date_days_in_month(d->year, d->month);
}

int date_cmp(const date_t *a, const date_t *b)
{
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (a->month != b->month)
        return a->month < b->month ? -1 : 1;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return 0;
}

void date_format(const date_t *d, char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return;
    out[0] = '\0';
    if (date_valid(d) && outlen >= 11)
        snprintf(out, outlen, "%04d-%02d-%02d", d->year, d->month, d->day);
}

/* ---- small scanners over (s, len) ---- */

static size_t skip_ws(const char *s, size_t len, size_t i, size_t max)
{
    size_t start = i;
    while (i < len && i - start < max &&
           (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* Reads 1..maxd digits at i; returns digits read (0 = none). */
static size_t read_int(const char *s, size_t len, size_t i, size_t maxd, int *val)
{
    size_t n = 0;
    int v = 0;
    while (i + n < len && isdigit((unsigned char)s[i + n])) {
        if (n == maxd)
            return 0; /* too many digits: not this field */
        v = v * 10 + (s[i + n] - '0');
        n++;
    }
    *val = v;
    return n;
}

static bool word_char(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

/* Case-insensitive ASCII prefix match of word w at s+i, followed by a
 * non-word character. Non-ASCII bytes must match exactly. */
static size_t match_word(const char *s, size_t len, size_t i, const char *w)
{
    size_t n = strlen(w);
    if (i + n > len)
        return 0;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[i + k];
        /* Latin-1 capitals (U+00C0..U+00DE but U+00D7) are C3 80..9E in
         * UTF-8, their small letters C3 A0..BE: "MÄRZ", "FÉVRIER". */
        if (k > 0 && (unsigned char)s[i + k - 1] == 0xC3 && c >= 0x80 && c <= 0x9E &&
            c != 0x97)
            c = (unsigned char)(c + 0x20);
        else
            c = (unsigned char)tolower(c);
        if (c != (unsigned char)w[k])
            return 0;
    }
    if (i + n < len && word_char((unsigned char)s[i + n]))
        return 0;
    return n;
}

static size_t read_month(const char *s, size_t len, size_t i, int *month)
{
    for (size_t k = 0; k < MONTH_NAME_COUNT; k++) {
        size_t n = match_word(s, len, i, month_names[k].name);
        if (n) {
            *month = month_names[k].month;
            if (i + n < len && s[i + n] == '.')
                n++; /* "Sept." */
            return n;
        }
    }
    return 0;
}

/* "st" / "nd" / "rd" / "th" after a day number, the French "1er" and
 * the Romance "1º" / "1°" (ordinal indicator, degree sign). */
static size_t read_ordinal_suffix(const char *s, size_t len, size_t i)
{
    static const char *const sfx[] = { "st", "nd", "rd", "th", "er" };
    for (size_t k = 0; k < sizeof sfx / sizeof sfx[0]; k++)
        if (match_word(s, len, i, sfx[k]))
            return 2;
    if (i + 1 < len && (unsigned char)s[i] == 0xC2 &&
        ((unsigned char)s[i + 1] == 0xBA || (unsigned char)s[i + 1] == 0xB0))
        return 2;
    return 0;
}

/* The Spanish / Portuguese "de" / "del" between the parts of "7 de abril
 * de 2025": returns where the next part starts (i when there is none). */
static size_t skip_de(const char *s, size_t len, size_t i)
{
    size_t n = match_word(s, len, i, "de");
    if (!n)
        n = match_word(s, len, i, "del");
    if (!n)
        return i;
    size_t j = skip_ws(s, len, i + n, DATE_MAX_GAP);
    return j > i + n ? j : i;
}

static int expand_year(int y, size_t digits)
{
    return digits == 2 ? 2000 + y : y;
}

static bool year_end_ok(const char *s, size_t len, size_t i)
{
    return i >= len || !isdigit((unsigned char)s[i]);
}

/* The four-digit year at s[i] that ends a written date of that month and
 * day: the offset after it, with *out set, or 0 when there is none or the
 * date does not exist. */
static size_t year_ends_date(const char *s, size_t len, size_t i, int month, int day,
                             date_t *out)
{
    int year;
    size_t n = read_int(s, len, i, 4, &year);
    if (n != 4 || !year_end_ok(s, len, i + n))
        return 0;
    date_t d = { year, month, day };
    if (!date_valid(&d))
        return 0;
    *out = d;
    return i + n;
}

/* Numeric forms: ISO, US slash, German dots. */
static size_t parse_numeric(const char *s, size_t len, bool day_first, date_t *out)
{
    int a, b, c;
    size_t i = 0, n;
    if (!(n = read_int(s, len, 0, 4, &a)))
        return 0;
    i = n;
    if (i >= len || (s[i] != '-' && s[i] != '/' && s[i] != '.'))
        return 0;
    char sep = s[i++];
    size_t na = n, nb, nc;
    if (!(nb = read_int(s, len, i, 2, &b)))
        return 0;
    i += nb;
    if (i >= len || s[i] != sep)
        return 0;
    i++;
    if (!(nc = read_int(s, len, i, 4, &c)))
        return 0;
    i += nc;
    /* "1.2.3.4" is no date, but "by 14.06.2025." ends its sentence */
    if (!year_end_ok(s, len, i) ||
        (i < len && s[i] == sep && i + 1 < len && isdigit((unsigned char)s[i + 1])))
        return 0;

    date_t d = { 0, 0, 0 };
    if (na == 4 && nc <= 2) { /* 2014-07-31 */
        d = (date_t){ a, b, c };
    } else if (na <= 2 && (nc == 4 || (nc == 2 && sep == '/'))) {
        int y = expand_year(c, nc);
        if (sep == '.' || a > 12 || (day_first && b <= 12)) /* 31.07.2014 */
            d = (date_t){ y, b, a };
        else /* US: 07/31/2014 */
            d = (date_t){ y, a, b };
    } else {
        return 0;
    }
    if (!date_valid(&d))
        return 0;
    *out = d;
    return i;
}

/* "31 July 2014", "31st July, 2014", "12. September 2024",
 * "4th day of December, 2013". */
static size_t parse_day_first(const char *s, size_t len, date_t *out)
{
    int day, month, year;
    size_t i, n;
    if (!(n = read_int(s, len, 0, 2, &day)))
        return 0;
    i = n;
    /* "14JUN2025": the military style, no separators */
    if (i + 7 <= len && isalpha((unsigned char)s[i])) {
        static const char *const abbr[] = { "jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec" };
        for (int m = 0; m < 12; m++) {
            if (tolower((unsigned char)s[i]) != abbr[m][0] ||
                tolower((unsigned char)s[i + 1]) != abbr[m][1] ||
                tolower((unsigned char)s[i + 2]) != abbr[m][2])
                continue;
            return year_ends_date(s, len, i + 3, m + 1, day, out);
        }
    }
    /* "20-Mar-2025", "20-MAR-25", "20/Mar/2025": a form-field style */
    if (i < len && (s[i] == '-' || s[i] == '/')) {
        char sep = s[i];
        size_t m = read_month(s, len, i + 1, &month);
        if (!m || i + 1 + m >= len || s[i + 1 + m] != sep)
            return 0;
        size_t k = i + 2 + m;
        if (!(n = read_int(s, len, k, 4, &year)) || (n != 4 && n != 2) ||
            !year_end_ok(s, len, k + n))
            return 0;
        date_t d = { expand_year(year, n), month, day };
        if (!date_valid(&d))
            return 0;
        *out = d;
        return k + n;
    }
    i += read_ordinal_suffix(s, len, i);
    if (i < len && s[i] == '.')
        i++;
    size_t j = skip_ws(s, len, i, DATE_MAX_GAP);
    if (j == i)
        return 0;
    i = j;
    if ((n = match_word(s, len, i, "day"))) {
        size_t k = skip_ws(s, len, i + n, DATE_MAX_GAP);
        if (!(n = match_word(s, len, k, "of")))
            return 0;
        i = skip_ws(s, len, k + n, DATE_MAX_GAP);
    }
    i = skip_de(s, len, i); /* "7 de abril" */
    if (!(n = read_month(s, len, i, &month)))
        return 0;
    i += n;
    if (i < len && s[i] == ',')
        i++;
    j = skip_ws(s, len, i, DATE_MAX_GAP);
    if (j == i)
        return 0;
    /* "abril de 2025" */
    return year_ends_date(s, len, skip_de(s, len, j), month, day, out);
}

/* "July 31, 2014", "Sept. 30 2025", "March 31,\n2026". */
static size_t parse_month_first(const char *s, size_t len, date_t *out)
{
    int day, month;
    size_t i, n, j;
    if (!(n = read_month(s, len, 0, &month)))
        return 0;
    i = n;
    j = skip_ws(s, len, i, DATE_MAX_GAP);
    if (j == i)
        return 0;
    i = j;
    if (!(n = read_int(s, len, i, 2, &day)))
        return 0;
    i += n;
    i += read_ordinal_suffix(s, len, i);
    if (i < len && s[i] == ',')
        i++;
    j = skip_ws(s, len, i, DATE_MAX_GAP);
    if (j == i && s[i - 1] != ',')
        return 0;
    return year_ends_date(s, len, j, month, day, out);
}

size_t date_parse_at(const char *s, size_t len, date_t *out)
{
    return date_parse_at_style(s, len, false, out);
}

size_t date_parse_at_style(const char *s, size_t len, bool day_first, date_t *out)
{
    if (!s || len == 0 || !out)
        return 0;
    size_t n;
    date_t d;
    if (isdigit((unsigned char)s[0])) {
        if ((n = parse_numeric(s, len, day_first, &d)) ||
            (n = parse_day_first(s, len, &d))) {
            *out = d;
            return n;
        }
        return 0;
    }
    if ((n = parse_month_first(s, len, &d))) {
        *out = d;
        return n;
    }
    return 0;
}

static bool may_start_date(unsigned char c)
{
    /* first letters of the month names above ("enero", "gennaio",
     * "luglio" add E, G and L) */
    return isdigit(c) || (c && strchr("JFMASONDEGLjfmasondegl", c) != NULL);
}

bool date_find(const char *s, size_t len, date_t *out, size_t *start, size_t *end)
{
    return date_find_style(s, len, false, out, start, end);
}

bool date_find_style(const char *s, size_t len, bool day_first, date_t *out,
                     size_t *start, size_t *end)
{
    if (!s)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && word_char((unsigned char)s[i - 1]))
            continue;
        if (!may_start_date((unsigned char)s[i]))
            continue;
        /* A number glued to a preceding '-' or '/' is part of something
         * else (a docket number), not a date. */
        if (i > 0 && (s[i - 1] == '-' || s[i - 1] == '/'))
            continue;
        date_t d;
        size_t n = date_parse_at_style(s + i, len - i, day_first, &d);
        if (n) {
            if (out)
                *out = d;
            if (start)
                *start = i;
            if (end)
                *end = i + n;
            return true;
        }
    }
    return false;
}

/* ---- arithmetic, via days since 1970-01-01 (H. Hinnant's algorithm) ---- */

static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static date_t civil_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp + (mp < 10 ? 3 : -9);
    return (date_t){ (int)(y + (m <= 2)), (int)m, (int)d };
}

long date_to_days(const date_t *d)
{
    return days_from_civil(d->year, d->month, d->day);
}

date_t date_from_days(long days)
{
    return civil_from_days(days);
}

static date_t invalid_date(void)
{
    return (date_t){ 0, 0, 0 };
}

date_t date_add_days(date_t d, long days)
{
    if (!date_valid(&d) || days > 200000 || days < -200000)
        return invalid_date();
    return civil_from_days(days_from_civil(d.year, d.month, d.day) + days);
}

date_t date_add_business_days(date_t d, long days)
{
    if (!date_valid(&d) || days < 0 || days > 10000)
        return invalid_date();
    long z = days_from_civil(d.year, d.month, d.day);
    while (days > 0) {
        z++;
        long wd = ((z % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday: 4 */
        if (wd != 0 && wd != 6)
            days--;
    }
    return civil_from_days(z);
}

date_t date_add_months(date_t d, long months)
{
    if (!date_valid(&d) || months > 24000 || months < -24000)
        return invalid_date();
    long idx = (long)d.year * 12 + (d.month - 1) + months;
    date_t r = { (int)(idx / 12), (int)(idx % 12) + 1, d.day };
    int dim = date_days_in_month(r.year, r.month);
    if (r.day > dim)
        r.day = dim;
    return r;
}

date_t date_add_years(date_t d, long years)
{
    if (years > 2000 || years < -2000)
        return invalid_date();
    return date_add_months(d, years * 12);
}

date_t date_add_duration(date_t d, const duration_t *dur)
{
    if (!dur)
        return invalid_date();
    switch (dur->unit) {
    case DUR_DAYS:
        return date_add_days(d, dur->n);
    case DUR_BUSINESS_DAYS:
        return date_add_business_days(d, dur->n);
    case DUR_WEEKS:
        return date_add_days(d, dur->n * 7);
    case DUR_MONTHS:
        return date_add_months(d, dur->n);
    case DUR_YEARS:
        return date_add_years(d, dur->n);
    case DUR_HOURS:
    default:
        return invalid_date();
    }
}

/* ---- numbers in words ---- */

static const char *const small_numbers[] = {
    "zero",     "one",     "two",     "three",     "four",     "five",     "six",
    "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",   "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
};
static const char *const tens_numbers[] = {
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
};

static size_t read_small_word(const char *s, size_t len, size_t i, long *v)
{
    for (int k = 19; k >= 0; k--) {
        size_t n = match_word(s, len, i, small_numbers[k]);
        if (n) {
            *v = k;
            return n;
        }
    }
    return 0;
}

/* 0..99 in words: "seven", "twenty", "twenty-eight", "twenty eight". */
static size_t read_below_hundred(const char *s, size_t len, size_t i, long *v)
{
    for (int k = 2; k <= 9; k++) {
        size_t n = match_word(s, len, i, tens_numbers[k]);
        if (!n)
            continue;
        *v = k * 10;
        size_t j = i + n;
        if (j < len && (s[j] == '-' || s[j] == ' ')) {
            long u;
            size_t m = read_small_word(s, len, j + 1, &u);
            if (m && u >= 1 && u <= 9) {
                *v += u;
                return j + 1 + m - i;
            }
        }
        return n;
    }
    return read_small_word(s, len, i, v);
}

static size_t read_number_words(const char *s, size_t len, long *out)
{
    long v;
    size_t i = read_below_hundred(s, len, 0, &v);
    if (!i)
        return 0;
    size_t j = skip_ws(s, len, i, 2);
    size_t n = match_word(s, len, j, "hundred");
    if (n && v >= 1 && v <= 9) {
        v *= 100;
        i = j + n;
        size_t k = skip_ws(s, len, i, 2);
        size_t a = match_word(s, len, k, "and");
        if (a)
            k = skip_ws(s, len, k + a, 2);
        long rest;
        size_t m = k > i ? read_below_hundred(s, len, k, &rest) : 0;
        if (m && rest > 0) {
            v += rest;
            i = k + m;
        }
    }
    *out = v;
    return i;
}

size_t number_parse_at(const char *s, size_t len, long *out)
{
    if (!s || len == 0 || !out)
        return 0;
    long v = 0;
    size_t i = 0;
    if (isdigit((unsigned char)s[0])) {
        while (i < len && isdigit((unsigned char)s[i]) && i < 6)
            v = v * 10 + (s[i++] - '0');
        if (i < len && isdigit((unsigned char)s[i]))
            return 0; /* absurdly long: not a count */
        if (i < len && isalpha((unsigned char)s[i]))
            return 0; /* "2nd", "3rd" are not counts */
    } else {
        i = read_number_words(s, len, &v);
        if (!i)
            return 0;
    }
    /* "fourteen (14)": the digits in parentheses are authoritative. */
    size_t j = skip_ws(s, len, i, 2);
    if (j < len && s[j] == '(') {
        int p;
        size_t n = read_int(s, len, j + 1, 6, &p);
        if (n && j + 1 + n < len && s[j + 1 + n] == ')') {
            v = p;
            i = j + 2 + n;
        }
    }
    *out = v;
    return i;
}

/* Duration units in the languages writ reads; see duration_parse_at. */
/* clang-format off */
static const struct {
    const char *w;
    duration_unit_t u;
} duration_units[] = {
    {"days", DUR_DAYS},     {"day", DUR_DAYS},
    {"weeks", DUR_WEEKS},   {"week", DUR_WEEKS},
    {"months", DUR_MONTHS}, {"month", DUR_MONTHS},
    {"years", DUR_YEARS},   {"year", DUR_YEARS},
    {"hours", DUR_HOURS},   {"hour", DUR_HOURS},
    /* German, French, Spanish, Italian, Portuguese, Dutch */
    {"tage", DUR_DAYS},     {"tagen", DUR_DAYS},     {"tag", DUR_DAYS},
    {"jours", DUR_DAYS},    {"jour", DUR_DAYS},
    {"d\xc3\xad""as", DUR_DAYS}, {"dias", DUR_DAYS}, {"d\xc3\xad""a", DUR_DAYS},
    {"dia", DUR_DAYS},      {"giorni", DUR_DAYS},    {"giorno", DUR_DAYS},
    {"dagen", DUR_DAYS},    {"dag", DUR_DAYS},
    {"werktage", DUR_BUSINESS_DAYS}, {"werktagen", DUR_BUSINESS_DAYS},
    {"arbeitstage", DUR_BUSINESS_DAYS}, {"arbeitstagen", DUR_BUSINESS_DAYS},
    {"werkdagen", DUR_BUSINESS_DAYS},
    {"wochen", DUR_WEEKS},  {"woche", DUR_WEEKS},    {"semaines", DUR_WEEKS},
    {"semaine", DUR_WEEKS}, {"semanas", DUR_WEEKS},  {"semana", DUR_WEEKS},
    {"settimane", DUR_WEEKS}, {"weken", DUR_WEEKS},
    {"monate", DUR_MONTHS}, {"monaten", DUR_MONTHS}, {"monat", DUR_MONTHS},
    {"mois", DUR_MONTHS},   {"meses", DUR_MONTHS},   {"mes", DUR_MONTHS},
    {"m\xc3\xaas", DUR_MONTHS}, {"mesi", DUR_MONTHS}, {"mese", DUR_MONTHS},
    {"maanden", DUR_MONTHS}, {"maand", DUR_MONTHS},
    {"jahre", DUR_YEARS},   {"jahren", DUR_YEARS},   {"jahr", DUR_YEARS},
    {"ans", DUR_YEARS},     {"an", DUR_YEARS},       {"ann\xc3\xa9""es", DUR_YEARS},
    {"a\xc3\xb1os", DUR_YEARS}, {"a\xc3\xb1o", DUR_YEARS}, {"anos", DUR_YEARS},
    {"ano", DUR_YEARS},     {"anni", DUR_YEARS},     {"anno", DUR_YEARS},
    {"jaar", DUR_YEARS},
    {"stunden", DUR_HOURS}, {"heures", DUR_HOURS},   {"horas", DUR_HOURS},
    {"ore", DUR_HOURS},     {"uur", DUR_HOURS},
};

/* Words after the unit that make days working days: "10 jours
 * ouvrables", "10 d\xc3\xad""as h\xc3\xa1""biles", "10 giorni lavorativi". */
static const char *const business_days_after[] = {
    "ouvrables", "ouvr\xc3\xa9s", "h\xc3\xa1""biles", "habiles",
    "lavorativi", "\xc3\xba""teis", "uteis", NULL};
/* clang-format on */

size_t duration_parse_at(const char *s, size_t len, duration_t *out)
{
    if (!s || len == 0 || !out)
        return 0;
    long n;
    size_t i;
    size_t a = match_word(s, len, 0, "a");
    if (!a)
        a = match_word(s, len, 0, "an");
    if (a) {
        n = 1;
        i = a;
    } else if (!(i = number_parse_at(s, len, &n))) {
        return 0;
    }
    if (i < len && s[i] == '-')
        i++; /* "90-day" */
    else
        i = skip_ws(s, len, i, 3);

    duration_unit_t unit = DUR_DAYS;
    bool business = false;
    size_t m;
    if ((m = match_word(s, len, i, "calendar"))) {
        i = skip_ws(s, len, i + m, 3);
    } else if ((m = match_word(s, len, i, "business")) ||
               (m = match_word(s, len, i, "working"))) {
        business = true;
        i = skip_ws(s, len, i + m, 3);
    }
    for (size_t k = 0; k < sizeof duration_units / sizeof duration_units[0]; k++) {
        if ((m = match_word(s, len, i, duration_units[k].w))) {
            unit = duration_units[k].u;
            if (business && unit == DUR_DAYS)
                unit = DUR_BUSINESS_DAYS;
            if (unit == DUR_DAYS) {
                size_t j = skip_ws(s, len, i + m, 3);
                for (size_t b = 0; business_days_after[b]; b++) {
                    size_t bl = match_word(s, len, j, business_days_after[b]);
                    if (bl) {
                        unit = DUR_BUSINESS_DAYS;
                        m = j + bl - i;
                        break;
                    }
                }
            }
            out->n = n;
            out->unit = unit;
            return i + m;
        }
    }
    return 0;
}
