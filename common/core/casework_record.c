/* casework_record.c -- what a case's casework record says, without an
 * act: whether an account is still undecided, what the policy proposed,
 * whether a gag is live or a notice withheld, and the date rule the acts
 * take (casework.h); and the peeks into the casework JSON object the acts
 * share with it (casework_impl.h). Pure functions.
 */
#include "casework.h"
#include "casework_impl.h"
#include "pipeline.h"

#include <ctype.h>
#include <string.h>

bool casework_date_ok(const char *s)
{
    long n = pipeline_date_number(s);
    if (n == 0)
        return false;
    int y = (int)(n / 10000), m = (int)(n / 100 % 100), d = (int)(n % 100);
    static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

const char *cw_jget(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The account's casework entry, or NULL when it has none (no allocation). */
json_t *cw_account_peek(json_t *cw, const char *account)
{
    return json_object_get(json_object_get(cw, "accounts"), account);
}

bool casework_undecided(const account_decision_t *d)
{
    return d->decision == DEC_NONE || d->decision == DEC_NEEDS_REVIEW ||
           d->decision == DEC_EMERGENCY_REVIEW || d->decision >= DEC_COUNT;
}

decision_t casework_proposal(const account_decision_t *d)
{
    static const char marker[] = "the policy would decide ";
    const char *p = d->reason ? strstr(d->reason, marker) : NULL;
    if (!p)
        return DEC_NONE;
    p += sizeof marker - 1;
    char name[64];
    size_t n = 0;
    while (p[n] && (islower((unsigned char)p[n]) || p[n] == '_') && n + 1 < sizeof name) {
        name[n] = p[n];
        n++;
    }
    name[n] = '\0';
    decision_t dec = decision_from_name(name);
    return dec >= DEC_COUNT ||
                   casework_undecided(&(account_decision_t){ .decision = dec })
               ? DEC_NONE
               : dec;
}

bool casework_gag_live(const account_decision_t *d, json_t *cw, const char *today)
{
    if (d->notice != NOTICE_HELD)
        return false;
    const char *gag =
        cw_jget(json_object_get(cw_account_peek(cw, d->account), "gag"), "state");
    if (gag && (!strcmp(gag, "lifted") || !strcmp(gag, "set_aside")))
        return false;
    if (!d->release_on[0])
        return true; /* indefinite (e.g. an NSL) */
    return pipeline_date_number(d->release_on) > pipeline_date_number(today);
}

const char *cw_notice_state(json_t *cw, const char *account)
{
    return cw_jget(cw_account_peek(cw, account), "notice");
}

bool casework_notice_withheld(json_t *cw, const char *account)
{
    const char *ns = cw_notice_state(cw, account);
    return ns && !strcmp(ns, "withheld");
}

size_t casework_keep_withheld(case_t *c, json_t *cw)
{
    size_t kept = 0;
    bool deferred = false;
    for (size_t i = 0; i < c->account_count; i++) {
        account_decision_t *d = &c->accounts[i];
        if (!casework_notice_withheld(cw, d->account))
            continue;
        if (d->notice == NOTICE_PREPARED)
            d->notice = NOTICE_DEFERRED;
        if (d->notice == NOTICE_DEFERRED || d->notice == NOTICE_HELD)
            kept++;
        deferred |= d->notice == NOTICE_DEFERRED;
    }
    if (deferred && !c->review_reason)
        case_set_review(c, CW_WITHHELD_REVIEW);
    return kept;
}

const char *cw_gag_state(json_t *cw, const char *account)
{
    return cw_jget(json_object_get(cw_account_peek(cw, account), "gag"), "state");
}
