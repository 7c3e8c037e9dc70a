/* emergency.c -- emergency: a present danger to life or of serious
 * injury claimed (not denied, not hypothetical, narrative wording only
 * with an emergency word or "now").
 */
#include "extract.h"
#include "fields.h"
#include "rules.h"

/* The phrase lists this file walks with a cursor fit it (text.h). */
CURSOR_FITS(RULES_EMERGENCY_DANGER_NARRATIVE_COUNT);
CURSOR_FITS(RULES_EMERGENCY_DANGER_PRESENT_COUNT);

/* How far before a danger's mention "if", "in case of" are looked for. */
#define CONDITION_WINDOW 120

/* A danger mentioned only as a condition or an instruction ("If you
 * believe there is an imminent threat to life, call 911", "for
 * emergencies involving danger of death ...") is not a claim. */
static bool hypothetical_mention(const text_view_t *v, size_t p)
{
    size_t s, e;
    view_sentence(v, p, &s, &e);
    size_t from = window_before(p, CONDITION_WINDOW, s);
    return find_any(v->lo, p, from, rules_emergency_conditions, NULL, NULL) != NPOS;
}

/* Does the text claim a present danger of death or serious physical
 * injury? Any affirmed, non-hypothetical mention counts, with or without
 * the word "emergency": "a child is at risk of serious bodily harm" is
 * the claim the contract asks about. */
bool danger_claimed(const text_view_t *v)
{
    /* "This is not an emergency", "no emergency exists now". */
    if (contains_any(v->lo, v->n, rules_emergency_denials))
        return false;
    bool said = find_affirmed(v, rules_emergency_words) != NPOS;
    /* Without an emergency word, narrative wording is a claim only when its
     * sentence places the danger now: "threatened to kill the victim by
     * midnight", "will kill herself tonight". */
    for (int list = 0; list < 2; list++) {
        phrase_walk_t w;
        phrase_walk_init(
            &w, list ? rules_emergency_danger_narrative : rules_emergency_danger_present,
            v->lo, v->n, MATCH_LIMIT_CUE);
        while (phrase_walk_next(&w)) {
            if (negated_in_clause(v, w.at, w.end - w.at) || hypothetical_mention(v, w.at))
                continue;
            if (!list || said)
                return true;
            size_t s, e;
            view_sentence(v, w.at, &s, &e);
            if (find_any(v->lo, e, s, rules_emergency_now, NULL, NULL) != NPOS)
                return true;
        }
    }
    return false;
}

bool emergency_of(const text_view_t *vp, request_type_t type)
{
    if (type == REQ_EMERGENCY_REQUEST)
        return true;
    /* An NSL's only danger wording is its gag certification. */
    if (type == REQ_NATIONAL_SECURITY_LETTER)
        return false;
    text_view_t v = *vp;
    bool claim = danger_claimed(&v);
    return claim;
}

bool extract_emergency(const char *text, size_t len, request_type_t type)
{
    text_view_t v;
    if (!text_view_init(&v, text, len))
        return false;
    bool r = emergency_of(&v, type);
    text_view_free(&v);
    return r;
}
