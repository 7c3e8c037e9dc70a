/* delivery_store.c -- delivery state, moved by the scripts
 * common/store/lua/delivery_*.lua (see delivery_store.h). Keys are built inside
 * the scripts from their arguments (all under writ:delivery:, writ:case:,
 * writ:audit:; keys.h), as the other writ scripts do; the send role's ACL
 * (config/redis-acl.roles) grants exactly these. */
#include "delivery_store.h"
#include "keys.h"
#include "lua_scripts.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The stage names the scripts write into audit entries: writ-send's, and
 * a person's (writctl). */
#define SEND_STAGE "send"
#define CASEWORK_STAGE "casework"

int delivery_store_hold(case_store_t *store, const char *id, const char *case_id,
                        const char *to, const char *message_id, const char *letter,
                        const char *why)
{
    char now[24];
    snprintf(now, sizeof now, "%llu", (unsigned long long)writ_now_ms());
    const char *args[] = { id, case_id, to, message_id, now, letter, why, SEND_STAGE };
    return case_store_script_code(store, &lua_delivery_hold, 8, args);
}

int delivery_store_letter(case_store_t *store, const char *case_id, const char *action,
                          const char *reason, const char *operator_name)
{
    char now[24], id[DELIVERY_ID_LEN];
    snprintf(now, sizeof now, "%llu", (unsigned long long)writ_now_ms());
    delivery_letter_id(case_id, id);
    const char *args[] = {
        id, case_id, action, reason, operator_name, now, CASEWORK_STAGE
    };
    return case_store_script_code(store, &lua_delivery_letter, 7, args);
}

int delivery_store_resolve(case_store_t *store, const char *case_id, const char *id,
                           const char *action, const char *reason,
                           const char *operator_name)
{
    char now[24];
    snprintf(now, sizeof now, "%llu", (unsigned long long)writ_now_ms());
    const char *args[] = {
        id, case_id, action, reason, operator_name, now, CASEWORK_STAGE
    };
    return case_store_script_code(store, &lua_delivery_resolve, 7, args);
}

/* The strings of an array reply, newly allocated; the count. */
static int reply_strings(redisReply *r, char ***ids)
{
    int n = 0;
    if (r->type == REDIS_REPLY_ARRAY && r->elements) {
        *ids = calloc(r->elements, sizeof **ids);
        for (size_t i = 0; *ids && i < r->elements; i++)
            if (r->element[i]->type == REDIS_REPLY_STRING)
                (*ids)[n++] = strdup(r->element[i]->str);
    }
    return n;
}

/* One command; its reply (NULL: Redis failed or refused it). */
#define command(store, ...) redis_conn_command(case_store_conn(store), __VA_ARGS__)

/* A command whose reply only says it ran: 0, or -1. */
static int command_ok(redisReply *r)
{
    if (!r)
        return -1;
    int rc = r->type == REDIS_REPLY_ERROR ? -1 : 0;
    freeReplyObject(r);
    return rc;
}

int delivery_store_rearmed(case_store_t *store, size_t max, char ***ids)
{
    *ids = NULL;
    redisReply *r = command(store, "SPOP " KEY_DELIVERY_REARM " %d", (int)max);
    if (!r)
        return -1;
    int n = reply_strings(r, ids);
    freeReplyObject(r);
    return n;
}

int delivery_store_cursor_get(case_store_t *store, const char *name, uint64_t *at)
{
    redisReply *r = command(store, "GET " KEY_DELIVERY_CURSOR_FMT, name);
    if (!r)
        return -1;
    *at = r->type == REDIS_REPLY_STRING ? strtoull(r->str, NULL, 10) : 0;
    freeReplyObject(r);
    return 0;
}

int delivery_store_cursor_set(case_store_t *store, const char *name, uint64_t at)
{
    return command_ok(command(store, "SET " KEY_DELIVERY_CURSOR_FMT " %llu", name,
                              (unsigned long long)at));
}

