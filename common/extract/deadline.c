/* deadline.c -- the response deadline: a date after a cue ("no later
 * than", "by" in a sentence about producing), "within N days of" counted
 * from the letter's date, or a grand jury's date of appearance; the
 * earliest stated wins.
 */
#include "extract.h"
#include "fields.h"
#include "rules.h"

#include <string.h>

/* The phrase lists this file walks with a cursor fit it (text.h). */
CURSOR_FITS(RULES_DEADLINE_DATE_CUES_COUNT);
CURSOR_FITS(RULES_DEADLINE_VERB_DATE_CUES_COUNT);
CURSOR_FITS(RULES_DEADLINE_WITHIN_COUNT);
CURSOR_FITS(RULES_DEADLINE_DURATION_CUES_COUNT);

/* How far a deadline's rules look around a cue, in bytes (text.h). */
#define DEADLINE_PHRASE_WINDOW 60   /* the rest of a deadline's phrase */
#define DEADLINE_WEEKDAY_WINDOW 12  /* "Friday, " before the date */
#define DEADLINE_TIME_WINDOW 24     /* "5:00 p.m. ET on " before the date */
#define DEADLINE_NEED_WINDOW 16     /* "needed" before "by <date>" */
#define DEADLINE_RANGE_WINDOW 48    /* an earlier date: "from <date> to <date>" */
#define DEADLINE_EVENT_WINDOW 40    /* "of the date of this letter" */
#define DEADLINE_FILLER_WINDOW 16   /* "within a period of" */
#define DEADLINE_ANCHOR_WINDOW 24   /* "of receipt", "from the date of" */
#define DEADLINE_DURATION_WINDOW 32 /* "10 days" after a duration cue */

/* End of the sentence-ish window after a deadline phrase. */
static size_t deadline_window_end(const text_view_t *v, size_t i)
{
    size_t e = i;
    while (e < v->n && e - i < DEADLINE_PHRASE_WINDOW) {
        if (blank_line_at(v->t, e))
            break;
        if (v->t[e] == '.' && e + 1 < v->n && isspace((unsigned char)v->t[e + 1]) &&
            !abbreviation_before(v->t, e) &&
            !(e > 0 && isdigit((unsigned char)v->t[e - 1]))) /* "30. Mai" */
            break;
        e++;
    }
    return e;
}

typedef struct {
    size_t pos;
    date_t date;
} dl_candidate_t;

static void dl_consider(dl_candidate_t *best, size_t pos, const date_t *d)
{
    if (date_valid(d) && pos < best->pos) {
        best->pos = pos;
        best->date = *d;
    }
}

/* "Friday, " before a date. */
static size_t skip_weekday(const text_view_t *v, size_t i)
{
    size_t ml;
    int which;
    if (find_any(v->lo, window_after(v->n, i, DEADLINE_WEEKDAY_WINDOW), i,
                 rules_deadline_weekdays, &ml, &which) != i)
        return i;
    i += ml;
    if (i < v->n && v->lo[i] == ',')
        i++;
    return skip_ws(v->lo, v->n, i);
}

/* "5:00 p.m. on", "noon EST on", "close of business on" between "by" and
 * a date. Returns where the date may start (i when there is no time). */
static size_t skip_time_of_day(const text_view_t *v, size_t i)
{
    size_t j = i, ml;
    int which;
    if (find_any(v->lo, window_after(v->n, i, DEADLINE_TIME_WINDOW), i,
                 rules_deadline_times_of_day, &ml, &which) == i) {
        j = i + ml;
    } else {
        size_t k = i;
        while (k < v->n && k - i < 2 && isdigit((unsigned char)v->lo[k]))
            k++;
        if (k == i)
            return i;
        if (k + 2 < v->n && v->lo[k] == ':' && isdigit((unsigned char)v->lo[k + 1]) &&
            isdigit((unsigned char)v->lo[k + 2]))
            k += 3;
        size_t m = skip_spaces(v->lo, v->n, k);
        if (find_any(v->lo, v->n < m + 5 ? v->n : m + 5, m, rules_deadline_am_pm, &ml,
                     &which) == m)
            j = m + ml;
        else if (k > i + 2)
            j = k; /* "17:00" */
        else
            return i;
    }
    j = skip_ws(v->lo, v->n, j); /* "by 5:00 p.m.\non June 16" */
    /* a zone: "EST", "(CET)", "local time" */
    size_t z = j + (j < v->n && v->t[j] == '(');
    size_t ze = z;
    while (ze < v->n && ze - z < 5 && isupper((unsigned char)v->t[ze]))
        ze++;
    if (ze - z >= 2 && (ze >= v->n || !isalpha((unsigned char)v->t[ze])))
        j = skip_spaces(v->lo, v->n, ze + (ze < v->n && v->t[ze] == ')'));
    else if (strncmp(v->lo + j, "local time", 10) == 0)
        j = skip_spaces(v->lo, v->n, j + 10);
    if (j < v->n && v->lo[j] == ',')
        j = skip_ws(v->lo, v->n, j + 1);
    if (j + 3 <= v->n && strncmp(v->lo + j, "on", 2) == 0 &&
        isspace((unsigned char)v->lo[j + 2])) /* "on" may end the line */
        j = skip_ws(v->lo, v->n, j + 3);
    return j;
}

