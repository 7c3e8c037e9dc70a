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

/* Process that is only announced ("pending the issuance of a court
 * order", "a subpoena will follow") is not the document at hand. The
 * announcing words sit close before or after the mention, in its
 * sentence. */
#define PROSPECT_WINDOW 60
#define PROSPECT_FAR_WINDOW 160

/* Announcements whose verb may stand further back in the sentence:
 * "A formal request will follow through the mutual legal assistance
 * process", "pending a request under the Treaty between Canada and the
 * United States on Mutual Legal Assistance". */

/* Process the writer says is absent: "We don't have a subpoena yet",
 * "without a warrant", "no court order has been issued". The denial
 * stands right before the mention (an article or adjective between). */

/* Process the writer says is absent, the denial right before or after
 * the mention [p, p+l) in its sentence [s, e). */
static bool denied_mention(const char *t, size_t p, size_t l, size_t s, size_t e)
{
    size_t ns = p - s > 24 ? p - 24 : s;
    size_t ne = e - (p + l) > 24 ? p + l + 24 : e;
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