int delivery_store_cases_since(case_store_t *store, uint64_t at, size_t max,
                               delivery_case_ref_t **refs)
{
    *refs = NULL;
    redisReply *r =
        command(store, "ZRANGEBYSCORE " KEY_CASES " %llu +inf WITHSCORES LIMIT 0 %d",
                (unsigned long long)at, (int)max);
    if (!r)
        return -1;
    int n = 0;
    if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2)
        *refs = calloc(r->elements / 2, sizeof **refs);
    for (size_t i = 0; *refs && i + 1 < r->elements; i += 2) {
        if (r->element[i]->type != REDIS_REPLY_STRING || r->element[i]->len >= 32)
            continue;
        snprintf((*refs)[n].id, sizeof(*refs)[n].id, "%s", r->element[i]->str);
        (*refs)[n++].at = strtoull(r->element[i + 1]->str, NULL, 10);
    }
    freeReplyObject(r);
    return n;
}

static const char *letter_set_key(delivery_letter_set_t set)
{
    return set == DELIVERY_LETTERS_WATCHED ? KEY_DELIVERY_WATCHED : KEY_DELIVERY_APPROVED;
}

int delivery_store_letter_set_add(case_store_t *store, delivery_letter_set_t set,
                                  const char *case_id)
{
    return command_ok(command(store, "SADD %s %s", letter_set_key(set), case_id));
}

int delivery_store_letter_set_list(case_store_t *store, delivery_letter_set_t set,
                                   char ***ids)
{
    *ids = NULL;
    redisReply *r = command(store, "SMEMBERS %s", letter_set_key(set));
    if (!r)
        return -1;
    int n = reply_strings(r, ids);
    freeReplyObject(r);
    return n;
}

int delivery_store_letter_set_remove(case_store_t *store, delivery_letter_set_t set,
                                     const char *case_id)
{
    return command_ok(command(store, "SREM %s %s", letter_set_key(set), case_id));
}

delivery_claim_t delivery_store_claim(case_store_t *store, const delivery_claim_args_t *a,
                                      unsigned *attempts, uint64_t *next_at)
{
    char now[24], lease[24];
    snprintf(now, sizeof now, "%llu", (unsigned long long)writ_now_ms());
    snprintf(lease, sizeof lease, "%llu", (unsigned long long)a->lease_ms);
    const char *args[] = { a->id,
                           a->case_id,
                           a->kind,
                           now,
                           lease,
                           a->worker,
                           a->to ? a->to : "",
                           a->message_id ? a->message_id : "",
                           SEND_STAGE };
    redisReply *r = redis_conn_script_args(case_store_conn(store), &lua_delivery_claim, 9,
                                           args, NULL);
    *attempts = 0;
    *next_at = 0;
    if (!r)
        return DELIVERY_CLAIM_ERROR;
    delivery_claim_t out = DELIVERY_CLAIM_ERROR;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
        r->element[0]->type == REDIS_REPLY_STRING &&
        r->element[1]->type == REDIS_REPLY_INTEGER) {
        const char *s = r->element[0]->str;
        long long v = r->element[1]->integer;
        if (!strcmp(s, "go")) {
            out = DELIVERY_CLAIM_GO;
            *attempts = (unsigned)v;
        } else if (!strcmp(s, "done"))
            out = DELIVERY_CLAIM_DONE;
        else if (!strcmp(s, "later")) {
            out = DELIVERY_CLAIM_LATER;
            *next_at = (uint64_t)v;
        } else if (!strcmp(s, "busy")) {
            out = DELIVERY_CLAIM_BUSY;
            *next_at = (uint64_t)v;
        } else if (!strcmp(s, "not_yet"))
            out = DELIVERY_CLAIM_NOT_YET;
        else if (!strcmp(s, "held"))
            out = DELIVERY_CLAIM_HELD;
    }
    freeReplyObject(r);
    return out;
}

int delivery_store_committing(case_store_t *store, const char *id, const char *worker,
                              uint64_t lease_ms)
{
    char now[24], lease[24];
    snprintf(now, sizeof now, "%llu", (unsigned long long)writ_now_ms());
    snprintf(lease, sizeof lease, "%llu", (unsigned long long)lease_ms);
    const char *args[] = { id, worker, now, lease };
    redisReply *r = redis_conn_script_args(case_store_conn(store),
                                           &lua_delivery_committing, 4, args, NULL);
    if (!r)
        return -1;
    int rc = r->type == REDIS_REPLY_INTEGER && r->integer == 1 ? 0 : -1;
    freeReplyObject(r);
    return rc;
}

