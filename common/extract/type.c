/* type.c -- request_type: an emergency claim or a foreign (MLAT) request
 * first, then the document's own name (statute citations and titles,
 * strong cues before weak ones), the subject before the text; process
 * only announced or denied ("a subpoena will follow") does not count.
 */
#include "extract.h"
#include "fields.h"
#include "rules.h"

#include <stdlib.h>
#include <string.h>

/* A table of cues (config/rules/type_*_cues.txt): phrase and type. */
typedef const char *const type_cues_t[2];

/* Process that is only announced ("pending the issuance of a court
 * order", "a subpoena will follow") is not the document at hand. The
 * announcing words sit close before or after the mention, in its
 * sentence. */
/* How far type's rules look around a mention, in bytes (text.h). */
#define DENIAL_WINDOW 24        /* "no", "has not been" right beside it */
#define PROSPECT_WINDOW 60      /* "will seek", "intends to obtain" */
#define PROSPECT_FAR_WINDOW 160 /* "if you do not comply, we will ..." */

/* Process the writer says is absent, the denial right before or after
 * the mention [p, p+l) in its sentence [s, e). */
static bool denied_mention(const char *t, size_t p, size_t l, size_t s, size_t e)
{
    size_t ns = window_before(p, DENIAL_WINDOW, s);
    size_t ne = window_after(e, p + l, DENIAL_WINDOW);
    char *nb = lower_dup_range(t + ns, p - ns);
    char *na = lower_dup_range(t + p + l, ne - (p + l));
    bool denied = false;
    for (int k = 0; nb && !denied && rules_type_denied_before[k]; k++) {
        size_t dl = strlen(rules_type_denied_before[k]);
        const char *q = nb;
        /* the denial ends at most one word before the mention */
        while (!denied && (q = strstr(q, rules_type_denied_before[k])) != NULL) {
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
        denied = contains_any(na, ne - (p + l), rules_type_denied_after);
    free(nb);
    free(na);
    return denied;
}

static bool prospective_mention(const char *t, size_t n, size_t p, size_t l)
{
    size_t s, e;
    sentence_bounds(t, n, p, &s, &e);
    /* A match may run past the end of the sentence it starts in (the
     * phrase search skips line breaks and punctuation): the windows after
     * it start at its end, so the sentence must reach that far. */
    if (e < p + l)
        e = p + l;
    if (denied_mention(t, p, l, s, e))
        return true;
    size_t bs = p - s > PROSPECT_WINDOW ? p - PROSPECT_WINDOW : s;
    size_t fs = p - s > PROSPECT_FAR_WINDOW ? p - PROSPECT_FAR_WINDOW : s;
    size_t ae = p + l;
    size_t as_end = e - ae > PROSPECT_WINDOW ? ae + PROSPECT_WINDOW : e;
    char *lb = lower_dup_range(t + fs, p - fs);
    char *la = ae <= as_end ? lower_dup_range(t + ae, as_end - ae) : NULL;
    bool hit = (lb && contains_any(lb + (bs - fs), p - bs, rules_type_prospect_before)) ||
               (lb && contains_any(lb, p - fs, rules_type_prospect_far_before)) ||
               (la && contains_any(la, as_end - ae, rules_type_prospect_after));
    free(lb);
    free(la);
    return hit;
}

/* First mention of phrase in t/lo that is about the document itself. */
static size_t find_current(const char *t, const char *lo, size_t n, const char *phrase)
{
    size_t from = 0, ml, p;
    int guard = 0;
    while (guard++ < MATCH_LIMIT_LABEL &&
           (p = find_phrase(lo, n, from, phrase, &ml)) != NPOS) {
        if (!prospective_mention(t, n, p, ml))
            return p;
        from = p + ml;
    }
    return NPOS;
}

/* The earliest cue of a table in the text: returns its type or
 * REQ_TYPE_COUNT. */
static request_type_t earliest_cue(const char *t, const char *lo, size_t n,
                                   const type_cues_t *cues, size_t count)
{
    size_t best = NPOS;
    request_type_t type = REQ_TYPE_COUNT;
    for (size_t k = 0; k < count; k++) {
        size_t p = find_current(t, lo, n, cues[k][RULES_TYPE_STRONG_CUES_PHRASE]);
        if (p < best) {
            best = p;
            type = request_type_from_name(cues[k][RULES_TYPE_STRONG_CUES_TYPE]);
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

request_type_t type_of(const text_view_t *vp, const char *subject)
{
    const text_view_t v = *vp;
    char *subj = lower_dup(subject);
    size_t sn = subj ? strlen(subj) : 0;
    request_type_t t = REQ_TYPE_COUNT;

    /* An emergency claim or a foreign request decides the type whatever
     * other process the text mentions (an MLAT may describe a warrant). */
    if (find_affirmed(&v, rules_type_emergency_cues) != NPOS ||
        (subj && contains_any(subj, sn, rules_type_emergency_cues)))
        t = REQ_EMERGENCY_REQUEST;
    else if (has_current(v.t, v.lo, v.n, rules_type_mlat_cues) ||
             (subj && contains_any(subj, sn, rules_type_mlat_cues)))
        t = REQ_MLAT_REQUEST;
    /* Otherwise the document names itself first: the subject, then the
     * earliest citation or title in the text; every strong cue before any
     * weak one. */
    static const struct {
        const type_cues_t *cues;
        size_t count;
    } names[] = {
        { rules_type_strong_cues, RULES_TYPE_STRONG_CUES_COUNT },
        { rules_type_weak_cues, RULES_TYPE_WEAK_CUES_COUNT },
    };
    for (size_t k = 0; t == REQ_TYPE_COUNT && k < sizeof names / sizeof names[0]; k++) {
        if (subj)
            t = earliest_cue(subj, subj, sn, names[k].cues, names[k].count);
        if (t == REQ_TYPE_COUNT)
            t = earliest_cue(v.t, v.lo, v.n, names[k].cues, names[k].count);
    }
    /* No process named, but a present danger to life claimed: a request
     * for voluntary disclosure in an emergency (\xc2\xa7 2702(b)(8)) in all
     * but name. */
    if (t == REQ_TYPE_COUNT && danger_claimed(&v) && asks_for_data(&v))
        t = REQ_EMERGENCY_REQUEST;
    free(subj);
    return t == REQ_TYPE_COUNT ? REQ_UNKNOWN : t;
}

request_type_t extract_type(const char *text, size_t len, const char *subject)
{
    text_view_t v;
    if (!text_view_init(&v, text, len))
        return REQ_UNKNOWN;
    request_type_t t = type_of(&v, subject);
    text_view_free(&v);
    return t;
}
