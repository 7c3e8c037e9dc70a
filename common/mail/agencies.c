/* agencies.c -- known agencies and requester verification (agencies.h). */
#include "agencies.h"
#include "domain.h"
#include "rules.h"

#include <czmq.h>
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What a domain of the list does (agencies.h). */
enum {
    DOMAIN_VERIFIES = 1,     /* a sender there can be verified */
    DOMAIN_NAMES_ISSUER = 2, /* a letter from there was issued by the agency */
};

typedef struct {
    char *name;
    char country[3];
    char **domains;  /* lower-case, NULL-terminated */
    unsigned *roles; /* DOMAIN_* of each domain */
} agency_t;

struct agencies_t {
    agency_t *items;
    size_t count;
};

agencies_t *agencies_new(void)
{
    return calloc(1, sizeof(agencies_t));
}

void agencies_destroy(agencies_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    agencies_t *self = *self_p;
    for (size_t i = 0; i < self->count; i++) {
        free(self->items[i].name);
        g_strfreev(self->items[i].domains);
        free(self->items[i].roles);
    }
    free(self->items);
    free(self);
    *self_p = NULL;
}

/* Appends the non-empty parts of list (comma/space separated) to a's
 * domains, lower-cased, each with roles. */
static int add_domains(agency_t *a, const char *list, unsigned roles)
{
    gchar *lower = g_ascii_strdown(list ? list : "", -1);
    gchar **parts = g_strsplit_set(lower, ", \t", -1);
    g_free(lower);
    size_t have = a->domains ? g_strv_length(a->domains) : 0;
    size_t more = g_strv_length(parts);
    char **domains = realloc(a->domains, (have + more + 1) * sizeof *domains);
    if (domains)
        a->domains = domains;
    unsigned *r = domains ? realloc(a->roles, (have + more + 1) * sizeof *r) : NULL;
    if (r)
        a->roles = r;
    if (!domains || !r) {
        g_strfreev(parts);
        return -1;
    }
    for (gchar **p = parts; *p; p++)
        if (**p) {
            a->roles[have] = roles;
            a->domains[have++] = *p;
        } else {
            g_free(*p);
        }
    a->domains[have] = NULL;
    g_free(parts); /* the strings now belong to a->domains */
    return 0;
}

