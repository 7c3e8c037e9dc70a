/* agency.c -- issuing_agency: agencies named in the text (a dictionary
 * of national agencies, and local ones by the form of their name:
 * "<Name> Police Department"), chosen by a "Requesting agency:" label,
 * the sender's mail domain, investigators before prosecutors, then the
 * earliest.
 */
#include "extract.h"
#include "fields.h"
#include "rules.h"
#include "domain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The phrase lists this file walks with a cursor fit it (text.h). */
CURSOR_FITS(RULES_AGENCY_LABELS_COUNT);

enum { AG_INVESTIGATIVE = 0, AG_PROSECUTOR = 1 };

/* The rules (config/rules): agencies.txt and agency_local_forms.txt, one
 * row each, columns named in rules.h. The agencies' mail domains are the
 * legal team's list (config/agencies.zpl, agencies.h). */
#define AGENCY(k, col) rules_agencies[k][RULES_AGENCIES_##col]
#define LOCAL(k, col) rules_agency_local_forms[k][RULES_AGENCY_LOCAL_FORMS_##col]

static int kind_of(const char *kind)
{
    return strcmp(kind, "prosecutor") == 0 ? AG_PROSECUTOR : AG_INVESTIGATIVE;
}

static bool local_form(size_t k, const char *form)
{
    return strcmp(LOCAL(k, FORM), form) == 0;
}

typedef struct {
    char *name;
    char country[3];
    int kind;
    size_t pos;
} agency_hit_t;

/* A work bound (text.h), not a list's limit: the agencies one text names
 * that are weighed; a letter names one to three. */
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
static void hits_add(agency_hits_t *h, const char *name, size_t nlen, const char *country,
                     int kind, size_t pos)
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

/* The longest acronym in parentheses taken as an agency's short name,
 * and the longest agency name in parentheses in a treaty subject. */
#define ACRONYM_MAX 10
#define SUBJECT_PAREN_MAX 60

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
    while (b < n && b - a < ACRONYM_MAX && (isupper((unsigned char)t[b]) || t[b] == '-'))
        b++;
    if (b < n && t[b] == ')' && b - a >= 2) {
        *len = b - a;
        return a;
    }
    return 0;
}

static void find_dictionary_agencies(const text_view_t *v, agency_hits_t *h)
{
    for (size_t k = 0; k < RULES_AGENCIES_COUNT; k++) {
        bool exact = strcmp(AGENCY(k, MATCH), "exact") == 0;
        const char *name = AGENCY(k, NAME), *country = AGENCY(k, COUNTRY);
        int kind = kind_of(AGENCY(k, KIND));
        size_t ml;
        size_t p = find_phrase(exact ? v->t : v->lo, v->n, 0, AGENCY(k, PATTERN), &ml);
        if (p == NPOS)
            continue;
        /* A long name the letter abbreviates itself ("Metropolitan Police
         * Service (MPS)") is reported by that abbreviation. */
        size_t al = 0;
        size_t as = exact ? 0 : acronym_after(v->t, v->n, p + ml, &al);
        if (al && strlen(name) > al + 4)
            hits_add(h, v->t + as, al, country, kind, p);
        else
            hits_add(h, name, strlen(name), country, kind, p);
    }
}

static bool name_stopword(const char *w, size_t n)
{
    for (int k = 0; rules_agency_name_stopwords[k]; k++)
        if (strlen(rules_agency_name_stopwords[k]) == n &&
            strncmp(w, rules_agency_name_stopwords[k], n) == 0)
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
        while (wb > 0 && t[wb - 1] != ' ' && t[wb - 1] != '\n' && t[wb - 1] != '\t')
            wb--;
        size_t wl = we - wb;
        if (wl == 0 || !isupper((unsigned char)t[wb]) || name_stopword(t + wb, wl))
            break;
        char last = t[we - 1];
        if (!isalnum((unsigned char)last) && last != '.' && last != '\'')
            break;
        if (last == '.' && wl > 3)
            break; /* "Brandt." ends a sentence; "St." is a name */
        start = wb;
        i = wb;
    }
    return start;
}

