/* reference.c -- the request's own reference: labelled identifiers
 * ("Case No.", "Aktenzeichen", table cells), ranked (the requester's own
 * file below the request's, a court docket above), the one the subject
 * repeats first; else an identifier in the subject.
 */
#include "extract.h"
#include "fields.h"
#include "rules.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How far before a label "your", "ticket" (the provider's reference) or
 * "our" (the request's own) are looked for, and how long a parenthesis
 * after a label ("Geschaeftszeichen (reference):") may be, in bytes. */
#define PROVIDER_WORD_WINDOW 12
#define OWN_WORD_WINDOW 10
#define LABEL_PAREN_MAX 30

/* Length of a designator ("No.", "Number", "#") at i, or 0. */
static size_t ref_designator_at(const char *lo, size_t n, size_t i)
{
    for (int k = 0; rules_reference_designators[k]; k++) {
        size_t l = strlen(rules_reference_designators[k]);
        if (i + l > n || strncmp(lo + i, rules_reference_designators[k], l) != 0)
            continue;
        if (isalnum((unsigned char)rules_reference_designators[k][l - 1]) && i + l < n &&
            isalnum((unsigned char)lo[i + l]))
            continue;
        return l;
    }
    return 0;
}

static bool ref_char(unsigned char c)
{
    return isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == ':' ||
           c == '#';
}

static bool has_digit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isdigit((unsigned char)s[i]))
            return true;
    return false;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

/* Token of reference characters at i, trailing punctuation trimmed. */
static size_t ref_token(const char *t, size_t n, size_t i)
{
    size_t e = i;
    while (e < n && ref_char((unsigned char)t[e]))
        e++;
    while (e > i && strchr(".:-/#_", t[e - 1]))
        e--;
    return e - i;
}

/* The identifier starting at i: one token, or the docket form "13 Mag.
 * 3097" / "25 MJ 4418" / "CR 24-1234". Returns its length or 0. */
static size_t ref_value(const char *t, size_t n, size_t i)
{
    size_t l1 = ref_token(t, n, i);
    if (l1 == 0)
        return 0;
    size_t j = i + l1;
    /* docket forms spread over three or two tokens */
    if (j < n && t[j] == ' ') {
        size_t k = j + 1, l2 = 0;
        while (k + l2 < n && isalpha((unsigned char)t[k + l2]) && l2 < 6)
            l2++;
        bool word2 = l2 > 0 && (k + l2 >= n || !isalnum((unsigned char)t[k + l2]));
        size_t k2 = k + l2;
        if (word2 && k2 < n && t[k2] == '.')
            k2++;
        if (word2 && all_digits(t + i, l1) && l1 <= 4 && k2 < n && t[k2] == ' ' &&
            isupper((unsigned char)t[k])) {
            size_t l3 = ref_token(t, n, k2 + 1);
            if (l3 && isdigit((unsigned char)t[k2 + 1]))
                return k2 + 1 + l3 - i;
        }
    }
    if (!has_digit(t + i, l1)) {
        /* "CR 24-1234": a short capital prefix before the number */
        if (l1 <= 4 && all_caps(t + i, l1) && j + 1 < n && t[j] == ' ' &&
            isdigit((unsigned char)t[j + 1])) {
            size_t l2 = ref_token(t, n, j + 1);
            return l2 ? j + 1 + l2 - i : 0;
        }
        return 0;
    }
    date_t d;
    if (date_parse_at(t + i, n - i, &d) >= l1)
        return 0; /* a date, not an identifier */
    if (l1 < 2)
        return 0;
    return l1;
}

/* Is [a, b) a whole table cell ("\tSubpoena No.\t")? Its index in the
 * row, or NPOS. */
static size_t whole_cell(const text_view_t *v, size_t a, size_t b)
{
    size_t ls = view_line_start(v, a), le = view_line_end(v, a);
    size_t x = a;
    while (x > ls && (v->t[x - 1] == ' '))
        x--;
    if (x == ls || v->t[x - 1] != '\t')
        return NPOS;
    size_t y = b;
    while (y < le && (v->t[y] == ' ' || v->t[y] == ':'))
        y++;
    if (y < le && v->t[y] != '\t')
        return NPOS;
    size_t cell = 0;
    for (size_t i = ls; i < a; i++)
        if (v->t[i] == '\t')
            cell++;
    return cell;
}

