/* extract.c -- the contract's request fields from decoded request text
 * (extract.h). Rules are phrase tables, statute citations and document
 * structure (labels, sentences, clauses), never sample-specific strings.
 *
 * Matching runs on a lower-cased copy of the normalized text in which
 * every character keeps its byte length (fold_same_length()), so byte
 * offsets are shared between the two: "POLIC\xc3\x8d""A NACIONAL" and
 * "R\xc3\x89""F\xc3\x89""RENCE" match the lower-case tables.
 */
#include "extract.h"
#include "domain.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#define NPOS SIZE_MAX
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ================================================================== */
/* text helpers                                                        */
/* ================================================================== */

typedef struct {
    const char *t;   /* normalized text */
    char *lo;        /* ASCII lower-case copy, same offsets */
    size_t n;
    bool day_first;  /* "03/02/2025" is 3 February (non-US request) */
} view_t;

/* Lower-cases src[0..n) into dst (n bytes, no terminator). ASCII with
 * tolower(); other characters with GLib's Unicode tables, but only where
 * the small letter has the same UTF-8 length as the capital (nearly all:
 * Latin-1, Latin Extended, Greek, Cyrillic), so offsets in dst are those
 * of src. The rare length-changing ones (U+0130 'I' with a dot) stay as
 * written. Invalid bytes are copied. One pass: linear time. */
static void fold_same_length(char *dst, const char *src, size_t n)
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
        size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                     : (c & 0xF8) == 0xF0 ? 4 : 1;
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

static bool view_init(view_t *v, const char *t, size_t n)
{
    v->day_first = false;
    v->t = t ? t : "";
    v->n = t ? n : 0;
    v->lo = malloc(v->n + 1);
    if (!v->lo)
        return false;
    fold_same_length(v->lo, v->t, v->n);
    v->lo[v->n] = '\0';
    return true;
}

static void view_free(view_t *v)
{
    free(v->lo);
    v->lo = NULL;
}

static bool is_wc(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
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
static const char *mem_find(const char *hay, size_t n, const char *needle,
                            size_t nl)
{
    if (nl == 0 || nl > n)
        return NULL;
    size_t k = 0;
    for (size_t i = 1; i < nl; i++)
        if (byte_commonness((unsigned char)needle[i]) <
            byte_commonness((unsigned char)needle[k]))
            k = i;
    const char *end = hay + n - nl + 1;   /* candidates start before end */
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

static char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static char *lower_dup_range(const char *s, size_t n)
{
    char *d = dup_range(s, n);
    if (d)
        fold_same_length(d, s, n);
    return d;
}

static char *lower_dup(const char *s)
{
    return lower_dup_range(s ? s : "", s ? strlen(s) : 0);
}

/* Matches ph[0..pl) at hay[i], a space in the phrase standing for any
 * run of white space (phrases wrap across lines in letters). Returns the
 * end offset or NPOS. */
static size_t match_flex(const char *hay, size_t n, size_t i, const char *ph,
                         size_t pl)
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
static size_t find_phrase(const char *hay, size_t n, size_t from,
                          const char *phrase, size_t *mlen)
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
static size_t find_any(const char *hay, size_t n, size_t from,
                       const char *const *phrases, size_t *mlen, int *which)
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

/* Walks the matches of a phrase list through a long text in order. Each
 * phrase's next match is cached, so a walk costs one pass per phrase
 * instead of one pass per match (find_any in a loop is quadratic). */
#define CURSOR_MAX 96

typedef struct {
    const char *const *phrases;
    size_t count;
    size_t pos[CURSOR_MAX];   /* next match at or after last 'from'; NPOS */
    size_t len[CURSOR_MAX];
    bool searched[CURSOR_MAX];
} cursor_t;

static void cursor_init(cursor_t *c, const char *const *phrases)
{
    c->phrases = phrases;
    c->count = 0;
    while (phrases[c->count] && c->count < CURSOR_MAX) {
        c->searched[c->count] = false;
        c->count++;
    }
}

static size_t cursor_next(cursor_t *c, const char *hay, size_t n, size_t from,
                          size_t *mlen, int *which)
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

static bool contains_any(const char *hay, size_t n, const char *const *phrases)
{
    return find_any(hay, n, 0, phrases, NULL, NULL) != NPOS;
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    return i;
}

static size_t line_start(const char *s, size_t i)
{
    while (i > 0 && s[i - 1] != '\n')
        i--;
    return i;
}

static size_t line_end(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] != '\n')
        i++;
    return i;
}

/* "\n" + optional blanks + "\n" ends at i? (i is on the second '\n') */
static bool blank_line_at(const char *s, size_t i)
{
    if (s[i] != '\n')
        return false;
    size_t k = i;
    while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\r'))
        k--;
    return k > 0 && s[k - 1] == '\n';
}

/* Abbreviations whose period does not end a sentence. */
static bool abbreviation_before(const char *t, size_t dot)
{
    static const char *const abbr[] = {
        "no", "nos", "inc", "co", "corp", "ltd", "mr", "mrs", "ms", "dr",
        "st", "jr", "sr", "det", "sgt", "ofc", "mag", "vol", "nr", "v",
        "vs", "ave", "apt", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec", "u.s", "u.s.c", "e.g", "i.e",
        "p.m", "a.m", "etc", "para", "sec", "art", "abs", "ref", "tel",
        "capt", "lt", "insp", "supt", "fig", "cf", "approx", NULL};
    size_t b = dot;
    while (b > 0 && (isalpha((unsigned char)t[b - 1]) || t[b - 1] == '.'))
        b--;
    size_t wl = dot - b;
    if (wl == 0 || wl > 8)
        return false;
    if (wl == 1)
        return true;   /* an initial: "Dana M. Whitcombe" */
    for (int k = 0; abbr[k]; k++)
        if (strlen(abbr[k]) == wl && strncasecmp(t + b, abbr[k], wl) == 0)
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

#define SENTENCE_MAX 1500

static void sentence_bounds(const char *t, size_t n, size_t pos, size_t *s,
                            size_t *e)
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

static void clause_bounds(const char *t, size_t n, size_t pos, size_t len,
                          size_t *s, size_t *e)
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

static bool negated_in_clause(const view_t *v, size_t p, size_t l);
static bool danger_claimed(const view_t *v);
static bool asks_for_data(const view_t *v);

/* First match of any phrase that is not negated in its clause. */
static size_t find_affirmed(const view_t *v, const char *const *phrases)
{
    size_t best = NPOS;
    for (int k = 0; phrases[k]; k++) {
        size_t from = 0, ml, p;
        int guard = 0;
        while (guard++ < 100 && from < best &&
               (p = find_phrase(v->lo, v->n, from, phrases[k], &ml)) != NPOS) {
            from = p + ml;
            if (!negated_in_clause(v, p, ml)) {
                if (p < best)
                    best = p;
                break;
            }
        }
    }
    return best;
}

/* ================================================================== */
/* normalization                                                       */
/* ================================================================== */

static size_t utf8_seq(const unsigned char *p, size_t left, unsigned *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    size_t len = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
                 : (p[0] & 0xF8) == 0xF0 ? 4 : 1;
    if (len == 1 || len > left) {
        *cp = 0xFFFD;
        return 1;
    }
    unsigned v = p[0] & (0x7F >> len);
    for (size_t k = 1; k < len; k++)
        v = (v << 6) | (p[k] & 0x3F);
    *cp = v;
    return len;
}

/* ASCII replacement for a code point, "" to drop it, NULL to keep it. */
static const char *fold_codepoint(unsigned cp)
{
    switch (cp) {
    case 0x00A0: case 0x2002: case 0x2003: case 0x2007: case 0x2009:
    case 0x200A: case 0x202F: case 0x205F: case 0x3000:
        return " ";
    case 0x00AD: case 0x200B: case 0x200C: case 0x200D: case 0xFEFF:
        return "";
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032:
        return "'";
    case 0x201C: case 0x201D: case 0x201E: case 0x2033:
        return "\"";
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
    case 0x2015: case 0x2212:
        return "-";
    default:
        return NULL;
    }
}

char *extract_normalize(const char *text, size_t len, size_t *outlen)
{
    if (!text)
        len = 0;
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t sl = utf8_seq((const unsigned char *)text + i, len - i, &cp);
        const char *rep = cp >= 0x80 ? fold_codepoint(cp) : NULL;
        if (rep) {
            size_t rl = strlen(rep);   /* never longer than the sequence */
            memcpy(out + j, rep, rl);
            j += rl;
        } else if (text[i] == '\0') {
            /* drop */
        } else if (text[i] == '\r') {
            if (!(i + 1 < len && text[i + 1] == '\n'))
                out[j++] = '\n';
        } else if (text[i] == ' ' && j > 0 && isdigit((unsigned char)out[j - 1]) &&
                   i + 2 < len && text[i + 1] == '(' &&
                   isalnum((unsigned char)text[i + 2]) &&
                   (i + 3 >= len || text[i + 3] == ')')) {
            /* "2705 (b)" -> "2705(b)": citations compare as one token */
        } else {
            memcpy(out + j, text + i, sl);
            j += sl;
        }
        i += sl;
    }
    out[j] = '\0';
    if (outlen)
        *outlen = j;
    return out;
}

/* ================================================================== */
/* request type                                                        */
/* ================================================================== */

typedef struct {
    const char *phrase;
    request_type_t type;
} type_cue_t;

/* Strong cues: a statute citation or the document's own name. */
static const type_cue_t strong_cues[] = {
    {"national security letter*", REQ_NATIONAL_SECURITY_LETTER},
    {"nsl", REQ_NATIONAL_SECURITY_LETTER},
    {"nsls", REQ_NATIONAL_SECURITY_LETTER},
    {"section 2709", REQ_NATIONAL_SECURITY_LETTER},
    {"\xc2\xa7 2709", REQ_NATIONAL_SECURITY_LETTER},
    {"\xc2\xa7""2709", REQ_NATIONAL_SECURITY_LETTER},
    {"u.s.c. 2709", REQ_NATIONAL_SECURITY_LETTER},
    {"usc 2709", REQ_NATIONAL_SECURITY_LETTER},
    {"2709(a)", REQ_NATIONAL_SECURITY_LETTER},
    {"2709(b)", REQ_NATIONAL_SECURITY_LETTER},
    {"2709(c)", REQ_NATIONAL_SECURITY_LETTER},
    {"1681u", REQ_NATIONAL_SECURITY_LETTER},
    {"1681v", REQ_NATIONAL_SECURITY_LETTER},
    {"3414(a)(5)", REQ_NATIONAL_SECURITY_LETTER},
    {"2703(f)", REQ_PRESERVATION_REQUEST},
    {"preservation request*", REQ_PRESERVATION_REQUEST},
    {"request for preservation", REQ_PRESERVATION_REQUEST},
    {"request to preserve", REQ_PRESERVATION_REQUEST},
    {"preservation letter", REQ_PRESERVATION_REQUEST},
    {"preservation of records", REQ_PRESERVATION_REQUEST},
    {"preservation of evidence", REQ_PRESERVATION_REQUEST},
    {"preservation demand", REQ_PRESERVATION_REQUEST},
    {"demande de pr\xc3\xa9""servation", REQ_PRESERVATION_REQUEST},
    {"pr\xc3\xa9""servation des donn\xc3\xa9""es", REQ_PRESERVATION_REQUEST},
    {"conservation des donn\xc3\xa9""es", REQ_PRESERVATION_REQUEST},
    {"solicitud de conservaci\xc3\xb3""n", REQ_PRESERVATION_REQUEST},
    {"conservaci\xc3\xb3""n de datos", REQ_PRESERVATION_REQUEST},
    {"preservaci\xc3\xb3""n de datos", REQ_PRESERVATION_REQUEST},
    {"datensicherung", REQ_PRESERVATION_REQUEST},
    {"sicherungsanordnung", REQ_PRESERVATION_REQUEST},
    {"quick freeze", REQ_PRESERVATION_REQUEST},
    {"2703(d)", REQ_COURT_ORDER},
    /* "18 U.S.C. 2703(c) and (d)": the (d) stands apart from its section */
    {"2703(c) and (d)", REQ_COURT_ORDER},
    {"2703(c) & (d)", REQ_COURT_ORDER},
    {"2703(b) and (d)", REQ_COURT_ORDER},
    {"2703(b), (c) and (d)", REQ_COURT_ORDER},
    {"2703(b), (c), and (d)", REQ_COURT_ORDER},
    {"2703(c)(1)(b)", REQ_COURT_ORDER},
    {"pen register", REQ_COURT_ORDER},
    {"trap and trace", REQ_COURT_ORDER},
    {"u.s.c. 3123", REQ_COURT_ORDER},
    {"\xc2\xa7 3123", REQ_COURT_ORDER},
    {"u.s.c. 2518", REQ_COURT_ORDER},
    {"\xc2\xa7 2518", REQ_COURT_ORDER},
    {"wiretap order", REQ_COURT_ORDER},
    {"production order", REQ_COURT_ORDER},
    {"d order", REQ_COURT_ORDER},
    {"search warrant*", REQ_SEARCH_WARRANT},
    {"search and seizure warrant*", REQ_SEARCH_WARRANT},
    {"warrant to search", REQ_SEARCH_WARRANT},
    {"2703(a)", REQ_SEARCH_WARRANT},
    {"2703(b)(1)(a)", REQ_SEARCH_WARRANT},
    {"2703(c)(1)(a)", REQ_SEARCH_WARRANT},
    {"rule 41", REQ_SEARCH_WARRANT},
    {"durchsuchungsbeschluss", REQ_SEARCH_WARRANT},
    {"subpoena*", REQ_SUBPOENA},
    {"subpena*", REQ_SUBPOENA},
    {"2703(c)(2)", REQ_SUBPOENA},
    {"u.s.c. 876", REQ_SUBPOENA},
    {"section 876", REQ_SUBPOENA},
    {"\xc2\xa7 876", REQ_SUBPOENA},
    {"civil investigative demand", REQ_SUBPOENA},
    {"administrative summons", REQ_SUBPOENA},
    {"summons", REQ_SUBPOENA},
};

/* Only decide when nothing strong was found. */
static const type_cue_t weak_cues[] = {
    {"warrant", REQ_SEARCH_WARRANT},
    {"court order", REQ_COURT_ORDER},
    {"2705(b)", REQ_COURT_ORDER},
    {"gag order", REQ_COURT_ORDER},
    {"preserve", REQ_PRESERVATION_REQUEST},
    {"pr\xc3\xa9""server", REQ_PRESERVATION_REQUEST},
    {"conservar", REQ_PRESERVATION_REQUEST},
    {"preservar", REQ_PRESERVATION_REQUEST},
};

static const char *const emergency_type_cues[] = {
    "2702(b)(8)", "2702(c)(4)", "emergency disclosure*", "emergency request*",
    "emergency data request*", "exigent request*", "exigent circumstances request*",
    "emergency situation disclosure*", NULL};

static const char *const mlat_cues[] = {
    "mutual legal assistance", "mlat", "mlats", "letter rogatory",
    "letters rogatory", "letter of request", "letters of request",
    "rechtshilfeersuchen", "rechtshilfe*", "commission rogatoire",
    "central authority", "request for assistance from", "u.s.c. 3512",
    "\xc2\xa7 3512", "entraide judiciaire", "entraide p\xc3\xa9""nale",
    "asistencia judicial", "auxilio judicial", "mutual assistance in criminal",
    "comisi\xc3\xb3""n rogatoria", NULL};

