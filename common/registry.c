/* registry.c -- data-location registry: CSV import and lookup in Redis. */
#include "registry.h"

#include <hiredis/hiredis.h>
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
        }
        else {
            const char *start = p;
            while (*p && *p != ',' && *p != '\r' && *p != '\n')
                p++;
            if (row_push(row, start, (size_t) (p - start)) != 0)
                goto bad;
        }
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '\r' || *p == '\n' || *p == '\0')
            break;
        goto bad;               /* text after a closing quote */
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
        *s = (char) tolower((unsigned char) *s);
}

static int column(const csv_row_t *header, const char *name)
{
    for (size_t i = 0; i < header->count; i++)
        if (!strcasecmp(header->fields[i], name))
            return (int) i;
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
static long queue_tenants(redisContext *ctx, const char *csv, long *cmds,
                          char *err, size_t errlen)
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
        if ((int) row.count <= c_a || (int) row.count <= c_n
            || (int) row.count <= c_t) {
            csv_row_clear(&row);
            snprintf(err, errlen, "tenants CSV: short line %ld", n + 2);
            return -1;
        }
        lower(row.fields[c_a]);
        redisAppendCommand(ctx, "HSET writ:registry:tenant:%s name %s admin_contact %s",
                           row.fields[c_t], row.fields[c_n], row.fields[c_a]);
        redisAppendCommand(ctx, "SADD writ:registry:tenants %s", row.fields[c_t]);
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

static long queue_locations(redisContext *ctx, const char *csv, long *cmds,
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
            snprintf(err, errlen, "locations CSV: need columns "
                     "account,tenant,customer_type,region,country");
            return -1;
        }
    int rc;
    *accounts = 0;
    while ((rc = csv_next_row(&p, &row)) == 1) {
        for (int i = 0; i < 5; i++)
            if ((int) row.count <= col[i]) {
                csv_row_clear(&row);
                snprintf(err, errlen, "locations CSV: short line %ld",
                         *accounts + 2);
                return -1;
            }
        const char *type = row.fields[col[2]];
        if (strcmp(type, "enterprise") && strcmp(type, "consumer")) {
            csv_row_clear(&row);
            snprintf(err, errlen, "locations CSV line %ld: customer_type must "
                     "be enterprise or consumer", *accounts + 2);
            return -1;
        }
        lower(row.fields[col[0]]);
        for (char *c = row.fields[col[4]]; *c; c++)
            *c = (char) toupper((unsigned char) *c);
        redisAppendCommand(ctx, "HSET writ:registry:acct:%s tenant %s "
                           "customer_type %s region %s country %s",
                           row.fields[col[0]], row.fields[col[1]], type,
                           row.fields[col[3]], row.fields[col[4]]);
        redisAppendCommand(ctx, "SADD writ:registry:accounts %s",
                           row.fields[col[0]]);
        csv_row_clear(&row);
        *cmds += 2;
        (*accounts)++;
    }
    if (rc < 0) {
        snprintf(err, errlen, "locations CSV: bad quoting after line %ld",
                 *accounts + 1);
        return -1;
    }
    return *accounts;
}

/* Deletes the keys of the previous import (inside the transaction);
 * members were read before MULTI. Returns the commands queued. */
static long queue_delete_old(redisContext *ctx, redisReply *members,
                             const char *set, const char *prefix)
{
    long cmds = 0;
    for (size_t i = 0; i < members->elements; i++, cmds++)
        redisAppendCommand(ctx, "DEL %s%s", prefix, members->element[i]->str);
    redisAppendCommand(ctx, "DEL %s", set);
    return cmds + 1;
}

static redisReply *read_members(redisContext *ctx, const char *set)
{
    redisReply *r = redisCommand(ctx, "SMEMBERS %s", set);
    if (r && r->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(r);
        r = NULL;
    }
    return r;
}

