/* gag.c -- nondisclosure: a gag provision (2705(b), 2709(c), "do not
 * notify") that is not negated, and its end: a date after "until", a
 * duration from the letter's date, or none when open-ended.
 */
#include "extract.h"
#include "fields.h"
#include "rules.h"

#include <string.h>

/* The phrase lists this file walks with a cursor fit it (text.h). */
CURSOR_FITS(RULES_GAG_CUES_COUNT);

/* How far gag's rules look around a cue, in bytes (text.h). */
#define GAG_NEGATION_WINDOW 40     /* "there is no" before the cue */
#define GAG_CONTINUATION_WINDOW 80 /* "This prohibition" opening the next sentence */

/* "there is no nondisclosure order", "not subject to a nondisclosure". */
static bool gag_negated(const text_view_t *v, size_t p)
{
    size_t cs, ce;
    clause_bounds(v->t, v->n, p, 1, &cs, &ce);
    return find_any(v->lo, p, window_before(p, GAG_NEGATION_WINDOW, cs),
                    rules_gag_negations, NULL, NULL) != NPOS;
}

static bool gag_stated_end(const text_view_t *v, size_t s, size_t e,
                           const date_t *letter_date, date_t *out);

/* End of a gag stated in the sentence [s, e): explicit date or a
 * duration from the letter's date. */
static bool gag_end_in(const text_view_t *v, size_t s, size_t e,
                       const date_t *letter_date, date_t *out, bool *open_ended)
{
    /* Per the contract, until is the end date "when the message states
     * one"; only a gag with no stated end ("until further order of the
     * Court") has none. So "until March 1, 2026, or until further order of
     * the Court" ends on March 1, 2026: a further order may shorten or
     * extend it, but the date is what the order states. Only where the
     * order itself says the later of the two applies is there no end. */
    bool open_here = find_any(v->lo, e, s, rules_gag_open_ended, NULL, NULL) != NPOS;
    if (open_here &&
        find_any(v->lo, e, s, rules_gag_whichever_later, NULL, NULL) != NPOS) {
        *open_ended = true;
        return false;
    }
    if (gag_stated_end(v, s, e, letter_date, out))
        return true;
    if (open_here)
        *open_ended = true;
    return false;
}

/* The explicit end of a gag in [s, e): a date after "until" and friends,
 * or a duration tied to the gag counted from the letter's date. */
static bool gag_stated_end(const text_view_t *v, size_t s, size_t e,
                           const date_t *letter_date, date_t *out)
{
    size_t from = s, ml, p;
    int which, guard = 0;
    while (guard++ < MATCH_LIMIT_SENTENCE &&
           (p = find_any(v->lo, e, from, rules_gag_until, &ml, &which)) != NPOS) {
        from = p + ml;
        size_t i = skip_ws(v->t, e, p + ml);
        if (date_parse_at_style(v->t + i, e - i, v->day_first, out))
            return true;
    }
    if (!letter_date || !date_valid(letter_date))
        return false;
    /* "for (a period of) one year from ...", "until 180 days after ...",
     * "90 days from the date of this Order": a duration tied to the gag. */
    for (size_t i = s; i < e; i++) {
        if (i > s && is_wc((unsigned char)v->lo[i - 1]))
            continue;
        duration_t d;
        size_t dl = duration_parse_at(v->lo + i, e - i, &d);
        if (!dl || d.unit == DUR_HOURS)
            continue;
        size_t ws = i;
        while (ws > s && v->lo[ws - 1] == ' ')
            ws--;
        size_t wb = ws;
        while (wb > s && is_wc((unsigned char)v->lo[wb - 1]))
            wb--;
        bool tied = false;
        for (int k = 0; rules_gag_duration_before[k] && !tied; k++)
            tied = ws - wb == strlen(rules_gag_duration_before[k]) &&
                   strncmp(v->lo + wb, rules_gag_duration_before[k], ws - wb) == 0;
        /* "no longer than one year" (not "no later than 10 days", a
         * response deadline in the same sentence) */
        if (!tied && ws - wb == 4 && strncmp(v->lo + wb, "than", 4) == 0)
            tied = (wb >= s + 7 && strncmp(v->lo + wb - 7, "longer ", 7) == 0) ||
                   (wb >= s + 5 && strncmp(v->lo + wb - 5, "more ", 5) == 0);
        size_t j = skip_ws(v->lo, e, i + dl);
        for (int k = 0; rules_gag_duration_after[k] && !tied; k++)
            tied = find_phrase(v->lo, e, j, rules_gag_duration_after[k], NULL) == j;
        if (ws - wb == 6 && strncmp(v->lo + wb, "within", 6) == 0)
            tied = false; /* a response deadline, not the gag's end */
        if (ws - wb == 4 && strncmp(v->lo + wb, "than", 4) == 0 && wb >= s + 6 &&
            strncmp(v->lo + wb - 6, "later ", 6) == 0)
            tied = false; /* "no later than 10 days after receipt" */
        if (tied) {
            *out = date_add_duration(*letter_date, &d);
            return date_valid(out);
        }
        i += dl - 1;
    }
    return false;
}

/* Does the sentence starting after e talk about the same provision? */
static bool gag_continues(const text_view_t *v, size_t e)
{
    size_t s = skip_ws(v->t, v->n, e);
    size_t end = window_after(v->n, s, GAG_CONTINUATION_WINDOW);
    size_t p = find_any(v->lo, end, s, rules_gag_continuations, NULL, NULL);
    return p != NPOS;
}

bool nondisclosure_of(const text_view_t *vp, request_type_t type,
                      const date_t *letter_date, bool day_first, char until[11])
{
    until[0] = '\0';
    text_view_t v = *vp;
    v.day_first = day_first;
    bool present = false, open_ended = false, dated = false;
    phrase_walk_t w;
    phrase_walk_init(&w, rules_gag_cues, v.lo, v.n, MATCH_LIMIT_LIST);
    while (phrase_walk_next(&w)) {
        if (gag_negated(&v, w.at))
            continue;
        present = true;
        if (dated || open_ended)
            continue;
        size_t s, e;
        view_sentence(&v, w.at, &s, &e);
        date_t end;
        if (gag_end_in(&v, s, e, letter_date, &end, &open_ended)) {
            date_format(&end, until, 11);
            dated = true;
        } else if (!open_ended && e < v.n && gag_continues(&v, e)) {
            /* "... shall not disclose this Order. This prohibition remains
             * in effect until March 1, 2026." */
            size_t s2, e2;
            view_sentence(&v, skip_ws(v.t, v.n, e), &s2, &e2);
            if (gag_end_in(&v, s2, e2, letter_date, &end, &open_ended)) {
                date_format(&end, until, 11);
                dated = true;
            }
        }
    }
    /* An NSL's 2709(c) prohibition has no end date. */
    if (type == REQ_NATIONAL_SECURITY_LETTER || open_ended)
        until[0] = '\0';
    return present;
}

bool extract_nondisclosure(const char *text, size_t len, request_type_t type,
                           const date_t *letter_date, bool day_first, char until[11])
{
    text_view_t v;
    until[0] = '\0';
    if (!text_view_init(&v, text, len))
        return false;
    bool r = nondisclosure_of(&v, type, letter_date, day_first, until);
    text_view_free(&v);
    return r;
}