/* Process that is only announced ("pending the issuance of a court
 * order", "a subpoena will follow") is not the document at hand. The
 * announcing words sit close before or after the mention, in its
 * sentence. */
#define PROSPECT_WINDOW 60
#define PROSPECT_FAR_WINDOW 160

static bool prospective_mention(const char *t, size_t n, size_t p, size_t l)
{
    static const char *const before[] = {
        "pending", "forthcoming", "anticipate*", "in anticipation",
        "intend to", "intends to", "will seek", "plan to", "until we obtain",
        "prior to obtaining", "followed by", "will serve", NULL};
    static const char *const after[] = {
        "will follow", "will be served", "will be submitted", "will be sent",
        "will be issued", "is forthcoming", "to follow", "will be obtained",
        NULL};
    /* Announcements whose verb may stand further back in the sentence:
     * "A formal request will follow through the mutual legal assistance
     * process", "pending a request under the Treaty between Canada and the
     * United States on Mutual Legal Assistance". */
    static const char *const far_before[] = {
        "will follow", "to follow", "pending a", "pending an", "pending the",
        "pending receipt", "pending formal", "pending legal", "will be sent",
        "will be submitted", "will be transmitted", "will submit",
        "will be made", "in due course", "we will request", "we will seek",
        "will be requesting", "intend to submit", "will be forwarded",
        "dans l'attente", "en attendant", "a la espera", "pendiente de",
        "in afwachting", NULL};
    /* Process the writer says is absent: "We don't have a subpoena yet",
     * "without a warrant", "no court order has been issued". The denial
     * stands right before the mention (an article or adjective between). */
    static const char *const denied_before[] = {
        "don't have a", "do not have a", "don't have any", "do not have any",
        "don't yet have a", "do not yet have a", "don't have an",
        "do not have an", "have no", "has no", "there is no", "there's no",
        "haven't obtained a", "have not obtained a", "not yet obtained a",
        "haven't got a", "without a", "without an", "without any",
        "in lieu of a", "instead of a", "no need for a", NULL};
    static const char *const denied_after[] = {
        "has not been issued", "has not yet been", "have not been issued",
        "is not yet", "not yet issued", "has not been obtained", NULL};
    size_t s, e;
    sentence_bounds(t, n, p, &s, &e);
    /* A match may run past the end of the sentence it starts in (the
     * phrase search skips line breaks and punctuation): the windows after
     * it start at its end, so the sentence must reach that far. */
    if (e < p + l)
        e = p + l;
    {
        size_t ns = p - s > 24 ? p - 24 : s;
        size_t ne = e - (p + l) > 24 ? p + l + 24 : e;
        char *nb = lower_dup_range(t + ns, p - ns);
        char *na = lower_dup_range(t + p + l, ne - (p + l));
        bool denied = false;
        for (int k = 0; nb && !denied && denied_before[k]; k++) {
            size_t dl = strlen(denied_before[k]);
            const char *q = nb;
            /* the denial ends at most one word before the mention */
            while (!denied && (q = strstr(q, denied_before[k])) != NULL) {
                size_t end = (size_t)(q - nb) + dl, words = 0;
                for (size_t j = end; j < p - ns; j++)
                    if (nb[j] == ' ' && j + 1 < p - ns && nb[j + 1] != ' ')
                        words++;
                denied = (end == p - ns || nb[end] == ' ') && words <= 1;
                q++;
            }
        }
        /* "No court order has been issued": a bare "no" right before */
        size_t bl = p - ns;
        if (!denied && nb && bl >= 3 && strcmp(nb + bl - 3, "no ") == 0 &&
            (bl == 3 || !isalnum((unsigned char)nb[bl - 4])))
            denied = true;
        if (!denied && na)
            denied = contains_any(na, ne - (p + l), denied_after);
        free(nb);
        free(na);
        if (denied)
            return true;
    }
    size_t bs = p - s > PROSPECT_WINDOW ? p - PROSPECT_WINDOW : s;
    size_t fs = p - s > PROSPECT_FAR_WINDOW ? p - PROSPECT_FAR_WINDOW : s;
    size_t ae = p + l;
    size_t as_end = e - ae > PROSPECT_WINDOW ? ae + PROSPECT_WINDOW : e;
    char *lb = lower_dup_range(t + fs, p - fs);
    char *la = ae <= as_end ? lower_dup_range(t + ae, as_end - ae) : NULL;
    bool hit = (lb && contains_any(lb + (bs - fs), p - bs, before)) ||
               (lb && contains_any(lb, p - fs, far_before)) ||
               (la && contains_any(la, as_end - ae, after));
    free(lb);
    free(la);
    return hit;
}

/* First mention of phrase in t/lo that is about the document itself. */
static size_t find_current(const char *t, const char *lo, size_t n,
                           const char *phrase)
{
    size_t from = 0, ml, p;
    int guard = 0;
    while (guard++ < 50 && (p = find_phrase(lo, n, from, phrase, &ml)) != NPOS) {
        if (!prospective_mention(t, n, p, ml))
            return p;
        from = p + ml;
    }
    return NPOS;
}

/* The earliest cue of a table in the text: returns its type or
 * REQ_TYPE_COUNT. */
static request_type_t earliest_cue(const char *t, const char *lo, size_t n,
                                   const type_cue_t *cues, size_t count)
{
    size_t best = NPOS;
    request_type_t type = REQ_TYPE_COUNT;
    for (size_t k = 0; k < count; k++) {
        size_t p = find_current(t, lo, n, cues[k].phrase);
        if (p < best) {
            best = p;
            type = cues[k].type;
        }
    }
    return type;
}

static bool has_current(const char *t, const char *lo, size_t n,
                        const char *const *phrases)
{
    for (int k = 0; phrases[k]; k++)
        if (find_current(t, lo, n, phrases[k]) != NPOS)
            return true;
    return false;
}

request_type_t extract_type(const char *text, size_t len, const char *subject)
{
    view_t v;
    if (!view_init(&v, text, len))
        return REQ_UNKNOWN;
    char *subj = lower_dup(subject);
    size_t sn = subj ? strlen(subj) : 0;
    request_type_t t = REQ_TYPE_COUNT;

    /* An emergency claim or a foreign request decides the type whatever
     * other process the text mentions (an MLAT may describe a warrant). */
    if (find_affirmed(&v, emergency_type_cues) != NPOS ||
        (subj && contains_any(subj, sn, emergency_type_cues)))
        t = REQ_EMERGENCY_REQUEST;
    else if (has_current(v.t, v.lo, v.n, mlat_cues) ||
             (subj && contains_any(subj, sn, mlat_cues)))
        t = REQ_MLAT_REQUEST;
    /* Otherwise the document names itself first: the subject, then the
     * earliest citation or title in the text. */
    if (t == REQ_TYPE_COUNT && subj)
        t = earliest_cue(subj, subj, sn, strong_cues, COUNT(strong_cues));
    if (t == REQ_TYPE_COUNT)
        t = earliest_cue(v.t, v.lo, v.n, strong_cues, COUNT(strong_cues));
    if (t == REQ_TYPE_COUNT && subj)
        t = earliest_cue(subj, subj, sn, weak_cues, COUNT(weak_cues));
    if (t == REQ_TYPE_COUNT)
        t = earliest_cue(v.t, v.lo, v.n, weak_cues, COUNT(weak_cues));
    /* No process named, but a present danger to life claimed: a request
     * for voluntary disclosure in an emergency (\xc2\xa7 2702(b)(8)) in all
     * but name. */
    if (t == REQ_TYPE_COUNT && danger_claimed(&v) && asks_for_data(&v))
        t = REQ_EMERGENCY_REQUEST;
    free(subj);
    view_free(&v);
    return t == REQ_TYPE_COUNT ? REQ_UNKNOWN : t;
}

/* ================================================================== */
/* issuing agency and country                                          */
/* ================================================================== */

enum { AG_INVESTIGATIVE = 0, AG_PROSECUTOR = 1 };

typedef struct {
    const char *pattern;   /* lower case, or exact case when cs */
    bool cs;               /* acronyms: case-sensitive */
    const char *name;      /* the short name reported */
    const char *country;
    int kind;
} agency_t;

static const agency_t agencies[] = {
    {"federal bureau of investigation", false, "FBI", "US", AG_INVESTIGATIVE},
    {"FBI", true, "FBI", "US", AG_INVESTIGATIVE},
    {"drug enforcement administration", false, "DEA", "US", AG_INVESTIGATIVE},
    {"DEA", true, "DEA", "US", AG_INVESTIGATIVE},
    {"secret service", false, "USSS", "US", AG_INVESTIGATIVE},
    {"USSS", true, "USSS", "US", AG_INVESTIGATIVE},
    {"homeland security investigations", false, "HSI", "US", AG_INVESTIGATIVE},
    {"HSI", true, "HSI", "US", AG_INVESTIGATIVE},
    {"postal inspection service", false, "USPIS", "US", AG_INVESTIGATIVE},
    {"USPIS", true, "USPIS", "US", AG_INVESTIGATIVE},
    {"internal revenue service, criminal investigation", false, "IRS-CI", "US",
     AG_INVESTIGATIVE},
    {"internal revenue service - criminal investigation", false, "IRS-CI", "US",
     AG_INVESTIGATIVE},
    {"internal revenue service criminal investigation", false, "IRS-CI", "US",
     AG_INVESTIGATIVE},
    {"irs criminal investigation", false, "IRS-CI", "US", AG_INVESTIGATIVE},
    {"IRS-CI", true, "IRS-CI", "US", AG_INVESTIGATIVE},
    {"IRS CI", true, "IRS-CI", "US", AG_INVESTIGATIVE},
    {"bureau of alcohol, tobacco, firearms", false, "ATF", "US", AG_INVESTIGATIVE},
    {"ATF", true, "ATF", "US", AG_INVESTIGATIVE},
    {"marshals service", false, "USMS", "US", AG_INVESTIGATIVE},
    {"USMS", true, "USMS", "US", AG_INVESTIGATIVE},
    {"naval criminal investigative service", false, "NCIS", "US", AG_INVESTIGATIVE},
    {"NCIS", true, "NCIS", "US", AG_INVESTIGATIVE},
    {"defense criminal investigative service", false, "DCIS", "US",
     AG_INVESTIGATIVE},
    {"air force office of special investigations", false, "AFOSI", "US",
     AG_INVESTIGATIVE},
    {"office of inspector general", false, "Office of Inspector General", "US",
     AG_INVESTIGATIVE},
    {"office of the inspector general", false, "Office of the Inspector General",
     "US", AG_INVESTIGATIVE},
    {"customs and border protection", false, "CBP", "US", AG_INVESTIGATIVE},
    {"immigration and customs enforcement", false, "ICE", "US", AG_INVESTIGATIVE},
    {"national crime agency", false, "NCA", "GB", AG_INVESTIGATIVE},
    {"NCA", true, "NCA", "GB", AG_INVESTIGATIVE},
    {"metropolitan police service", false, "Metropolitan Police Service", "GB",
     AG_INVESTIGATIVE},
    {"police scotland", false, "Police Scotland", "GB", AG_INVESTIGATIVE},
    {"police service of northern ireland", false, "PSNI", "GB", AG_INVESTIGATIVE},
    {"PSNI", true, "PSNI", "GB", AG_INVESTIGATIVE},
    {"bundeskriminalamt", false, "BKA", "DE", AG_INVESTIGATIVE},
    {"BKA", true, "BKA", "DE", AG_INVESTIGATIVE},
    {"landeskriminalamt", false, "LKA", "DE", AG_INVESTIGATIVE},
    {"garda s\xc3\xad""och\xc3\xa1na", false, "Garda S\xc3\xad""och\xc3\xa1na",
     "IE", AG_INVESTIGATIVE},
    {"garda siochana", false, "Garda S\xc3\xad""och\xc3\xa1na", "IE",
     AG_INVESTIGATIVE},
    {"royal canadian mounted police", false, "RCMP", "CA", AG_INVESTIGATIVE},
    {"RCMP", true, "RCMP", "CA", AG_INVESTIGATIVE},
    {"australian federal police", false, "AFP", "AU", AG_INVESTIGATIVE},
    {"gendarmerie nationale", false, "Gendarmerie nationale", "FR",
     AG_INVESTIGATIVE},
    {"police nationale", false, "Police nationale", "FR", AG_INVESTIGATIVE},
    {"guardia civil", false, "Guardia Civil", "ES", AG_INVESTIGATIVE},
    {"polizia di stato", false, "Polizia di Stato", "IT", AG_INVESTIGATIVE},
    {"politie", false, "Politie", "NL", AG_INVESTIGATIVE},
    {"dutch national police", false, "Politie", "NL", AG_INVESTIGATIVE},
    {"bundespolizei", false, "Bundespolizei", "DE", AG_INVESTIGATIVE},
    {"fedpol", false, "fedpol", "CH", AG_INVESTIGATIVE},
    {"federal office of police", false, "fedpol", "CH", AG_INVESTIGATIVE},
    {"police f\xc3\xa9""d\xc3\xa9""rale", false, "Police f\xc3\xa9""d\xc3\xa9""rale",
     "BE", AG_INVESTIGATIVE},
    {"belgian federal police", false, "Belgian Federal Police", "BE",
     AG_INVESTIGATIVE},
    {"carabinieri", false, "Carabinieri", "IT", AG_INVESTIGATIVE},
    {"guardia di finanza", false, "Guardia di Finanza", "IT", AG_INVESTIGATIVE},
    {"polic\xc3\xad""a nacional", false, "Polic\xc3\xad""a Nacional", "ES",
     AG_INVESTIGATIVE},
    {"pol\xc3\xad""cia judici\xc3\xa1""ria", false,
     "Pol\xc3\xad""cia Judici\xc3\xa1""ria", "PT", AG_INVESTIGATIVE},
    {"pol\xc3\xad""cia federal", false, "Pol\xc3\xad""cia Federal", "BR",
     AG_INVESTIGATIVE},
    {"swedish police authority", false, "Swedish Police Authority", "SE",
     AG_INVESTIGATIVE},
    {"polisen", false, "Polisen", "SE", AG_INVESTIGATIVE},
    {"politiet", false, "Politiet", "NO", AG_INVESTIGATIVE},
    {"national bureau of investigation", false, "NBI", "FI", AG_INVESTIGATIVE},
    {"policja", false, "Policja", "PL", AG_INVESTIGATIVE},
    {"hellenic police", false, "Hellenic Police", "GR", AG_INVESTIGATIVE},
    {"new zealand police", false, "New Zealand Police", "NZ", AG_INVESTIGATIVE},
    {"national police agency", false, "National Police Agency", "JP",
     AG_INVESTIGATIVE},
    {"korean national police agency", false, "KNPA", "KR", AG_INVESTIGATIVE},
    {"ontario provincial police", false, "OPP", "CA", AG_INVESTIGATIVE},
    {"s\xc3\xbbret\xc3\xa9 du qu\xc3\xa9""bec", false,
     "S\xc3\xbbret\xc3\xa9 du Qu\xc3\xa9""bec", "CA", AG_INVESTIGATIVE},
    {"israel police", false, "Israel Police", "IL", AG_INVESTIGATIVE},
    {"national investigation agency", false, "NIA", "IN", AG_INVESTIGATIVE},
    {"central bureau of investigation", false, "CBI", "IN", AG_INVESTIGATIVE},
    /* Prosecutors: the agency only when no investigating agency is named. */
    {"united states attorney's office", false, "U.S. Attorney's Office", "US",
     AG_PROSECUTOR},
    {"u.s. attorney's office", false, "U.S. Attorney's Office", "US",
     AG_PROSECUTOR},
    {"USAO", true, "USAO", "US", AG_PROSECUTOR},
    {"staatsanwaltschaft", false, "Staatsanwaltschaft", "DE", AG_PROSECUTOR},
    {"crown prosecution service", false, "CPS", "GB", AG_PROSECUTOR},
};