/* "The material is required by 15 July 2025", "needed by", "requested
 * by": a need stated right before "by <date>" makes it a deadline without
 * a verb of producing. */
static bool need_word_before(const text_view_t *v, size_t by)
{
    size_t ws = window_before(by, DEADLINE_NEED_WINDOW, 0), ml;
    int which;
    size_t q = find_any(v->lo, by, ws, rules_deadline_need_words, &ml, &which);
    while (q != NPOS && skip_ws(v->lo, by, q + ml) != by)
        q = find_any(v->lo, by, q + ml, rules_deadline_need_words, &ml, &which);
    return q != NPOS;
}

/* "no later than December 18, 2013", "on or before ...", "by 15 November
 * 2024" (in a sentence about producing something). */
static void deadline_word_date(const text_view_t *v, dl_candidate_t *best,
                               const char *word, const date_t *after);

static void deadline_by_date(const text_view_t *v, const date_t *letter_date,
                             dl_candidate_t *best)
{
    /* Words that make a date a deadline only in a sentence about answering
     * ("avant le 30 mai 2025" in "R\xc3\xa9ponse avant le ..."). */
    phrase_walk_t w;
    phrase_walk_init(&w, rules_deadline_date_cues, v->lo, v->n, MATCH_LIMIT_LIST);
    while (phrase_walk_next(&w)) {
        size_t we = deadline_window_end(v, w.end);
        date_t d;
        size_t s;
        if (date_find_style(v->t + w.end, we - w.end, v->day_first, &d, &s, NULL))
            dl_consider(best, w.at, &d);
    }
    const char *const *produce = rules_deadline_produce_verbs;
    phrase_walk_init(&w, rules_deadline_verb_date_cues, v->lo, v->n, MATCH_LIMIT_LIST);
    while (phrase_walk_next(&w)) {
        size_t p = w.at, i = skip_ws(v->t, v->n, w.end);
        date_t d;
        /* the date follows the cue directly ("antes del 30 de mayo") */
        if (!date_parse_at_style(v->t + i, v->n - i, v->day_first, &d))
            continue;
        /* "vom 1. Januar 2025 bis 31. M\xc3\xa4rz 2025", "desde el 1 de enero
         * hasta el 31 de marzo": the end of a period asked for, not a
         * deadline. A date ending just before the cue gives it away. */
        size_t ws = window_before(p, DEADLINE_RANGE_WINDOW, 0), ds, de;
        date_t prev;
        bool range = false;
        for (size_t k = ws;
             !range && k < p &&
             date_find_style(v->t + k, p - k, v->day_first, &prev, &ds, &de);
             k += de)
            range = k + de + 8 >= p;
        if (range)
            continue;
        size_t s, e;
        view_sentence(v, p, &s, &e);
        if (find_any(v->lo, e, s, produce, NULL, NULL) != NPOS)
            dl_consider(best, p, &d);
    }
    deadline_word_date(v, best, "by", NULL);
    /* "Production is due March 20, 2025" */
    deadline_word_date(v, best, "due", NULL);
    /* "send the records before March 20, 2025"; a period asked for ("records
     * before March 1") ends before the letter, a deadline after it. */
    if (letter_date && date_valid(letter_date))
        deadline_word_date(v, best, "before", letter_date);
}

/* <word> <date> (a time of day, a weekday, "the" between) in a sentence
 * about producing: "by 15 November 2024", "due March 20". With after set,
 * only dates later than it count. */
