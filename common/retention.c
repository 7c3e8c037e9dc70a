/* retention.c -- purging customer data of old final cases, legal holds
 * (see retention.h). Pure rules first, then the scripts that apply them. */
#include "retention.h"

#include <hiredis/hiredis.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The final states: nothing will read the message again. "closed" is
 * the operator's close of a case (writctl case close). */
static const char *FINAL_STATES[] = { "notified", "closed" };

int64_t retention_parse_age(const char *text)
{
    if (!text || *text < '0' || *text > '9')
        return -1;
    errno = 0;
    char *end = NULL;
    long long n = strtoll(text, &end, 10);
    if (errno || n < 0)
        return -1;
    long long unit = 86400000LL;
    if (*end) {
        switch (*end) {
        case 's': unit = 1000LL; break;
        case 'm': unit = 60000LL; break;
        case 'h': unit = 3600000LL; break;
        case 'd': unit = 86400000LL; break;
        default: return -1;
        }
        if (end[1])
            return -1;
    }
    if (n > INT64_MAX / unit)
        return -1;
    return (int64_t) (n * unit);
}

bool retention_final_state(const char *state)
{
    for (size_t i = 0; state && i < sizeof FINAL_STATES / sizeof *FINAL_STATES; i++)
        if (!strcmp(state, FINAL_STATES[i]))
            return true;
    return false;
}

purge_result_t retention_judge(const char *state, uint64_t updated_at_ms,
                               const char *hold, const char *purged_at,
                               uint64_t cutoff_ms)
{
    if (!state)
        return PURGE_NO_CASE;
    if (purged_at && *purged_at)
        return PURGE_ALREADY;
    if (hold && *hold)
        return PURGE_HELD;
    if (!retention_final_state(state))
        return PURGE_NOT_FINAL;
    if (updated_at_ms > cutoff_ms)
        return PURGE_TOO_RECENT;
    return PURGE_DONE;
}

/* The rules of retention_judge again, inside Redis: between the operator's
 * listing and the purge a case may have been held or reopened. */
static const char *PURGE_LUA =
    "local key = 'writ:case:'..ARGV[1]\n"
    "local f = redis.call('HMGET', key, 'state', 'updated_at', 'hold', 'purged_at')\n"
    "if not f[1] then return 2 end\n"
    "if f[4] and f[4] ~= '' then return 1 end\n"
    "if f[3] and f[3] ~= '' then return 3 end\n"
    "local final = false\n"
    "for i = 6, #ARGV do if f[1] == ARGV[i] then final = true end end\n"
    "if not final then return 4 end\n"
    "if tonumber(f[2] or '0') > tonumber(ARGV[2]) then return 5 end\n"
    "redis.call('DEL', 'writ:raw:'..ARGV[1], 'writ:text:'..ARGV[1])\n"
    "redis.call('HSET', key, 'purged_at', ARGV[3], 'purged_by', ARGV[4])\n"
    "redis.call('XADD', 'writ:audit:'..ARGV[1], '*', 'stage', 'writctl',\n"
    "  'worker', ARGV[4], 'event', 'purged', 'from', f[1], 'to', f[1],\n"
    "  'note', ARGV[5])\n"
    "return 0\n";

static const char *HOLD_SET_LUA =
    "local key = 'writ:case:'..ARGV[1]\n"
    "local st = redis.call('HGET', key, 'state')\n"
    "if not st then return 2 end\n"
    "if (redis.call('HGET', key, 'hold') or '') ~= '' then return 1 end\n"
    "redis.call('HSET', key, 'hold', ARGV[2], 'hold_by', ARGV[3], 'hold_at', ARGV[4])\n"
    "redis.call('SADD', 'writ:holds', ARGV[1])\n"
    "redis.call('XADD', 'writ:audit:'..ARGV[1], '*', 'stage', 'writctl',\n"
    "  'worker', ARGV[3], 'event', 'legal_hold', 'from', st, 'to', st,\n"
    "  'note', ARGV[2])\n"
    "return 0\n";

static const char *HOLD_RELEASE_LUA =
    "local key = 'writ:case:'..ARGV[1]\n"
    "local st = redis.call('HGET', key, 'state')\n"
    "if not st then return 2 end\n"
    "if (redis.call('HGET', key, 'hold') or '') == '' then return 1 end\n"
    "redis.call('HDEL', key, 'hold', 'hold_by', 'hold_at')\n"
    "redis.call('SREM', 'writ:holds', ARGV[1])\n"
    "redis.call('XADD', 'writ:audit:'..ARGV[1], '*', 'stage', 'writctl',\n"
    "  'worker', ARGV[3], 'event', 'hold_released', 'from', st, 'to', st,\n"
    "  'note', ARGV[2])\n"
    "return 0\n";

static char s_purge_sha[41], s_hold_set_sha[41], s_hold_release_sha[41];

/* Runs a script whose arguments are all strings; its integer reply, or
 * -1 on failure. */
static int run(case_store_t *store, const char *body, char sha[41],
               int argc, const char **args)
{
    redisReply *r = case_store_script(store, body, sha, argc, args, NULL);
    if (!r)
        return -1;
    int rc = r->type == REDIS_REPLY_INTEGER ? (int) r->integer : -1;
    freeReplyObject(r);
    return rc;
}

purge_result_t retention_purge(case_store_t *store, const char *id,
                               uint64_t cutoff_ms, const char *operator_name,
                               const char *note)
{
    char cutoff[32], now[32];
    snprintf(cutoff, sizeof cutoff, "%llu", (unsigned long long) cutoff_ms);
    snprintf(now, sizeof now, "%llu", (unsigned long long) writ_now_ms());
    const char *args[5 + sizeof FINAL_STATES / sizeof *FINAL_STATES] = {
        id, cutoff, now, operator_name, note };
    int argc = 5;
    for (size_t i = 0; i < sizeof FINAL_STATES / sizeof *FINAL_STATES; i++)
        args[argc++] = FINAL_STATES[i];
    return (purge_result_t) run(store, PURGE_LUA, s_purge_sha, argc, args);
}

int retention_hold_set(case_store_t *store, const char *id,
                       const char *reason, const char *operator_name)
{
    char now[32];
    snprintf(now, sizeof now, "%llu", (unsigned long long) writ_now_ms());
    const char *args[] = { id, reason, operator_name, now };
    return run(store, HOLD_SET_LUA, s_hold_set_sha, 4, args);
}

int retention_hold_release(case_store_t *store, const char *id,
                           const char *reason, const char *operator_name)
{
    const char *args[] = { id, reason, operator_name };
    return run(store, HOLD_RELEASE_LUA, s_hold_release_sha, 3, args);
}
