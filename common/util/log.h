/* log.h -- one-line logs on stderr: time, program, worker, level, case id.
 *
 * Rule: log case ids and counts, never addresses, names or message text
 * (the messages carry personal data of customers and officers).
 */
#ifndef WRIT_LOG_H
#define WRIT_LOG_H

/* WLOG_NOTICE: a daemon's lifecycle ("ready:"), written at every level:
 * scripts/stack and the health checks wait for it. */
typedef enum {
    WLOG_DEBUG = 0,
    WLOG_INFO,
    WLOG_WARN,
    WLOG_ERROR,
    WLOG_NOTICE
} writ_log_level_t;

void writ_log_init(const char *program, const char *worker_id, const char *level_name);
void writ_log(writ_log_level_t level, const char *case_id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* For events a peer can cause at will (malformed jobs, refused work): at
 * most one line per interval. log_limit_allow says whether to log now;
 * *count receives how many events that line stands for (this one and
 * those left unlogged since the last line). */
typedef struct {
    unsigned long long next_ms;
    unsigned long count;
} log_limit_t;

#define LOG_LIMIT_INTERVAL_MS 1000
int log_limit_allow(log_limit_t *limit, unsigned long *count);
/* For a periodic call: whether events are left unlogged and the interval
 * has passed (then *count receives their number, and they count as
 * logged), so the last of a burst is reported too. */
int log_limit_due(log_limit_t *limit, unsigned long *count);

#define log_notice(id, ...) writ_log(WLOG_NOTICE, id, __VA_ARGS__)
#define log_info(id, ...) writ_log(WLOG_INFO, id, __VA_ARGS__)
#define log_warn(id, ...) writ_log(WLOG_WARN, id, __VA_ARGS__)
#define log_error(id, ...) writ_log(WLOG_ERROR, id, __VA_ARGS__)
#define log_debug(id, ...) writ_log(WLOG_DEBUG, id, __VA_ARGS__)

#endif