static void deadline_word_date(const text_view_t *v, dl_candidate_t *best,
                               const char *word, const date_t *after)
{
    const char *const *produce = rules_deadline_produce_verbs;
    size_t from = 0, ml, p;
    int guard = 0;
    while (guard++ < MATCH_LIMIT_WORD &&
           (p = find_phrase(v->lo, v->n, from, word, &ml)) != NPOS) {
        from = p + ml;
        size_t i = skip_ws(v->t, v->n, p + ml);
        if (i < v->n && v->t[i] == ':')
            i = skip_ws(v->t, v->n, i + 1); /* "Response requested by: ..." */
        i = skip_weekday(v, skip_time_of_day(v, i));
        if (i + 4 < v->n && strncmp(v->lo + i, "the ", 4) == 0)
            i = skip_ws(v->t, v->n, i + 4); /* "by the 14th day of March" */
        date_t d;
        if (!date_parse_at_style(v->t + i, v->n - i, v->day_first, &d))
            continue;
        size_t s, e;
        view_sentence(v, p, &s, &e);
        if (after && date_cmp(&d, after) <= 0)
            continue;
        /* with "before", the bare noun "records" ("records created before
         * March 30") is no verb of answering */
        size_t vm = 0;
        int vw = 0;
        size_t vp = find_any(v->lo, e, s, produce, &vm, &vw);
        while (after && vp != NPOS && strcmp(produce[vw], "records") == 0)
            vp = find_any(v->lo, e, vp + vm, produce, &vm, &vw);
        if (vp != NPOS || need_word_before(v, p))
            dl_consider(best, p, &d);
    }
}

/* What "within N days of / after ..." counts from, k being just after the
 * "of" / "after": a date written there ("from 3 February 2025"), or the
 * letter's own date when the event is the letter itself or its receipt
 * (the contract: "of receipt" / "of the date of this letter"). Any other
 * event ("after the conclusion of the hearing", "of the arrest") has no
 * date, so there is no deadline to compute. k == 0 is a bare duration
 * ("respond within 10 days."), counted from the letter's date. */
static bool within_base(const text_view_t *v, size_t k, const date_t *letter_date,
                        date_t *base)
{
    bool have_letter = letter_date && date_valid(letter_date);
    if (k == 0) {
        if (have_letter)
            *base = *letter_date;
        return have_letter;
    }
    k = skip_ws(v->lo, v->n, k);
    if (k < v->n && date_parse_at_style(v->t + k, v->n - k, v->day_first, base))
        return true;
    size_t ml;
    int which;
    size_t lim = window_after(v->n, k, DEADLINE_EVENT_WINDOW);
    if (have_letter &&
        find_any(v->lo, lim, k, rules_deadline_letter_events, &ml, &which) == k) {
        *base = *letter_date;
        return true;
    }
    return false;
}

/* "within ten days of the date of this Order", "within 14 days of
 * receipt": counted from the date the letter states. */
static void deadline_within(const text_view_t *v, const date_t *letter_date,
                            dl_candidate_t *best)
{
    phrase_walk_t w;
    phrase_walk_init(&w, rules_deadline_within, v->lo, v->n, MATCH_LIMIT_LIST);
    while (phrase_walk_next(&w)) {
        size_t p = w.at, i = skip_ws(v->lo, v->n, w.end);
        /* "within a period of 10 days", "within the next 10 days" */
        size_t fl;
        int fw;
        if (find_any(v->lo, window_after(v->n, i, DEADLINE_FILLER_WINDOW), i,
                     rules_deadline_within_fillers, &fl, &fw) == i)
            i = skip_ws(v->lo, v->n, i + fl);
        duration_t d;
        size_t dl = duration_parse_at(v->lo + i, v->n - i, &d);
        if (!dl || d.unit == DUR_HOURS)
            continue;
        size_t j = skip_ws(v->lo, v->n, i + dl);
        int which;
        size_t al = 0;
        /* "within ten days hereof": counted from the letter itself */
        if (j + 6 <= v->n && strncmp(v->lo + j, "hereof", 6) == 0 &&
            (j + 6 == v->n || !is_wc((unsigned char)v->lo[j + 6]))) {
            date_t base;
            if (within_base(v, 0, letter_date, &base)) {
                date_t due = date_add_duration(base, &d);
                dl_consider(best, p, &due);
            }
            continue;
        }
        if (find_any(v->lo, window_after(v->n, j, DEADLINE_ANCHOR_WINDOW), j,
                     rules_deadline_within_anchors, &al, &which) != j) {
            al = 0;
            /* A bare "Please respond within 10 days." also counts from the
             * letter's date; other bare durations describe something else. */
            size_t s, e;
            view_sentence(v, p, &s, &e);
            bool bare_end = j >= v->n || strchr(".,;\n", v->lo[j]);
            if (!bare_end ||
                find_any(v->lo, e, s, rules_deadline_produce_verbs, NULL, NULL) == NPOS)
                continue;
        }
        date_t base;
        if (!within_base(v, al ? j + al : 0, letter_date, &base))
            continue;
        date_t due = date_add_duration(base, &d);
        dl_consider(best, p, &due);
    }
}

