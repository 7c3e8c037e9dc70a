/* case_view.c -- cases as the legal team's views read them (writctl
 * queue, due, case search; writ-send's daily digest): loaded by id from
 * Redis in one pipelined round trip, and what is due over the coming
 * days -- a pure function over the loaded cases. The dates are day
 * numbers (days since 1970-01-01, UTC).
 */
#include "case_view.h"
#include "dates.h"
#include "casework.h"
#include "keys.h"
#include "pipeline.h"
#include "wire.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- dates as day numbers ------------------------------------------------ */

long case_view_day(const char *date) /* "YYYY-MM-DD" -> day, -1 */
{
    long n = pipeline_date_number(date);
    date_t d = { (int)(n / 10000), (int)(n / 100 % 100), (int)(n % 100) };
    return n ? date_to_days(&d) : -1;
}

void case_view_date(long day, char out[11])
{
    date_t d = date_from_days(day);
    int yy = d.year % 10000, mm = d.month % 100, dd = d.day % 100;
    if (yy < 0)
        yy = 0;
    if (mm < 0 || dd < 0)
        mm = dd = 0;
    snprintf(out, 11, "%04d-%02d-%02d", yy, mm, dd);
}

void case_view_relative(long day, long today, char *buf, size_t len)
{
    long n = day - today;
    if (n < 0)
        snprintf(buf, len, "overdue by %ld day%s", -n, n == -1 ? "" : "s");
    else if (n == 0)
        snprintf(buf, len, "due today");
    else
        snprintf(buf, len, "in %ld day%s", n, n == 1 ? "" : "s");
}

void case_view_clear(case_view_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        case_destroy(&v[i].c);
        json_decref(v[i].cw);
    }
    free(v);
}

static void field(char *dst, size_t len, redisReply *r)
{
    dst[0] = '\0';
    if (r->type == REDIS_REPLY_STRING)
        snprintf(dst, len, "%.*s", (int)r->len, r->str);
}

/* Loads the cases named in ids (one pipelined round trip); missing ones
 * are skipped. *n receives the count; NULL on a Redis failure. */
case_view_t *case_view_load(case_store_t *store, const redisReply *ids, size_t *n)
{
    *n = 0;
    redis_conn_t *conn = case_store_conn(store);
    if (!redis_conn_ready(conn))
        return NULL;
    case_view_t *out = calloc(ids->elements ? ids->elements : 1, sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < ids->elements; i++)
        redis_conn_append(conn,
                          "HMGET " KEY_CASE "%b state received_at record "
                          "casework review_reason preserve_day "
                          "preserve_renewed_by renews",
                          ids->element[i]->str, ids->element[i]->len);
    for (size_t i = 0; i < ids->elements; i++) {
        redisReply *r = redis_conn_read(conn);
        if (!r) {
            case_view_clear(out, *n);
            return NULL;
        }
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 8 &&
            r->element[0]->type == REDIS_REPLY_STRING &&
            ids->element[i]->len < CASE_ID_LEN) {
            case_view_t *v = &out[(*n)++];
            snprintf(v->id, sizeof v->id, "%s", ids->element[i]->str);
            field(v->state, sizeof v->state, r->element[0]);
            v->received_ms =
                r->element[1]->type == REDIS_REPLY_STRING ? atoll(r->element[1]->str) : 0;
            char err[64];
            if (r->element[2]->type == REDIS_REPLY_STRING)
                v->c = wire_decode_case(r->element[2]->str, r->element[2]->len, err,
                                        sizeof err);
            if (r->element[3]->type == REDIS_REPLY_STRING && r->element[3]->len)
                v->cw = json_loadb(r->element[3]->str, r->element[3]->len, 0, NULL);
            if (!v->cw)
                v->cw = json_object();
            field(v->review_reason, sizeof v->review_reason, r->element[4]);
            v->preserve_day =
                r->element[5]->type == REDIS_REPLY_STRING ? atol(r->element[5]->str) : 0;
            field(v->renewed_by, sizeof v->renewed_by, r->element[6]);
            field(v->renews, sizeof v->renews, r->element[7]);
        }
        freeReplyObject(r);
    }
    return out;
}

const char *case_view_agency(const case_view_t *v)
{
    const request_t *r = v->c ? v->c->request : NULL;
    return r && r->issuing_agency ? r->issuing_agency : "an unnamed requester";
}