/* "PINE HOLLOW COUNTY SHERIFF'S OFFICE" -> "Pine Hollow County Sheriff's
 * Office" for letterheads in capitals. */
static void title_case(char *s)
{
    /* words kept small inside a name: "Bureau of Criminal Apprehension",
     * "Department of Public Safety" */
    bool start = true, first = true;
    for (char *p = s; *p; p++) {
        if (isalpha((unsigned char)*p)) {
            bool keep_small = false;
            if (start && !first) {
                size_t wl = 0;
                while (isalpha((unsigned char)p[wl]))
                    wl++;
                for (int k = 0; rules_agency_title_small_words[k] && !keep_small; k++)
                    keep_small =
                        strlen(rules_agency_title_small_words[k]) == wl &&
                        strncasecmp(p, rules_agency_title_small_words[k], wl) == 0;
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

static void find_local_agencies(const text_view_t *v, agency_hits_t *h)
{
    for (size_t k = 0; k < RULES_AGENCY_LOCAL_FORMS_COUNT; k++) {
        size_t from = 0, ml;
        int guard = 0;
        size_t p;
        while (guard++ < MATCH_LIMIT_LIST &&
               (p = find_phrase(v->lo, v->n, from, LOCAL(k, SUFFIX), &ml)) != NPOS) {
            from = p + ml;
            if (memchr(v->t + p, '\n', ml))
                continue; /* "Police\nForce Intelligence Bureau": two lines */
            size_t s = local_name_start(v->t, p);
            if (s == p)
                continue;
            size_t e = p + ml;
            if (local_form(k, "abbreviation")) {
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
            if (local_form(k, "last")) {
                size_t nx = skip_spaces(v->t, v->n, e);
                if (nx < v->n && isupper((unsigned char)v->t[nx]))
                    continue; /* "Police Department", "Police Scotland" */
            }
            /* Part of a dictionary agency's name ("Dutch National Police",
             * "Australian Federal Police"): that entry speaks for it. */
            bool inside = false;
            for (size_t i = 0; i < h->count && !inside; i++)
                inside = h->hit[i].pos >= s && h->hit[i].pos < e;
            if (inside)
                continue;
            if (e < v->n && v->t[e] == '.' && local_form(k, "dotted"))
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
                hits_add(h, name, strlen(name), LOCAL(k, COUNTRY),
                         kind_of(LOCAL(k, KIND)), s);
            free(name);
        }
    }
}

const agencies_t *known_agencies(const agencies_t *given)
{
    return agencies_count(given) ? given : agencies_builtin();
}

const char *sender_agency(const agencies_t *agencies, const char *sender,
                          const char **country)
{
    const char *at = sender ? strrchr(sender, '@') : NULL;
    return at ? agencies_issuer(agencies, at + 1, country) : NULL;
}

bool agency_domain_known(const agencies_t *agencies, const char *d)
{
    return agencies_issuer(agencies, d, NULL) != NULL;
}

/* A "Requesting agency:" style field: the candidate named on that line. */
static const agency_hit_t *labelled_agency(const text_view_t *v, const agency_hits_t *h)
{
    phrase_walk_t w;
    phrase_walk_init(&w, rules_agency_labels, v->lo, v->n, MATCH_LIMIT_LABEL);
    while (phrase_walk_next(&w)) {
        size_t le = view_line_end(v, w.at);
        /* the agency the label names first, not one mentioned after it
         * ("Riverside Police Department (in coordination with the FBI)") */
        const agency_hit_t *first = NULL;
        for (size_t i = 0; i < h->count; i++)
            if (h->hit[i].pos >= w.at && h->hit[i].pos < le &&
                (!first || h->hit[i].pos < first->pos))
                first = &h->hit[i];
        if (first)
            return first;
    }
    return NULL;
}

/* by_domain: the agency of the sender's mail domain, or NULL. */
static const agency_hit_t *choose_agency(const text_view_t *v, const agency_hits_t *h,
                                         const char *by_domain)
{
    const agency_hit_t *best = labelled_agency(v, h);
    if (best)
        return best;
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
    for (size_t r = 0; r < RULES_AGENCY_PARENTS_COUNT; r++) {
        const char *const *rel = rules_agency_parents[r];
        bool child = false;
        for (size_t i = 0; i < h->count; i++)
            child |= strcmp(h->hit[i].name, rel[RULES_AGENCY_PARENTS_CHILD]) == 0;
        for (size_t i = 0; child && i < h->count; i++)
            if (strcmp(h->hit[i].name, rel[RULES_AGENCY_PARENTS_PARENT]) == 0) {
                free(h->hit[i].name);
                h->hit[i] = h->hit[--h->count];
                break;
            }
    }
}

static char *agency_in(const text_view_t *v, const char *by_domain, char country[3])
{
    agency_hits_t h = { .count = 0 };
    find_dictionary_agencies(v, &h);
    find_local_agencies(v, &h);
    drop_parent_agencies(&h);
    const agency_hit_t *a = choose_agency(v, &h, by_domain);
    char *name = NULL;
    if (a) {
        name = strdup(a->name);
        snprintf(country, 3, "%s", a->country);
    }
    hits_free(&h);
    return name;
}

/* agency_in() over a text of its own (the subject). */
static char *agency_in_text(const char *text, size_t len, const char *by_domain,
                            char country[3])
{
    text_view_t v;
    if (!text_view_init(&v, text, len))
        return NULL;
    char *name = agency_in(&v, by_domain, country);
    text_view_free(&v);
    return name;
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
        if (close && close - (subject + j) > 2 &&
            close - (subject + j) < SUBJECT_PAREN_MAX) {
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
    for (size_t k = 0; k < RULES_AGENCIES_COUNT; k++)
        if (strcmp(AGENCY(k, NAME), name) == 0)
            return kind_of(AGENCY(k, KIND)) == AG_INVESTIGATIVE;
    size_t n = strlen(name);
    for (size_t k = 0; k < RULES_AGENCY_LOCAL_FORMS_COUNT; k++) {
        size_t l = strlen(LOCAL(k, SUFFIX));
        if (n >= l && strcasecmp(name + n - l, LOCAL(k, SUFFIX)) == 0)
            return kind_of(LOCAL(k, KIND)) == AG_INVESTIGATIVE;
    }
    return true;
}

char *agency_of(const text_view_t *v, const char *subject, const char *sender,
                const agencies_t *agencies, char country[3])
{
    country[0] = '\0';
    const char *cc = NULL;
    const char *by_domain = sender_agency(agencies, sender, &cc);
    char *name = agency_in(v, by_domain, country);
    if (!name && subject)
        name = agency_in_text(subject, strlen(subject), by_domain, country);
    if (!name && subject)
        name = subject_paren_agency(subject, country);
    if (name && by_domain && !agency_investigative(name)) {
        /* Only a prosecutor is named ("USAO No. ..."), but the letter comes
         * from a known investigating agency: that agency applied. */
        free(name);
        name = NULL;
    }
    if (!name && by_domain) {
        /* The letter names no agency, but it comes from a known one. */
        name = strdup(by_domain);
        snprintf(country, 3, "%s", cc ? cc : "");
    }
    return name;
}

char *extract_agency(const char *text, size_t len, const char *subject,
                     const char *sender, char country[3])
{
    text_view_t v;
    country[0] = '\0';
    if (!text_view_init(&v, text, len))
        return NULL;
    char *name = agency_of(&v, subject, sender, agencies_builtin(), country);
    text_view_free(&v);
    return name;
}