/* Mail domains of agencies: decides between several named agencies. */
static const struct {
    const char *domain;
    const char *name;
    const char *country;
} agency_domains[] = {
    {"fbi.gov", "FBI", "US"},          {"dea.gov", "DEA", "US"},
    {"dea.usdoj.gov", "DEA", "US"},    {"usss.dhs.gov", "USSS", "US"},
    {"secretservice.gov", "USSS", "US"}, {"ice.dhs.gov", "HSI", "US"},
    {"hsi.dhs.gov", "HSI", "US"},      {"uspis.gov", "USPIS", "US"},
    {"ci.irs.gov", "IRS-CI", "US"},    {"atf.gov", "ATF", "US"},
    {"usms.doj.gov", "USMS", "US"},    {"ncis.navy.mil", "NCIS", "US"},
    {"nca.gov.uk", "NCA", "GB"},       {"nca.x.gsi.gov.uk", "NCA", "GB"},
    {"bka.bund.de", "BKA", "DE"},      {"bka.de", "BKA", "DE"},
    {"garda.ie", "Garda S\xc3\xad""och\xc3\xa1na", "IE"},
    {"rcmp-grc.gc.ca", "RCMP", "CA"},  {"afp.gov.au", "AFP", "AU"},
    {"met.police.uk", "Metropolitan Police Service", "GB"},
};

/* "<Name> Police Department" and friends: local agencies named as
 * written. */
static const struct {
    const char *suffix;
    int kind;
    const char *country;   /* "" when the form says nothing */
    bool abbreviation;     /* counts only in capitals ("Riverbend PD") */
} local_suffixes[] = {
    {"police department", AG_INVESTIGATIVE, "US", false},
    {"police dept", AG_INVESTIGATIVE, "US", false},
    {"sheriff's office", AG_INVESTIGATIVE, "US", false},
    /* "Riverbend PD" (capitals only; a spelled-out name wins) */
    {"pd", AG_INVESTIGATIVE, "US", true},
    {"p.d.", AG_INVESTIGATIVE, "US", true},
    {"sheriffs office", AG_INVESTIGATIVE, "US", false},
    {"sheriff's department", AG_INVESTIGATIVE, "US", false},
    {"sheriff's dept", AG_INVESTIGATIVE, "US", false},
    {"state police", AG_INVESTIGATIVE, "US", false},
    {"highway patrol", AG_INVESTIGATIVE, "US", false},
    {"state patrol", AG_INVESTIGATIVE, "US", false},
    {"department of public safety", AG_INVESTIGATIVE, "US", false},
    {"bureau of investigation", AG_INVESTIGATIVE, "US", false},
    /* state investigative agencies: "Florida Department of Law
     * Enforcement", "Iowa Division of Criminal Investigation", "Minnesota
     * Bureau of Criminal Apprehension", "Ohio Bureau of Criminal
     * Investigation" */
    {"department of law enforcement", AG_INVESTIGATIVE, "US", false},
    {"division of criminal investigation", AG_INVESTIGATIVE, "US", false},
    {"bureau of criminal apprehension", AG_INVESTIGATIVE, "US", false},
    {"bureau of criminal investigation", AG_INVESTIGATIVE, "US", false},
    {"police services", AG_INVESTIGATIVE, "", false},
    {"constable's office", AG_INVESTIGATIVE, "US", false},
    {"marshal's office", AG_INVESTIGATIVE, "US", false},
    {"police service", AG_INVESTIGATIVE, "", false},
    {"police force", AG_INVESTIGATIVE, "", false},
    {"constabulary", AG_INVESTIGATIVE, "", false},
    {"district attorney's office", AG_PROSECUTOR, "US", false},
    {"county attorney's office", AG_PROSECUTOR, "US", false},
    {"state attorney's office", AG_PROSECUTOR, "US", false},
    {"prosecutor's office", AG_PROSECUTOR, "", false},
    {"office of the attorney general", AG_PROSECUTOR, "US", false},
    {"attorney general's office", AG_PROSECUTOR, "US", false},
    /* "Greater Manchester Police", "Thames Valley Police": only where the
     * name ends there (not "... Police Department", handled above). */
    {"police", AG_INVESTIGATIVE, "", false},
};

typedef struct {
    char *name;
    char country[3];
    int kind;
    size_t pos;
} agency_hit_t;

#define MAX_AGENCY_HITS 64

typedef struct {
    agency_hit_t hit[MAX_AGENCY_HITS];
    size_t count;
} agency_hits_t;

static void hits_free(agency_hits_t *h)
{
    for (size_t i = 0; i < h->count; i++)
        free(h->hit[i].name);
    h->count = 0;
}

/* Records a candidate; the same name keeps its earliest position. */
static void hits_add(agency_hits_t *h, const char *name, size_t nlen,
                     const char *country, int kind, size_t pos)
{
    for (size_t i = 0; i < h->count; i++)
        if (strlen(h->hit[i].name) == nlen &&
            strncasecmp(h->hit[i].name, name, nlen) == 0) {
            if (pos < h->hit[i].pos)
                h->hit[i].pos = pos;
            return;
        }
    if (h->count >= MAX_AGENCY_HITS)
        return;
    char *d = dup_range(name, nlen);
    if (!d)
        return;
    agency_hit_t *a = &h->hit[h->count++];
    a->name = d;
    snprintf(a->country, sizeof a->country, "%s", country ? country : "");
    a->kind = kind;
    a->pos = pos;
}

/* "Austin Police Department (APD)": the short name the letter itself
 * gives, as for "Homeland Security Investigations (HSI)". */
static size_t acronym_after(const char *t, size_t n, size_t e, size_t *len)
{
    size_t i = e;
    while (i < n && t[i] == ' ')
        i++;
    *len = 0;
    if (i >= n || t[i] != '(')
        return 0;
    size_t a = i + 1, b = a;
    while (b < n && b - a < 10 && (isupper((unsigned char)t[b]) || t[b] == '-'))
        b++;
    if (b < n && t[b] == ')' && b - a >= 2) {
        *len = b - a;
        return a;
    }
    return 0;
}

static void find_dictionary_agencies(const view_t *v, agency_hits_t *h)
{
    for (size_t k = 0; k < COUNT(agencies); k++) {
        const agency_t *a = &agencies[k];
        size_t ml;
        size_t p = find_phrase(a->cs ? v->t : v->lo, v->n, 0, a->pattern, &ml);
        if (p == NPOS)
            continue;
        /* A long name the letter abbreviates itself ("Metropolitan Police
         * Service (MPS)") is reported by that abbreviation. */
        size_t al = 0;
        size_t as = a->cs ? 0 : acronym_after(v->t, v->n, p + ml, &al);
        if (al && strlen(a->name) > al + 4)
            hits_add(h, v->t + as, al, a->country, a->kind, p);
        else
            hits_add(h, a->name, strlen(a->name), a->country, a->kind, p);
    }
}

static bool name_stopword(const char *w, size_t n)
{
    static const char *const stop[] = {
        "The", "A", "An", "And", "Of", "For", "To", "From", "By", "With",
        "At", "In", "On", "Det", "Det.", "Detective", "Officer", "Ofc.",
        "Sgt.", "Sergeant", "Deputy", "Lt.", "Capt.", "Chief", "Agent",
        "Dear", "Re", "RE", "Via", "Attn", "Attention", "Contact", "Your",
        "Our", "This", "Federal", "FEDERAL", "THE", "OF", "Special", "Please",
        "Requesting", NULL};
    for (int k = 0; stop[k]; k++)
        if (strlen(stop[k]) == n && strncmp(w, stop[k], n) == 0)
            return true;
    return false;
}

/* Start of the capitalized words naming a local agency that ends at
 * suffix_pos (same line, at most five words). Returns suffix_pos when
 * there is no name. */
static size_t local_name_start(const char *t, size_t suffix_pos)
{
    size_t start = suffix_pos, i = suffix_pos;
    for (int words = 0; words < 5; words++) {
        if (i == 0 || t[i - 1] != ' ')
            break;
        size_t we = i - 1, wb = we;
        while (wb > 0 && t[wb - 1] != ' ' && t[wb - 1] != '\n' &&
               t[wb - 1] != '\t')
            wb--;
        size_t wl = we - wb;
        if (wl == 0 || !isupper((unsigned char)t[wb]) ||
            name_stopword(t + wb, wl))
            break;
        char last = t[we - 1];
        if (!isalnum((unsigned char)last) && last != '.' && last != '\'')
            break;
        if (last == '.' && wl > 3)
            break;   /* "Brandt." ends a sentence; "St." is a name */
        start = wb;
        i = wb;
    }
    return start;
}

static bool all_caps(const char *s, size_t n)
{
    bool letter = false;
    for (size_t i = 0; i < n; i++) {
        if (islower((unsigned char)s[i]))
            return false;
        letter |= isupper((unsigned char)s[i]) != 0;
    }
    return letter;
}

/* "PINE HOLLOW COUNTY SHERIFF'S OFFICE" -> "Pine Hollow County Sheriff's
 * Office" for letterheads in capitals. */
static void title_case(char *s)
{
    /* words kept small inside a name: "Bureau of Criminal Apprehension",
     * "Department of Public Safety" */
    static const char *const small[] = {"of", "the", "and", "for", "in",
                                        "de", "du", "la", NULL};
    bool start = true, first = true;
    for (char *p = s; *p; p++) {
        if (isalpha((unsigned char)*p)) {
            bool keep_small = false;
            if (start && !first) {
                size_t wl = 0;
                while (isalpha((unsigned char)p[wl]))
                    wl++;
                for (int k = 0; small[k] && !keep_small; k++)
                    keep_small = strlen(small[k]) == wl &&
                                 strncasecmp(p, small[k], wl) == 0;
            }
            *p = (char)(start && !keep_small ? toupper((unsigned char)*p)
                                             : tolower((unsigned char)*p));
            start = false;
            first = false;
        } else {
            start = *p == ' ' || *p == '-' || *p == '\t';
        }
    }
}

static void find_local_agencies(const view_t *v, agency_hits_t *h)
{
    for (size_t k = 0; k < COUNT(local_suffixes); k++) {
        size_t from = 0, ml;
        int guard = 0;
        size_t p;
        while (guard++ < 200 &&
               (p = find_phrase(v->lo, v->n, from, local_suffixes[k].suffix,
                                &ml)) != NPOS) {
            from = p + ml;
            if (memchr(v->t + p, '\n', ml))
                continue;   /* "Police\nForce Intelligence Bureau": two lines */
            size_t s = local_name_start(v->t, p);
            if (s == p)
                continue;
            size_t e = p + ml;
            if (local_suffixes[k].abbreviation) {
                if (!isupper((unsigned char)v->t[p]) ||
                    !isupper((unsigned char)v->t[p + ml - 1 - (v->t[p + ml - 1] == '.')]))
                    continue;
                /* "Pinecrest PD" beside "Pinecrest Police Department" */
                bool spelled = false;
                for (size_t i = 0; i < h->count && !spelled; i++)
                    spelled = strncasecmp(h->hit[i].name, v->t + s, p - s) == 0 &&
                              strncasecmp(h->hit[i].name + (p - s), "police", 6) == 0;
                if (spelled)
                    continue;
            }
            if (strcmp(local_suffixes[k].suffix, "police") == 0) {
                size_t nx = skip_spaces(v->t, v->n, e);
                if (nx < v->n && isupper((unsigned char)v->t[nx]))
                    continue;   /* "Police Department", "Police Scotland" */
            }
            /* Part of a dictionary agency's name ("Dutch National Police",
             * "Australian Federal Police"): that entry speaks for it. */
            bool inside = false;
            for (size_t i = 0; i < h->count && !inside; i++)
                inside = h->hit[i].pos >= s && h->hit[i].pos < e;
            if (inside)
                continue;
            if (e < v->n && v->t[e] == '.' && strstr(local_suffixes[k].suffix, "dept"))
                e++;
            size_t al = 0;
            size_t as = acronym_after(v->t, v->n, e, &al);
            char *name = al ? dup_range(v->t + as, al) : dup_range(v->t + s, e - s);
            if (!name)
                continue;
            if (!al && all_caps(name, e - s))
                title_case(name);
            /* A mixed-case spelling found later replaces the capitals. */
            bool replaced = false;
            for (size_t i = 0; i < h->count; i++)
                if (strcasecmp(h->hit[i].name, name) == 0) {
                    if (!al && !all_caps(v->t + s, e - s))
                        memcpy(h->hit[i].name, v->t + s, e - s);
                    replaced = true;
                }
            if (!replaced)
                hits_add(h, name, strlen(name), local_suffixes[k].country,
                         local_suffixes[k].kind, s);
            free(name);
        }
    }
}

static const char *sender_agency(const char *sender, const char **country)
{
    const char *at = sender ? strrchr(sender, '@') : NULL;
    if (!at)
        return NULL;
    for (size_t k = 0; k < COUNT(agency_domains); k++)
        if (domain_within(at + 1, agency_domains[k].domain)) {
            if (country)
                *country = agency_domains[k].country;
            return agency_domains[k].name;
        }
    return NULL;
}

/* A "Requesting agency:" style field: the candidate named on that line. */
static const agency_hit_t *labelled_agency(const view_t *v,
                                           const agency_hits_t *h)
{
    static const char *const labels[] = {
        "requesting agency", "agency name", "requesting department",
        "law enforcement agency", "investigating agency", "agency:", NULL};
    size_t ml, from = 0, p;
    int which, guard = 0;
    cursor_t cur;
    cursor_init(&cur, labels);
    while (guard++ < 50 &&
           (p = cursor_next(&cur, v->lo, v->n, from, &ml, &which)) != NPOS) {
        from = p + ml;
        size_t le = line_end(v->t, v->n, p);
        /* the agency the label names first, not one mentioned after it
         * ("Riverside Police Department (in coordination with the FBI)") */
        const agency_hit_t *first = NULL;
        for (size_t i = 0; i < h->count; i++)
            if (h->hit[i].pos >= p && h->hit[i].pos < le &&
                (!first || h->hit[i].pos < first->pos))
                first = &h->hit[i];
        if (first)
            return first;
    }
    return NULL;
}

static const agency_hit_t *choose_agency(const view_t *v, const agency_hits_t *h,
                                         const char *sender)
{
    const agency_hit_t *best = labelled_agency(v, h);
    if (best)
        return best;
    const char *by_domain = sender_agency(sender, NULL);
    for (int kind = AG_INVESTIGATIVE; kind <= AG_PROSECUTOR; kind++) {
        for (size_t i = 0; i < h->count; i++)
            if (h->hit[i].kind == kind && by_domain &&
                strcmp(h->hit[i].name, by_domain) == 0)
                return &h->hit[i];
        for (size_t i = 0; i < h->count; i++)
            if (h->hit[i].kind == kind && (!best || h->hit[i].pos < best->pos))
                best = &h->hit[i];
        if (best)
            return best;
    }
    return NULL;
}

/* A component named together with its parent department is the more
 * specific requester (HSI is part of ICE). */
