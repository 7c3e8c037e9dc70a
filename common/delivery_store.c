/* delivery_store.c -- delivery state scripts (see delivery_store.h).
 * Keys are built inside the scripts from their arguments (all under
 * writ:delivery:, writ:case:, writ:audit:), as the other writ scripts do;
 * the send role's ACL (config/redis-acl.roles) grants exactly these. */
#include "delivery_store.h"

#include <hiredis/hiredis.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ARGV: id case kind now lease worker to message_id */
static const char CLAIM_LUA[] =
    "local k = 'writ:delivery:' .. ARGV[1]\n"
    "local now = tonumber(ARGV[4])\n"
    "local st = redis.call('HGET', k, 'state')\n"
    "if st == 'sent' or st == 'failed' or st == 'unconfirmed' or st == 'discarded' then\n"
    "  return {'done', 0}\n"
    "end\n"
    "if st == 'held' then return {'held', 0} end\n"
    "if st == 'sending' or st == 'committing' then\n"
    "  local lu = tonumber(redis.call('HGET', k, 'lease_until') or '0')\n"
    "  if lu > now then return {'busy', lu} end\n"
    "  if st == 'committing' then\n"
    "    redis.call('HSET', k, 'state', 'unconfirmed', 'updated_at', ARGV[4],\n"
    "      'reply', 'the sender stopped after the end of the data went out and before the answer of the relay was recorded: look for the Message-ID in the log of the relay')\n"
    "    redis.call('HDEL', k, 'lease_until')\n"
    "    redis.call('ZADD', 'writ:delivery:attention', now, ARGV[1])\n"
    "    redis.call('XADD', 'writ:audit:' .. ARGV[2], '*', 'stage', 'send',\n"
    "      'worker', ARGV[6], 'event', 'delivery', 'from', 'committing',\n"
    "      'to', 'unconfirmed', 'note', ARGV[3] .. ' ' .. ARGV[1] .. ' may have been sent; not sent again')\n"
    "    return {'done', 0}\n"
    "  end\n"
    "end\n"
    "if st == 'deferred' then\n"
    "  local na = tonumber(redis.call('HGET', k, 'next_at') or '0')\n"
    "  if na > now then return {'later', na} end\n"
    "end\n"
    "if ARGV[3] == 'notice' then\n"
    "  local cs = redis.call('HGET', 'writ:case:' .. ARGV[2], 'state')\n"
    "  if not cs or cs == 'received' or cs == 'decided' or cs == 'documents' then\n"
    "    return {'not_yet', 0}\n"
    "  end\n"
    "end\n"
    "if not st then\n"
    "  redis.call('HSET', k, 'kind', ARGV[3], 'case', ARGV[2], 'to', ARGV[7],\n"
    "    'message_id', ARGV[8], 'prepared_at', ARGV[4])\n"
    "  redis.call('SADD', 'writ:delivery:case:' .. ARGV[2], ARGV[1])\n"
    "end\n"
    "local n = redis.call('HINCRBY', k, 'attempts', 1)\n"
    "redis.call('HSET', k, 'state', 'sending', 'lease_until', now + tonumber(ARGV[5]),\n"
    "  'worker', ARGV[6], 'updated_at', ARGV[4])\n"
    "return {'go', n}\n";

/* ARGV: id worker now lease */
static const char COMMITTING_LUA[] =
    "local k = 'writ:delivery:' .. ARGV[1]\n"
    "if redis.call('HGET', k, 'state') ~= 'sending'\n"
    "   or redis.call('HGET', k, 'worker') ~= ARGV[2] then return 0 end\n"
    "redis.call('HSET', k, 'state', 'committing', 'updated_at', ARGV[3],\n"
    "  'lease_until', tonumber(ARGV[3]) + tonumber(ARGV[4]))\n"
    "return 1\n";

