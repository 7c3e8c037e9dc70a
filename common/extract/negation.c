/* negation.c -- is a mention negated in its clause ("not", "excluding",
 * "... is not requested")? Shared by the categories, the type and the
 * emergency claim.
 */
#include "text.h"
#include "rules.h"

#include <string.h>

/* First match of any phrase that is not negated in its clause. */
size_t find_affirmed(const text_view_t *v, const char *const *phrases)
{
    size_t best = NPOS;
    for (int k = 0; phrases[k]; k++) {
        size_t from = 0, ml, p;
        int guard = 0;
        while (guard++ < MATCH_LIMIT_CUE && from < best &&
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

#define IGNORE_WINDOW 100

/* A negation cue before the mention in its clause, or a trailing one
 * after it ("... is not requested"). */
bool negated_in_clause(const text_view_t *v, size_t p, size_t l)
{
    size_t cs, ce;
    clause_bounds(v->t, v->n, p, l, &cs, &ce);
    /* "The name, address, e-mail ... of the United States attorney who
     * requests this subpoena": the requester's own contact details. The
     * person follows the data words closely. */
    size_t ie = p + l + IGNORE_WINDOW < ce ? p + l + IGNORE_WINDOW : ce;
    if (find_any(v->lo, ie, p + l, rules_negation_ignore, NULL, NULL) != NPOS)
        return true;
    size_t from = cs, ml, q;
    int which, guard = 0;
    while (guard++ < MATCH_LIMIT_SENTENCE &&
           (q = find_any(v->lo, p, from, rules_negation_before, &ml, &which)) != NPOS) {
        from = q + ml;
        bool harmless = false;
        for (int k = 0; rules_negation_benign[k]; k++) {
            size_t bl = strlen(rules_negation_benign[k]);
            size_t s = q >= 7 ? q - 7 : 0; /* "whether or not" starts earlier */
            for (size_t b = s; b <= q && !harmless; b++)
                if (b + bl <= v->n &&
                    strncmp(v->lo + b, rules_negation_benign[k], bl) == 0 && b + bl > q)
                    harmless = true;
        }
        if (!harmless)
            return true;
    }
    return find_any(v->lo, ce, p + l, rules_negation_after, NULL, NULL) != NPOS;
}
