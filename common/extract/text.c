/* text.c -- the text engine (text.h): folding, phrase search, the phrase
 * cursor, sentences and clauses, table cells.
 */
#include "text.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <glib.h>

/* Lower-cases src[0..n) into dst (n bytes, no terminator). ASCII with
 * tolower(); other characters with GLib's Unicode tables, but only where
 * the small letter has the same UTF-8 length as the capital (nearly all:
 * Latin-1, Latin Extended, Greek, Cyrillic), so offsets in dst are those
 * of src. The rare length-changing ones (U+0130 'I' with a dot) stay as
 * written. Invalid bytes are copied. One pass: linear time. */
void text_fold(char *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)src[i];
        if (c < 0x80) {
            dst[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            i++;
            continue;
        }
        if (c == 0xC3 && i + 1 < n) {
            /* Latin-1 letters, the common case, without a table lookup:
             * capitals C3 80..9E (but U+00D7) are small letters + 0x20. */
            unsigned char d = (unsigned char)src[i + 1];
            dst[i] = (char)c;
            dst[i + 1] = (char)(d >= 0x80 && d <= 0x9E && d != 0x97 ? d + 0x20 : d);
            i += 2;
            continue;
        }
        size_t len = (c & 0xE0) == 0xC0   ? 2
                     : (c & 0xF0) == 0xE0 ? 3
                     : (c & 0xF8) == 0xF0 ? 4
                                          : 1;
        if (len == 1 || i + len > n) {
            dst[i] = src[i];
            i++;
            continue;
        }
        gunichar cp = g_utf8_get_char_validated(src + i, (gssize)len);
        char buf[6];
        gint bl = cp < 0x110000 ? g_unichar_to_utf8(g_unichar_tolower(cp), buf) : 0;
        if (bl == (gint)len)
            memcpy(dst + i, buf, len);
        else
            memcpy(dst + i, src + i, len);
        i += len;
    }
}

static bool sentence_break_after(const char *t, size_t n, size_t i);

/* v->lines: 0 and the offset after every '\n'. */
static bool index_lines(text_view_t *v)
{
    size_t count = 1;
    for (const char *p = v->t; (p = memchr(p, '\n', (size_t)(v->t + v->n - p))); p++)
        count++;
    v->lines = malloc(count * sizeof *v->lines);
    if (!v->lines)
        return false;
    v->lines[0] = 0;
    v->line_count = 1;
    for (const char *p = v->t; (p = memchr(p, '\n', (size_t)(v->t + v->n - p))); p++)
        v->lines[v->line_count++] = (size_t)(p - v->t) + 1;
    return true;
}

/* v->breaks: every i where sentence_break_after(t, n, i). */
static bool index_sentences(text_view_t *v)
{
    size_t cap = 64;
    v->breaks = malloc(cap * sizeof *v->breaks);
    v->break_count = 0;
    for (size_t i = 0; v->breaks && i < v->n; i++) {
        char c = v->t[i];
        if (c != '\n' && c != '.' && c != '?' && c != '!')
            continue; /* the only bytes a sentence ends at */
        if (!sentence_break_after(v->t, v->n, i))
            continue;
        if (v->break_count == cap) {
            size_t *grown = realloc(v->breaks, 2 * cap * sizeof *grown);
            if (!grown) {
                free(v->breaks);
                v->breaks = NULL;
                break;
            }
            v->breaks = grown;
            cap *= 2;
        }
        v->breaks[v->break_count++] = i;
    }
    return v->breaks != NULL;
}

bool text_view_init(text_view_t *v, const char *t, size_t n)
{
    memset(v, 0, sizeof *v);
    v->t = t ? t : "";
    v->n = t ? n : 0;
    v->lo = malloc(v->n + 1);
    if (!v->lo)
        return false;
    text_fold(v->lo, v->t, v->n);
    v->lo[v->n] = '\0';
    if (!index_lines(v) || !index_sentences(v)) {
        text_view_free(v);
        return false;
    }
    return true;
}