/* ARGV: id worker outcome code reply now next_at attention_after case kind */
static const char RECORD_LUA[] =
    "local k = 'writ:delivery:' .. ARGV[1]\n"
    "local st = redis.call('HGET', k, 'state')\n"
    "local audit = 'writ:audit:' .. ARGV[9]\n"
    "local what = ARGV[10] .. ' ' .. ARGV[1]\n"
    "if ARGV[3] == 'sent' then\n"
    "  if st == 'sent' or not st then return 1 end\n"
    "  redis.call('HSET', k, 'state', 'sent', 'sent_at', ARGV[6], 'code', ARGV[4],\n"
    "    'reply', ARGV[5], 'updated_at', ARGV[6])\n"
    "  redis.call('HDEL', k, 'lease_until', 'next_at')\n"
    "  redis.call('ZREM', 'writ:delivery:attention', ARGV[1])\n"
    "  redis.call('XADD', audit, '*', 'stage', 'send', 'worker', ARGV[2],\n"
    "    'event', 'delivery', 'from', st, 'to', 'sent', 'note', what .. ': ' .. ARGV[5])\n"
    "  return 0\n"
    "end\n"
    "if (st ~= 'sending' and st ~= 'committing')\n"
    "   or redis.call('HGET', k, 'worker') ~= ARGV[2] then return 1 end\n"
    "redis.call('HSET', k, 'state', ARGV[3], 'code', ARGV[4], 'reply', ARGV[5],\n"
    "  'updated_at', ARGV[6])\n"
    "redis.call('HDEL', k, 'lease_until')\n"
    "local n = tonumber(redis.call('HGET', k, 'attempts') or '0')\n"
    "if ARGV[3] == 'deferred' then\n"
    "  redis.call('HSET', k, 'next_at', ARGV[7])\n"
    "  if n >= tonumber(ARGV[8]) then\n"
    "    redis.call('ZADD', 'writ:delivery:attention', 'NX', ARGV[6], ARGV[1])\n"
    "  end\n"
    "  if n ~= 1 and n ~= tonumber(ARGV[8]) then return 0 end\n"
    "else\n"
    "  redis.call('ZADD', 'writ:delivery:attention', ARGV[6], ARGV[1])\n"
    "end\n"
    "redis.call('XADD', audit, '*', 'stage', 'send', 'worker', ARGV[2],\n"
    "  'event', 'delivery', 'from', st, 'to', ARGV[3],\n"
    "  'note', what .. ' (attempt ' .. n .. '): ' .. ARGV[5])\n"
    "return 0\n";

/* ARGV: id case action reason operator now */
static const char RESOLVE_LUA[] =
    "local k = 'writ:delivery:' .. ARGV[1]\n"
    "if redis.call('HGET', k, 'case') ~= ARGV[2] then return 2 end\n"
    "local st = redis.call('HGET', k, 'state')\n"
    "if st ~= 'failed' and st ~= 'unconfirmed' and st ~= 'deferred' then return 1 end\n"
    "local to = 'deferred'\n"
    "if ARGV[3] == 'sent' then\n"
    "  to = 'sent'\n"
    "  redis.call('HSET', k, 'state', 'sent', 'sent_at', ARGV[6], 'updated_at', ARGV[6],\n"
    "    'reply', 'confirmed by ' .. ARGV[5] .. ': ' .. ARGV[4])\n"
    "else\n"
    "  redis.call('HSET', k, 'state', 'deferred', 'next_at', '0', 'updated_at', ARGV[6])\n"
    "  redis.call('SADD', 'writ:delivery:rearm', ARGV[1])\n"
    "end\n"
    "redis.call('HDEL', k, 'lease_until')\n"
    "redis.call('ZREM', 'writ:delivery:attention', ARGV[1])\n"
    "redis.call('XADD', 'writ:audit:' .. ARGV[2], '*', 'stage', 'casework',\n"
    "  'worker', 'writctl', 'event', 'delivery', 'from', st, 'to', to,\n"
    "  'note', (redis.call('HGET', k, 'kind') or 'message') .. ' ' .. ARGV[1] .. ': ' .. ARGV[3],\n"
    "  'operator', ARGV[5], 'act', 'delivery ' .. ARGV[3], 'reason', ARGV[4], 'account', '-')\n"
    "return 0\n";

/* A decision letter prepared and held for a person. ARGV: id case to
 * message_id now letter why. Returns 1 held now, 0 it already had a state. */