static void drop_parent_agencies(agency_hits_t *h)
{
    static const struct {
        const char *parent, *child;
    } rel[] = {{"ICE", "HSI"}};
    for (size_t r = 0; r < COUNT(rel); r++) {
        bool child = false;
        for (size_t i = 0; i < h->count; i++)
            child |= strcmp(h->hit[i].name, rel[r].child) == 0;
        for (size_t i = 0; child && i < h->count; i++)
            if (strcmp(h->hit[i].name, rel[r].parent) == 0) {
                free(h->hit[i].name);
                h->hit[i] = h->hit[--h->count];
                break;
            }
    }
}

static char *agency_in(const char *text, size_t len, const char *sender,
                       char country[3])
{
    view_t v;
    if (!view_init(&v, text, len))
        return NULL;
    agency_hits_t h = {.count = 0};
    find_dictionary_agencies(&v, &h);
    find_local_agencies(&v, &h);
    drop_parent_agencies(&h);
    const agency_hit_t *a = choose_agency(&v, &h, sender);
    char *name = NULL;
    if (a) {
        name = strdup(a->name);
        snprintf(country, 3, "%s", a->country);
    }
    hits_free(&h);
    view_free(&v);
    return name;
}

/* Country names as they appear around "Central Authority" and
 * "executed in". */
static const struct {
    const char *name;
    const char *code;
} countries[] = {
    {"the united states", "US"}, {"united states", "US"}, {"u.s.", "US"},
    {"usa", "US"}, {"vereinigten staaten", "US"}, {"ireland", "IE"},
    {"irish", "IE"}, {"the united kingdom", "GB"}, {"united kingdom", "GB"},
    {"uk", "GB"}, {"germany", "DE"}, {"german", "DE"}, {"canada", "CA"},
    {"canadian", "CA"}, {"france", "FR"}, {"french", "FR"},
    {"the netherlands", "NL"}, {"netherlands", "NL"}, {"dutch", "NL"},
    {"australia", "AU"}, {"australian", "AU"}, {"spain", "ES"},
    {"spanish", "ES"}, {"italy", "IT"}, {"italian", "IT"},
    {"portugal", "PT"}, {"brazil", "BR"}, {"belgium", "BE"},
    {"switzerland", "CH"}, {"swiss", "CH"}, {"austria", "AT"},
    {"poland", "PL"}, {"sweden", "SE"}, {"norway", "NO"}, {"denmark", "DK"},
    {"finland", "FI"}, {"japan", "JP"}, {"korea", "KR"},
    {"the republic of korea", "KR"}, {"india", "IN"}, {"mexico", "MX"},
    {"colombia", "CO"}, {"new zealand", "NZ"}, {"israel", "IL"},
    {"greece", "GR"}, {"the czech republic", "CZ"}, {"czech republic", "CZ"},
    {"romania", "RO"}, {"estonia", "EE"}, {"singapore", "SG"},
    {"deutschland", "DE"}, {"frankreich", "FR"},
};

static const char *country_at(const char *lo, size_t n, size_t i, size_t *len)
{
    for (size_t k = 0; k < COUNT(countries); k++) {
        size_t l = strlen(countries[k].name);
        if (i + l <= n && strncmp(lo + i, countries[k].name, l) == 0 &&
            (i + l == n || !isalpha((unsigned char)lo[i + l]))) {
            if (len)
                *len = l;
            return countries[k].code;
        }
    }
    return NULL;
}

/* "Request for Mutual Legal Assistance - Ireland (Garda Siochana) -":
 * the Central Authority's subjects name the requesting agency in
 * parentheses after its country. */
static char *subject_paren_agency(const char *subject, char country[3])
{
    char *lo = lower_dup(subject);
    if (!lo)
        return NULL;
    size_t n = strlen(lo);
    char *name = NULL;
    for (size_t i = 0; i < n && !name; i++) {
        if (i > 0 && isalpha((unsigned char)lo[i - 1]))
            continue;
        size_t cl;
        const char *cc = country_at(lo, n, i, &cl);
        if (!cc)
            continue;
        size_t j = skip_spaces(lo, n, i + cl);
        const char *close = j < n && lo[j] == '(' ? strchr(subject + j, ')') : NULL;
        if (close && close - (subject + j) > 2 && close - (subject + j) < 60) {
            name = dup_range(subject + j + 1, (size_t)(close - subject) - j - 1);
            snprintf(country, 3, "%s", cc);
        }
    }
    free(lo);
    return name;
}

/* Is name one of the investigating (not prosecuting) agencies? Unknown
 * names (local forces) count as investigating. */
static bool agency_investigative(const char *name)
{
    for (size_t k = 0; k < COUNT(agencies); k++)
        if (strcmp(agencies[k].name, name) == 0)
            return agencies[k].kind == AG_INVESTIGATIVE;
    size_t n = strlen(name);
    for (size_t k = 0; k < COUNT(local_suffixes); k++) {
        size_t l = strlen(local_suffixes[k].suffix);
        if (n >= l && strcasecmp(name + n - l, local_suffixes[k].suffix) == 0)
            return local_suffixes[k].kind == AG_INVESTIGATIVE;
    }
    return true;
}

char *extract_agency(const char *text, size_t len, const char *subject,
                     const char *sender, char country[3])
{
    country[0] = '\0';
    char *name = agency_in(text, len, sender, country);
    if (!name && subject)
        name = agency_in(subject, strlen(subject), sender, country);
    if (!name && subject)
        name = subject_paren_agency(subject, country);
    if (name && sender_agency(sender, NULL) && !agency_investigative(name)) {
        /* Only a prosecutor is named ("USAO No. ..."), but the letter comes
         * from a known investigating agency: that agency applied. */
        free(name);
        name = NULL;
    }
    if (!name) {
        /* The letter names no agency, but it comes from a known one. */
        const char *cc = NULL;
        const char *by_domain = sender_agency(sender, &cc);
        if (by_domain) {
            name = strdup(by_domain);
            snprintf(country, 3, "%s", cc ? cc : "");
        }
    }
    return name;
}

/* The country immediately before position p ("UK Central Authority"). */
static const char *country_before(const char *lo, size_t p)
{
    for (size_t back = 2; back <= 24 && back <= p; back++) {
        size_t i = p - back;
        if (i > 0 && isalpha((unsigned char)lo[i - 1]))
            continue;
        size_t l;
        const char *c = country_at(lo, p, i, &l);
        if (c && skip_ws(lo, p, i + l) == p)
            return c;
    }
    return NULL;
}

/* For an MLAT: the requested state, i.e. the one whose central authority
 * or Department of Justice executes the request. */
static const char *mlat_country(const view_t *v, const char *requesting)
{
    static const char *const us_executes[] = {
        "office of international affairs", "u.s. department of justice",
        "united states department of justice", "us department of justice",
        NULL};
    /* Where the request is to be executed says it best; a central
     * authority can be either state's ("transmitted from the Central
     * Authority of Spain"), so it counts only when nothing says where. */
    static const char *const execute_cues[] = {
        "executed in ", "execute it in ", "execution in ",
        "executed by the authorities of ", "vollzogen in ", NULL};
    static const char *const authority_cues[] = {
        "central authority of ", "central authority for ",
        "zentrale beh\xc3\xb6rde der ", NULL};
    const char *const *passes[] = { execute_cues, authority_cues };
    size_t from, ml, p;
    int which, guard;
    for (size_t k = 0; k < 2; k++) {
        cursor_t cur;
        cursor_init(&cur, passes[k]);
        from = 0;
        guard = 0;
        while (guard++ < 100 &&
               (p = cursor_next(&cur, v->lo, v->n, from, &ml, &which)) != NPOS) {
            from = p + ml;
            size_t i = skip_ws(v->lo, v->n, p + ml);
            const char *c = country_at(v->lo, v->n, i, NULL);
            if (c && (!requesting || strcmp(c, requesting) != 0))
                return c;
        }
    }
    from = 0;
    guard = 0;
    while (guard++ < 100 &&
           (p = find_phrase(v->lo, v->n, from, "central authority", &ml)) != NPOS) {
        from = p + ml;
        const char *c = country_before(v->lo, p);
        if (c && (!requesting || strcmp(c, requesting) != 0))
            return c;
    }
    if (contains_any(v->lo, v->n, us_executes) && (!requesting || strcmp(requesting, "US")))
        return "US";
    /* The provider is a US company: US process executes foreign requests
     * unless the text says otherwise. */
    return "US";
}

/* The country of a sender's mail domain: national TLDs, and the US for
 * .gov / .mil / .us. Generic TLDs say nothing. */
static const char *sender_country(const char *sender)
{
    static const struct {
        const char *suffix, *code;
    } tlds[] = {
        {"gov", "US"}, {"mil", "US"}, {"us", "US"}, {"uk", "GB"}, {"ie", "IE"},
        {"de", "DE"}, {"ca", "CA"}, {"au", "AU"}, {"nz", "NZ"}, {"fr", "FR"},
        {"nl", "NL"}, {"be", "BE"}, {"ch", "CH"}, {"at", "AT"}, {"es", "ES"},
        {"it", "IT"}, {"pt", "PT"}, {"br", "BR"}, {"se", "SE"}, {"no", "NO"},
        {"dk", "DK"}, {"fi", "FI"}, {"pl", "PL"}, {"jp", "JP"}, {"kr", "KR"},
        {"in", "IN"}, {"mx", "MX"}, {"il", "IL"}, {"gr", "GR"}, {"sg", "SG"},
    };
    const char *at = sender ? strrchr(sender, '@') : NULL;
    const char *dot = at ? strrchr(at, '.') : NULL;
    if (!dot)
        return NULL;
    for (size_t k = 0; k < COUNT(tlds); k++)
        if (strcasecmp(dot + 1, tlds[k].suffix) == 0)
            return tlds[k].code;
    return NULL;
}

char *extract_country(const char *text, size_t len, request_type_t type,
                      const char *agency_country, const char *sender)
{
    view_t v;
    if (!view_init(&v, text, len))
        return NULL;
    const char *cc = NULL;
    const char *ac = agency_country && *agency_country ? agency_country : NULL;
    static const char *const us_cues[] = {
        "u.s.c.", "usc", "united states district court", "u.s. district court",
        "united states code", "grand jury", NULL};
    if (type == REQ_MLAT_REQUEST)
        cc = mlat_country(&v, ac);
    else if (ac)
        cc = ac;
    else if ((cc = sender_country(sender)) && strcmp(cc, "US") != 0)
        ;   /* a UK force citing 18 U.S.C. 2702 is still a UK request */
    else if (contains_any(v.lo, v.n, us_cues))
        cc = "US";
    else
        cc = sender_country(sender);
    view_free(&v);
    return cc ? strdup(cc) : NULL;
}

/* The country named right after position i, past "the", "government
 * of", "authorities of", "republic of" and punctuation ("Requesting
 * State: Ireland", "on behalf of the authorities of the Netherlands",
 * "Mutual Legal Assistance - Germany"). */
static const char *country_after(const char *lo, size_t n, size_t i)
{
    static const char *const fillers[] = {
        "the ", "competent ", "judicial ", "government of ",
        "authorities of ", "authorities in ", "republic of ",
        "federal republic of ", "kingdom of ", "state of ", "is ", NULL};
    for (int guard = 0; guard < 8; guard++) {
        while (i < n && (isspace((unsigned char)lo[i]) || lo[i] == ':' ||
                         lo[i] == '-' || lo[i] == '(' || lo[i] == ','))
            i++;
        bool skipped = false;
        for (int k = 0; fillers[k] && !skipped; k++) {
            size_t l = strlen(fillers[k]);
            if (i + l <= n && strncmp(lo + i, fillers[k], l) == 0) {
                i += l;
                skipped = true;
            }
        }
        if (!skipped)
            break;
    }
    return i < n ? country_at(lo, n, i, NULL) : NULL;
}

/* The first country a cue names that is not the requested state. */
static const char *cued_foreign_country(const char *lo, size_t n,
                                        const char *issuing)
{
    static const char *const cues[] = {
        "requesting state", "requesting country", "requesting party",
        "requesting authority", "requesting authorities", "ersuchender staat",
        "central authority of", "central authority for",
        "ersuchende staat", "on behalf of", "at the request of",
        "request from", "request of", "assistance from", "assistance -",
        "letter of request from", "the competent authorities of",
        "the authorities of", "the government of", NULL};
    size_t from = 0, ml, p;
    int which, guard = 0;
    cursor_t cur;
    cursor_init(&cur, cues);
    while (guard++ < 100 &&
           (p = cursor_next(&cur, lo, n, from, &ml, &which)) != NPOS) {
        from = p + ml;
        const char *c = country_after(lo, n, p + ml);
        if (c && (!issuing || strcmp(c, issuing) != 0))
            return c;
    }
    return NULL;
}

/* "the Irish authorities", "German police": a nationality right before a
 * word for the authorities that asked. */
static const char *adjective_foreign_country(const char *lo, size_t n,
                                             const char *issuing)
{
    static const char *const nouns[] = {
        "central authority", "authorities", "authority", "police",
        "prosecutor", "prosecutors",
        "investigation", "investigators", "court", "judge", NULL};
    size_t from = 0, ml, p;
    int which, guard = 0;
    cursor_t cur;
    cursor_init(&cur, nouns);
    while (guard++ < 200 &&
           (p = cursor_next(&cur, lo, n, from, &ml, &which)) != NPOS) {
        from = p + ml;
        const char *c = country_before(lo, p);
        if (c && (!issuing || strcmp(c, issuing) != 0))
            return c;
    }
    return NULL;
}

char *extract_requesting_country(const char *text, size_t len,
                                 const char *subject, request_type_t type,
                                 const char *issuing_country,
                                 const char *agency_country,
                                 const char *sender)
{
    const char *issuing = issuing_country && *issuing_country
                              ? issuing_country : NULL;
    if (type != REQ_MLAT_REQUEST)
        return issuing ? strdup(issuing) : NULL;
    /* A treaty request: the foreign state, never the requested one. */
    const char *ac = agency_country && *agency_country ? agency_country
                                                       : NULL;
    if (ac && (!issuing || strcmp(ac, issuing) != 0))
        return strdup(ac);
    const char *cc = NULL;
    char *slo = subject ? lower_dup(subject) : NULL;
    if (slo)
        cc = cued_foreign_country(slo, strlen(slo), issuing);
    view_t v;
    bool have_view = !cc && view_init(&v, text, len);
    if (have_view) {
        cc = cued_foreign_country(v.lo, v.n, issuing);
        if (!cc)
            cc = adjective_foreign_country(v.lo, v.n, issuing);
        view_free(&v);
    }
    if (!cc && slo)
        cc = adjective_foreign_country(slo, strlen(slo), issuing);
    free(slo);
    if (!cc) {
        const char *sc = sender_country(sender);
        if (sc && (!issuing || strcmp(sc, issuing) != 0))
            cc = sc;
    }
    return cc ? strdup(cc) : NULL;
}

/* ================================================================== */
/* reference                                                           */
/* ================================================================== */

/* Label words that introduce a reference only with a designator ("Case
 * No.", "Subpoena Number") and those that stand alone ("Ref:",
 * "Aktenzeichen", "Irish reference CJMA/..."). */
static const char *const ref_need_designator[] = {
    "case", "docket", "file", "subpoena", "warrant", "order", "nsl",
    "request", "matter", "investigation", "incident", "report", "control",
    "serial", "agency case", "complaint", "cause", "tracking", "crime", "fir",
    /* police report numbers: "DR# 25-1234", "Occurrence No.", "Event #" */
    "dr", "ir", "occurrence", "event", "offense", "offence", NULL};