/* After a label word at p (length wl): designator, "is", a parenthesised
 * gloss, separators. Returns the value's start or NPOS. */
static size_t ref_after_label(const text_view_t *v, size_t p, size_t wl,
                              bool need_designator)
{
    size_t i = skip_spaces(v->lo, v->n, p + wl);
    size_t d = ref_designator_at(v->lo, v->n, i);
    if (need_designator && !d)
        return NPOS;
    if (d)
        i = skip_spaces(v->lo, v->n, i + d);
    if (i < v->n && v->lo[i] == '(') { /* "Geschaeftszeichen (reference):" */
        const char *close =
            memchr(v->lo + i, ')', window_after(v->n, i, LABEL_PAREN_MAX) - i);
        if (close)
            i = skip_spaces(v->lo, v->n, (size_t)(close - v->lo) + 1);
    }
    while (i < v->n && (v->lo[i] == ':' || v->lo[i] == '#' || v->lo[i] == '.' ||
                        v->lo[i] == '-' || v->lo[i] == '='))
        i = skip_spaces(v->lo, v->n, i + 1);
    if (i + 3 <= v->n && strncmp(v->lo + i, "is ", 3) == 0)
        i = skip_spaces(v->lo, v->n, i + 3);
    /* A header row of a table: "\tSubpoena No.\tDate\n\n\tR3-25-9\t...":
     * the value stands in the same cell of the next row. */
    size_t k = i;
    while (k > p + wl && (v->lo[k - 1] == ' ' || v->lo[k - 1] == '\t'))
        k--;
    size_t cell = whole_cell(v, p, k);
    if (cell != NPOS && cell > 0) {
        size_t le = view_line_end(v, p), ce = i;
        while (ce < le && v->lo[ce] != '\t')
            ce++;
        /* the next cell of this row holds no identifier: a header row */
        if (i >= le || !has_digit(v->lo + i, ce - i)) {
            size_t j = next_row_cell(v, le, cell);
            if (j != NPOS)
                return j;
        }
    }
    /* A value on the next line ("Case No.\n  13 Mag. 3097") or cell. */
    if (i < v->n && (v->lo[i] == '\n' || v->lo[i] == '\t'))
        i = skip_ws(v->lo, v->n, i);
    return i;
}

/* Labels quoting the provider's own reference back: not the request's. */
static bool provider_label(const text_view_t *v, size_t p)
{
    size_t ls = window_before(p, PROVIDER_WORD_WINDOW, 0);
    const char *w = v->lo + ls;
    size_t n = p - ls;
    return mem_find(w, n, "your", 4) != NULL || mem_find(w, n, "ticket", 6) != NULL ||
           mem_find(w, n, "votre", 5) != NULL ||
           (p >= 2 && v->lo[p - 2] == 'v' && v->lo[p - 1] == '/') || /* V/Réf. */
           mem_find(w, n, "ihr ", 4) != NULL || mem_find(w, n, "ihre ", 5) != NULL;
}

static bool appears_in(const char *hay, const char *needle, size_t nl)
{
    if (!hay)
        return false;
    size_t hl = strlen(hay);
    for (size_t i = 0; i + nl <= hl; i++)
        if (strncasecmp(hay + i, needle, nl) == 0)
            return true;
    return false;
}

/* How strongly a label at p names the request's own number: 0 for the
 * requester's own file ("Our reference", "Unser Zeichen", "N/R\xc3\xa9""f.",
 * "Agency case number"), 2 for a court's docket quoted alongside it
 * ("Docket No."), 1 for the rest ("Case No.", "Subpoena No."). */
