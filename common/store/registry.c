/* registry.c -- data-location registry: CSV import and lookup in Redis. */
#include "registry.h"
#include "keys.h"
#include "lua_scripts.h"

#include <glib.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- CSV ------------------------------------------------------------- */

static int row_push(csv_row_t *row, const char *s, size_t len)
{
    char **grown = realloc(row->fields, (row->count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    row->fields = grown;
    row->fields[row->count] = strndup(s, len);
    if (!row->fields[row->count])
        return -1;
    row->count++;
    return 0;
}

void csv_row_clear(csv_row_t *row)
{
    for (size_t i = 0; i < row->count; i++)
        free(row->fields[i]);
    free(row->fields);
    row->fields = NULL;
    row->count = 0;
}

/* Reads one quoted field starting after the opening quote. */
static int read_quoted(const char **pp, csv_row_t *row)
{
    const char *p = *pp;
    size_t cap = 64, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return -1;
    for (;;) {
        if (*p == '\0') {
            free(buf);
            return -1;
        }
        if (*p == '"' && p[1] == '"')
            p++;
        else if (*p == '"') {
            p++;
            break;
        }
        if (len + 1 >= cap) {
            char *g = realloc(buf, cap *= 2);
            if (!g) {
                free(buf);
                return -1;
            }
            buf = g;
        }
        buf[len++] = *p++;
    }
    int rc = row_push(row, buf, len);
    free(buf);
    *pp = p;
    return rc;
}

int csv_next_row(const char **cursor, csv_row_t *row)
{
    const char *p = *cursor;
    row->fields = NULL;
    row->count = 0;
    while (*p == '\r' || *p == '\n')
        p++;
    if (*p == '\0') {
        *cursor = p;
        return 0;
    }
    for (;;) {
        if (*p == '"') {
            p++;
            if (read_quoted(&p, row) != 0)
                goto bad;
        } else {
            const char *start = p;
            while (*p && *p != ',' && *p != '\r' && *p != '\n')
                p++;
            if (row_push(row, start, (size_t)(p - start)) != 0)
                goto bad;
        }
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '\r' || *p == '\n' || *p == '\0')
            break;
        goto bad; /* text after a closing quote */
    }
    while (*p == '\r' || *p == '\n')
        p++;
    *cursor = p;
    return 1;
bad:
    csv_row_clear(row);
    return -1;
}

/* ---- import ---------------------------------------------------------- */

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static int column(const csv_row_t *header, const char *name)
{
    for (size_t i = 0; i < header->count; i++)
        if (!strcasecmp(header->fields[i], name))
            return (int)i;
    return -1;
}

static bool reply_ok(redisReply *r)
{
    bool ok = r && r->type != REDIS_REPLY_ERROR;
    if (r)
        freeReplyObject(r);
    return ok;
}

/* Queues the commands that write one CSV file; returns rows or -1. */
static long queue_tenants(redis_conn_t *conn, const char *csv, long *cmds, char *err,
                          size_t errlen)
{
    const char *p = csv;
    csv_row_t header, row;
    if (csv_next_row(&p, &header) != 1) {
        snprintf(err, errlen, "tenants CSV: no header line");
        return -1;
    }
    int c_t = column(&header, "tenant"), c_n = column(&header, "name"),
        c_a = column(&header, "admin_contact");
    csv_row_clear(&header);
    if (c_t < 0 || c_n < 0 || c_a < 0) {
        snprintf(err, errlen, "tenants CSV: need columns tenant,name,admin_contact");
        return -1;
    }
    long n = 0;
    int rc;
    while ((rc = csv_next_row(&p, &row)) == 1) {
        if ((int)row.count <= c_a || (int)row.count <= c_n || (int)row.count <= c_t) {
            csv_row_clear(&row);
            snprintf(err, errlen, "tenants CSV: short line %ld", n + 2);
            return -1;
        }
        lower(row.fields[c_a]);
        redis_conn_append(conn, "HSET " KEY_REGISTRY_TENANT "%s name %s admin_contact %s",
                          row.fields[c_t], row.fields[c_n], row.fields[c_a]);
        redis_conn_append(conn, "SADD " KEY_REGISTRY_TENANTS " %s", row.fields[c_t]);
        *cmds += 2;
        csv_row_clear(&row);
        n++;
    }
    if (rc < 0) {
        snprintf(err, errlen, "tenants CSV: bad quoting after line %ld", n + 1);
        return -1;
    }
    return n;
}

static long queue_locations(redis_conn_t *conn, const char *csv, long *cmds,
                            long *accounts, char *err, size_t errlen)
{
    const char *p = csv;
    csv_row_t header, row;
    if (csv_next_row(&p, &header) != 1) {
        snprintf(err, errlen, "locations CSV: no header line");
        return -1;
    }
    int col[5] = { column(&header, "account"), column(&header, "tenant"),
                   column(&header, "customer_type"), column(&header, "region"),
                   column(&header, "country") };
    csv_row_clear(&header);
    for (int i = 0; i < 5; i++)
        if (col[i] < 0) {
            snprintf(err, errlen,
                     "locations CSV: need columns "
                     "account,tenant,customer_type,region,country");
            return -1;
        }
    int rc;
    *accounts = 0;
    while ((rc = csv_next_row(&p, &row)) == 1) {
        for (int i = 0; i < 5; i++)
            if ((int)row.count <= col[i]) {
                csv_row_clear(&row);
                snprintf(err, errlen, "locations CSV: short line %ld", *accounts + 2);
                return -1;
            }
        const char *type = row.fields[col[2]];
        if (strcmp(type, "enterprise") && strcmp(type, "consumer")) {
            csv_row_clear(&row);
            snprintf(err, errlen,
                     "locations CSV line %ld: customer_type must "
                     "be enterprise or consumer",
                     *accounts + 2);
            return -1;
        }
        lower(row.fields[col[0]]);
        for (char *c = row.fields[col[4]]; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        redis_conn_append(conn,
                          "HSET " KEY_REGISTRY_ACCT "%s tenant %s "
                          "customer_type %s region %s country %s",
                          row.fields[col[0]], row.fields[col[1]], type,
                          row.fields[col[3]], row.fields[col[4]]);
        redis_conn_append(conn, "SADD " KEY_REGISTRY_ACCOUNTS " %s", row.fields[col[0]]);
        csv_row_clear(&row);
        *cmds += 2;
        (*accounts)++;
    }
    if (rc < 0) {
        snprintf(err, errlen, "locations CSV: bad quoting after line %ld", *accounts + 1);
        return -1;
    }
    return *accounts;
}

/* Deletes the keys of the previous import (inside the transaction);
 * members were read before MULTI. Returns the commands queued. */
static long queue_delete_old(redis_conn_t *conn, redisReply *members, const char *set,
                             const char *prefix)
{
    long cmds = 0;
    for (size_t i = 0; i < members->elements; i++, cmds++)
        redis_conn_append(conn, "DEL %s%s", prefix, members->element[i]->str);
    redis_conn_append(conn, "DEL %s", set);
    return cmds + 1;
}

static redisReply *read_members(redis_conn_t *conn, const char *set)
{
    redisReply *r = redis_conn_command(conn, "SMEMBERS %s", set);
    if (r && r->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(r);
        r = NULL;
    }
    return r;
}

long registry_import(case_store_t *store, const char *locations_csv,
                     const char *tenants_csv, char *err, size_t errlen)
{
    redis_conn_t *conn = case_store_conn(store);
    if (!redis_conn_ready(conn)) {
        snprintf(err, errlen, "redis: %s", case_store_error(store));
        return -1;
    }
    /* WATCH the sets so a concurrent import cannot interleave. */
    if (!reply_ok(redis_conn_command(conn, "WATCH " KEY_REGISTRY_ACCOUNTS
                                           " " KEY_REGISTRY_TENANTS))) {
        snprintf(err, errlen, "redis: WATCH failed");
        return -1;
    }
    redisReply *old_accounts = read_members(conn, KEY_REGISTRY_ACCOUNTS);
    redisReply *old_tenants = read_members(conn, KEY_REGISTRY_TENANTS);
    if (!old_accounts || !old_tenants) {
        if (old_accounts)
            freeReplyObject(old_accounts);
        if (old_tenants)
            freeReplyObject(old_tenants);
        reply_ok(redis_conn_command(conn, "UNWATCH"));
        snprintf(err, errlen, "redis: cannot read the current registry");
        return -1;
    }
    redis_conn_append(conn, "MULTI");
    long queued = 1, accounts = 0, cmds = 0;
    long a =
        queue_delete_old(conn, old_accounts, KEY_REGISTRY_ACCOUNTS, KEY_REGISTRY_ACCT);
    long b =
        queue_delete_old(conn, old_tenants, KEY_REGISTRY_TENANTS, KEY_REGISTRY_TENANT);
    freeReplyObject(old_accounts);
    freeReplyObject(old_tenants);
    long c = queue_tenants(conn, tenants_csv, &cmds, err, errlen);
    long d =
        c < 0 ? -1 : queue_locations(conn, locations_csv, &cmds, &accounts, err, errlen);
    bool ok = d >= 0;
    queued += a + b + cmds;
    if (ok) {
        queued += 1;
        redis_conn_append(conn, "INCR " KEY_REGISTRY_VERSION);
        redis_conn_append(conn, "EXEC");
    } else
        redis_conn_append(conn, "DISCARD");
    /* Drain every queued reply; the last is EXEC's (or DISCARD's). */
    redisReply *r = NULL;
    bool exec_ok = false;
    for (long i = 0; i <= queued; i++) {
        if (!(r = redis_conn_read(conn))) {
            snprintf(err, errlen, "redis: connection lost during import");
            return -1;
        }
        if (i == queued)
            exec_ok = r->type == REDIS_REPLY_ARRAY;
        freeReplyObject(r);
    }
    if (!ok)
        return -1;
    if (!exec_ok) {
        snprintf(err, errlen, "registry changed during import; try again");
        return -1;
    }
    return accounts;
}

/* ---- lookup ---------------------------------------------------------- */

/* common/store/lua/registry_lookup.lua: its reply holds, after the version,
 * this many fields an account. */
#define LOOKUP_FIELDS 7

static void copy_field(char *dst, size_t len, redisReply *r)
{
    if (r && r->type == REDIS_REPLY_STRING)
        snprintf(dst, len, "%s", r->str);
    else
        dst[0] = '\0';
}

/* Fills out[i] from the script's reply fields for account i. */
static void location_from(redisReply **f, location_t *out)
{
    memset(out, 0, sizeof *out);
    out->found = f[1]->type == REDIS_REPLY_STRING && f[1]->str[0] == 'y';
    if (!out->found)
        return;
    copy_field(out->region, sizeof out->region, f[0]);
    copy_field(out->tenant, sizeof out->tenant, f[2]);
    char type[32];
    copy_field(type, sizeof type, f[3]);
    out->enterprise = !strcmp(type, "enterprise");
    copy_field(out->country, sizeof out->country, f[4]);
    copy_field(out->tenant_name, sizeof out->tenant_name, f[5]);
    copy_field(out->admin_contact, sizeof out->admin_contact, f[6]);
}

/* The lookup itself; version (may be NULL) receives the registry version
 * the answer belongs to. */
static int lookup_versioned(case_store_t *store, char *const *accounts, size_t n,
                            location_t *out, char *version, size_t version_len)
{
    redisReply *r = redis_conn_script_args(case_store_conn(store), &lua_registry_lookup,
                                           (int)n, (const char **)accounts, NULL);
    if (!r)
        return -1;
    int rc = -1;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 + LOOKUP_FIELDS * n) {
        if (version)
            copy_field(version, version_len, r->element[0]);
        for (size_t i = 0; i < n; i++)
            location_from(r->element + 1 + LOOKUP_FIELDS * i, &out[i]);
        rc = 0;
    }
    freeReplyObject(r);
    return rc;
}

int registry_lookup(case_store_t *store, char *const *accounts, size_t n, location_t *out)
{
    return n == 0 ? 0 : lookup_versioned(store, accounts, n, out, NULL, 0);
}

/* ---- cache ------------------------------------------------------------- */

struct registry_cache_t {
    GHashTable *entries; /* account -> location_t (both owned) */
    size_t max_entries;
    char version[32]; /* the import the entries belong to */
};

registry_cache_t *registry_cache_new(size_t max_entries)
{
    registry_cache_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    self->max_entries = max_entries > 0 ? max_entries : 1;
    return self;
}

void registry_cache_destroy(registry_cache_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    g_hash_table_destroy((*self_p)->entries);
    free(*self_p);
    *self_p = NULL;
}

void registry_cache_invalidate(registry_cache_t *self)
{
    g_hash_table_remove_all(self->entries);
    self->version[0] = '\0';
}

const char *registry_cache_version(const registry_cache_t *self)
{
    return self->version;
}

/* True when every account is cached: out is filled from the cache. */
static bool from_cache(registry_cache_t *self, char *const *accounts, size_t n,
                       location_t *out)
{
    if (!self->version[0])
        return false;
    for (size_t i = 0; i < n; i++) {
        const location_t *hit = g_hash_table_lookup(self->entries, accounts[i]);
        if (!hit)
            return false;
        out[i] = *hit;
    }
    return true;
}

int registry_cache_lookup(registry_cache_t *self, case_store_t *store,
                          char *const *accounts, size_t n, location_t *out)
{
    if (n == 0 || from_cache(self, accounts, n, out))
        return 0;
    char version[32] = "";
    if (lookup_versioned(store, accounts, n, out, version, sizeof version) != 0)
        return -1;
    /* Another import since the entries were cached: they are all stale.
     * (A bounded cache: when full, start again rather than track age.) */
    if (strcmp(version, self->version) != 0 ||
        g_hash_table_size(self->entries) + n > self->max_entries)
        registry_cache_invalidate(self);
    snprintf(self->version, sizeof self->version, "%s", version);
    for (size_t i = 0; i < n; i++)
        g_hash_table_replace(self->entries, g_strdup(accounts[i]),
                             g_memdup2(&out[i], sizeof out[i]));
    return 0;
}
