/* policy.c -- the decision table of default-policy.md for one account.
 *
 * policy_decide() walks the table top to bottom and stops at the first rule
 * that applies, writing the decision, the categories the process suffices
 * for (granted) and those it does not (refused), the cloud_act comity flag
 * and a one-line reason naming the facts the rule turned on, so that a
 * lawyer reading the case sees why without opening the code. Pure: the
 * caller looks the account up and passes the location in.
 */
#include "policy.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REASON_MAX 1024

/* ---- settings ---------------------------------------------------------- */

void policy_settings_default(policy_settings_t *self)
{
    memset(self, 0, sizeof *self);
    self->reach = REACH_TERRITORIAL;
    self->redirect_enterprise = true;
    memcpy(self->provider_country, "US", 3);
    memcpy(self->agreements[0], "GB", 3);
    memcpy(self->agreements[1], "AU", 3);
    self->agreement_count = 2;
}

int policy_reach_from_name(const char *name, reach_t *out)
{
    if (!name || !out)
        return -1;
    if (strcmp(name, "territorial") == 0)
        *out = REACH_TERRITORIAL;
    else if (strcmp(name, "cloud_act") == 0)
        *out = REACH_CLOUD_ACT;
    else
        return -1;
    return 0;
}

/* Parses into a scratch list first so that a bad list leaves the settings
 * as they were (a typo in config must not silently drop agreements). */
int policy_set_agreements(policy_settings_t *self, const char *list)
{
    if (!self || !list)
        return -1;
    char found[POLICY_MAX_AGREEMENTS][3];
    size_t count = 0;
    const char *p = list;
    while (*p) {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        size_t n = strcspn(p, ", \t\r\n\f\v");
        if (n != 2 || !isalpha((unsigned char)p[0]) || !isalpha((unsigned char)p[1]) ||
            count == POLICY_MAX_AGREEMENTS)
            return -1;
        found[count][0] = (char)toupper((unsigned char)p[0]);
        found[count][1] = (char)toupper((unsigned char)p[1]);
        found[count][2] = '\0';
        count++;
        p += n;
    }
    memcpy(self->agreements, found, sizeof found[0] * count);
    self->agreement_count = count;
    return 0;
}

/* ---- rule 7: what each process reaches ----------------------------------- */

unsigned policy_sufficient_categories(request_type_t type)
{
    switch (type) {
    case REQ_SEARCH_WARRANT:
    case REQ_MLAT_REQUEST:
        return CAT_ALL;
    case REQ_COURT_ORDER:
        return CAT_SUBSCRIBER | CAT_TRANSACTIONAL;
    case REQ_SUBPOENA:
    case REQ_NATIONAL_SECURITY_LETTER:
        /* NSL: the narrow reading of § 2709 (DOJ OLC, 2008). */
        return CAT_SUBSCRIBER;
    default:
        /* Preservation, emergency and unknown are not compulsory process
         * for disclosure; rules 2-4 catch them before rule 7. */
        return 0;
    }
}

/* ---- reason text ----------------------------------------------------------- */

typedef struct {
    char text[REASON_MAX];
    size_t len;
} reason_t;

