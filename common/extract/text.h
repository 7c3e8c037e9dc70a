/* text.h -- the text engine every extractor reads through (private to
 * common/extract/): the request text built once per message as a
 * text_view_t, phrase search on word boundaries, a cursor that walks a
 * phrase list through a long text, and the line / sentence / clause
 * structure of a letter.
 *
 * Matching runs on a lower-cased copy of the normalized text in which
 * every character keeps its byte length (text_fold()), so byte offsets
 * are shared between the two: "POLIC\xc3\x8d""A NACIONAL" and
 * "R\xc3\x89""F\xc3\x89""RENCE" match the lower-case phrase lists.
 *
 * Phrase syntax: lower case; a space stands for
 * any run of white space (phrases wrap across lines in letters); a
 * trailing '*' makes a prefix ("subpoena*" also matches "subpoenas");
 * a phrase that starts or ends with a letter or digit matches only on a
 * word boundary there.
 */
#ifndef WRIT_EXTRACT_TEXT_H
#define WRIT_EXTRACT_TEXT_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NPOS SIZE_MAX

/* The request text as the extractors read it: built once per message
 * (extract_request()) and shared, read-only, by every extractor: the
 * normalized text, its folded copy, and the index of its lines and
 * sentences (view_line_start/_end, view_sentence), so an extractor asks
 * where a line or sentence starts instead of scanning for it. */
typedef struct {
    const char *t; /* normalized text (extract_normalize()) */
    char *lo;      /* text_fold() of t: lower case, same offsets */
    size_t n;
    bool day_first; /* "03/02/2025" is 3 February (non-US request) */
    size_t *lines;  /* where each line starts: 0, then after each '\n' */
    size_t line_count;
    size_t *breaks; /* where a sentence ends (its last byte), ascending */
    size_t break_count;
} text_view_t;

/* Builds v over t[0..n) (t may be NULL: an empty text); v->lo and the
 * index are allocated. false on allocation failure (nothing to free then). */
bool text_view_init(text_view_t *v, const char *t, size_t n);
void text_view_free(text_view_t *v);

/* Lower-cases src[0..n) into dst (n bytes, no terminator), keeping
 * every character's byte length. */
void text_fold(char *dst, const char *src, size_t n);

/* --- phrase search --------------------------------------------------- */

/* memmem() for the portable subset we need (rarest byte first). */
const char *mem_find(const char *hay, size_t n, const char *needle, size_t nl);
/* phrase in hay[from..n) (see the syntax above): offset or NPOS; *mlen
 * (may be NULL) gets the matched length. */
size_t find_phrase(const char *hay, size_t n, size_t from, const char *phrase,
                   size_t *mlen);
/* Earliest match of any phrase of a NULL-terminated list; *which (may be
 * NULL) gets its index. */
size_t find_any(const char *hay, size_t n, size_t from, const char *const *phrases,
                size_t *mlen, int *which);
bool contains_any(const char *hay, size_t n, const char *const *phrases);

/* Walks the matches of a phrase list through a long text in order. Each
 * phrase's next match is cached, so a walk costs one pass per phrase
 * instead of one pass per match (find_any in a loop is quadratic).
 * CURSOR_MAX bounds the list: every list walked this way is checked
 * against it where it is used (CURSOR_FITS), so a rules file that grows
 * past it stops the build instead of being cut short. */
