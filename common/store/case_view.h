/* case_view.h -- cases as the legal team's views read them (writctl
 * queue, due, case search; writ-send's daily digest), and what is due
 * over the coming days. Dates are day numbers: days since 1970-01-01 (UTC).
 */
#ifndef WRIT_CASE_VIEW_H
#define WRIT_CASE_VIEW_H

#include "case.h"
#include "case_store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct redisReply;

/* One case as the views need it. Owns c and cw. */
typedef struct {
    char id[CASE_ID_LEN];
    char state[32];
    long long received_ms;
    case_t *c;  /* NULL: the record does not decode */
    json_t *cw; /* its casework object (never NULL) */
    char review_reason[512];
    long preserve_day; /* 0: none */
    char renewed_by[CASE_ID_LEN];
    char renews[CASE_ID_LEN];
} case_view_t;

/* "YYYY-MM-DD" -> day number, -1 when not a date. */
long case_view_day(const char *date);
void case_view_date(long day, char out[11]);
/* "overdue by 2 days", "due today", "in 3 days". */
void case_view_relative(long day, long today, char *buf, size_t len);

/* Loads the cases named in ids (a hiredis array reply of case ids; one
 * pipelined round trip); missing ones are skipped. *n receives the count;
 * NULL on a Redis failure. Free with case_view_clear. */
case_view_t *case_view_load(case_store_t *store, const struct redisReply *ids, size_t *n);
/* The same for the union of index sets (writ:idx:...), one more round trip. */
case_view_t *case_view_load_sets(case_store_t *store, const char *const *keys,
                                 size_t nkeys, size_t *n);
/* The cases that may have a date due: the dated index and the cases
 * waiting on the requester (writctl due, the daily digest). */
case_view_t *case_view_load_due(case_store_t *store, size_t *n);
void case_view_clear(case_view_t *v, size_t n);

/* The requester's agency ("an unnamed requester") and the request type
 * in words ("not mail" when the record does not decode). */
const char *case_view_agency(const case_view_t *v);
const char *case_view_type(const case_view_t *v);
/* The case still owes the requester an answer: in review or waiting, or
 * decided to disclose and nothing produced yet. */
bool case_view_owes_response(const case_view_t *v);

/* One date a case has coming up or passed. */
typedef struct {
    long day;             /* day number */
    const case_view_t *v; /* borrowed from the loaded cases */
    const char *kind;     /* "deadline", "preservation", "gag end",
                                       * "nsl gag", "long gag", "waiting" */
    char what[512];       /* in words; may name an account */
} case_due_t;

/* Every date of the loaded cases up to today + days (passed ones
 * included), earliest first; *m receives the count. Newly allocated
 * (free it); NULL when out of memory. */
case_due_t *case_view_due(const case_view_t *cases, size_t n, long today, long days,
                          size_t *m);

#endif