void text_view_free(text_view_t *v)
{
    free(v->lo);
    free(v->lines);
    free(v->breaks);
    v->lo = NULL;
    v->lines = v->breaks = NULL;
    v->line_count = v->break_count = 0;
}

/* The first of a[0..count) (ascending) that is >= x: its index, or count. */
static size_t first_at_or_after(const size_t *a, size_t count, size_t x)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t view_line_start(const text_view_t *v, size_t i)
{
    /* the last line start at or before i (lines[0] is 0) */
    size_t k = first_at_or_after(v->lines, v->line_count, i + 1);
    return v->lines[k - 1];
}

size_t view_line_end(const text_view_t *v, size_t i)
{
    /* the byte before the first line start after i, or the end */
    size_t k = first_at_or_after(v->lines, v->line_count, i + 1);
    return k < v->line_count ? v->lines[k] - 1 : v->n;
}

/* sentence_bounds() from the index: the same bounds, without the scan. */
void view_sentence(const text_view_t *v, size_t pos, size_t *s, size_t *e)
{
    size_t k = first_at_or_after(v->breaks, v->break_count, pos);
    size_t a = k > 0 ? v->breaks[k - 1] + 1 : 0;
    size_t far_before = pos > SENTENCE_MAX ? pos - SENTENCE_MAX : 0;
    *s = a > far_before ? a : far_before;
    size_t b = k < v->break_count ? v->breaks[k] : v->n;
    size_t far_after = v->n - pos > SENTENCE_MAX ? pos + SENTENCE_MAX : v->n;
    if (b > far_after)
        b = far_after;
    *e = b < v->n ? b + 1 : v->n;
}

/* How common a byte is in request text (higher = more common): space and
 * the English letters by frequency; digits, punctuation and UTF-8 bytes
 * count as rare. */
static int byte_commonness(unsigned char c)
{
    static const char order[] = "zqjxkvbypgwfmucdlhrsnioate";
    if (c == ' ')
        return 40;
    c = (unsigned char)tolower(c);
    const char *o = c ? strchr(order, c) : NULL;
    return o ? 10 + (int)(o - order) : 0;
}

/* memmem() is a GNU extension; this is the portable subset we need. It
 * scans with memchr() for the needle's rarest byte, not its first: long
 * texts are searched for dozens of phrases, and stopping at every "e" or
 * "l" of a 4 MB text is what made those passes slow. */
const char *mem_find(const char *hay, size_t n, const char *needle, size_t nl)
{
    if (nl == 0 || nl > n)
        return NULL;
    size_t k = 0;
    for (size_t i = 1; i < nl; i++)
        if (byte_commonness((unsigned char)needle[i]) <
            byte_commonness((unsigned char)needle[k]))
            k = i;
    const char *end = hay + n - nl + 1; /* candidates start before end */
    for (const char *p = hay; p < end;) {
        const char *q = memchr(p + k, needle[k], (size_t)(end - p));
        if (!q)
            return NULL;
        p = q - k;
        if (memcmp(p, needle, nl) == 0)
            return p;
        p++;
    }
    return NULL;
}

char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *lower_dup_range(const char *s, size_t n)
{
    char *d = dup_range(s, n);
    if (d)
        text_fold(d, s, n);
    return d;
}

char *lower_dup(const char *s)
{
    return lower_dup_range(s ? s : "", s ? strlen(s) : 0);
}

/* Matches ph[0..pl) at hay[i], a space in the phrase standing for any
 * run of white space (phrases wrap across lines in letters). Returns the
 * end offset or NPOS. */
static size_t match_flex(const char *hay, size_t n, size_t i, const char *ph, size_t pl)
{
    size_t j = i;
    for (size_t k = 0; k < pl; k++) {
        if (ph[k] == ' ') {
            if (j >= n || !isspace((unsigned char)hay[j]))
                return NPOS;
            size_t ws = j;
            while (j < n && j - ws < 64 && isspace((unsigned char)hay[j]))
                j++;
        } else {
            if (j >= n || hay[j] != ph[k])
                return NPOS;
            j++;
        }
    }
    return j;
}