static const char HOLD_LUA[] =
    "local k = 'writ:delivery:' .. ARGV[1]\n"
    "if redis.call('HGET', k, 'state') then return 0 end\n"
    "redis.call('HSET', k, 'kind', 'letter', 'case', ARGV[2], 'to', ARGV[3],\n"
    "  'message_id', ARGV[4], 'prepared_at', ARGV[5], 'updated_at', ARGV[5],\n"
    "  'state', 'held', 'attempts', '0', 'letter', ARGV[6], 'reply', ARGV[7])\n"
    "redis.call('SADD', 'writ:delivery:case:' .. ARGV[2], ARGV[1])\n"
    "redis.call('ZADD', 'writ:delivery:attention', ARGV[5], ARGV[1])\n"
    "redis.call('XADD', 'writ:audit:' .. ARGV[2], '*', 'stage', 'send',\n"
    "  'event', 'delivery', 'from', 'none', 'to', 'held',\n"
    "  'note', 'letter ' .. ARGV[1] .. ' (' .. ARGV[6] .. ') prepared: waits for a person')\n"
    "return 1\n";

/* A person approves or discards a held letter. ARGV: id case action
 * reason operator now. */
static const char LETTER_LUA[] =
    "local k = 'writ:delivery:' .. ARGV[1]\n"
    "if redis.call('HGET', k, 'case') ~= ARGV[2] then return 2 end\n"
    "if redis.call('HGET', k, 'state') ~= 'held' then return 1 end\n"
    "local to = 'discarded'\n"
    "if ARGV[3] == 'send' then\n"
    "  to = 'deferred'\n"
    "  redis.call('HSET', k, 'state', 'deferred', 'next_at', '0', 'updated_at', ARGV[6],\n"
    "    'reply', 'approved by ' .. ARGV[5] .. ': ' .. ARGV[4])\n"
    "  redis.call('SADD', 'writ:delivery:rearm', ARGV[1])\n"
    "else\n"
    "  redis.call('HSET', k, 'state', 'discarded', 'updated_at', ARGV[6],\n"
    "    'reply', 'discarded by ' .. ARGV[5] .. ': ' .. ARGV[4])\n"
    "end\n"
    "redis.call('ZREM', 'writ:delivery:attention', ARGV[1])\n"
    "redis.call('XADD', 'writ:audit:' .. ARGV[2], '*', 'stage', 'casework',\n"
    "  'worker', 'writctl', 'event', 'delivery', 'from', 'held', 'to', to,\n"
    "  'note', 'letter ' .. ARGV[1] .. ': ' .. ARGV[3],\n"
    "  'operator', ARGV[5], 'act', 'letter ' .. ARGV[3], 'reason', ARGV[4], 'account', '-')\n"
    "return 0\n";

static char s_claim_sha[41], s_committing_sha[41], s_record_sha[41], s_resolve_sha[41];
static char s_hold_sha[41], s_letter_sha[41];

/* Runs a script whose answer is one integer: it, or -1 (Redis failed). */
static int script_int(case_store_t *store, const char *lua, char sha[41],
                      int argc, const char **args)
{
    redisReply *r = case_store_script(store, lua, sha, argc, args, NULL);
    if (!r)
        return -1;
    int rc = r->type == REDIS_REPLY_INTEGER ? (int) r->integer : -1;
    freeReplyObject(r);
    return rc;
}

int delivery_store_hold(case_store_t *store, const char *id, const char *case_id,
                        const char *to, const char *message_id,
                        const char *letter, const char *why)
{
    char now[24];
    snprintf(now, sizeof now, "%llu", (unsigned long long) writ_now_ms());
    const char *args[] = { id, case_id, to, message_id, now, letter, why };
    return script_int(store, HOLD_LUA, s_hold_sha, 7, args);
}

int delivery_store_letter(case_store_t *store, const char *case_id,
                          const char *action, const char *reason,
                          const char *operator_name)
{
    char now[24], id[DELIVERY_ID_LEN];
    snprintf(now, sizeof now, "%llu", (unsigned long long) writ_now_ms());
    delivery_letter_id(case_id, id);
    const char *args[] = { id, case_id, action, reason, operator_name, now };
    return script_int(store, LETTER_LUA, s_letter_sha, 6, args);
}

