/* config.c -- ZPL settings with environment overrides (see config.h). */
#include "config.h"
#include "config_defaults.h"

#include <czmq.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct writ_config_t {
    zconfig_t *root; /* NULL: defaults only */
    char source[512];
    char dir[512];  /* directory of the file, for relative names */
    zhash_t *cache; /* path -> value string we returned, owned */
};

void writ_config_env_name(const char *path, char *buf, size_t len)
{
    const char *p = path;
    if (strncmp(p, "writ/", 5) == 0)
        p += 5;
    size_t n = (size_t)snprintf(buf, len, "WRIT_");
    for (; *p && n + 1 < len; p++)
        buf[n++] = (*p == '/' || *p == '-' || *p == '.')
                       ? '_'
                       : (char)toupper((unsigned char)*p);
    buf[n < len ? n : len - 1] = '\0';
}

writ_config_t *writ_config_load(const char *path, char *err, size_t errlen)
{
    writ_config_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->cache = zhash_new();
    zhash_autofree(self->cache);
    if (!path)
        path = getenv("WRIT_CONFIG");
    if (!path && zsys_file_exists("config/writ.zpl"))
        path = "config/writ.zpl";
    if (path) {
        self->root = zconfig_load(path);
        if (!self->root) {
            snprintf(err, errlen, "cannot read or parse config file %s", path);
            writ_config_destroy(&self);
            return NULL;
        }
        snprintf(self->source, sizeof self->source, "%s", path);
        const char *slash = strrchr(path, '/');
        snprintf(self->dir, sizeof self->dir, "%.*s", slash ? (int)(slash - path) : 1,
                 slash ? path : ".");
        if (slash == path)
            snprintf(self->dir, sizeof self->dir, "/");
    } else
        snprintf(self->source, sizeof self->source, "built-in defaults");
    return self;
}

void writ_config_destroy(writ_config_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    writ_config_t *self = *self_p;
    zconfig_destroy(&self->root);
    zhash_destroy(&self->cache);
    free(self);
    *self_p = NULL;
}

typedef enum { FROM_DEFAULT, FROM_ENV, FROM_FILE } source_t;

/* The value for path and where it came from; a stable copy is kept in the
 * cache (getenv's storage may change under setenv). */
static const char *lookup(writ_config_t *self, const char *path,
                          const char *default_value, source_t *source)
{
    char env[128];
    writ_config_env_name(path, env, sizeof env);
    const char *value = getenv(env);
    *source = FROM_ENV;
    if (!value && self->root) {
        value = zconfig_get(self->root, path, NULL);
        *source = FROM_FILE;
    }
    if (!value) {
        *source = FROM_DEFAULT;
        return default_value;
    }
    zhash_update(self->cache, path, (void *)value);
    return (const char *)zhash_lookup(self->cache, path);
}

const char *writ_config_get(writ_config_t *self, const char *path,
                            const char *default_value)
{
    source_t source;
    return lookup(self, path, default_value, &source);
}

const char *writ_config_get_file(writ_config_t *self, const char *path,
                                 const char *default_value)
{
    source_t source;
    const char *value = lookup(self, path, default_value, &source);
    if (source != FROM_FILE || !*value || value[0] == '/')
        return value;
    char key[160], joined[1024];
    snprintf(key, sizeof key, "%s#file", path);
    snprintf(joined, sizeof joined, "%s/%s", self->dir, value);
    zhash_update(self->cache, key, joined);
    return (const char *)zhash_lookup(self->cache, key);
}

long writ_config_get_long(writ_config_t *self, const char *path, long default_value)
{
    const char *v = writ_config_get(self, path, NULL);
    if (!v || !*v)
        return default_value;
    char *end = NULL;
    long n = strtol(v, &end, 10);
    return (end && *end == '\0') ? n : default_value;
}

/* "true"/"false" and their synonyms; fallback for anything else. */
static bool parse_bool(const char *v, bool fallback)
{
    if (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
        !strcasecmp(v, "on"))
        return true;
    if (!strcasecmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
        !strcasecmp(v, "off"))
        return false;
    return fallback;
}

bool writ_config_get_bool(writ_config_t *self, const char *path, bool default_value)
{
    const char *v = writ_config_get(self, path, NULL);
    return v ? parse_bool(v, default_value) : default_value;
}

/* The table's default for path (NULL: none, or unset). */
static const char *table_default(const char *path)
{
    const config_default_t *d = config_default_find(path);
    return d ? d->value : NULL;
}

const char *writ_config_str(writ_config_t *self, const char *path)
{
    return writ_config_get(self, path, table_default(path));
}

long writ_config_long(writ_config_t *self, const char *path)
{
    const char *d = table_default(path);
    return writ_config_get_long(self, path, d ? strtol(d, NULL, 10) : 0);
}

bool writ_config_bool(writ_config_t *self, const char *path)
{
    const char *d = table_default(path);
    return writ_config_get_bool(self, path, d ? parse_bool(d, false) : false);
}

const char *writ_config_file(writ_config_t *self, const char *path)
{
    return writ_config_get_file(self, path, table_default(path));
}

const char *writ_config_source(writ_config_t *self)
{
    return self->source;
}
