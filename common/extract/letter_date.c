/* letter_date.c -- the date the letter states for itself (a label, a
 * "Date" column, a dateline): the anchor of "within 10 days of the date
 * of this letter" and of a gag's duration.
 */
#include "extract.h"
#include "fields.h"
#include "rules.h"

#include <string.h>

/* The phrase lists this file walks with a cursor fit it (text.h). */
CURSOR_FITS(RULES_LETTER_DATE_LABELS_COUNT);

/* Labels of the document's own date; "Date and Time:" (of appearance) is
 * deliberately absent. */

/* How close a date follows its label ("Date:   March 3"), and the shape
 * of a dateline: a line this short, the date at most so far into it
 * ("Wiesbaden, 12. September 2024"), in bytes. */
#define LABEL_DATE_GAP 12
#define DATELINE_MAX 90
#define DATELINE_PLACE_MAX 40

static bool date_in_line(const text_view_t *v, size_t from, size_t le, date_t *out)
{
    size_t s, e;
    if (!date_find_style(v->t + from, le - from, v->day_first, out, &s, &e))
        return false;
    /* the date must follow the label closely */
    return s <= LABEL_DATE_GAP;
}

/* "October 14, 2024" or "Wiesbaden, 12. September 2024" alone on a line. */
static bool dateline(const text_view_t *v, size_t ls, size_t le, date_t *out)
{
    size_t s, e;
    if (le - ls > DATELINE_MAX ||
        !date_find_style(v->t + ls, le - ls, v->day_first, out, &s, &e))
        return false;
    for (size_t i = ls; i < ls + s; i++) {
        char c = v->t[i];
        if (!(isalpha((unsigned char)c) || c == ' ' || c == ',' || c == '\t' ||
              c == '.' || c == '-' || (unsigned char)c >= 0x80))
            return false;
    }
    if (s > DATELINE_PLACE_MAX)
        return false;
    /* what precedes must be a place or weekday, not prose */
    if (find_any(v->lo + ls, s, 0, rules_letter_date_prose, NULL, NULL) != NPOS)
        return false;
    size_t rest = skip_spaces(v->t, le, ls + e);
    return rest >= le || v->t[rest] == '/' || v->t[rest] == '(';
}

/* A table with its labels in a header row (HTML cells become tabs):
 * "\tDate\tSubpoena No.\n\t04/08/2025\tR3-25-0117". The cell under a
 * "Date" heading holds the letter's date. */
static bool column_date(const text_view_t *v, size_t ls, size_t le, date_t *out)
{
    if (le >= v->n)
        return false;
    size_t cell = 0, cs = ls;
    for (size_t i = ls; i <= le; i++) {
        if (i < le && v->t[i] != '\t')
            continue;
        size_t a = cs, b = i;
        while (a < b && isspace((unsigned char)v->t[a]))
            a++;
        while (b > a && isspace((unsigned char)v->t[b - 1]))
            b--;
        bool head = false;
        for (int k = 0; rules_letter_date_column_heads[k] && !head; k++)
            head = strlen(rules_letter_date_column_heads[k]) == b - a &&
                   strncmp(v->lo + a, rules_letter_date_column_heads[k], b - a) == 0;
        if (head && cell > 0) {
            /* the same cell of the next row */
            size_t j = next_row_cell(v, le, cell);
            return j != NPOS && date_parse_at_style(v->t + j, view_line_end(v, j) - j,
                                                    v->day_first, out) > 0;
        }
        cell++;
        cs = i + 1;
    }
    return false;
}

bool letter_date_of(const text_view_t *vp, bool day_first, date_t *out)
{
    text_view_t v = *vp;
    v.day_first = day_first;
    bool found = false;
    phrase_walk_t w;
    phrase_walk_init(&w, rules_letter_date_labels, v.lo, v.n, MATCH_LIMIT_LIST);
    while (!found && phrase_walk_next(&w)) {
        /* a label starts its line (or table cell) */
        size_t ls = view_line_start(&v, w.at);
        if (skip_ws(v.t, w.at, ls) != w.at && v.t[w.at - 1] != '\t')
            continue;
        size_t i = w.end;
        while (i < v.n && (v.t[i] == ':' || v.t[i] == ' ' || v.t[i] == '\t'))
            i++;
        found = date_in_line(&v, i, view_line_end(&v, i), out);
    }
    for (size_t ls = 0; !found && ls < v.n;) {
        size_t le = view_line_end(&v, ls);
        if (memchr(v.t + ls, '\t', le - ls))
            found = column_date(&v, ls, le, out);
        ls = le + 1;
    }
    for (size_t ls = 0; !found && ls < v.n;) {
        size_t le = view_line_end(&v, ls);
        found = dateline(&v, skip_ws(v.t, le, ls), le, out);
        ls = le + 1;
    }
    return found;
}

bool extract_letter_date(const char *text, size_t len, bool day_first, date_t *out)
{
    text_view_t v;
    if (!text_view_init(&v, text, len))
        return false;
    bool r = letter_date_of(&v, day_first, out);
    text_view_free(&v);
    return r;
}
