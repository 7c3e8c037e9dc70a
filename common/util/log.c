/* log.c -- see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/time.h>

static char s_program[32] = "writ";
static char s_worker[96] = "";
static writ_log_level_t s_level = WLOG_INFO;

void writ_log_init(const char *program, const char *worker_id, const char *level_name)
{
    snprintf(s_program, sizeof s_program, "%s", program ? program : "writ");
    snprintf(s_worker, sizeof s_worker, "%s", worker_id ? worker_id : "");
    if (level_name) {
        if (!strcasecmp(level_name, "debug"))
            s_level = WLOG_DEBUG;
        else if (!strcasecmp(level_name, "warn"))
            s_level = WLOG_WARN;
        else if (!strcasecmp(level_name, "error"))
            s_level = WLOG_ERROR;
        else
            s_level = WLOG_INFO;
    }
}

void writ_log(writ_log_level_t level, const char *case_id, const char *fmt, ...)
{
    static const char *names[] = { "debug", "info", "warn", "error", "notice" };
    if (level < s_level)
        return;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s.%03ldZ %s%s%s%s %s%s%s: %s\n", stamp, (long)(tv.tv_usec / 1000),
            s_program, s_worker[0] ? "[" : "", s_worker, s_worker[0] ? "]" : "",
            names[level], case_id ? " case=" : "", case_id ? case_id : "", msg);
}

static unsigned long long monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000u +
           (unsigned long long)ts.tv_nsec / 1000000u;
}

int log_limit_due(log_limit_t *limit, unsigned long *count)
{
    unsigned long long now = monotonic_ms();
    if (limit->count == 0 || now < limit->next_ms)
        return 0;
    *count = limit->count;
    limit->count = 0;
    limit->next_ms = now + LOG_LIMIT_INTERVAL_MS;
    return 1;
}

int log_limit_allow(log_limit_t *limit, unsigned long *count)
{
    unsigned long long now = monotonic_ms();
    limit->count++;
    if (now < limit->next_ms)
        return 0;
    *count = limit->count;
    limit->count = 0;
    limit->next_ms = now + LOG_LIMIT_INTERVAL_MS;
    return 1;
}