/* Finds phrase in hay[from..n) on word boundaries. A trailing '*' makes
 * it a prefix ("subpoena*" also matches "subpoenas"). hay must be lower
 * case for case-insensitive phrases. Returns the offset or NPOS; *mlen
 * gets the matched length. */
size_t find_phrase(const char *hay, size_t n, size_t from, const char *phrase,
                   size_t *mlen)
{
    size_t pl = strlen(phrase);
    bool prefix = pl > 1 && phrase[pl - 1] == '*';
    if (prefix)
        pl--;
    if (pl == 0)
        return NPOS;
    const char *sp = memchr(phrase, ' ', pl);
    size_t head = sp ? (size_t)(sp - phrase) : pl;
    if (head == 0)
        return NPOS;
    while (from < n) {
        const char *p = mem_find(hay + from, n - from, phrase, head);
        if (!p)
            return NPOS;
        size_t i = (size_t)(p - hay);
        size_t e = match_flex(hay, n, i, phrase, pl);
        bool ok = e != NPOS && !(is_wc((unsigned char)phrase[0]) && i > 0 &&
                                 is_wc((unsigned char)hay[i - 1]));
        if (ok && prefix) {
            while (e < n && is_wc((unsigned char)hay[e]))
                e++;
        } else if (ok && is_wc((unsigned char)phrase[pl - 1]) && e < n &&
                   is_wc((unsigned char)hay[e])) {
            ok = false;
        }
        if (ok) {
            if (mlen)
                *mlen = e - i;
            return i;
        }
        from = i + 1;
    }
    return NPOS;
}

/* Earliest match of any phrase in the NULL-terminated list. */
size_t find_any(const char *hay, size_t n, size_t from, const char *const *phrases,
                size_t *mlen, int *which)
{
    size_t best = NPOS, blen = 0;
    for (int k = 0; phrases[k]; k++) {
        size_t l;
        size_t p = find_phrase(hay, n, from, phrases[k], &l);
        if (p < best) {
            best = p;
            blen = l;
            if (which)
                *which = k;
        }
    }
    if (mlen)
        *mlen = blen;
    return best;
}

void cursor_init(cursor_t *c, const char *const *phrases)
{
    c->phrases = phrases;
    c->count = 0;
    while (phrases[c->count] && c->count < CURSOR_MAX) {
        c->searched[c->count] = false;
        c->count++;
    }
}

size_t cursor_next(cursor_t *c, const char *hay, size_t n, size_t from, size_t *mlen,
                   int *which)
{
    size_t best = NPOS;
    for (size_t k = 0; k < c->count; k++) {
        if (!c->searched[k] || (c->pos[k] != NPOS && c->pos[k] < from)) {
            c->pos[k] = find_phrase(hay, n, from, c->phrases[k], &c->len[k]);
            c->searched[k] = true;
        }
        if (c->pos[k] < best) {
            best = c->pos[k];
            if (mlen)
                *mlen = c->len[k];
            if (which)
                *which = (int)k;
        }
    }
    return best;
}

void phrase_walk_init(phrase_walk_t *w, const char *const *phrases, const char *hay,
                      size_t n, int limit)
{
    cursor_init(&w->cur, phrases);
    w->hay = hay;
    w->n = n;
    w->at = w->end = 0;
    w->which = -1;
    w->left = limit;
}

bool phrase_walk_next(phrase_walk_t *w)
{
    if (w->left <= 0)
        return false;
    w->left--;
    size_t len, at = cursor_next(&w->cur, w->hay, w->n, w->end, &len, &w->which);
    if (at == NPOS)
        return false;
    w->at = at;
    w->end = at + len;
    return true;
}