static const char *const ref_standalone[] = {
    "reference", "ref", "re", "az", "aktenzeichen", "gesch\xc3\xa4""ftszeichen",
    "geschaeftszeichen", "tgb.-nr", "serial", "unser zeichen", "our file",
    "file ref", "r\xc3\xa9""f\xc3\xa9""rence", "r\xc3\xa9""f", "n/r\xc3\xa9""f",
    "referencia", "n/ref", "file:", NULL};
static const char *const ref_designators[] = {
    "number", "no.", "no", "nos.", "nr.", "nr", "#", "id", "ref", NULL};

/* Length of a designator ("No.", "Number", "#") at i, or 0. */
static size_t ref_designator_at(const char *lo, size_t n, size_t i)
{
    for (int k = 0; ref_designators[k]; k++) {
        size_t l = strlen(ref_designators[k]);
        if (i + l > n || strncmp(lo + i, ref_designators[k], l) != 0)
            continue;
        if (isalnum((unsigned char)ref_designators[k][l - 1]) && i + l < n &&
            isalnum((unsigned char)lo[i + l]))
            continue;
        return l;
    }
    return 0;
}

static bool ref_char(unsigned char c)
{
    return isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' ||
           c == ':' || c == '#';
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
        return 0;   /* a date, not an identifier */
    if (l1 < 2)
        return 0;
    return l1;
}

/* After a label word at p (length wl): designator, "is", a parenthesised
 * gloss, separators. Returns the value's start or NPOS. */
/* The start of cell number `cell` (0 = before the first tab) in the next
 * non-blank row after the line ending at le, or NPOS. HTML tables become
 * tab-separated rows, apart by a blank line. */
