/* categories.c -- data_categories: subscriber, transactional and content
 * data asked for, by phrase, where the mention is not negated, a label or
 * the requester's own details.
 */
#include "extract.h"
#include "fields.h"
#include "rules.h"

#include <string.h>

/* Is the match at p a usable mention? Filters labels ("Telephone:"),
 * "non-content", "the contents of this letter" and "Attachment(s) A". */
static bool category_mention_ok(const text_view_t *v, size_t p, size_t l)
{
    size_t e = skip_spaces(v->lo, v->n, p + l);
    if (e < v->n && (v->lo[e] == ':' || isdigit((unsigned char)v->lo[e])))
        return false;
    if (p >= 4 && strncmp(v->lo + p - 4, "non-", 4) == 0)
        return false;
    if (p >= 5 && strncmp(v->lo + p - 5, "toll ", 5) == 0)
        return false; /* an NSL's "toll billing records" are not billing data */
    if (strncmp(v->lo + p, "content", 7) == 0) {
        for (int k = 0; rules_categories_self_references[k]; k++)
            if (strncmp(v->lo + p + l, rules_categories_self_references[k],
                        strlen(rules_categories_self_references[k])) == 0)
                return false;
    }
    if (strncmp(v->lo + p, "attachments", 11) == 0 && p + l + 2 < v->n &&
        v->lo[p + l] == ' ' && isupper((unsigned char)v->t[p + l + 1]) &&
        !isalpha((unsigned char)v->t[p + l + 2]))
        return false;
    return true;
}
static bool category_present(const text_view_t *v, const char *const *phrases)
{
    for (int k = 0; phrases[k]; k++) {
        size_t from = 0, ml, p;
        int guard = 0;
        while (guard++ < MATCH_LIMIT_CATEGORY &&
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
bool asks_for_data(const text_view_t *v)
{
    return category_present(v, rules_categories_subscriber) ||
           category_present(v, rules_categories_transactional) ||
           category_present(v, rules_categories_content) ||
           contains_any(v->lo, v->n, rules_categories_disclosure_verbs);
}

unsigned categories_of(const text_view_t *vp)
{
    text_view_t v = *vp;
    unsigned cats = 0;
    if (category_present(&v, rules_categories_subscriber))
        cats |= CAT_SUBSCRIBER;
    if (category_present(&v, rules_categories_transactional))
        cats |= CAT_TRANSACTIONAL;
    if (category_present(&v, rules_categories_content))
        cats |= CAT_CONTENT;
    return cats;
}

unsigned extract_categories(const char *text, size_t len)
{
    text_view_t v;
    if (!text_view_init(&v, text, len))
        return 0;
    unsigned r = categories_of(&v);
    text_view_free(&v);
    return r;
}