static void say(reason_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends; silently truncates (a reason is one line, never unbounded). */
static void say(reason_t *r, const char *fmt, ...)
{
    if (r->len >= sizeof r->text - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->text + r->len, sizeof r->text - r->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        r->len += (size_t)n;
    if (r->len > sizeof r->text - 1)
        r->len = sizeof r->text - 1;
}

/* Category names in contract order (content, subscriber, transactional),
 * joined with ", " -- e.g. "content, subscriber". */
static void say_categories(reason_t *r, unsigned cats)
{
    static const unsigned order[] = { CAT_CONTENT, CAT_SUBSCRIBER, CAT_TRANSACTIONAL };
    const char *sep = "";
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (cats & order[i]) {
            say(r, "%s%s", sep, request_category_name(order[i]));
            sep = ", ";
        }
    }
}

/* "court_order, search_warrant or mlat_request": the processes that reach
 * the category, in the contract's order. */
static void say_needed_process(reason_t *r, unsigned cat)
{
    static const request_type_t order[] = { REQ_SUBPOENA, REQ_COURT_ORDER,
                                            REQ_SEARCH_WARRANT,
                                            REQ_NATIONAL_SECURITY_LETTER,
                                            REQ_MLAT_REQUEST };
    size_t n = sizeof order / sizeof order[0], total = 0, done = 0;
    for (size_t i = 0; i < n; i++)
        total += (policy_sufficient_categories(order[i]) & cat) != 0;
    for (size_t i = 0; i < n; i++) {
        if (!(policy_sufficient_categories(order[i]) & cat))
            continue;
        done++;
        say(r, "%s%s", done == 1 ? "" : (done == total ? " or " : ", "),
            request_type_name(order[i]));
    }
}

/* "content (needs search_warrant or mlat_request), transactional (...)" */
static void say_shortfall(reason_t *r, unsigned refused)
{
    static const unsigned order[] = { CAT_CONTENT, CAT_SUBSCRIBER, CAT_TRANSACTIONAL };
    const char *sep = "";
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (!(refused & order[i]))
            continue;
        say(r, "%s%s (needs ", sep, request_category_name(order[i]));
        say_needed_process(r, order[i]);
        say(r, ")");
        sep = ", ";
    }
}

static const char *or_unknown(const char *s)
{
    return (s && *s) ? s : "an unknown country";
}

/* "data stored in IE (ie-dublin-1)" */
static void say_storage(reason_t *r, const location_t *loc)
{
    say(r, "data stored in %s", or_unknown(loc->country));
    if (loc->region[0])
        say(r, " (%s)", loc->region);
}

static bool same_country(const char *a, const char *b)
{
    return a && b && *a && *b && strcasecmp(a, b) == 0;
}

static bool has_agreement(const policy_settings_t *s, const char *country)
{
    for (size_t i = 0; i < s->agreement_count && i < POLICY_MAX_AGREEMENTS; i++)
        if (same_country(s->agreements[i], country))
            return true;
    return false;
}

/* ---- the table ------------------------------------------------------------ */

typedef struct {
    const policy_settings_t *s;
    const request_t *req;
    const location_t *loc;
    account_decision_t *d;
    reason_t r;
    const char *type;   /* contract name of the request type */
    const char *issuer; /* issuing country or "unknown" */
} ctx_t;

static void rule_no_data(ctx_t *c)
{
    c->d->decision = DEC_NO_DATA;
    say(&c->r,
        "%s is not in the data-location registry; the provider holds "
        "no data for it",
        c->d->account ? c->d->account : "the account");
}

static void rule_preserve(ctx_t *c)
{
    c->d->decision = DEC_PRESERVE;
    say(&c->r,
        "%s preservation_request (18 U.S.C. § 2703(f)): keep a "
        "snapshot of ",
        c->issuer);
    say_storage(&c->r, c->loc);
    say(&c->r, "; nothing is disclosed until further process arrives");
}

static void rule_emergency(ctx_t *c)
{
    c->d->decision = DEC_EMERGENCY_REVIEW;
    if (c->req->type == REQ_EMERGENCY_REQUEST)
        say(&c->r, "%s emergency_request", c->issuer);
    else
        say(&c->r, "%s %s claims an emergency", c->issuer, c->type);
    say(&c->r, " (danger of death or serious physical injury): voluntary "
               "disclosure under 18 U.S.C. § 2702 is for a person to decide at "
               "once");
}

static void rule_unknown(ctx_t *c)
{
    c->d->decision = DEC_NEEDS_REVIEW;
    say(&c->r, "the request carries no recognisable legal process "
               "(request_type unknown); a person must review it before anything "
               "is decided");
}

