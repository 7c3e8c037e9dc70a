/* retention.c -- purging customer data of old final cases, legal holds
 * (see retention.h). Pure rules first, then the scripts that apply them. */
#include "retention.h"
#include "lua_scripts.h"

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
        case 's':
            unit = 1000LL;
            break;
        case 'm':
            unit = 60000LL;
            break;
        case 'h':
            unit = 3600000LL;
            break;
        case 'd':
            unit = 86400000LL;
            break;
        default:
            return -1;
        }
        if (end[1])
            return -1;
    }
    if (n > INT64_MAX / unit)
        return -1;
    return (int64_t)(n * unit);
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

/* The audit entries' stage for the operator's retention acts. */
#define RETENTION_STAGE "writctl"

purge_result_t retention_purge(case_store_t *store, const char *id, uint64_t cutoff_ms,
                               const char *operator_name, const char *note)
{
    char cutoff[32], now[32];
    snprintf(cutoff, sizeof cutoff, "%llu", (unsigned long long)cutoff_ms);
    snprintf(now, sizeof now, "%llu", (unsigned long long)writ_now_ms());
    const char *args[6 + sizeof FINAL_STATES / sizeof *FINAL_STATES] = {
        id, cutoff, now, operator_name, note, RETENTION_STAGE
    };
    int argc = 6;
    for (size_t i = 0; i < sizeof FINAL_STATES / sizeof *FINAL_STATES; i++)
        args[argc++] = FINAL_STATES[i];
    return (purge_result_t)case_store_script_code(store, &lua_purge, argc, args);
}

int retention_hold_set(case_store_t *store, const char *id, const char *reason,
                       const char *operator_name)
{
    char now[32];
    snprintf(now, sizeof now, "%llu", (unsigned long long)writ_now_ms());
    const char *args[] = { id, reason, operator_name, now, RETENTION_STAGE };
    return case_store_script_code(store, &lua_hold_set, 5, args);
}

int retention_hold_release(case_store_t *store, const char *id, const char *reason,
                           const char *operator_name)
{
    const char *args[] = { id, reason, operator_name, RETENTION_STAGE };
    return case_store_script_code(store, &lua_hold_release, 4, args);
}