int delivery_store_record(case_store_t *store, const delivery_record_args_t *a)
{
    char now[24], code[24], next_at[24], after[24];
    snprintf(now, sizeof now, "%llu", (unsigned long long)writ_now_ms());
    snprintf(code, sizeof code, "%ld", a->code);
    snprintf(next_at, sizeof next_at, "%llu", (unsigned long long)a->next_at);
    snprintf(after, sizeof after, "%u", a->attention_after ? a->attention_after : 1);
    const char *args[] = { a->id,
                           a->worker,
                           delivery_outcome_name(a->outcome),
                           code,
                           a->reply ? a->reply : "",
                           now,
                           next_at,
                           after,
                           a->case_id,
                           a->kind,
                           SEND_STAGE };
    return case_store_script_code(store, &lua_delivery_record, 11, args);
}

static const char *const VIEW_FIELDS[] = {
    "kind",  "case",   "to",          "message_id", "state",      "attempts", "code",
    "reply", "letter", "prepared_at", "sent_at",    "updated_at", "next_at",
};
#define VIEW_FIELD_COUNT (sizeof VIEW_FIELDS / sizeof VIEW_FIELDS[0])

/* The hash of one delivery as a JSON object (fields it has). */
static json_t *delivery_view(case_store_t *store, const char *id)
{
    const char *argv[2 + VIEW_FIELD_COUNT];
    size_t lens[2 + VIEW_FIELD_COUNT];
    char key[128];
    snprintf(key, sizeof key, KEY_DELIVERY "%s", id);
    argv[0] = "HMGET";
    argv[1] = key;
    for (size_t i = 0; i < VIEW_FIELD_COUNT; i++)
        argv[2 + i] = VIEW_FIELDS[i];
    for (size_t i = 0; i < 2 + VIEW_FIELD_COUNT; i++)
        lens[i] = strlen(argv[i]);
    redisReply *r =
        redis_conn_argv(case_store_conn(store), (int)(2 + VIEW_FIELD_COUNT), argv, lens);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != VIEW_FIELD_COUNT) {
        if (r)
            freeReplyObject(r);
        return NULL;
    }
    json_t *o = json_pack("{s:s}", "id", id);
    for (size_t i = 0; i < VIEW_FIELD_COUNT; i++)
        if (r->element[i]->type == REDIS_REPLY_STRING)
            json_object_set_new(o, VIEW_FIELDS[i], json_string(r->element[i]->str));
    freeReplyObject(r);
    return o;
}

static int by_prepared(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    const char *p = json_string_value(json_object_get(x, "prepared_at"));
    const char *q = json_string_value(json_object_get(y, "prepared_at"));
    long long u = p ? atoll(p) : 0, v = q ? atoll(q) : 0;
    if (u != v)
        return u < v ? -1 : 1;
    return strcmp(json_string_value(json_object_get(x, "id")),
                  json_string_value(json_object_get(y, "id")));
}

static json_t *views_of(case_store_t *store, redisReply *ids)
{
    size_t n = ids->type == REDIS_REPLY_ARRAY ? ids->elements : 0;
    json_t **items = calloc(n + 1, sizeof *items);
    size_t m = 0;
    for (size_t i = 0; items && i < n; i++)
        if (ids->element[i]->type == REDIS_REPLY_STRING && ids->element[i]->len < 100) {
            json_t *o = delivery_view(store, ids->element[i]->str);
            if (!o) {
                for (size_t j = 0; j < m; j++)
                    json_decref(items[j]);
                free(items);
                return NULL;
            }
            items[m++] = o;
        }
    if (!items)
        return NULL;
    qsort(items, m, sizeof *items, by_prepared);
    json_t *list = json_array();
    for (size_t i = 0; i < m; i++)
        json_array_append_new(list, items[i]);
    free(items);
    return list;
}

void *delivery_store_case(case_store_t *store, const char *case_id)
{
    redisReply *ids = command(store, "SMEMBERS " KEY_DELIVERY_CASE "%s", case_id);
    if (!ids)
        return NULL;
    json_t *list = views_of(store, ids);
    freeReplyObject(ids);
    return list;
}

void *delivery_store_attention(case_store_t *store)
{
    redisReply *ids = command(store, "ZRANGE " KEY_DELIVERY_ATTENTION " 0 -1");
    if (!ids)
        return NULL;
    json_t *list = views_of(store, ids);
    freeReplyObject(ids);
    return list;
}
