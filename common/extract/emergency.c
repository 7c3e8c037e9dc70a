/* emergency.c -- emergency: a present danger to life or of serious
 * injury claimed (not denied, not hypothetical, narrative wording only
 * with an emergency word or "now").
 */
#include "extract.h"
#include "fields.h"


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
static bool hypothetical_mention(const text_view_t *v, size_t p)
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
bool danger_claimed(const text_view_t *v)
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
