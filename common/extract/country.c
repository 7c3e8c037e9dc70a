/* country.c -- issuing_country (the state serving the request) and
 * requesting_country (the state that asked, for a treaty request): country
 * names, cues ("Requesting State:", "executed in"), nationalities and
 * the sender's national mail domain.
 */
#include "extract.h"
#include "fields.h"
#include "rules.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The phrase lists this file walks with a cursor fit it (text.h). */
CURSOR_FITS(RULES_COUNTRY_EXECUTE_CUES_COUNT);
CURSOR_FITS(RULES_COUNTRY_AUTHORITY_CUES_COUNT);
CURSOR_FITS(RULES_COUNTRY_REQUESTING_CUES_COUNT);
CURSOR_FITS(RULES_COUNTRY_AUTHORITY_NOUNS_COUNT);

const char *country_at(const char *lo, size_t n, size_t i, size_t *len)
{
    for (size_t k = 0; k < RULES_COUNTRIES_COUNT; k++) {
        const char *name = rules_countries[k][RULES_COUNTRIES_NAME];
        size_t l = strlen(name);
        if (i + l <= n && strncmp(lo + i, name, l) == 0 &&
            (i + l == n || !isalpha((unsigned char)lo[i + l]))) {
            if (len)
                *len = l;
            return rules_countries[k][RULES_COUNTRIES_CODE];
        }
    }
    return NULL;
}

/* Whether c is a country and not state (NULL: none to avoid). */
static bool other_country(const char *c, const char *state)
{
    return c && (!state || strcmp(c, state) != 0);
}

/* How far back a country's name may start before a cue, in bytes. */
#define COUNTRY_BEFORE_MAX 24