bool contains_any(const char *hay, size_t n, const char *const *phrases)
{
    return find_any(hay, n, 0, phrases, NULL, NULL) != NPOS;
}

/* Abbreviations whose period does not end a sentence. */
bool abbreviation_before(const char *t, size_t dot)
{
    size_t b = dot;
    while (b > 0 && (isalpha((unsigned char)t[b - 1]) || t[b - 1] == '.'))
        b--;
    size_t wl = dot - b;
    if (wl == 0 || wl > 8)
        return false;
    if (wl == 1)
        return true; /* an initial: "Dana M. Whitcombe" */
    for (int k = 0; rules_text_abbreviations[k]; k++)
        if (strlen(rules_text_abbreviations[k]) == wl &&
            strncasecmp(t + b, rules_text_abbreviations[k], wl) == 0)
            return true;
    return false;
}

/* Sentence end: [.?!] + white space + upper-case letter (or '('), or a
 * blank line. */
static bool sentence_break_after(const char *t, size_t n, size_t i)
{
    char c = t[i];
    if (c == '\n')
        return blank_line_at(t, i);
    if (c != '.' && c != '?' && c != '!')
        return false;
    size_t j = i + 1;
    if (j >= n || !isspace((unsigned char)t[j]))
        return false;
    j = skip_ws(t, n, j);
    if (j >= n)
        return true;
    if (!isupper((unsigned char)t[j]) && t[j] != '(')
        return false;
    return c != '.' || !abbreviation_before(t, i);
}

void sentence_bounds(const char *t, size_t n, size_t pos, size_t *s, size_t *e)
{
    size_t a = pos;
    while (a > 0 && pos - a < SENTENCE_MAX && !sentence_break_after(t, n, a - 1))
        a--;
    size_t b = pos;
    while (b < n && b - pos < SENTENCE_MAX && !sentence_break_after(t, n, b))
        b++;
    *s = a;
    *e = b < n ? b + 1 : n;
}

/* Clauses are finer: sentences further cut at ; : ( ) and line-initial
 * list markers, so "(not including the contents of communications)"
 * negates only itself. */
static bool clause_break_after(const char *t, size_t n, size_t i)
{
    char c = t[i];
    if (c == ';' || c == ':' || c == '(' || c == ')')
        return true;
    return sentence_break_after(t, n, i);
}

#define CLAUSE_MAX 600

void clause_bounds(const char *t, size_t n, size_t pos, size_t len, size_t *s, size_t *e)
{
    size_t a = pos;
    while (a > 0 && pos - a < CLAUSE_MAX && !clause_break_after(t, n, a - 1))
        a--;
    size_t b = pos + len;
    while (b < n && b - pos < CLAUSE_MAX && !clause_break_after(t, n, b))
        b++;
    *s = a;
    *e = b;
}

bool all_caps(const char *s, size_t n)
{
    bool letter = false;
    for (size_t i = 0; i < n; i++) {
        if (islower((unsigned char)s[i]))
            return false;
        letter |= isupper((unsigned char)s[i]) != 0;
    }
    return letter;
}

/* The start of cell number `cell` (0 = before the first tab) in the next
 * non-blank row after the line ending at le, or NPOS. HTML tables become
 * tab-separated rows, apart by a blank line. */
size_t next_row_cell(const text_view_t *v, size_t le, size_t cell)
{
    if (le >= v->n)
        return NPOS;
    size_t ns = le + 1, ne = line_end(v->t, v->n, ns), c = 0, j;
    for (int skip = 0; skip < 2 && ne < v->n && skip_ws(v->t, ne, ns) == ne; skip++) {
        ns = ne + 1;
        ne = line_end(v->t, v->n, ns);
    }
    for (j = ns; j < ne && c < cell; j++)
        if (v->t[j] == '\t')
            c++;
    if (c != cell)
        return NPOS;
    j = skip_spaces(v->t, ne, j);
    return j < ne ? j : NPOS;
}
