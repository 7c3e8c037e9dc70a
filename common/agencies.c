/* agencies.c -- known agencies and requester verification (agencies.h). */
#include "agencies.h"
#include "domain.h"

#include <czmq.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    char *name;
    char country[3];
    char **domains;           /* lower-case, NULL-terminated (GLib strv) */
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
    }
    free(self->items);
    free(self);
    *self_p = NULL;
}

int agencies_add(agencies_t *self, const char *name, const char *country,
                 const char *domains)
{
    agency_t *grown = realloc(self->items, (self->count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    self->items = grown;
    agency_t *a = &self->items[self->count];
    memset(a, 0, sizeof *a);
    a->name = strdup(name ? name : "");
    snprintf(a->country, sizeof a->country, "%s", country ? country : "");
    gchar *lower = g_ascii_strdown(domains ? domains : "", -1);
    gchar **parts = g_strsplit_set(lower, ", \t", -1);
    g_free(lower);
    /* Keep the non-empty parts only. */
    size_t n = 0;
    for (gchar **p = parts; *p; p++)
        if (**p)
            parts[n++] = *p;
        else
            g_free(*p);
    parts[n] = NULL;
    a->domains = parts;
    self->count++;
    return a->name ? 0 : -1;
}

size_t agencies_count(const agencies_t *self)
{
    return self ? self->count : 0;
}

agencies_t *agencies_load(const char *path, char *err, size_t errlen)
{
    zconfig_t *root = zconfig_load(path);
    if (!root) {
        snprintf(err, errlen, "cannot read or parse %s", path);
        return NULL;
    }
    agencies_t *self = agencies_new();
    zconfig_t *list = zconfig_locate(root, "agencies");
    for (zconfig_t *a = list ? zconfig_child(list) : NULL; a && self;
         a = zconfig_next(a)) {
        const char *name = zconfig_get(a, "name", NULL);
        const char *domains = zconfig_get(a, "domains", NULL);
        if (!name || !domains) {
            snprintf(err, errlen, "%s: agency '%s' needs a name and domains",
                     path, zconfig_name(a));
            agencies_destroy(&self);
            break;
        }
        agencies_add(self, name, zconfig_get(a, "country", ""), domains);
    }
    zconfig_destroy(&root);
    return self;
}

static const agency_t *match_entry(const agencies_t *self,
                                   const char *address)
{
    const char *at = address ? strrchr(address, '@') : NULL;
    if (!self || !at)
        return NULL;
    /* The most specific domain wins, whatever the file's order: a DEA
     * agent at dea.usdoj.gov is the DEA, not the Justice Department whose
     * usdoj.gov also covers the address. */
    const agency_t *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < self->count; i++)
        for (char **d = self->items[i].domains; d && *d; d++)
            if (domain_within(at + 1, *d) && strlen(*d) > best_len) {
                best = &self->items[i];
                best_len = strlen(*d);
            }
    return best;
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

void agencies_unverified_reason(const request_t *req, char *reason,
                                size_t reason_len)
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
        snprintf(reason, reason_len, "requester not verified: the provider's "
                 "gateway reports DMARC %s for the sender's domain%s",
                 a->dmarc[0] ? a->dmarc : "(no result)",
                 a->known_agency ? "" : ", which is not a known agency domain");
    else
        snprintf(reason, reason_len, "requester not verified: the sender's "
                 "domain is not a known agency mail domain");
}