int delivery_store_resolve(case_store_t *store, const char *case_id,
                           const char *id, const char *action,
                           const char *reason, const char *operator_name)
{
    char now[24];
    snprintf(now, sizeof now, "%llu", (unsigned long long) writ_now_ms());
    const char *args[] = { id, case_id, action, reason, operator_name, now };
    return script_int(store, RESOLVE_LUA, s_resolve_sha, 6, args);
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

/* One command; its reply (NULL: Redis failed), counted as a round trip. */
static redisReply *command(case_store_t *store, const char *fmt, ...)
{
    redisContext *rc = case_store_redis(store);
    if (!rc)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(rc, fmt, ap);
    va_end(ap);
    case_store_count(store, 1, 1);
    return r;
}

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
    redisReply *r = command(store, "SPOP writ:delivery:rearm %d", (int) max);
    if (!r)
        return -1;
    int n = reply_strings(r, ids);
    freeReplyObject(r);
    return n;
}

int delivery_store_cursor_get(case_store_t *store, const char *name, uint64_t *at)
{
    redisReply *r = command(store, "GET writ:delivery:%s_cursor", name);
    if (!r)
        return -1;
    *at = r->type == REDIS_REPLY_STRING ? strtoull(r->str, NULL, 10) : 0;
    freeReplyObject(r);
    return 0;
}

int delivery_store_cursor_set(case_store_t *store, const char *name, uint64_t at)
{
    return command_ok(command(store, "SET writ:delivery:%s_cursor %llu", name,
                              (unsigned long long) at));
}

int delivery_store_cases_since(case_store_t *store, uint64_t at, size_t max,
                               delivery_case_ref_t **refs)
{
    *refs = NULL;
    redisReply *r = command(store, "ZRANGEBYSCORE writ:cases %llu +inf WITHSCORES LIMIT 0 %d",
                            (unsigned long long) at, (int) max);
    if (!r)
        return -1;
    int n = 0;
    if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2)
        *refs = calloc(r->elements / 2, sizeof **refs);
    for (size_t i = 0; *refs && i + 1 < r->elements; i += 2) {
        if (r->element[i]->type != REDIS_REPLY_STRING || r->element[i]->len >= 32)
            continue;
        snprintf((*refs)[n].id, sizeof (*refs)[n].id, "%s", r->element[i]->str);
        (*refs)[n++].at = strtoull(r->element[i + 1]->str, NULL, 10);
    }
    freeReplyObject(r);
    return n;
}

static const char *letter_set_key(delivery_letter_set_t set)
{
    return set == DELIVERY_LETTERS_WATCHED ? "writ:delivery:letters:watched"
                                           : "writ:delivery:letters:approved";
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

delivery_claim_t delivery_store_claim(case_store_t *store,
                                      const delivery_claim_args_t *a,
                                      unsigned *attempts, uint64_t *next_at)
{
    char now[24], lease[24];
    snprintf(now, sizeof now, "%llu", (unsigned long long) writ_now_ms());
    snprintf(lease, sizeof lease, "%llu", (unsigned long long) a->lease_ms);
    const char *args[] = { a->id, a->case_id, a->kind, now, lease, a->worker,
                           a->to ? a->to : "", a->message_id ? a->message_id : "" };
    redisReply *r = case_store_script(store, CLAIM_LUA, s_claim_sha, 8, args, NULL);
    *attempts = 0;
    *next_at = 0;
    if (!r)
        return DELIVERY_CLAIM_ERROR;
    delivery_claim_t out = DELIVERY_CLAIM_ERROR;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 2
        && r->element[0]->type == REDIS_REPLY_STRING
        && r->element[1]->type == REDIS_REPLY_INTEGER) {
        const char *s = r->element[0]->str;
        long long v = r->element[1]->integer;
        if (!strcmp(s, "go")) {
            out = DELIVERY_CLAIM_GO;
            *attempts = (unsigned) v;
        }
        else if (!strcmp(s, "done"))
            out = DELIVERY_CLAIM_DONE;
        else if (!strcmp(s, "later")) {
            out = DELIVERY_CLAIM_LATER;
            *next_at = (uint64_t) v;
        }
        else if (!strcmp(s, "busy")) {
            out = DELIVERY_CLAIM_BUSY;
            *next_at = (uint64_t) v;
        }
        else if (!strcmp(s, "not_yet"))
            out = DELIVERY_CLAIM_NOT_YET;
        else if (!strcmp(s, "held"))
            out = DELIVERY_CLAIM_HELD;
    }
    freeReplyObject(r);
    return out;
}