long registry_import(case_store_t *store, const char *locations_csv,
                     const char *tenants_csv, char *err, size_t errlen)
{
    redisContext *ctx = case_store_redis(store);
    if (!ctx) {
        snprintf(err, errlen, "redis: %s", case_store_error(store));
        return -1;
    }
    /* WATCH the sets so a concurrent import cannot interleave. */
    if (!reply_ok(redisCommand(ctx, "WATCH writ:registry:accounts writ:registry:tenants"))) {
        snprintf(err, errlen, "redis: WATCH failed");
        return -1;
    }
    redisReply *old_accounts = read_members(ctx, "writ:registry:accounts");
    redisReply *old_tenants = read_members(ctx, "writ:registry:tenants");
    if (!old_accounts || !old_tenants) {
        if (old_accounts)
            freeReplyObject(old_accounts);
        if (old_tenants)
            freeReplyObject(old_tenants);
        reply_ok(redisCommand(ctx, "UNWATCH"));
        snprintf(err, errlen, "redis: cannot read the current registry");
        return -1;
    }
    redisAppendCommand(ctx, "MULTI");
    long queued = 1, accounts = 0, cmds = 0;
    long a = queue_delete_old(ctx, old_accounts, "writ:registry:accounts", "writ:registry:acct:");
    long b = queue_delete_old(ctx, old_tenants, "writ:registry:tenants", "writ:registry:tenant:");
    freeReplyObject(old_accounts);
    freeReplyObject(old_tenants);
    long c = queue_tenants(ctx, tenants_csv, &cmds, err, errlen);
    long d = c < 0 ? -1 : queue_locations(ctx, locations_csv, &cmds, &accounts, err, errlen);
    bool ok = d >= 0;
    queued += a + b + cmds;
    if (ok) {
        queued += 1;
        redisAppendCommand(ctx, "INCR writ:registry:version");
        redisAppendCommand(ctx, "EXEC");
    }
    else
        redisAppendCommand(ctx, "DISCARD");
    /* Drain every queued reply; the last is EXEC's (or DISCARD's). */
    redisReply *r = NULL;
    bool exec_ok = false;
    for (long i = 0; i <= queued; i++) {
        if (redisGetReply(ctx, (void **) &r) != REDIS_OK) {
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

static void copy_field(char *dst, size_t len, redisReply *r)
{
    if (r && r->type == REDIS_REPLY_STRING)
        snprintf(dst, len, "%s", r->str);
    else
        dst[0] = '\0';
}

int registry_lookup(case_store_t *store, char *const *accounts, size_t n,
                    location_t *out)
{
    redisContext *ctx = case_store_redis(store);
    if (!ctx)
        return -1;
    for (size_t i = 0; i < n; i++)
        redisAppendCommand(ctx, "HMGET writ:registry:acct:%s tenant "
                           "customer_type region country", accounts[i]);
    size_t tenants = 0;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        redisReply *r = NULL;
        if (redisGetReply(ctx, (void **) &r) != REDIS_OK)
            return -1;
        memset(&out[i], 0, sizeof out[i]);
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 4
            && r->element[2]->type == REDIS_REPLY_STRING) {
            out[i].found = true;
            copy_field(out[i].tenant, sizeof out[i].tenant, r->element[0]);
            char type[32];
            copy_field(type, sizeof type, r->element[1]);
            out[i].enterprise = !strcmp(type, "enterprise");
            copy_field(out[i].region, sizeof out[i].region, r->element[2]);
            copy_field(out[i].country, sizeof out[i].country, r->element[3]);
        }
        else if (r->type == REDIS_REPLY_ERROR)
            rc = -1;
        freeReplyObject(r);
    }
    for (size_t i = 0; i < n; i++)
        if (out[i].found && out[i].tenant[0]) {
            redisAppendCommand(ctx, "HMGET writ:registry:tenant:%s name "
                               "admin_contact", out[i].tenant);
            tenants++;
        }
    for (size_t i = 0; i < n && tenants > 0; i++) {
        if (!out[i].found || !out[i].tenant[0])
            continue;
        redisReply *r = NULL;
        if (redisGetReply(ctx, (void **) &r) != REDIS_OK)
            return -1;
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 2) {
            copy_field(out[i].tenant_name, sizeof out[i].tenant_name, r->element[0]);
            copy_field(out[i].admin_contact, sizeof out[i].admin_contact, r->element[1]);
        }
        freeReplyObject(r);
        tenants--;
    }
    return rc;
}