/* Rule 5: a treaty request is process in the requested state (the
 * issuing_country) only once that state's own authority serves it -- for
 * the US, the Justice Department's Office of International Affairs, with
 * a court order under 18 U.S.C. § 3512. The foreign agency's own letter
 * of request is not, whatever it asks for. Returns true when it decided. */
bool policy_treaty_route_missing(const request_t *req)
{
    return req && req->type == REQ_MLAT_REQUEST &&
           !same_country(req->auth.agency_country, req->issuing_country);
}

static bool rule_treaty_route(ctx_t *c)
{
    const request_t *req = c->req;
    const char *served_by = req->auth.agency_country;
    if (!policy_treaty_route_missing(req))
        return false;
    account_decision_t *d = c->d;
    d->decision = DEC_REJECT_INSUFFICIENT_PROCESS;
    d->refused =
        (req->categories & CAT_ALL) ? (req->categories & CAT_ALL) : CAT_SUBSCRIBER;
    d->granted = 0;
    const char *agency = req->issuing_agency && *req->issuing_agency
                             ? req->issuing_agency
                             : "the requesting agency";
    say(&c->r, "mlat_request sent by %s", agency);
    if (served_by && *served_by)
        say(&c->r, " (%s)", served_by);
    else if (req->requesting_country && *req->requesting_country)
        say(&c->r, " (from %s)", req->requesting_country);
    say(&c->r, " itself, not served by an authority of the requested state");
    if (!req->issuing_country || !*req->issuing_country) {
        say(&c->r, " (unknown); a letter of request is not process until "
                   "the requested state's central authority executes it");
    } else if (same_country(req->issuing_country, "US")) {
        say(&c->r, " (US): a letter of request is not process in the US "
                   "until the Justice Department's Office of International Affairs "
                   "executes it and obtains a court order under 18 U.S.C. § 3512; "
                   "the request must go through that Office");
    } else {
        say(&c->r,
            " (%s): a letter of request is not process there until "
            "the central authority of %s executes it; the request must go "
            "through that authority",
            req->issuing_country, req->issuing_country);
    }
    say(&c->r, "; nothing is disclosed");
    return true;
}

/* Rule 6. Returns true when it decided. Under cloud_act, process from the
 * provider's own country passes and the decision continues with rule 7;
 * the comity note is kept in *comity for the final reason. */
static bool rule_jurisdiction(ctx_t *c, bool *comity_pass, bool *comity)
{
    const char *issuing = c->req->issuing_country;
    const char *stored = c->loc->country;
    if (same_country(issuing, stored))
        return false;
    if (c->s->reach == REACH_CLOUD_ACT && same_country(issuing, c->s->provider_country)) {
        *comity_pass = true;
        *comity = has_agreement(c->s, stored);
        return false;
    }
    c->d->decision = DEC_REJECT_OUT_OF_JURISDICTION;
    if (!issuing || !*issuing)
        say(&c->r,
            "the issuing country is unknown, so %s cannot be shown "
            "to reach ",
            c->type);
    else
        say(&c->r, "%s %s does not reach ", issuing, c->type);
    say_storage(&c->r, c->loc);
    if (c->s->reach == REACH_CLOUD_ACT)
        say(&c->r,
            " under cloud_act reach (only %s process reaches data "
            "stored in another country)",
            c->s->provider_country);
    else
        say(&c->r, " under territorial reach");
    say(&c->r, "; the requester must use an MLAT request to %s", or_unknown(stored));
    return true;
}

static void say_cloud_act(ctx_t *c, bool comity)
{
    say(&c->r, "; cloud_act: %s process reaches ", c->s->provider_country);
    say_storage(&c->r, c->loc);
    if (comity)
        say(&c->r,
            ", marked for comity review (%s has an executive "
            "agreement with the %s)",
            c->loc->country, c->s->provider_country);
    else
        say(&c->r,
            ", no comity review (%s has no executive agreement with "
            "the %s)",
            or_unknown(c->loc->country), c->s->provider_country);
}