static size_t next_row_cell(const view_t *v, size_t le, size_t cell)
{
    if (le >= v->n)
        return NPOS;
    size_t ns = le + 1, ne = line_end(v->t, v->n, ns), c = 0, j;
    for (int skip = 0; skip < 2 && ne < v->n && skip_ws(v->t, ne, ns) == ne;
         skip++) {
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

/* Is [a, b) a whole table cell ("\tSubpoena No.\t")? Its index in the
 * row, or NPOS. */
static size_t whole_cell(const view_t *v, size_t a, size_t b)
{
    size_t ls = line_start(v->t, a), le = line_end(v->t, v->n, a);
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

static size_t ref_after_label(const view_t *v, size_t p, size_t wl,
                              bool need_designator)
{
    size_t i = skip_spaces(v->lo, v->n, p + wl);
    size_t d = ref_designator_at(v->lo, v->n, i);
    if (need_designator && !d)
        return NPOS;
    if (d)
        i = skip_spaces(v->lo, v->n, i + d);
    if (i < v->n && v->lo[i] == '(') {   /* "Geschaeftszeichen (reference):" */
        const char *close = memchr(v->lo + i, ')', v->n - i < 30 ? v->n - i : 30);
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
        size_t le = line_end(v->t, v->n, p), ce = i;
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
static bool provider_label(const view_t *v, size_t p)
{
    size_t ls = p > 12 ? p - 12 : 0;
    const char *w = v->lo + ls;
    size_t n = p - ls;
    return mem_find(w, n, "your", 4) != NULL || mem_find(w, n, "ticket", 6) != NULL ||
           mem_find(w, n, "votre", 5) != NULL ||
           (p >= 2 && v->lo[p - 2] == 'v' && v->lo[p - 1] == '/') ||   /* V/Réf. */
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
static int ref_label_rank(const view_t *v, size_t p, const char *label)
{
    static const char *const own_labels[] = {
        "unser zeichen", "our file", "n/r\xc3\xa9""f", "n/ref", "agency case", NULL};
    for (int k = 0; own_labels[k]; k++)
        if (strcmp(label, own_labels[k]) == 0)
            return 0;
    static const char *const own_words[] = {
        "our ", "unser ", "unsere ", "notre ", "nuestra ", "nuestro ", "nossa ",
        "nosso ", "ons ", "onze ", "my ", NULL};
    size_t ls = p > 10 ? p - 10 : 0;
    for (int k = 0; own_words[k]; k++) {
        size_t wl = strlen(own_words[k]);
        if (p - ls >= wl && strncmp(v->lo + p - wl, own_words[k], wl) == 0 &&
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
static char *reference_in(const char *text, size_t len, const char *subject)
{
    view_t v;
    if (!view_init(&v, text, len))
        return NULL;
    size_t best = NPOS, vstart = 0, vlen = 0;
    int brank = 3;
    size_t sbest = NPOS, sstart = 0, slen = 0;
    for (int pass = 0; pass < 2; pass++) {
        const char *const *labels = pass ? ref_standalone : ref_need_designator;
        for (int k = 0; labels[k]; k++) {
            bool short_label = pass && (strcmp(labels[k], "re") == 0 ||
                                        strcmp(labels[k], "ref") == 0 ||
                                        strcmp(labels[k], "az") == 0 ||
                                        strcmp(labels[k], "r\xc3\xa9""f") == 0);
            size_t from = 0, ml, p;
            int guard = 0;
            while (guard++ < 500 &&
                   (p = find_phrase(v.lo, v.n, from, labels[k], &ml)) != NPOS) {
                from = p + ml;
                if (provider_label(&v, p))
                    continue;
                /* "Re:" / "Ref." / "Az." need their colon or period. */
                if (short_label && !(p + ml < v.n && (v.lo[p + ml] == ':' ||
                                                      v.lo[p + ml] == '.')))
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
    view_free(&v);
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

char *extract_reference(const char *text, size_t len, const char *subject)
{
    char *ns = NULL;
    size_t sn = 0;
    if (subject && *subject)
        ns = extract_normalize(subject, strlen(subject), &sn);
    char *r = reference_in(text, len, ns);
    if (!r && ns) {
        {
            r = reference_in(ns, sn, NULL);
            if (!r)
                r = subject_identifier(ns);
        }
    }
    free(ns);
    return r;
}

/* ================================================================== */
/* data categories                                                     */
/* ================================================================== */

static const char *const subscriber_phrases[] = {
    "subscriber information", "subscriber info", "subscriber record*",
    "subscriber name*", "subscriber's name", "subscriber details",
    "subscriber data", "basic subscriber", "customers or subscribers",
    "customer information", "account holder information",
    "account holder's name", "holder name", "name and address",
    "names and addresses", "name, address", "names, addresses",
    "full name", "postal address", "physical address", "street address",
    "mailing address", "residential address", "home address",
    "billing*", "means and source of payment", "method of payment",
    "methods of payment", "payment details", "payment information",
    "source of payment", "credit card", "length of service",
    "telephone number*", "phone number*", "telephone or instrument number*",
    "account creation", "date the account was opened",
    "account was created", "date of account creation", "sign-up date",
    "signup date", "ip address used to register", "used to register",
    "at registration", "at sign-up", "at signup", "given at sign-up",
    "recorded at sign-up", "registration ip", "registration information",
    "account profile", "identification of the account", "recovery address",
    "recovery e-mail", "recovery email", "recovery phone",
    "identity of the account holder", "user names", "screen names",
    "means of payment", "payment method*", "account opened", "date of birth",
    "used to create the account", "creation ip", "customer name*",
    "bestandsdaten", "anschrift", "zahlungsinformation*", "bei der registrierung",
    /* narrative wording */
    "identifying the person", "identify the person", "identity of the person",
    "identity of the user", "who opened the account", "who registered the account",
    "who created the account", "who owns the account", "who the account belongs to",
    "account belongs to", "registered owner",
    /* French, Spanish, Portuguese, Dutch */
    "donn\xc3\xa9""es d'identification", "donn\xc3\xa9""es d'abonn\xc3\xa9",
    "identit\xc3\xa9"" de l'abonn\xc3\xa9", "informations sur l'abonn\xc3\xa9",
    "moyens de paiement", "datos de abonado", "datos del abonado",
    "datos del titular", "dados cadastrais", "dados do assinante",
    "abonneegegevens", "gebruikersgegevens", "account holder details",
    "account holder's details", "registration details", "registration data",
    "registration records", "account registration",
    NULL};

static const char *const transactional_phrases[] = {
    "transactional", "toll billing", "non-content", "log files", "logs", "log of",
    "login*", "log-in*", "log in", "logon*", "logged in", "logged into",
    "logged on", "signed in", "signed into", "sign-in*", "sign-ins",
    "session times", "ip history", "ip addresses used to access",
    "used to access", "access history", "header information", "e-mail header*",
    "email header*", "message header*", "headers", "address book",
    "contact list*", "contacts", "buddy list", "traffic data",
    "connection records", "records of user activity", "source and destination",
    "verkehrsdaten", "nutzungsdaten", "metadata", "activity logs",
    "to/from", "correspondents", "ip address history", "ip address log*",
    "history of ip addresses", "access records", "connection history",
    "session records", "account was accessed", "accessed the account",
    "from which ip address*", "ip addresses from which", "when and from where",
    "journaux de connexion", "donn\xc3\xa9""es de connexion",
    "donn\xc3\xa9""es de trafic", "registros de conexi\xc3\xb3""n",
    "datos de tr\xc3\xa1""fico", "registros de acceso", "registros de acesso",
    "dados de conex\xc3\xa3""o", "verkeersgegevens", "ip-adressen der anmeldung*",
    "protokolldaten", "logdatei*", "log-datei*", "anmeldedaten",
    "verbindungsdaten",
    "ip addresses associated with", "ip address associated with",
    NULL};

static const char *const content_phrases[] = {
    "content", "contents", "message content", "stored content",
    "attachments", "drafts", "photos", "photographs", "pictures", "videos",
    "stored files", "documents and files", "stored electronic communications",
    "stored communications", "every message", "copies of e-mails",
    "copies of emails", "e-mails stored", "emails stored", "stored e-mail*",
    "stored email*", "message bodies", "message body", "body of each",
    "inhaltsdaten", "inhalte", "gespeicherte e-mails", "anh\xc3\xa4nge",
    "gespeicherte nachrichten", "gespeicherten nachrichten",
    "gespeicherten e-mails", "inhalt des postfachs", "inhalt des kontos",
    "postfachinhalt*", "nachrichteninhalt*",
    "stored messages", "messages stored", "mailbox contents", "saved messages",
    "messages themselves", "e-mails themselves", "emails themselves",
    "files stored", "images stored", "any images", "documents stored",
    "uploaded files", "cloud storage", "stored images", "stored documents",
    "contenu", "pi\xc3\xa8""ces jointes", "contenido", "archivos adjuntos",
    "conte\xc3\xba""do", "inhoud",
    /* mailbox folders: "all e-mails in the inbox and sent folder" */
    "inbox", "sent folder", "sent items", "sent mail", "deleted items",
    "trash folder", "full mailbox", "entire mailbox", "complete mailbox",
    NULL};

/* Is the match at p a usable mention? Filters labels ("Telephone:"),
 * "non-content", "the contents of this letter" and "Attachment(s) A". */
static bool category_mention_ok(const view_t *v, size_t p, size_t l)
{
    size_t e = skip_spaces(v->lo, v->n, p + l);
    if (e < v->n && (v->lo[e] == ':' || isdigit((unsigned char)v->lo[e])))
        return false;
    if (p >= 4 && strncmp(v->lo + p - 4, "non-", 4) == 0)
        return false;
    if (p >= 5 && strncmp(v->lo + p - 5, "toll ", 5) == 0)
        return false;   /* an NSL's "toll billing records" are not billing data */
    if (strncmp(v->lo + p, "content", 7) == 0) {
        static const char *const self[] = {
            " of this letter", " of this order", " of this request",
            " of this subpoena", " of this warrant", " of this e-mail",
            " of this email", " of this message", " of the letter", NULL};
        for (int k = 0; self[k]; k++)
            if (strncmp(v->lo + p + l, self[k], strlen(self[k])) == 0)
                return false;
    }
    if (strncmp(v->lo + p, "attachments", 11) == 0 && p + l + 2 < v->n &&
        v->lo[p + l] == ' ' && isupper((unsigned char)v->t[p + l + 1]) &&
        !isalpha((unsigned char)v->t[p + l + 2]))
        return false;
    return true;
}

#define IGNORE_WINDOW 100

/* A negation cue before the mention in its clause, or a trailing one
 * after it ("... is not requested"). */
static bool negated_in_clause(const view_t *v, size_t p, size_t l)
{
    size_t cs, ce;
    clause_bounds(v->t, v->n, p, l, &cs, &ce);
    /* "The name, address, e-mail ... of the United States attorney who
     * requests this subpoena": the requester's own contact details. The
     * person follows the data words closely. */
    static const char *const ignore[] = {"attorney", "who requests", NULL};
    size_t ie = p + l + IGNORE_WINDOW < ce ? p + l + IGNORE_WINDOW : ce;
    if (find_any(v->lo, ie, p + l, ignore, NULL, NULL) != NPOS)
        return true;
    static const char *const before[] = {
        "not", "do not", "don't", "excluding", "exclude", "except",
        "other than", "no", "without", "nicht", "kein", "keine", "keinerlei",
        "ohne", NULL};
    static const char *const benign[] = {
        "not limited", "whether or not", "no later", "not later", "not only",
        "if not", "no.", NULL};
    size_t from = cs, ml, q;
    int which, guard = 0;
    while (guard++ < 20 &&
           (q = find_any(v->lo, p, from, before, &ml, &which)) != NPOS) {
        from = q + ml;
        bool harmless = false;
        for (int k = 0; benign[k]; k++) {
            size_t bl = strlen(benign[k]);
            size_t s = q >= 7 ? q - 7 : 0;   /* "whether or not" starts earlier */
            for (size_t b = s; b <= q && !harmless; b++)
                if (b + bl <= v->n && strncmp(v->lo + b, benign[k], bl) == 0 &&
                    b + bl > q)
                    harmless = true;
        }
        if (!harmless)
            return true;
    }
    static const char *const after[] = {
        "is not", "are not", "not be", "not requested", "not sought",
        "not required", "is excluded", "are excluded", "nicht erforderlich",
        "not needed", "not necessary", "nicht ben\xc3\xb6tigt",
        "nicht angefordert", "nicht erbeten", "nicht verlangt",
        "outside the scope", "beyond the scope", "not within the scope",
        "not part of this request", "not covered by",
        "ne sont pas demand\xc3\xa9*", "no se solicita*", NULL};
    return find_any(v->lo, ce, p + l, after, NULL, NULL) != NPOS;
}

static bool category_present(const view_t *v, const char *const *phrases)
{
    for (int k = 0; phrases[k]; k++) {
        size_t from = 0, ml, p;
        int guard = 0;
        while (guard++ < 1000 &&
               (p = find_phrase(v->lo, v->n, from, phrases[k], &ml)) != NPOS) {
            from = p + ml;
            if (category_mention_ok(v, p, ml) && !negated_in_clause(v, p, ml))
                return true;
        }
    }
    return false;
}

/* Does the text ask for data at all (a kind of data, or a disclosure
 * verb)? "Please call us" is a plea, not a disclosure request. */
static bool asks_for_data(const view_t *v)
{
    static const char *const verbs[] = {
        "disclos*", "provide", "produce", "release", "furnish", "send us",
        "share", "communiquer", "transmettre", "proporcion*", "facilit*",
        "fornire", "fornecer", "verstrekken", "herausgabe", "\xc3\xbc""bermitt*",
        NULL};
    return category_present(v, subscriber_phrases) ||
           category_present(v, transactional_phrases) ||
           category_present(v, content_phrases) || contains_any(v->lo, v->n, verbs);
}

unsigned extract_categories(const char *text, size_t len)
{
    view_t v;
    if (!view_init(&v, text, len))
        return 0;
    unsigned cats = 0;
    if (category_present(&v, subscriber_phrases))
        cats |= CAT_SUBSCRIBER;
    if (category_present(&v, transactional_phrases))
        cats |= CAT_TRANSACTIONAL;
    if (category_present(&v, content_phrases))
        cats |= CAT_CONTENT;
    view_free(&v);
    return cats;
}

/* ================================================================== */
/* dates: the letter's own date                                        */
/* ================================================================== */

/* Labels of the document's own date; "Date and Time:" (of appearance) is
 * deliberately absent. */
static const char *const letter_date_labels[] = {
    "date:", "dated:", "dated", "date of this letter", "date of letter",
    "date issued", "date and time issued", "issued on",
    "datum:", "date of issue", "letter date", "so ordered", "it is so ordered",
    "dated this", "entered this", "signed this", "issued this",
    "date of request", "request date", "date/time", "entered:", "entered on",
    "signed:", "signed on", "issued:", "date signed", "date entered",
    "ordered this", "done this",
    /* French (with its space before the colon), Spanish, Italian,
     * Portuguese, Dutch, German */
    "date :", "fecha:", "fecha :", "data:", "data :", "datum :",
    "fait le", "fait \xc3\xa0", "en fecha", NULL};

static bool date_in_line(const view_t *v, size_t from, size_t le, date_t *out)
{
    size_t s, e;
    if (!date_find_style(v->t + from, le - from, v->day_first, out, &s, &e))
        return false;
    /* the date must follow the label closely */
    return s <= 12;
}

/* "October 14, 2024" or "Wiesbaden, 12. September 2024" alone on a line. */
static bool dateline(const view_t *v, size_t ls, size_t le, date_t *out)
{
    size_t s, e;
    if (le - ls > 90 ||
        !date_find_style(v->t + ls, le - ls, v->day_first, out, &s, &e))
        return false;
    for (size_t i = ls; i < ls + s; i++) {
        char c = v->t[i];
        if (!(isalpha((unsigned char)c) || c == ' ' || c == ',' || c == '\t' ||
              c == '.' || c == '-' || (unsigned char)c >= 0x80))
            return false;
    }
    if (s > 40)
        return false;
    /* what precedes must be a place or weekday, not prose */
    static const char *const prose[] = {
        "from", "through", "to", "until", "between", "since", "period", "on",
        "by", "before", "after", "of", "the", NULL};
    if (find_any(v->lo + ls, s, 0, prose, NULL, NULL) != NPOS)
        return false;
    size_t rest = skip_spaces(v->t, le, ls + e);
    return rest >= le || v->t[rest] == '/' || v->t[rest] == '(';
}

/* A table with its labels in a header row (HTML cells become tabs):
 * "\tDate\tSubpoena No.\n\t04/08/2025\tR3-25-0117". The cell under a
 * "Date" heading holds the letter's date. */
static bool column_date(const view_t *v, size_t ls, size_t le, date_t *out)
{
    static const char *const heads[] = {
        "date", "date:", "date issued", "issue date", "date of issue",
        "issued", "issued on", "date of this letter", "letter date",
        "date of request", "request date", NULL};
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
        for (int k = 0; heads[k] && !head; k++)
            head = strlen(heads[k]) == b - a &&
                   strncmp(v->lo + a, heads[k], b - a) == 0;
        if (head && cell > 0) {
            /* the same cell of the next row */
            size_t j = next_row_cell(v, le, cell);
            return j != NPOS &&
                   date_parse_at_style(v->t + j, line_end(v->t, v->n, j) - j,
                                       v->day_first, out) > 0;
        }
        cell++;
        cs = i + 1;
    }
    return false;
}

bool extract_letter_date(const char *text, size_t len, bool day_first,
                         date_t *out)
{
    view_t v;
    if (!view_init(&v, text, len))
        return false;
    v.day_first = day_first;
    bool found = false;
    size_t from = 0, ml, p;
    int which, guard = 0;
    cursor_t cur;
    cursor_init(&cur, letter_date_labels);
    while (!found && guard++ < 200 &&
           (p = cursor_next(&cur, v.lo, v.n, from, &ml, &which)) != NPOS) {
        from = p + ml;
        /* a label starts its line (or table cell) */
        size_t ls = line_start(v.t, p);
        if (skip_ws(v.t, p, ls) != p && v.t[p - 1] != '\t')
            continue;
        size_t i = p + ml;
        while (i < v.n && (v.t[i] == ':' || v.t[i] == ' ' || v.t[i] == '\t'))
            i++;
        found = date_in_line(&v, i, line_end(v.t, v.n, i), out);
    }
    for (size_t ls = 0; !found && ls < v.n;) {
        size_t le = line_end(v.t, v.n, ls);
        if (memchr(v.t + ls, '\t', le - ls))
            found = column_date(&v, ls, le, out);
        ls = le + 1;
    }
    for (size_t ls = 0; !found && ls < v.n;) {
        size_t le = line_end(v.t, v.n, ls);
        found = dateline(&v, skip_ws(v.t, le, ls), le, out);
        ls = le + 1;
    }
    view_free(&v);
    return found;
}

/* ================================================================== */
/* nondisclosure                                                       */
/* ================================================================== */

static const char *const gag_cues[] = {
    "2705(b)", "2709(c)", "nondisclosure", "non-disclosure",
    "prohibition on disclosure", "prohibition of disclosure",
    "not to disclose", "not disclose", "may not tell", "not tell anyone",
    "not to notify", "not notify", "not be notified", "not inform",
    "not to inform", "refrain from notifying", "refrain from disclosing",
    "delayed notice", "delay of notice", "delay-of-notice",
    "preclusion of notice", "precluding notice", "preclude notice",
    "delayed notification", "gag order",
    "kept confidential", "keep this request confidential",
    "keep the request confidential", "keep this matter confidential",
    "treat this request as confidential", "treated as confidential",
    "confidentiality requirement", "remain confidential",
    "without notifying", "without notice to the subscriber",
    "not to alert", "not alert", "nicht zu informieren",
    "nicht zu benachrichtigen", "nicht benachrichtigt", "nicht informiert",
    "keine benachrichtigung", "vertraulich zu behandeln",
    "nicht in kenntnis gesetzt", "nicht in kenntnis zu setzen",
    "nicht unterrichtet", "nicht zu unterrichten", "keine mitteilung an",
    "nicht offenbart", "nicht zu offenbaren",
    "not be told", "not to tell", "not be informed", "not be made aware",
    "not be alerted", "not be advised", "not made aware", "not be revealed",
    "not to reveal", "not reveal", "no notice be given", "no notice is given",
    "no notification be", "confidentiality is requested",
    "requests confidentiality", "request confidentiality",
    "ne pas informer", "ne pas aviser", "ne pas avertir", "no informar",
    "no notificar", "no alertar", NULL};

/* "there is no nondisclosure order", "not subject to a nondisclosure". */
static bool gag_negated(const view_t *v, size_t p)
{
    size_t cs, ce;
    clause_bounds(v->t, v->n, p, 1, &cs, &ce);
    static const char *const neg[] = {
        "no ", "not subject to", "without a", "does not contain",
        "does not include", "is not accompanied", "not a nondisclosure",
        "may notify", NULL};
    size_t w = p - cs < 40 ? p - cs : 40;
    return find_any(v->lo, p, p - w, neg, NULL, NULL) != NPOS;
}

static bool gag_stated_end(const view_t *v, size_t s, size_t e,
                           const date_t *letter_date, date_t *out);

/* End of a gag stated in the sentence [s, e): explicit date or a
 * duration from the letter's date. */
static bool gag_end_in(const view_t *v, size_t s, size_t e,
                       const date_t *letter_date, date_t *out, bool *open_ended)
{
    /* Per the contract, until is the end date "when the message states
     * one"; only a gag with no stated end ("until further order of the
     * Court") has none. So "until March 1, 2026, or until further order of
     * the Court" ends on March 1, 2026: a further order may shorten or
     * extend it, but the date is what the order states. Only where the
     * order itself says the later of the two applies is there no end. */
    static const char *const open[] = {
        "until further order", "until otherwise ordered",
        "until further notice", "indefinitely", NULL};
    static const char *const later[] = {
        "whichever is later", "whichever occurs later", "whichever comes later",
        "whichever is the later", NULL};
    bool open_here = find_any(v->lo, e, s, open, NULL, NULL) != NPOS;
    if (open_here && find_any(v->lo, e, s, later, NULL, NULL) != NPOS) {
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
static bool gag_stated_end(const view_t *v, size_t s, size_t e,
                           const date_t *letter_date, date_t *out)
{
    static const char *const until[] = {
        "through and including", "up to and including", "until and including",
        "until", "through", "expires on", "expire on", "expiring on", "ends on",
        "end on", "ending on", "bis zum", "bis",
        /* "shall not notify the account holder before June 1, 2025" */
        "before", "prior to", NULL};
    size_t from = s, ml, p;
    int which, guard = 0;
    while (guard++ < 20 &&
           (p = find_any(v->lo, e, from, until, &ml, &which)) != NPOS) {
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
        static const char *const before[] = {"for", "of", "until", "fuer",
                                             "f\xc3\xbcr",
                                             /* "not to exceed 90 days",
                                              * "no longer than 1 year" */
                                             "exceed", "exceeding", NULL};
        static const char *const after[] = {"from", "after", "following", NULL};
        size_t ws = i;
        while (ws > s && v->lo[ws - 1] == ' ')
            ws--;
        size_t wb = ws;
        while (wb > s && is_wc((unsigned char)v->lo[wb - 1]))
            wb--;
        bool tied = false;
        for (int k = 0; before[k] && !tied; k++)
            tied = ws - wb == strlen(before[k]) &&
                   strncmp(v->lo + wb, before[k], ws - wb) == 0;
        /* "no longer than one year" (not "no later than 10 days", a
         * response deadline in the same sentence) */
        if (!tied && ws - wb == 4 && strncmp(v->lo + wb, "than", 4) == 0)
            tied = (wb >= s + 7 && strncmp(v->lo + wb - 7, "longer ", 7) == 0) ||
                   (wb >= s + 5 && strncmp(v->lo + wb - 5, "more ", 5) == 0);
        size_t j = skip_ws(v->lo, e, i + dl);
        for (int k = 0; after[k] && !tied; k++)
            tied = find_phrase(v->lo, e, j, after[k], NULL) == j;
        if (ws - wb == 6 && strncmp(v->lo + wb, "within", 6) == 0)
            tied = false;   /* a response deadline, not the gag's end */
        if (ws - wb == 4 && strncmp(v->lo + wb, "than", 4) == 0 &&
            wb >= s + 6 && strncmp(v->lo + wb - 6, "later ", 6) == 0)
            tied = false;   /* "no later than 10 days after receipt" */
        if (tied) {
            *out = date_add_duration(*letter_date, &d);
            return date_valid(out);
        }
        i += dl - 1;
    }
    return false;
}

/* Does the sentence starting after e talk about the same provision? */
static bool gag_continues(const view_t *v, size_t e)
{
    static const char *const refs[] = {
        "this prohibition", "this provision", "this restriction",
        "the prohibition", "this nondisclosure", "the nondisclosure",
        "this order shall remain", "this obligation", "the obligation",
        "this requirement", "such notice", "this period", NULL};
    size_t s = skip_ws(v->t, v->n, e);
    size_t end = s + 80 < v->n ? s + 80 : v->n;
    size_t p = find_any(v->lo, end, s, refs, NULL, NULL);
    return p != NPOS;
}

bool extract_nondisclosure(const char *text, size_t len, request_type_t type,
                           const date_t *letter_date, bool day_first,
                           char until[11])
{
    until[0] = '\0';
    view_t v;
    if (!view_init(&v, text, len))
        return false;
    v.day_first = day_first;
    bool present = false, open_ended = false, dated = false;
    size_t from = 0, ml, p;
    int which, guard = 0;
    cursor_t cur;
    cursor_init(&cur, gag_cues);
    while (guard++ < 200 &&
           (p = cursor_next(&cur, v.lo, v.n, from, &ml, &which)) != NPOS) {
        from = p + ml;
        if (gag_negated(&v, p))
            continue;
        present = true;
        if (dated || open_ended)
            continue;
        size_t s, e;
        sentence_bounds(v.t, v.n, p, &s, &e);
        date_t end;
        if (gag_end_in(&v, s, e, letter_date, &end, &open_ended)) {
            date_format(&end, until, 11);
            dated = true;
        } else if (!open_ended && e < v.n && gag_continues(&v, e)) {
            /* "... shall not disclose this Order. This prohibition remains
             * in effect until March 1, 2026." */
            size_t s2, e2;
            sentence_bounds(v.t, v.n, skip_ws(v.t, v.n, e), &s2, &e2);
            if (gag_end_in(&v, s2, e2, letter_date, &end, &open_ended)) {
                date_format(&end, until, 11);
                dated = true;
            }
        }
    }
    /* An NSL's 2709(c) prohibition has no end date. */
    if (type == REQ_NATIONAL_SECURITY_LETTER || open_ended)
        until[0] = '\0';
    view_free(&v);
    return present;
}

/* ================================================================== */
/* deadline                                                            */
/* ================================================================== */

/* End of the sentence-ish window after a deadline phrase. */
static size_t deadline_window_end(const view_t *v, size_t i)
{
    size_t e = i;
    while (e < v->n && e - i < 60) {
        if (blank_line_at(v->t, e))
            break;
        if (v->t[e] == '.' && e + 1 < v->n && isspace((unsigned char)v->t[e + 1]) &&
            !abbreviation_before(v->t, e) &&
            !(e > 0 && isdigit((unsigned char)v->t[e - 1])))   /* "30. Mai" */
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
static size_t skip_weekday(const view_t *v, size_t i)
{
    static const char *const days[] = {"monday", "tuesday", "wednesday",
                                       "thursday", "friday", "saturday",
                                       "sunday", NULL};
    size_t ml;
    int which;
    if (find_any(v->lo, v->n < i + 12 ? v->n : i + 12, i, days, &ml, &which) != i)
        return i;
    i += ml;
    if (i < v->n && v->lo[i] == ',')
        i++;
    return skip_ws(v->lo, v->n, i);
}

/* "5:00 p.m. on", "noon EST on", "close of business on" between "by" and
 * a date. Returns where the date may start (i when there is no time). */
static size_t skip_time_of_day(const view_t *v, size_t i)
{
    static const char *const words[] = {
        "the close of business", "close of business", "end of business",
        "the end of the day", "end of day", "cob", "eod", "noon", "midnight",
        NULL};
    size_t j = i, ml;
    int which;
    if (find_any(v->lo, v->n < i + 24 ? v->n : i + 24, i, words, &ml, &which) == i) {
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
        static const char *const ampm[] = {"a.m.", "p.m.", "a.m", "p.m", "am",
                                           "pm", "hrs", "h", NULL};
        if (find_any(v->lo, v->n < m + 5 ? v->n : m + 5, m, ampm, &ml, &which) == m)
            j = m + ml;
        else if (k > i + 2)
            j = k;   /* "17:00" */
        else
            return i;
    }
    j = skip_ws(v->lo, v->n, j);   /* "by 5:00 p.m.\non June 16" */
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
        isspace((unsigned char)v->lo[j + 2]))   /* "on" may end the line */
        j = skip_ws(v->lo, v->n, j + 3);
    return j;
}

static const char *const produce_verbs[] = {
    "produc*", "provid*", "furnish*", "respond*", "response", "return*",
    "send", "sent", "submit*", "deliver*", "disclos*", "comply", "compliance",
    "records", "reply", "answer*",
    /* French, Spanish, Italian, Portuguese, Dutch, German */
    "r\xc3\xa9pon*", "transmet*", "transmis*", "communiqu*", "fourni*",
    "respuesta*", "remit*", "envi*", "facilit*", "proporcion*", "entreg*",
    "rispost*", "trasmett*", "fornir*", "fornit*", "invia*", "comunica*",
    "resposta*", "forne*", "antwoord*", "verstrek*", "toezend*", "aanlever*",
    "\xc3\xbc""bermitt*", "antwort*", "auskunft*", "mitteil*", "herausgabe",
    NULL};

/* "The material is required by 15 July 2025", "needed by", "requested
 * by": a need stated right before "by <date>" makes it a deadline without
 * a verb of producing. */
static bool need_word_before(const view_t *v, size_t by)
{
    static const char *const need[] = {"required", "needed", "requested",
                                       "sought", "expected", "wanted", NULL};
    size_t ws = by > 16 ? by - 16 : 0, ml;
    int which;
    size_t q = find_any(v->lo, by, ws, need, &ml, &which);
    while (q != NPOS && skip_ws(v->lo, by, q + ml) != by)
        q = find_any(v->lo, by, q + ml, need, &ml, &which);
    return q != NPOS;
}

/* "no later than December 18, 2013", "on or before ...", "by 15 November
 * 2024" (in a sentence about producing something). */
static void deadline_word_date(const view_t *v, dl_candidate_t *best,
                               const char *word, const date_t *after);

static void deadline_by_date(const view_t *v, const date_t *letter_date,
                             dl_candidate_t *best)
{
    static const char *const cues[] = {
        "no later than", "not later than", "on or before", "due by", "due on",
        "deadline", "response date", "return date", "return by", "due date",
        "response due", "production date", "compliance date", "respond by",
        "sp\xc3\xa4testens", "bis zum", "by close of business on",
        "au plus tard le", "au plus tard", "date limite", "d\xc3\xa9lai de r\xc3\xa9ponse",
        "a m\xc3\xa1s tardar", "fecha l\xc3\xadmite", "plazo de respuesta",
        "entro e non oltre", "non oltre il", "data di scadenza",
        "o mais tardar", "prazo de resposta", "data limite",
        "uiterlijk", "antwoordtermijn", "frist", NULL};
    /* Words that make a date a deadline only in a sentence about answering
     * ("avant le 30 mai 2025" in "R\xc3\xa9ponse avant le ..."). */
    static const char *const verb_cues[] = {
        "avant le", "d'ici le", "antes del", "antes de", "hasta el",
        "entro il", "entro", "at\xc3\xa9"" o dia", "at\xc3\xa9", "v\xc3\xb3\xc3\xb3r",
        "voor", "bis", NULL};
    size_t from = 0, ml, p;
    int which, guard = 0;
    cursor_t cur;
    cursor_init(&cur, cues);
    while (guard++ < 200 &&
           (p = cursor_next(&cur, v->lo, v->n, from, &ml, &which)) != NPOS) {
        from = p + ml;
        size_t we = deadline_window_end(v, p + ml);
        date_t d;
        size_t s;
        if (date_find_style(v->t + p + ml, we - p - ml, v->day_first, &d, &s,
                            NULL))
            dl_consider(best, p, &d);
    }
    const char *const *produce = produce_verbs;
    cursor_init(&cur, verb_cues);
    from = 0;
    guard = 0;
    while (guard++ < 200 &&
           (p = cursor_next(&cur, v->lo, v->n, from, &ml, &which)) != NPOS) {
        from = p + ml;
        size_t i = skip_ws(v->t, v->n, p + ml);
        date_t d;
        /* the date follows the cue directly ("antes del 30 de mayo") */
        if (!date_parse_at_style(v->t + i, v->n - i, v->day_first, &d))
            continue;
        /* "vom 1. Januar 2025 bis 31. M\xc3\xa4rz 2025", "desde el 1 de enero
         * hasta el 31 de marzo": the end of a period asked for, not a
         * deadline. A date ending just before the cue gives it away. */
        size_t ws = p > 48 ? p - 48 : 0, ds, de;
        date_t prev;
        bool range = false;
        for (size_t k = ws; !range && k < p &&
             date_find_style(v->t + k, p - k, v->day_first, &prev, &ds, &de);
             k += de)
            range = k + de + 8 >= p;
        if (range)
            continue;
        size_t s, e;
        sentence_bounds(v->t, v->n, p, &s, &e);
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
static void deadline_word_date(const view_t *v, dl_candidate_t *best,
                               const char *word, const date_t *after)
{
    const char *const *produce = produce_verbs;
    size_t from = 0, ml, p;
    int guard = 0;
    while (guard++ < 500 && (p = find_phrase(v->lo, v->n, from, word, &ml)) != NPOS) {
        from = p + ml;
        size_t i = skip_ws(v->t, v->n, p + ml);
        if (i < v->n && v->t[i] == ':')
            i = skip_ws(v->t, v->n, i + 1);   /* "Response requested by: ..." */
        i = skip_weekday(v, skip_time_of_day(v, i));
        if (i + 4 < v->n && strncmp(v->lo + i, "the ", 4) == 0)
            i = skip_ws(v->t, v->n, i + 4);   /* "by the 14th day of March" */
        date_t d;
        if (!date_parse_at_style(v->t + i, v->n - i, v->day_first, &d))
            continue;
        size_t s, e;
        sentence_bounds(v->t, v->n, p, &s, &e);
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
static bool within_base(const view_t *v, size_t k, const date_t *letter_date,
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
    static const char *const letter_events[] = {
        "receipt", "your receipt", "the receipt", "receiving", "delivery",
        "service", "today", "issuance", "the date of this", "the date hereof",
        "the date of receipt", "the date of service", "the date of delivery",
        "the date of issu*", "the date of your", "the date above",
        "the above date", "the date you", "the date on which you",
        "the date this", "this", "these", "the present", "the date of the letter",
        "the date of the order", "the date of the request",
        "the date of the subpoena", "the date of the notice",
        "the date of signature", "the date of transmission", "date of this",
        "date hereof", "the letter", "the order", "the request", "the subpoena",
        "the notice", "the warrant", "the summons", "transmission",
        "the date of the present", "the date on this", "the date on the",
        "the date shown", "being served", "being served with", "your being",
        /* French, Spanish, Italian, Portuguese, Dutch, German */
        "la r\xc3\xa9""ception", "r\xc3\xa9""ception", "la date de",
        "la pr\xc3\xa9sente", "la recepci\xc3\xb3n", "recepci\xc3\xb3n",
        "la fecha de", "la presente", "ricezione", "la ricezione", "data",
        "recebimento", "o recebimento", "rece\xc3\xa7\xc3\xa3o", "recep\xc3\xa7\xc3\xa3o",
        "a rece\xc3\xa7\xc3\xa3o", "a recep\xc3\xa7\xc3\xa3o", "a data", "ontvangst",
        "dagtekening", "de datum", "erhalt", "eingang", "zugang", "zustellung",
        "datum", "dieses", "dem datum", NULL};
    size_t ml;
    int which;
    size_t lim = k + 40 < v->n ? k + 40 : v->n;
    if (have_letter &&
        find_any(v->lo, lim, k, letter_events, &ml, &which) == k) {
        *base = *letter_date;
        return true;
    }
    return false;
}

/* "within ten days of the date of this Order", "within 14 days of
 * receipt": counted from the date the letter states. */
static void deadline_within(const view_t *v, const date_t *letter_date,
                            dl_candidate_t *best)
{
    static const char *const anchors[] = {
        "of", "from", "after", "following", "upon", "on",
        /* French, Spanish, Italian, Portuguese, Dutch, German */
        "\xc3\xa0 compter de", "\xc3\xa0 partir de", "suivant", "apr\xc3\xa8s",
        "d\xc3\xa8s", "a partir de", "desde", "tras", "contados a partir de",
        "dalla", "dal", "a decorrere da*", "a partire da*", "a contar d*",
        "ap\xc3\xb3s", "na", "nach", "ab", "vanaf", NULL};
    /* "within" and its equivalents before a duration */
    static const char *const within[] = {
        "within", "dans un d\xc3\xa9lai de", "dans les", "sous",
        "dentro de", "en un plazo de", "en el plazo de",
        "en un plazo m\xc3\xa1ximo de", "entro", "no prazo de",
        "no prazo m\xc3\xa1ximo de", "binnen", "innerhalb von", "innerhalb",
        "inner", NULL};
    size_t from = 0, ml, p;
    int guard = 0, wh;
    cursor_t wcur;
    cursor_init(&wcur, within);
    while (guard++ < 200 &&
           (p = cursor_next(&wcur, v->lo, v->n, from, &ml, &wh)) != NPOS) {
        from = p + ml;
        size_t i = skip_ws(v->lo, v->n, p + ml);
        /* "within a period of 10 days", "within the next 10 days" */
        static const char *const fillers[] = {"a period of", "the period of",
                                              "the next", "a maximum of", NULL};
        size_t fl;
        int fw;
        if (find_any(v->lo, i + 16 < v->n ? i + 16 : v->n, i, fillers, &fl,
                     &fw) == i)
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
        if (find_any(v->lo, j + 24 < v->n ? j + 24 : v->n, j, anchors, &al,
                     &which) != j) {
            al = 0;
            /* A bare "Please respond within 10 days." also counts from the
             * letter's date; other bare durations describe something else. */
            size_t s, e;
            sentence_bounds(v->t, v->n, p, &s, &e);
            bool bare_end = j >= v->n || strchr(".,;\n", v->lo[j]);
            if (!bare_end || find_any(v->lo, e, s, produce_verbs, NULL, NULL) == NPOS)
                continue;
        }
        date_t base;
        if (!within_base(v, al ? j + al : 0, letter_date, &base))
            continue;
        date_t due = date_add_duration(base, &d);
        dl_consider(best, p, &due);
    }
    /* "no later than 10 business days from the date of this letter",
     * "Deadline for response: 21 days from the date of this request": a
     * duration shortly after the cue, anchored to a date. */
    static const char *const cues[] = {
        "no later than", "not later than", "deadline", "response due",
        "due", "respond in", "reply in", "production due",
        "later than",   /* "in no event later than 10 days after receipt" */
        NULL};
    cursor_t cur;
    cursor_init(&cur, cues);
    int which;
    from = 0;
    guard = 0;
    while (guard++ < 200 &&
           (p = cursor_next(&cur, v->lo, v->n, from, &ml, &which)) != NPOS) {
        from = p + ml;
        size_t stop = p + ml + 32 < v->n ? p + ml + 32 : v->n;
        for (size_t i = p + ml; i < stop && v->lo[i] != '\n'; i++) {
            if (is_wc((unsigned char)v->lo[i - 1]) || !is_wc((unsigned char)v->lo[i]))
                continue;
            duration_t d;
            size_t dl = duration_parse_at(v->lo + i, v->n - i, &d);
            if (!dl)
                continue;
            size_t j = skip_ws(v->lo, v->n, i + dl), al;
            if (d.unit != DUR_HOURS &&
                find_any(v->lo, j + 24 < v->n ? j + 24 : v->n, j, anchors, &al,
                         &which) == j) {
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
static void deadline_appearance(const view_t *v, dl_candidate_t *best)
{
    static const char *const appear[] = {
        "date of appearance", "appearance date", "time, date, and place",
        "time, date and place", "date, time, and place", "date, time and place",
        "time and place", NULL};
    /* "You are commanded to appear on September 12, 2024 at 9:00 a.m." */
    static const char *const appear_on[] = {"appear on", "appearance on", NULL};
    size_t from = 0, q, al;
    int aw, guard = 0;
    while (guard++ < 50 &&
           (q = find_any(v->lo, v->n, from, appear_on, &al, &aw)) != NPOS) {
        from = q + al;
        size_t i = skip_weekday(v, skip_ws(v->t, v->n, q + al));
        date_t d;
        if (date_parse_at_style(v->t + i, v->n - i, v->day_first, &d))
            dl_consider(best, q, &d);
    }
    if (!contains_any(v->lo, v->n, appear))
        return;
    static const char *const labels[] = {"date and time:", "date and time of appearance",
                                         "appearance date:", "return date:", NULL};
    size_t ml;
    int which;
    size_t p = find_any(v->lo, v->n, 0, labels, &ml, &which);
    if (p == NPOS)
        return;
    size_t le = line_end(v->t, v->n, p);
    date_t d;
    if (date_find_style(v->t + p + ml, le - p - ml, v->day_first, &d, NULL,
                        NULL))
        dl_consider(best, p, &d);
    else if (le < v->n) {
        /* a form's column layout: "Date and Time:" ends the line, its
         * value stands on the next one */
        size_t ne = line_end(v->t, v->n, le + 1);
        if (date_find_style(v->t + le + 1, ne - le - 1, v->day_first, &d, NULL,
                            NULL))
            dl_consider(best, p, &d);
    }
}

void extract_deadline(const char *text, size_t len, const date_t *letter_date,
                      bool day_first, char out[11])
{
    out[0] = '\0';
    view_t v;
    if (!view_init(&v, text, len))
        return;
    v.day_first = day_first;
    dl_candidate_t best = {.pos = NPOS};
    deadline_by_date(&v, letter_date, &best);
    deadline_within(&v, letter_date, &best);
    if (best.pos == NPOS)
        deadline_appearance(&v, &best);
    if (best.pos != NPOS)
        date_format(&best.date, out, 11);
    view_free(&v);
}

/* ================================================================== */
/* emergency                                                           */
/* ================================================================== */

/* Wording that claims a present danger of death or serious physical
 * injury by itself ("imminent danger", "a child is at risk of serious
 * bodily harm", "Gefahr f\xc3\xbcr Leib und Leben"). "life or physical
 * safety" is the 2705(b) / 2709(c) boilerplate, so it is in neither list. */
static const char *const danger_present[] = {
    "imminent danger", "imminent threat to", "imminent threat of",
    "imminent risk", "immediate danger", "immediate threat to",
    "life is in danger", "life may be in danger", "lives are in danger",
    "life at risk", "at risk of death", "at risk of serious",
    "risk of serious bodily", "risk of serious physical", "risk to life",
    "risk to the life", "danger to life", "threat to life",
    "threat to the life", "life-threatening", "life threatening",
    "danger of death", "risk of death",
    /* German, French, Spanish, Italian, Portuguese, Dutch */
    "lebensgefahr", "gefahr f\xc3\xbcr leib und leben", "gefahr fuer leib und leben",
    "gefahr f\xc3\xbcr leib oder leben", "gefahr f\xc3\xbcr das leben",
    "danger de mort", "menace de mort", "risque de mort", "danger imminent",
    "p\xc3\xa9ril imminent", "danger pour la vie", "vie est en danger",
    "peligro de muerte", "amenaza de muerte", "riesgo para la vida",
    "peligro para la vida", "peligro inminente", "vida est\xc3\xa1 en peligro",
    "pericolo di vita", "pericolo di morte", "minaccia di morte",
    "pericolo imminente", "perigo de morte", "perigo de vida", "risco de vida",
    "risco de morte", "amea\xc3\xa7""a de morte", "perigo iminente",
    "levensgevaar", "doodsbedreiging", "acuut gevaar", "gevaar voor het leven",
    NULL};

/* Wording that also describes past events or statutes ("threatened to
 * kill a witness in 2019", "offenses resulting in serious bodily
 * injury"): a claim only where the text also speaks of an emergency. */
static const char *const danger_narrative[] = {
    "death or serious physical injury", "death or serious bodily injury",
    "death or serious bodily harm", "death or serious physical harm",
    "serious physical injury or death", "serious bodily injury or death",
    "serious bodily harm", "serious physical harm", "serious bodily injury",
    "threat of death", "threat to kill", "threatened to kill",
    "threatening to kill", "intends to kill",
    "danger of serious physical injury", "suicidal", "threatening suicide",
    "threatened suicide", "threatening to commit suicide",
    "threatened to commit suicide", "kill herself", "kill himself",
    "kill themselves", "take her own life", "take his own life",
    "take their own life", "end her life", "end his life", "end their life",
    "end her own life", "end his own life", "threatened to shoot",
    "threatening to shoot", "threatened to stab", "threatened to harm",
    "threatening to harm", "lesiones graves", "lesioni gravi",
    "les\xc3\xa3o corporal grave", "ernstig lichamelijk letsel",
    "atteinte grave \xc3\xa0 l'int\xc3\xa9grit\xc3\xa9 physique", NULL};

/* A danger mentioned only as a condition or an instruction ("If you
 * believe there is an imminent threat to life, call 911", "for
 * emergencies involving danger of death ...") is not a claim. */
static bool hypothetical_mention(const view_t *v, size_t p)
{
    static const char *const cond[] = {
        "if ", "if,", "in the event", "in case of", "should there",
        "whether", "for emergencies", "in emergencies", "unless",
        "for future", "en cas de", "en caso de", "falls ", "im falle", NULL};
    size_t s, e;
    sentence_bounds(v->t, v->n, p, &s, &e);
    size_t from = p - s > 120 ? p - 120 : s;
    return find_any(v->lo, p, from, cond, NULL, NULL) != NPOS;
}

/* Does the text claim a present danger of death or serious physical
 * injury? Any affirmed, non-hypothetical mention counts, with or without
 * the word "emergency": "a child is at risk of serious bodily harm" is
 * the claim the contract asks about. */
static bool danger_claimed(const view_t *v)
{
    /* "This is not an emergency", "no emergency exists now". */
    static const char *const denial[] = {
        "not an emergency", "no emergency", "not constitute an emergency",
        "no imminent", "pas d'urgence", "kein notfall", "no es una emergencia",
        NULL};
    if (contains_any(v->lo, v->n, denial))
        return false;
    static const char *const emergency_word[] = {
        "emergency", "notfall", "urgence", "emergencia", "emergenza",
        "emerg\xc3\xaancia", "noodgeval", "exigent", NULL};
    bool said = find_affirmed(v, emergency_word) != NPOS;
    /* Without an emergency word, narrative wording is a claim only when its
     * sentence places the danger now: "threatened to kill the victim by
     * midnight", "will kill herself tonight". */
    static const char *const now[] = {
        "tonight", "by midnight", "this morning", "this evening",
        "this afternoon", "right now", "as we speak", "at this moment",
        "still missing", "in the next few hours", "within hours", NULL};
    for (int list = 0; list < 2; list++) {
        size_t from = 0, ml, p;
        int which, guard = 0;
        cursor_t cur;
        cursor_init(&cur, list ? danger_narrative : danger_present);
        while (guard++ < 100 &&
               (p = cursor_next(&cur, v->lo, v->n, from, &ml, &which)) != NPOS) {
            from = p + ml;
            if (negated_in_clause(v, p, ml) || hypothetical_mention(v, p))
                continue;
            if (!list || said)
                return true;
            size_t s, e;
            sentence_bounds(v->t, v->n, p, &s, &e);
            if (find_any(v->lo, e, s, now, NULL, NULL) != NPOS)
                return true;
        }
    }
    return false;
}

bool extract_emergency(const char *text, size_t len, request_type_t type)
{
    if (type == REQ_EMERGENCY_REQUEST)
        return true;
    /* An NSL's only danger wording is its gag certification. */
    if (type == REQ_NATIONAL_SECURITY_LETTER)
        return false;
    view_t v;
    if (!view_init(&v, text, len))
        return false;
    bool claim = danger_claimed(&v);
    view_free(&v);
    return claim;
}

/* ================================================================== */
/* accounts                                                            */
/* ================================================================== */

static bool local_char(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
           c == '-' || c == '\'';
}

static bool domain_char(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '-';
}

/* Freemail: a requester writing from one does not make its users
 * colleagues. */
static bool freemail_domain(const char *d)
{
    static const char *const fm[] = {
        "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com",
        "outlook.com", "live.com", "msn.com", "aol.com", "icloud.com",
        "me.com", "mail.com", "gmx.com", "gmx.de", "gmx.net", "web.de",
        "proton.me", "protonmail.com", "yandex.com", "zoho.com", NULL};
    for (int k = 0; fm[k]; k++)
        if (domain_within(d, fm[k]))
            return true;
    return false;
}

/* Government and police mail domains: the requester's side. */
static bool government_domain(const char *d)
{
    static const char *const gov[] = {
        "gov", "mil", "gov.uk", "police.uk", "pnn.police.uk", "bund.de",
        "polizei.de", "gov.ie", "garda.ie", "gc.ca", "gov.au", "europa.eu",
        "gouv.fr", "interieur.gouv.fr", NULL};
    for (int k = 0; gov[k]; k++)
        if (domain_within(d, gov[k]))
            return true;
    return false;
}

/* Domains of law enforcement, prosecutors and courts: never targets.
 * Other government domains (a village, a state agency) may host a
 * targeted mailbox. */
static bool law_enforcement_domain(const char *d)
{
    static const char *const le[] = {
        "usdoj.gov", "doj.gov", "dhs.gov", "uscourts.gov", "ic3.gov",
        "treasury.gov", "irs.gov", "mil", "police.uk", "bund.de", "polizei.de",
        "garda.ie", "gc.ca", "interieur.gouv.fr", "justice.gouv.fr",
        "europa.eu", NULL};
    for (int k = 0; le[k]; k++)
        if (domain_within(d, le[k]))
            return true;
    for (size_t k = 0; k < COUNT(agency_domains); k++)
        if (domain_within(d, agency_domains[k].domain))
            return true;
    /* "sheriff.pinehollowcounty.gov", "pd.cityofx.gov", "da.county.gov" */
    static const char *const words[] = {"police", "polizei", "sheriff", "justice",
                                        "court", "attorney", "prosecutor", "pd",
                                        "da", "sheriffs", "so", NULL};
    for (const char *l = d; *l;) {
        size_t n = strcspn(l, ".");
        for (int k = 0; words[k]; k++) {
            size_t wl = strlen(words[k]);
            if (wl > 3 ? (n >= wl && mem_find(l, n, words[k], wl) != NULL)
                       : (n == wl && strncmp(l, words[k], wl) == 0))
                return true;
        }

        l += n;
        if (*l == '.')
            l++;
    }
    return false;
}

/* Police domains outside .gov: "carverlakepd.org", "tulsapolice.org",
 * a police department's own mailboxes, never a target's. */
static bool police_org_domain(const char *d)
{
    for (const char *l = d; *l;) {
        size_t n = strcspn(l, ".");
        if ((n >= 4 && strncmp(l + n - 2, "pd", 2) == 0) ||
            (n >= 6 && (mem_find(l, n, "police", 6) || mem_find(l, n, "sheriff", 7))))
            return true;
        l += n;
        if (*l == '.')
            l++;
    }
    return false;
}

/* Where the last of the phrases starts in lo[0, n), or NPOS. */
static size_t last_phrase_at(const char *lo, size_t n, const char *const *phrases)
{
    size_t last = NPOS, from = 0, p, ml;
    int which;
    cursor_t cur;
    cursor_init(&cur, phrases);
    while ((p = cursor_next(&cur, lo, n, from, &ml, &which)) != NPOS) {
        last = p;
        from = p + ml;
    }
    return last;
}

/* Is the address at s named as a target ("the e-mail account
 * treasurer@village.gov", a list under "Accounts:") rather than as a
 * contact ("send the records to ...", "E-mail: ...")? The nearer of the
 * two kinds of cue before it decides. */
#define TARGET_LOOKBACK 300

/* The lower-cased window of at most max bytes before s (caller frees);
 * *len receives its length. */
static char *lower_lookback(const char *text, size_t s, size_t max, size_t *len)
{
    size_t b = s > max ? s - max : 0;
    *len = s - b;
    return lower_dup_range(text + b, *len);
}

static bool named_as_target(const char *text, size_t s)
{
    size_t n;
    char *lo = lower_lookback(text, s, TARGET_LOOKBACK, &n);
    if (!lo)
        return false;
    static const char *const target[] = {
        "account*", "mailbox*", "target*", "associated with", "subscriber of",
        "user of", "konto", "compte", "cuenta", NULL};
    static const char *const contact[] = {
        "e-mail:", "email:", "mail:", "contact*", "send", "sent to", "reply",
        "respond", "question*", "direct*", "produc*", "provid*", "deliver*",
        "furnish*", "return*", "to me", "phone", "tel", "cc", "copy",
        "agent", "officer", "attorney", "ausa", "detective", "investigator",
        "inspector", "signed", "sincerely", "regards", "|", NULL};
    size_t last_t = last_phrase_at(lo, n, target);
    size_t last_c = last_phrase_at(lo, n, contact);
    free(lo);
    return last_t != NPOS && (last_c == NPOS || last_c < last_t);
}

/* "you can also reach me at my personal e-mail, x@gmail.com": the
 * requester's own address, introduced in the first person just before. */
#define CONTACT_LOOKBACK 60

static bool first_person_contact(const char *text, size_t s)
{
    size_t n;
    char *lo = lower_lookback(text, s, CONTACT_LOOKBACK, &n);
    if (!lo)
        return false;
    static const char *const cues[] = {
        "me at", "my e-mail", "my email", "my personal", "my address",
        "my mail", "reach me", "contact me", "write to me", "e-mail me",
        "email me", "undersigned at", "my direct", "my own", NULL};
    bool hit = contains_any(lo, n, cues);
    free(lo);
    return hit;
}

/* named_as_target() looks back a bounded window; a text full of
 * government addresses gets only this many looks, the rest are excluded. */
#define TARGET_LOOKS 64
#define CONTACT_LOOKS 4096

static bool excluded_account(const extract_input_t *in, const char *addr,
                             const char *text, size_t pos, int looks[2])
{
    const char *at = strrchr(addr, '@');
    const char *dom = at ? at + 1 : "";
    for (size_t i = 0; i < in->provider_domain_count; i++)
        if (in->provider_domains[i] && domain_within(dom, in->provider_domains[i]))
            return true;
    if (government_domain(dom) &&
        (law_enforcement_domain(dom) || looks[0]++ >= TARGET_LOOKS ||
         !named_as_target(text, pos)))
        return true;
    if (!government_domain(dom) && police_org_domain(dom))
        return true;
    if (looks[1]++ < CONTACT_LOOKS && first_person_contact(text, pos))
        return true;
    const char *sender = in->sender;
    if (sender && strcasecmp(sender, addr) == 0)
        return true;
    for (size_t i = 0; i < in->header_address_count; i++) {
        const char *h = in->header_addresses[i];
        if (!h)
            continue;
        if (strcasecmp(h, addr) == 0)
            return true;
        /* Colleagues of a requester share its (non-freemail) domain. */
        const char *hat = strrchr(h, '@');
        if (hat && strcasecmp(hat + 1, dom) == 0 && !freemail_domain(dom))
            return true;
    }
    return false;
}

void extract_accounts(const extract_input_t *in, const char *text, size_t len,
                      void (*add)(void *ctx, const char *account), void *ctx)
{
    int looks[2] = {0, 0};
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '@')
            continue;
        size_t s = i, e = i + 1;
        while (s > 0 && i - s < 64 && local_char((unsigned char)text[s - 1]))
            s--;
        while (s < i && (text[s] == '.' || text[s] == '\''))
            s++;   /* a quote or dot cannot start a local part */
        while (e < len && e - i < 255 && domain_char((unsigned char)text[e]))
            e++;
        while (e > i + 1 && (text[e - 1] == '.' || text[e - 1] == '-'))
            e--;
        const char *dot = NULL;
        for (size_t k = e; k > i + 1 && !dot; k--)
            if (text[k - 1] == '.')
                dot = text + k - 1;
        size_t tld = dot ? (size_t)(text + e - dot - 1) : 0;
        if (s == i || !dot || tld < 2) {
            i = e > i ? e - 1 : i;
            continue;
        }
        bool alpha_tld = true;
        for (const char *c = dot + 1; c < text + e; c++)
            alpha_tld &= isalpha((unsigned char)*c) != 0;
        char *addr = dup_range(text + s, e - s);
        if (addr && alpha_tld) {
            for (char *c = addr; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            if (!excluded_account(in, addr, text, s, looks))
                add(ctx, addr);
        }
        free(addr);
        i = e - 1;
    }
}

/* ================================================================== */
/* everything                                                          */
/* ================================================================== */

typedef struct {
    request_t *req;
    int rc;
} add_ctx_t;

static void add_to_request(void *ctx, const char *account)
{
    add_ctx_t *a = ctx;
    if (request_add_account(a->req, account) != 0)
        a->rc = -1;
}

static bool parse_iso(const char *s, date_t *d)
{
    return s && strlen(s) == 10 && date_parse_at(s, 10, d) == 10 && date_valid(d);
}

int extract_request(const extract_input_t *in, request_t *out)
{
    if (!in || !out)
        return -1;
    size_t n;
    char *t = extract_normalize(in->text, in->text ? in->len : 0, &n);
    if (!t)
        return -1;
    out->type = extract_type(t, n, in->subject);

    char cc[3] = "";
    char *agency = extract_agency(t, n, in->subject, in->sender, cc);
    free(out->issuing_agency);
    out->issuing_agency = agency;
    free(out->issuing_country);
    out->issuing_country = extract_country(t, n, out->type, cc, in->sender);
    free(out->requesting_country);
    out->requesting_country = extract_requesting_country(
        t, n, in->subject, out->type, out->issuing_country, cc, in->sender);
    free(out->reference);
    out->reference = extract_reference(t, n, in->subject);

    add_ctx_t a = {.req = out, .rc = 0};
    extract_accounts(in, t, n, add_to_request, &a);
    out->categories = extract_categories(t, n);

    /* Numeric dates read month-first in US requests, day-first in those
     * from agencies abroad ("Date: 03/02/2025" from the NCA). */
    bool day_first = cc[0] && strcmp(cc, "US") != 0;
    date_t letter;
    bool have_letter = extract_letter_date(t, n, day_first, &letter) ||
                       parse_iso(in->mail_date, &letter);
    const date_t *ld = have_letter ? &letter : NULL;
    out->nondisclosure = extract_nondisclosure(t, n, out->type, ld, day_first,
                                               out->nondisclosure_until);
    extract_deadline(t, n, ld, day_first, out->deadline);
    out->emergency = extract_emergency(t, n, out->type);
    free(t);
    return a.rc;
}