const char *case_view_type(const case_view_t *v)
{
    return v->c && v->c->request ? request_type_name(v->c->request->type) : "not mail";
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* ---- what a case owes ------------------------------------------------------ */

static bool produced_any(const case_view_t *v)
{
    const char *k;
    json_t *a;
    json_object_foreach(json_object_get(v->cw, "accounts"), k,
                        a) if (json_array_size(json_object_get(a, "productions")) >
                               0) return true;
    return false;
}

bool case_view_owes_response(const case_view_t *v)
{
    if (!strcmp(v->state, STATE_REVIEW) || !strcmp(v->state, STATE_WAITING))
        return true;
    for (size_t i = 0; v->c && i < v->c->account_count; i++) {
        decision_t d = v->c->accounts[i].decision;
        if (d == DEC_DISCLOSE || d == DEC_PARTIAL)
            return !produced_any(v);
    }
    return false;
}

static int due_cmp(const void *a, const void *b)
{
    const case_due_t *x = a, *y = b;
    return x->day < y->day ? -1 : x->day > y->day;
}

#define DUE_ADD(d, k, ...)                                            \
    do {                                                              \
        if (n < cap) {                                                \
            rows[n] = (case_due_t){ (d), v, (k), "" };                \
            snprintf(rows[n].what, sizeof rows[n].what, __VA_ARGS__); \
            n++;                                                      \
        }                                                             \
    } while (0)

static size_t due_rows(const case_view_t *v, case_due_t *rows, size_t cap)
{
    size_t n = 0;
    if (!v->c || !v->c->request || !strcmp(v->state, STATE_CLOSED))
        return 0;
    const request_t *r = v->c->request;
    long received = (long)(v->received_ms / 86400000);
    long deadline = case_view_day(r->deadline);
    if (deadline >= 0 && case_view_owes_response(v))
        DUE_ADD(deadline, "deadline", "response deadline of the %s from %s",
                case_view_type(v), case_view_agency(v));
    if (v->preserve_day > 0) {
        if (v->renewed_by[0])
            DUE_ADD(v->preserve_day, "preservation",
                    "preservation ends (extended "
                    "once, on the renewal in case %s; 18 U.S.C. 2703(f)(2) allows "
                    "no second extension)",
                    v->renewed_by);
        else
            DUE_ADD(v->preserve_day, "preservation",
                    "preservation ends (90 days "
                    "from the request, 18 U.S.C. 2703(f); one 90-day extension on "
                    "a renewed request)");
    }
    json_t *ch = json_object_get(v->cw, "challenge");
    for (size_t i = 0; i < v->c->account_count; i++) {
        const account_decision_t *d = &v->c->accounts[i];
        if (d->notice != NOTICE_HELD)
            continue;
        const char *gag = jstr(
            json_object_get(
                json_object_get(json_object_get(v->cw, "accounts"), d->account), "gag"),
            "state");
        if (gag && strcmp(gag, "extended"))
            continue; /* lifted or set aside: notify releases */
        if (d->release_on[0])
            DUE_ADD(case_view_day(d->release_on), "gag end",
                    "gag on the notice to %s "
                    "ends: notify prepares the notice that day",
                    d->account);
    }
    if (r->type == REQ_NATIONAL_SECURITY_LETTER && r->nondisclosure && !ch)
        DUE_ADD(received, "nsl gag",
                "NSL nondisclosure: the provider may ask the "
                "FBI to seek judicial review of the gag (18 U.S.C. 3511(b)); none "
                "requested yet");
    else if (r->nondisclosure && r->type != REQ_NATIONAL_SECURITY_LETTER &&
             case_view_day(r->nondisclosure_until) > received + 365 && !ch)
        DUE_ADD(received + 365, "long gag",
                "nondisclosure until %s is longer than "
                "one year: the 2017 Justice Department policy caps 18 U.S.C. "
                "2705(b) orders at one year barring exceptional circumstances; "
                "consider a challenge",
                r->nondisclosure_until);
    json_t *w = json_object_get(v->cw, "waiting");
    if (w && !strcmp(v->state, STATE_WAITING)) {
        const char *until = jstr(w, "until");
        DUE_ADD(until ? case_view_day(until) : received, "waiting",
                "waiting on the "
                "requester: %s%s",
                jstr(w, "reason") ? jstr(w, "reason") : "",
                until ? "" : " (no date set)");
    }
    return n;
}

/* SUNION of several index sets in one round trip, as one array reply. */
static redisReply *members_of(case_store_t *store, const char *const *keys, size_t n)
{
    const char *argv[8];
    if (n + 1 > sizeof argv / sizeof *argv)
        return NULL;
    argv[0] = "SUNION";
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = keys[i];
    redisReply *r = redis_conn_argv(case_store_conn(store), (int)n + 1, argv, NULL);
    if (r && r->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(r);
        r = NULL;
    }
    return r;
}

case_view_t *case_view_load_sets(case_store_t *store, const char *const *keys,
                                 size_t nkeys, size_t *n)
{
    *n = 0;
    redisReply *ids = members_of(store, keys, nkeys);
    if (!ids)
        return NULL;
    case_view_t *cases = case_view_load(store, ids, n);
    freeReplyObject(ids);
    return cases;
}

case_view_t *case_view_load_due(case_store_t *store, size_t *n)
{
    static const char *const keys[] = { KEY_IDX_DATED, KEY_IDX_STATE STATE_WAITING };
    return case_view_load_sets(store, keys, 2, n);
}

case_due_t *case_view_due(const case_view_t *cases, size_t n, long today, long days,
                          size_t *m)
{
    size_t cap = 8 * n + 1;
    *m = 0;
    case_due_t *rows = calloc(cap, sizeof *rows);
    for (size_t i = 0; rows && i < n; i++) {
        case_due_t mine[8];
        size_t got = due_rows(&cases[i], mine, 8);
        for (size_t k = 0; k < got && *m < cap; k++)
            if (mine[k].day <= today + days)
                rows[(*m)++] = mine[k];
    }
    if (rows)
        qsort(rows, *m, sizeof *rows, due_cmp);
    return rows;
}