int agencies_add_roles(agencies_t *self, const char *name, const char *country,
                       const char *domains, const char *shared, const char *unconfirmed)
{
    agency_t *grown = realloc(self->items, (self->count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    self->items = grown;
    agency_t *a = &self->items[self->count++];
    memset(a, 0, sizeof *a);
    a->name = strdup(name ? name : "");
    snprintf(a->country, sizeof a->country, "%s", country ? country : "");
    int rc = add_domains(a, domains, DOMAIN_VERIFIES | DOMAIN_NAMES_ISSUER);
    rc |= add_domains(a, shared, DOMAIN_VERIFIES);
    rc |= add_domains(a, unconfirmed, DOMAIN_NAMES_ISSUER);
    return a->name && rc == 0 ? 0 : -1;
}

int agencies_add(agencies_t *self, const char *name, const char *country,
                 const char *domains)
{
    return agencies_add_roles(self, name, country, domains, NULL, NULL);
}

size_t agencies_count(const agencies_t *self)
{
    return self ? self->count : 0;
}

/* The agencies of a parsed ZPL tree; origin names it in errors. */
static agencies_t *agencies_from_zpl(zconfig_t *root, const char *origin, char *err,
                                     size_t errlen)
{
    agencies_t *self = agencies_new();
    zconfig_t *list = zconfig_locate(root, "agencies");
    for (zconfig_t *a = list ? zconfig_child(list) : NULL; a && self;
         a = zconfig_next(a)) {
        const char *name = zconfig_get(a, "name", NULL);
        const char *domains = zconfig_get(a, "domains", NULL);
        const char *shared = zconfig_get(a, "shared_domains", NULL);
        const char *unconfirmed = zconfig_get(a, "unconfirmed_domains", NULL);
        if (!name || (!domains && !shared && !unconfirmed)) {
            snprintf(err, errlen, "%s: agency '%s' needs a name and domains", origin,
                     zconfig_name(a));
            agencies_destroy(&self);
        } else if (agencies_add_roles(self, name, zconfig_get(a, "country", ""), domains,
                                      shared, unconfirmed) != 0) {
            snprintf(err, errlen, "%s: out of memory", origin);
            agencies_destroy(&self);
        }
    }
    return self;
}

agencies_t *agencies_load(const char *path, char *err, size_t errlen)
{
    zconfig_t *root = zconfig_load(path);
    if (!root) {
        snprintf(err, errlen, "cannot read or parse %s", path);
        return NULL;
    }
    agencies_t *self = agencies_from_zpl(root, path, err, errlen);
    zconfig_destroy(&root);
    return self;
}

/* The copy of config/agencies.zpl built in (rules_embed): parsed once,
 * then read-only for the life of the process. */
static agencies_t *builtin;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void builtin_parse(void)
{
    char err[256];
    zconfig_t *root = zconfig_str_load(rules_agencies_zpl);
    builtin =
        root ? agencies_from_zpl(root, "config/agencies.zpl (built in)", err, sizeof err)
             : NULL;
    zconfig_destroy(&root);
    if (!builtin)
        builtin = agencies_new(); /* out of memory: no agency known */
}

const agencies_t *agencies_builtin(void)
{
    pthread_once(&builtin_once, builtin_parse);
    return builtin;
}

/* The agency with the most specific of its domains (having one of
 * roles) that is domain or a parent of it; NULL when none. */
static const agency_t *match_domain(const agencies_t *self, const char *domain,
                                    unsigned roles)
{
    if (!self || !domain)
        return NULL;
    /* The most specific domain wins, whatever the file's order: a DEA
     * agent at dea.usdoj.gov is the DEA, not the Justice Department whose
     * usdoj.gov also covers the address. */
    const agency_t *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < self->count; i++) {
        const agency_t *a = &self->items[i];
        for (size_t k = 0; a->domains && a->domains[k]; k++)
            if ((a->roles[k] & roles) && strlen(a->domains[k]) > best_len &&
                domain_within(domain, a->domains[k])) {
                best = a;
                best_len = strlen(a->domains[k]);
            }
    }
    return best;
}

static const agency_t *match_entry(const agencies_t *self, const char *address)
{
    const char *at = address ? strrchr(address, '@') : NULL;
    return at ? match_domain(self, at + 1, DOMAIN_VERIFIES) : NULL;
}

const char *agencies_issuer(const agencies_t *self, const char *domain,
                            const char **country)
{
    const agency_t *a = match_domain(self, domain, DOMAIN_NAMES_ISSUER);
    if (a && country)
        *country = a->country;
    return a ? a->name : NULL;
}

const char *agencies_match(const agencies_t *self, const char *address)
{
    const agency_t *a = match_entry(self, address);
    return a ? a->name : NULL;
}

const char *agencies_country(const agencies_t *self, const char *address)
{
    const agency_t *a = match_entry(self, address);
    return a && a->country[0] ? a->country : NULL;
}

void agencies_unverified_reason(const request_t *req, char *reason, size_t reason_len)
{
    const request_auth_t *a = &req->auth;
    reason[0] = '\0';
    if (a->verified)
        return;
    if (a->why[0]) {
        snprintf(reason, reason_len, "%s", a->why);
        return;
    }
    if (strcasecmp(a->dmarc, "pass"))
        snprintf(reason, reason_len,
                 "requester not verified: the provider's "
                 "gateway reports DMARC %s for the sender's domain%s",
                 a->dmarc[0] ? a->dmarc : "(no result)",
                 a->known_agency ? "" : ", which is not a known agency domain");
    else
        snprintf(reason, reason_len,
                 "requester not verified: the sender's "
                 "domain is not a known agency mail domain");
}