#define CURSOR_MAX 96
#define CURSOR_FITS(count) \
    _Static_assert((count) <= CURSOR_MAX, #count " outgrows CURSOR_MAX (text.h)")

typedef struct {
    const char *const *phrases;
    size_t count;
    size_t pos[CURSOR_MAX]; /* next match at or after last 'from'; NPOS */
    size_t len[CURSOR_MAX];
    bool searched[CURSOR_MAX];
} cursor_t;

void cursor_init(cursor_t *c, const char *const *phrases);
size_t cursor_next(cursor_t *c, const char *hay, size_t n, size_t from, size_t *mlen,
                   int *which);

/* A walk over the matches of a phrase list in hay[0, n) with a cursor:
 * in order, each after the end of the one before, and at most limit of
 * them (a MATCH_LIMIT_* below):
 *     phrase_walk_t w;
 *     phrase_walk_init(&w, phrases, hay, n, MATCH_LIMIT_CUE);
 *     while (phrase_walk_next(&w))
 *         ... hay[w.at, w.end) matched phrases[w.which] ...
 */
typedef struct {
    size_t at, end; /* the match */
    int which;      /* its phrase's index */
    cursor_t cur;
    const char *hay;
    size_t n;
    int left; /* matches it may still look at */
} phrase_walk_t;

void phrase_walk_init(phrase_walk_t *w, const char *const *phrases, const char *hay,
                      size_t n, int limit);
/* The next match into w->at, w->end, w->which; false when there is none
 * or the limit is reached. */
bool phrase_walk_next(phrase_walk_t *w);

/* --- work bounds --------------------------------------------------------
 * How many matches a rule's loop looks at before it stops, so a hostile
 * text (one phrase repeated a million times) costs bounded work. A real
 * letter has far fewer matches than any of these; they differ with how
 * often what is searched for occurs. */
#define MATCH_LIMIT_SENTENCE 20   /* cues searched within one sentence or clause */
#define MATCH_LIMIT_LABEL 50      /* labels and cues a letter states once or twice */
#define MATCH_LIMIT_CUE 100       /* cue phrases through the whole text */
#define MATCH_LIMIT_LIST 200      /* a phrase list walked with the cursor */
#define MATCH_LIMIT_WORD 500      /* short, common words ("by", "re", "case") */
#define MATCH_LIMIT_CATEGORY 1000 /* data-category phrases (common words too) */

/* --- windows -------------------------------------------------------------
 * A rule that looks for words right before or after a cue looks within a
 * window of so many bytes, named beside the rule (DEADLINE_WEEKDAY_WINDOW,
 * GAG_NEGATION_WINDOW, ...): a few words of a real letter. */

/* The end of the window of w bytes from i, cut at the text's end n. */
static inline size_t window_after(size_t n, size_t i, size_t w)
{
    return i + w < n ? i + w : n;
}

/* The start of the window of w bytes before p, cut at floor (<= p). */
static inline size_t window_before(size_t p, size_t w, size_t floor)
{
    return p - floor > w ? p - w : floor;
}

/* --- copies ------------------------------------------------------------ */

char *dup_range(const char *s, size_t n);
char *lower_dup_range(const char *s, size_t n); /* text_fold()ed copy */
char *lower_dup(const char *s);                 /* s may be NULL: "" */
/* Has letters, all of them capitals? */
bool all_caps(const char *s, size_t n);

/* --- lines, sentences, clauses ----------------------------------------- */

static inline bool is_wc(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

static inline size_t skip_spaces(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

static inline size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    return i;
}

static inline size_t line_start(const char *s, size_t i)
{
    while (i > 0 && s[i - 1] != '\n')
        i--;
    return i;
}

static inline size_t line_end(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] != '\n')
        i++;
    return i;
}

/* "\n" + optional blanks + "\n" ends at i? (i is on the second '\n') */
static inline bool blank_line_at(const char *s, size_t i)
{
    if (s[i] != '\n')
        return false;
    size_t k = i;
    while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\r'))
        k--;
    return k > 0 && s[k - 1] == '\n';
}

/* Does the period at t[dot] belong to an abbreviation ("No.", "U.S.C.",
 * an initial) rather than end a sentence? */
bool abbreviation_before(const char *t, size_t dot);
/* How far a sentence reaches from a position each way at the most: a text
 * with no sentence break (a table, a hostile text) costs bounded work. */
#define SENTENCE_MAX 1500
/* The sentence around pos: [*s, *e), at most SENTENCE_MAX each way. */
void sentence_bounds(const char *t, size_t n, size_t pos, size_t *s, size_t *e);

/* The same over a view, from its index (pos <= v->n). */
void view_sentence(const text_view_t *v, size_t pos, size_t *s, size_t *e);
/* line_start() and line_end() over a view, from its index. */
size_t view_line_start(const text_view_t *v, size_t i);
size_t view_line_end(const text_view_t *v, size_t i);
/* The clause around [pos, pos+len): a sentence further cut at ; : ( ). */
void clause_bounds(const char *t, size_t n, size_t pos, size_t len, size_t *s, size_t *e);
/* The start of cell number `cell` in the next non-blank table row after
 * the line ending at le, or NPOS. */
size_t next_row_cell(const text_view_t *v, size_t le, size_t cell);

/* --- negation (negation.c) --------------------------------------------- */

/* Is the mention [p, p+l) negated in its clause ("not", "excluding", "...
 * is not requested")? */
bool negated_in_clause(const text_view_t *v, size_t p, size_t l);
/* First match of any phrase that is not negated in its clause, or NPOS. */
size_t find_affirmed(const text_view_t *v, const char *const *phrases);

#endif