/* Rules 7 to 9, once jurisdiction is settled. */
static void rule_process(ctx_t *c, bool comity_pass, bool comity)
{
    unsigned asked = c->req->categories & CAT_ALL;
    bool none_named = asked == 0;
    if (none_named) /* any process covers subscriber data */
        asked = CAT_SUBSCRIBER;
    unsigned suff = policy_sufficient_categories(c->req->type);
    account_decision_t *d = c->d;
    d->granted = asked & suff;
    d->refused = asked & ~suff;

    say(&c->r, "%s %s", c->issuer, c->type);
    if (d->refused && !d->granted) {
        d->decision = DEC_REJECT_INSUFFICIENT_PROCESS;
        say(&c->r, " is not sufficient for ");
        say_shortfall(&c->r, d->refused);
        say(&c->r, "; nothing is disclosed");
    } else if (d->refused) {
        d->decision = DEC_PARTIAL;
        say(&c->r, " suffices for ");
        say_categories(&c->r, d->granted);
        say(&c->r, " but not for ");
        say_shortfall(&c->r, d->refused);
        say(&c->r, "; disclose ");
        say_categories(&c->r, d->granted);
        say(&c->r, " only");
    } else if (c->loc->enterprise && c->s->redirect_enterprise) {
        d->decision = DEC_REDIRECT_TO_CUSTOMER;
        say(&c->r, " suffices for ");
        say_categories(&c->r, d->granted);
        say(&c->r, ", but the account belongs to enterprise customer %s",
            c->loc->tenant_name[0] ? c->loc->tenant_name : c->loc->tenant);
        if (c->loc->tenant_name[0] && c->loc->tenant[0])
            say(&c->r, " (%s)", c->loc->tenant);
        say(&c->r, "; the requester is told to seek the data from the "
                   "customer itself");
    } else {
        d->decision = DEC_DISCLOSE;
        say(&c->r, " suffices for ");
        say_categories(&c->r, d->granted);
        say(&c->r, " of ");
        say_storage(&c->r, c->loc);
        say(&c->r, "; disclose");
    }
    if (none_named)
        say(&c->r, " (the request names no data categories; treated as "
                   "subscriber information only)");
    /* A comity review only matters when something may still go out. */
    d->comity_review = comity && d->decision != DEC_REJECT_INSUFFICIENT_PROCESS;
    if (comity_pass)
        say_cloud_act(c, d->comity_review);
}

static void reset_decision(account_decision_t *d, const location_t *loc)
{
    free(d->reason);
    d->reason = NULL;
    d->decision = DEC_NONE;
    d->granted = d->refused = 0;
    d->comity_review = false;
    if (loc)
        d->location = *loc;
    else
        memset(&d->location, 0, sizeof d->location);
}

void policy_decide(const policy_settings_t *settings, const request_t *req,
                   const location_t *loc, account_decision_t *d)
{
    if (!settings || !req || !d)
        return;
    reset_decision(d, loc);
    ctx_t c = { .s = settings, .req = req, .loc = &d->location, .d = d };
    c.type = request_type_name(req->type);
    if (!c.type)
        c.type = "unknown";
    c.issuer = (req->issuing_country && *req->issuing_country) ? req->issuing_country
                                                               : "unknown-country";
    bool comity_pass = false, comity = false;

    if (!d->location.found)
        rule_no_data(&c);
    else if (req->type == REQ_PRESERVATION_REQUEST)
        rule_preserve(&c);
    else if (req->type == REQ_EMERGENCY_REQUEST || req->emergency)
        rule_emergency(&c);
    else if (req->type == REQ_UNKNOWN || req->type >= REQ_TYPE_COUNT)
        rule_unknown(&c);
    else if (!rule_treaty_route(&c) && !rule_jurisdiction(&c, &comity_pass, &comity))
        rule_process(&c, comity_pass, comity);
    d->reason = strdup(c.r.text);
}