static int ref_label_rank(const text_view_t *v, size_t p, const char *label)
{
    for (int k = 0; rules_reference_own_labels[k]; k++)
        if (strcmp(label, rules_reference_own_labels[k]) == 0)
            return 0;
    size_t ls = window_before(p, OWN_WORD_WINDOW, 0);
    for (int k = 0; rules_reference_own_words[k]; k++) {
        size_t wl = strlen(rules_reference_own_words[k]);
        if (p - ls >= wl &&
            strncmp(v->lo + p - wl, rules_reference_own_words[k], wl) == 0 &&
            (p == wl || !is_wc((unsigned char)v->lo[p - wl - 1])))
            return 0;
    }
    if (strcmp(label, "docket") == 0)
        return 2;
    return 1;
}

/* The labelled reference in text (malloc'ed) or NULL: the earliest one
 * the subject line repeats, else the best-ranked (ref_label_rank), the
 * earliest among equals. */
static char *reference_in(const text_view_t *vp, const char *subject)
{
    const text_view_t v = *vp;
    size_t best = NPOS, vstart = 0, vlen = 0;
    int brank = 3;
    size_t sbest = NPOS, sstart = 0, slen = 0;
    for (int pass = 0; pass < 2; pass++) {
        const char *const *labels = pass ? rules_reference_labels_standalone
                                         : rules_reference_labels_with_designator;
        for (int k = 0; labels[k]; k++) {
            bool short_label =
                pass && (strcmp(labels[k], "re") == 0 || strcmp(labels[k], "ref") == 0 ||
                         strcmp(labels[k], "az") == 0 ||
                         strcmp(labels[k], "r\xc3\xa9"
                                           "f") == 0);
            size_t from = 0, ml, p;
            int guard = 0;
            while (guard++ < MATCH_LIMIT_WORD &&
                   (p = find_phrase(v.lo, v.n, from, labels[k], &ml)) != NPOS) {
                from = p + ml;
                if (provider_label(&v, p))
                    continue;
                /* "Re:" / "Ref." / "Az." need their colon or period. */
                if (short_label &&
                    !(p + ml < v.n && (v.lo[p + ml] == ':' || v.lo[p + ml] == '.')))
                    continue;
                size_t i = ref_after_label(&v, p, ml, pass == 0);
                if (i == NPOS || i >= v.n)
                    continue;
                size_t l = ref_value(v.t, v.n, i);
                if (!l)
                    continue;
                int rank = ref_label_rank(&v, p, labels[k]);
                if (rank < brank || (rank == brank && p < best)) {
                    brank = rank;
                    best = p;
                    vstart = i;
                    vlen = l;
                }
                if (p < sbest && appears_in(subject, v.t + i, l)) {
                    sbest = p;
                    sstart = i;
                    slen = l;
                }
            }
        }
    }
    char *r = NULL;
    if (sbest != NPOS)
        r = dup_range(v.t + sstart, slen);
    else if (best != NPOS)
        r = dup_range(v.t + vstart, vlen);
    return r;
}

/* An unlabelled identifier in a subject line: a token with digits and a
 * '-' or '/' ("NSL-NY-2025-00233", "R3-25-0117"), not a date. */
static char *subject_identifier(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && ref_char((unsigned char)s[i - 1]))
            continue;
        size_t l = ref_token(s, n, i);
        if (l >= 6 && has_digit(s + i, l) &&
            (memchr(s + i, '-', l) || memchr(s + i, '/', l))) {
            date_t d;
            if (date_parse_at(s + i, n - i, &d) < l)
                return dup_range(s + i, l);
        }
        i += l;
    }
    return NULL;
}

char *reference_of(const text_view_t *v, const char *subject)
{
    char *ns = NULL;
    size_t sn = 0;
    if (subject && *subject)
        ns = extract_normalize(subject, strlen(subject), &sn);
    char *r = reference_in(v, ns);
    text_view_t sv;
    if (!r && ns && text_view_init(&sv, ns, sn)) {
        r = reference_in(&sv, NULL);
        text_view_free(&sv);
    }
    if (!r && ns)
        r = subject_identifier(ns);
    free(ns);
    return r;
}

char *extract_reference(const char *text, size_t len, const char *subject)
{
    text_view_t v;
    if (!text_view_init(&v, text, len))
        return NULL;
    char *r = reference_of(&v, subject);
    text_view_free(&v);
    return r;
}