/* The country immediately before position p ("UK Central Authority"). */
static const char *country_before(const char *lo, size_t p)
{
    for (size_t back = 2; back <= COUNTRY_BEFORE_MAX && back <= p; back++) {
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
static const char *mlat_country(const text_view_t *v, const char *requesting)
{
    /* Where the request is to be executed says it best; a central
     * authority can be either state's ("transmitted from the Central
     * Authority of Spain"), so it counts only when nothing says where. */
    const char *const *passes[] = { rules_country_execute_cues,
                                    rules_country_authority_cues };
    for (size_t k = 0; k < 2; k++) {
        phrase_walk_t w;
        phrase_walk_init(&w, passes[k], v->lo, v->n, MATCH_LIMIT_CUE);
        while (phrase_walk_next(&w)) {
            size_t i = skip_ws(v->lo, v->n, w.end);
            const char *c = country_at(v->lo, v->n, i, NULL);
            if (other_country(c, requesting))
                return c;
        }
    }
    size_t from = 0, ml, p;
    int guard = 0;
    while (guard++ < MATCH_LIMIT_CUE &&
           (p = find_phrase(v->lo, v->n, from, "central authority", &ml)) != NPOS) {
        from = p + ml;
        const char *c = country_before(v->lo, p);
        if (other_country(c, requesting))
            return c;
    }
    if (contains_any(v->lo, v->n, rules_country_us_executes) &&
        other_country("US", requesting))
        return "US";
    /* The provider is a US company: US process executes foreign requests
     * unless the text says otherwise. */
    return "US";
}

/* The country of a sender's mail domain: national TLDs, and the US for
 * .gov / .mil / .us. Generic TLDs say nothing. */
static const char *sender_country(const char *sender)
{
    const char *at = sender ? strrchr(sender, '@') : NULL;
    const char *dot = at ? strrchr(at, '.') : NULL;
    if (!dot)
        return NULL;
    for (size_t k = 0; k < RULES_COUNTRY_TLDS_COUNT; k++)
        if (strcasecmp(dot + 1, rules_country_tlds[k][RULES_COUNTRY_TLDS_SUFFIX]) == 0)
            return rules_country_tlds[k][RULES_COUNTRY_TLDS_CODE];
    return NULL;
}

char *country_of(const text_view_t *v, request_type_t type, const char *agency_country,
                 const char *sender)
{
    const char *cc = NULL;
    const char *ac = agency_country && *agency_country ? agency_country : NULL;
    if (type == REQ_MLAT_REQUEST)
        cc = mlat_country(v, ac);
    else if (ac)
        cc = ac;
    else if ((cc = sender_country(sender)) && strcmp(cc, "US") != 0)
        ; /* a UK force citing 18 U.S.C. 2702 is still a UK request */
    else if (contains_any(v->lo, v->n, rules_country_us_cues))
        cc = "US";
    else
        cc = sender_country(sender);
    return cc ? strdup(cc) : NULL;
}

char *extract_country(const char *text, size_t len, request_type_t type,
                      const char *agency_country, const char *sender)
{
    text_view_t v;
    if (!text_view_init(&v, text, len))
        return NULL;
    char *cc = country_of(&v, type, agency_country, sender);
    text_view_free(&v);
    return cc;
}

/* At most this many filler words between a cue and its country. */
#define FILLERS_MAX 8

/* The country named right after position i, past "the", "government
 * of", "authorities of", "republic of" and punctuation ("Requesting
 * State: Ireland", "on behalf of the authorities of the Netherlands",
 * "Mutual Legal Assistance - Germany"). */
static const char *country_after(const char *lo, size_t n, size_t i)
{
    for (int guard = 0; guard < FILLERS_MAX; guard++) {
        while (i < n && (isspace((unsigned char)lo[i]) || lo[i] == ':' || lo[i] == '-' ||
                         lo[i] == '(' || lo[i] == ','))
            i++;
        bool skipped = false;
        for (int k = 0; rules_country_fillers[k] && !skipped; k++) {
            size_t l = strlen(rules_country_fillers[k]);
            if (i + l <= n && strncmp(lo + i, rules_country_fillers[k], l) == 0) {
                i += l;
                skipped = true;
            }
        }
        if (!skipped)
            break;
    }
    return i < n ? country_at(lo, n, i, NULL) : NULL;
}

/* The first country the text names that is not the requested state:
 * right after a cue ("Requesting State:", "on behalf of"), or, by
 * nationality, right before a word for the authorities that asked ("the
 * Irish authorities", "German police"). */
static const char *foreign_country_named(const char *lo, size_t n, const char *issuing,
                                         bool by_nationality)
{
    phrase_walk_t w;
    if (by_nationality)
        phrase_walk_init(&w, rules_country_authority_nouns, lo, n, MATCH_LIMIT_LIST);
    else
        phrase_walk_init(&w, rules_country_requesting_cues, lo, n, MATCH_LIMIT_CUE);
    while (phrase_walk_next(&w)) {
        const char *c =
            by_nationality ? country_before(lo, w.at) : country_after(lo, n, w.end);
        if (other_country(c, issuing))
            return c;
    }
    return NULL;
}

char *requesting_country_of(const text_view_t *v, const char *subject,
                            request_type_t type, const char *issuing_country,
                            const char *agency_country, const char *sender)
{
    const char *issuing = issuing_country && *issuing_country ? issuing_country : NULL;
    if (type != REQ_MLAT_REQUEST)
        return issuing ? strdup(issuing) : NULL;
    /* A treaty request: the foreign state, never the requested one. */
    const char *ac = agency_country && *agency_country ? agency_country : NULL;
    if (other_country(ac, issuing))
        return strdup(ac);
    const char *cc = NULL;
    char *slo = subject ? lower_dup(subject) : NULL;
    if (slo)
        cc = foreign_country_named(slo, strlen(slo), issuing, false);
    if (!cc) {
        cc = foreign_country_named(v->lo, v->n, issuing, false);
        if (!cc)
            cc = foreign_country_named(v->lo, v->n, issuing, true);
    }
    if (!cc && slo)
        cc = foreign_country_named(slo, strlen(slo), issuing, true);
    free(slo);
    if (!cc) {
        const char *sc = sender_country(sender);
        if (other_country(sc, issuing))
            cc = sc;
    }
    return cc ? strdup(cc) : NULL;
}

char *extract_requesting_country(const char *text, size_t len, const char *subject,
                                 request_type_t type, const char *issuing_country,
                                 const char *agency_country, const char *sender)
{
    text_view_t v;
    if (!text_view_init(&v, text, len))
        return NULL;
    char *cc =
        requesting_country_of(&v, subject, type, issuing_country, agency_country, sender);
    text_view_free(&v);
    return cc;
}