int delivery_store_committing(case_store_t *store, const char *id,
                              const char *worker, uint64_t lease_ms)
{
    char now[24], lease[24];
    snprintf(now, sizeof now, "%llu", (unsigned long long) writ_now_ms());
    snprintf(lease, sizeof lease, "%llu", (unsigned long long) lease_ms);
    const char *args[] = { id, worker, now, lease };
    redisReply *r = case_store_script(store, COMMITTING_LUA, s_committing_sha,
                                      4, args, NULL);
    if (!r)
        return -1;
    int rc = r->type == REDIS_REPLY_INTEGER && r->integer == 1 ? 0 : -1;
    freeReplyObject(r);
    return rc;
}

int delivery_store_record(case_store_t *store, const delivery_record_args_t *a)
{
    char now[24], code[24], next_at[24], after[24];
    snprintf(now, sizeof now, "%llu", (unsigned long long) writ_now_ms());
    snprintf(code, sizeof code, "%ld", a->code);
    snprintf(next_at, sizeof next_at, "%llu", (unsigned long long) a->next_at);
    snprintf(after, sizeof after, "%u", a->attention_after ? a->attention_after : 1);
    const char *args[] = { a->id, a->worker, delivery_outcome_name(a->outcome),
                           code, a->reply ? a->reply : "", now, next_at, after,
                           a->case_id, a->kind };
    redisReply *r = case_store_script(store, RECORD_LUA, s_record_sha, 10, args,
                                      NULL);
    if (!r)
        return -1;
    int rc = r->type == REDIS_REPLY_INTEGER ? (int) r->integer : -1;
    freeReplyObject(r);
    return rc;
}

static const char *const VIEW_FIELDS[] = {
    "kind", "case", "to", "message_id", "state", "attempts", "code", "reply", "letter",
    "prepared_at", "sent_at", "updated_at", "next_at",
};
#define VIEW_FIELD_COUNT (sizeof VIEW_FIELDS / sizeof VIEW_FIELDS[0])

/* The hash of one delivery as a JSON object (fields it has). */
static json_t *delivery_view(case_store_t *store, const char *id)
{
    redisContext *rc = case_store_redis(store);
    if (!rc)
        return NULL;
    const char *argv[2 + VIEW_FIELD_COUNT];
    size_t lens[2 + VIEW_FIELD_COUNT];
    char key[128];
    snprintf(key, sizeof key, "writ:delivery:%s", id);
    argv[0] = "HMGET";
    argv[1] = key;
    for (size_t i = 0; i < VIEW_FIELD_COUNT; i++)
        argv[2 + i] = VIEW_FIELDS[i];
    for (size_t i = 0; i < 2 + VIEW_FIELD_COUNT; i++)
        lens[i] = strlen(argv[i]);
    redisReply *r = redisCommandArgv(rc, (int) (2 + VIEW_FIELD_COUNT), argv, lens);
    case_store_count(store, 1, 1);
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
    json_t *x = *(json_t *const *) a, *y = *(json_t *const *) b;
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
    redisContext *rc = case_store_redis(store);
    if (!rc)
        return NULL;
    redisReply *ids = redisCommand(rc, "SMEMBERS writ:delivery:case:%s", case_id);
    case_store_count(store, 1, 1);
    if (!ids)
        return NULL;
    json_t *list = views_of(store, ids);
    freeReplyObject(ids);
    return list;
}

void *delivery_store_attention(case_store_t *store)
{
    redisContext *rc = case_store_redis(store);
    if (!rc)
        return NULL;
    redisReply *ids = redisCommand(rc, "ZRANGE writ:delivery:attention 0 -1");
    case_store_count(store, 1, 1);
    if (!ids)
        return NULL;
    json_t *list = views_of(store, ids);
    freeReplyObject(ids);
    return list;
}