/* "no later than 10 business days from the date of this letter",
 * "Deadline for response: 21 days from the date of this request": a
 * duration shortly after the cue, anchored to a date. */
static void deadline_due_in(const text_view_t *v, const date_t *letter_date,
                            dl_candidate_t *best)
{
    phrase_walk_t w;
    phrase_walk_init(&w, rules_deadline_duration_cues, v->lo, v->n, MATCH_LIMIT_LIST);
    while (phrase_walk_next(&w)) {
        size_t p = w.at, stop = window_after(v->n, w.end, DEADLINE_DURATION_WINDOW);
        int which;
        for (size_t i = w.end; i < stop && v->lo[i] != '\n'; i++) {
            if (is_wc((unsigned char)v->lo[i - 1]) || !is_wc((unsigned char)v->lo[i]))
                continue;
            duration_t d;
            size_t dl = duration_parse_at(v->lo + i, v->n - i, &d);
            if (!dl)
                continue;
            size_t j = skip_ws(v->lo, v->n, i + dl), al;
            if (d.unit != DUR_HOURS &&
                find_any(v->lo, window_after(v->n, j, DEADLINE_ANCHOR_WINDOW), j,
                         rules_deadline_within_anchors, &al, &which) == j) {
                date_t base;
                if (within_base(v, j + al, letter_date, &base)) {
                    date_t due = date_add_duration(base, &d);
                    dl_consider(best, p, &due);
                }
            }
            break;
        }
    }
}

/* A grand-jury subpoena's "Date and Time:" of appearance, when records
 * may be produced "on or before the date of appearance". */
static void deadline_appearance(const text_view_t *v, dl_candidate_t *best)
{
    /* "You are commanded to appear on September 12, 2024 at 9:00 a.m." */
    size_t from = 0, q, al;
    int aw, guard = 0;
    while (guard++ < MATCH_LIMIT_LABEL &&
           (q = find_any(v->lo, v->n, from, rules_deadline_appear_on, &al, &aw)) !=
               NPOS) {
        from = q + al;
        size_t i = skip_weekday(v, skip_ws(v->t, v->n, q + al));
        date_t d;
        if (date_parse_at_style(v->t + i, v->n - i, v->day_first, &d))
            dl_consider(best, q, &d);
    }
    if (!contains_any(v->lo, v->n, rules_deadline_appearance))
        return;
    size_t ml;
    int which;
    size_t p = find_any(v->lo, v->n, 0, rules_deadline_appearance_labels, &ml, &which);
    if (p == NPOS)
        return;
    size_t le = view_line_end(v, p);
    date_t d;
    if (date_find_style(v->t + p + ml, le - p - ml, v->day_first, &d, NULL, NULL))
        dl_consider(best, p, &d);
    else if (le < v->n) {
        /* a form's column layout: "Date and Time:" ends the line, its
         * value stands on the next one */
        size_t ne = view_line_end(v, le + 1);
        if (date_find_style(v->t + le + 1, ne - le - 1, v->day_first, &d, NULL, NULL))
            dl_consider(best, p, &d);
    }
}

void deadline_of(const text_view_t *vp, const date_t *letter_date, bool day_first,
                 char out[11])
{
    out[0] = '\0';
    text_view_t v = *vp;
    v.day_first = day_first;
    dl_candidate_t best = { .pos = NPOS };
    deadline_by_date(&v, letter_date, &best);
    deadline_within(&v, letter_date, &best);
    deadline_due_in(&v, letter_date, &best);
    if (best.pos == NPOS)
        deadline_appearance(&v, &best);
    if (best.pos != NPOS)
        date_format(&best.date, out, 11);
}

void extract_deadline(const char *text, size_t len, const date_t *letter_date,
                      bool day_first, char out[11])
{
    text_view_t v;
    out[0] = '\0';
    if (!text_view_init(&v, text, len))
        return;
    deadline_of(&v, letter_date, day_first, out);
    text_view_free(&v);
}
