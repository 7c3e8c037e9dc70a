/* views.c -- writctl's views of the work: `queue` (what needs a person,
 * most urgent first, each row saying why), `due` (dates coming up and
 * passed) and `case search`. All of them read Redis's indexes
 * (writ:idx:state:*, writ:idx:dated, writ:idx:account|agency|ref:*),
 * kept by the same atomic scripts that change the cases: never a scan
 * over every case.
 */
#include "case_view.h"
#include "casework_store.h"
#include "keys.h"
#include "pipeline.h"
#include "wire.h"
#include "writctl.h"
#include "delivery_store.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The same, "" when missing (a delivery has only the fields it reached). */
static const char *dstr(json_t *o, const char *key)
{
    const char *s = jstr(o, key);
    return s ? s : "";
}

/* queue and due date every row against today (casework/today when the
 * configuration fixes it, as in the tests) and read the cases from Redis:
 * both start here. Returns the store, or NULL when Redis cannot be reached
 * (writctl_open_store has said so). */
static case_store_t *open_dated(writ_config_t *cfg, long *today)
{
    char todays[11];
    writctl_today(cfg, todays);
    *today = case_view_day(todays);
    return writctl_open_store(cfg);
}

/* ---- queue ---------------------------------------------------------------- */

typedef struct {
    int rank;   /* 1 emergency ... 5 challenge */
    long order; /* within the rank, smaller first */
    const case_view_t *v;
    char why[640];
} queue_row_t;

static int row_cmp(const void *a, const void *b)
{
    const queue_row_t *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* An emergency still waiting for a decision (once decided, a case in
 * review -- a withheld notice -- is queued for what it still needs). */
static bool is_emergency(const case_view_t *v)
{
    if (!v->c)
        return false;
    bool undecided = false;
    for (size_t i = 0; i < v->c->account_count; i++)
        undecided |= casework_undecided(&v->c->accounts[i]);
    if (!undecided)
        return false;
    if (v->c->request &&
        (v->c->request->type == REQ_EMERGENCY_REQUEST || v->c->request->emergency))
        return true;
    for (size_t i = 0; i < v->c->account_count; i++)
        if (v->c->accounts[i].decision == DEC_EMERGENCY_REVIEW)
            return true;
    return false;
}

/* Why a case in review needs a person, in words. */
static void review_words(const case_view_t *v, char *buf, size_t len)
{
    const case_t *c = v->c;
    if (!c) {
        snprintf(buf, len, "the case record cannot be read: read the original message");
        return;
    }
    if (v->review_reason[0]) {
        snprintf(buf, len, "%s", v->review_reason);
        return;
    }
    bool unknown = c->request && c->request->type == REQ_UNKNOWN;
    bool unverified = c->verify_requester && !json_object_get(v->cw, "verification");
    if (unknown || unverified) {
        snprintf(buf, len, "%s%s%s%s",
                 unknown ? "no recognisable legal process: "
                           "a person must read it"
                         : "",
                 unknown && unverified ? "; " : "",
                 unverified
                     ? (c->verify_reason ? c->verify_reason : "requester not verified")
                     : "",
                 unverified ? " (call the agency back on its published number)" : "");
        return;
    }
    for (size_t i = 0; i < c->account_count; i++)
        if (casework_undecided(&c->accounts[i])) {
            snprintf(buf, len, "%s awaits a decision: %s", c->accounts[i].account,
                     c->accounts[i].reason ? c->accounts[i].reason : "");
            return;
        }
    for (size_t i = 0; i < c->account_count; i++)
        if (c->accounts[i].notice == NOTICE_DEFERRED) {
            snprintf(buf, len, "the notice to %s is deferred: release or withhold it",
                     c->accounts[i].account);
            return;
        }
    snprintf(buf, len, "in review");
}

/* An emergency in review: the one row such a case gets, first in the
 * queue, saying whether the requester was verified. */
static void emergency_row(const case_view_t *v, long now_ms, queue_row_t *row)
{
    long minutes = (now_ms - v->received_ms) / 60000;
    json_t *ver = json_object_get(v->cw, "verification");
    *row = (queue_row_t){ 1, v->received_ms, v, "" };
    snprintf(row->why, sizeof row->why,
             "EMERGENCY from %s, waiting %ld "
             "min; %s",
             case_view_agency(v), minutes,
             ver ? "requester verified: decide now"
             : v->c && v->c->verify_requester
                 ? "requester NOT verified: call back before disclosing"
                 : "decide now");
}

/* The case's own reason to be looked at, most urgent first: a response
 * deadline within three days, else its review, else a wait for the
 * requester that has ended. Returns 1 when there is one (in *row), 0 if
 * not. */
static size_t attention_row(const case_view_t *v, long today, queue_row_t *row)
{
    const char *st = v->state;
    bool open = !strcmp(st, STATE_REVIEW) || !strcmp(st, STATE_WAITING);
    long deadline = v->c && v->c->request ? case_view_day(v->c->request->deadline) : -1;
    json_t *waiting = json_object_get(v->cw, "waiting");
    bool settled = !strcmp(st, STATE_CLOSED) || !strcmp(st, STATE_RECEIVED) ||
                   !strcmp(st, STATE_DECIDED);
    if (!settled && deadline >= 0 && deadline <= today + 3 &&
        case_view_owes_response(v)) {
        char rel[48], date[11];
        case_view_relative(deadline, today, rel, sizeof rel);
        case_view_date(deadline, date);
        *row = (queue_row_t){ 2, deadline, v, "" };
        snprintf(row->why, sizeof row->why,
                 "response deadline %s (%s) of "
                 "the %s from %s; %s",
                 date, rel, case_view_type(v), case_view_agency(v),
                 waiting ? "waiting on the requester"
                 : open  ? "still in review"
                         : "decided to disclose, nothing produced yet");
        return 1;
    }
    if (!strcmp(st, STATE_REVIEW)) {
        *row = (queue_row_t){ 3, v->received_ms, v, "" };
        review_words(v, row->why, sizeof row->why);
        return 1;
    }
    if (waiting && jstr(waiting, "until") &&
        case_view_day(jstr(waiting, "until")) <= today) {
        *row = (queue_row_t){ 3, v->received_ms, v, "" };
        snprintf(row->why, sizeof row->why,
                 "the wait for the requester "
                 "ended %s (%s)",
                 jstr(waiting, "until"), jstr(waiting, "reason"));
        return 1;
    }
    return 0;
}

/* A notice still held although its gag has ended (and no person withheld
 * it): it owes the account holder a notice nobody has prepared. One row
 * per case, for the first such account; returns 1 when there is one. */
static size_t gag_ended_row(const case_view_t *v, long today, queue_row_t *row)
{
    for (size_t i = 0; v->c && i < v->c->account_count; i++) {
        const account_decision_t *d = &v->c->accounts[i];
        if (d->notice != NOTICE_HELD)
            continue;
        char todays[11];
        case_view_date(today, todays);
        const char *ns = jstr(
            json_object_get(json_object_get(v->cw, "accounts"), d->account), "notice");
        if (ns && !strcmp(ns, "withheld"))
            continue;
        if (!casework_gag_live(d, v->cw, todays)) {
            *row = (queue_row_t){ 4, v->received_ms, v, "" };
            snprintf(row->why, sizeof row->why,
                     "the gag on %s has ended "
                     "(%s) but its notice is not prepared%s",
                     d->account, d->release_on[0] ? d->release_on : "lifted",
                     d->notice_to ? "" : ": no addressee in the registry");
            return 1;
        }
    }
    return 0;
}

/* A challenge writ recommended that is not filed yet, or filed and not
 * ruled on, on a case still open. Returns 1 when there is one. */
static size_t challenge_row(const case_view_t *v, queue_row_t *row)
{
    json_t *ch = json_object_get(v->cw, "challenge");
    const char *cs = jstr(ch, "status");
    if (!v->c || !v->c->challenge_recommended || !strcmp(v->state, STATE_CLOSED) ||
        (cs && strcmp(cs, "filed")))
        return 0;
    *row = (queue_row_t){ 5, v->received_ms, v, "" };
    if (cs)
        snprintf(row->why, sizeof row->why,
                 "challenge filed%s%s: "
                 "awaiting the ruling",
                 jstr(ch, "court") ? " in " : "",
                 jstr(ch, "court") ? jstr(ch, "court") : "");
    else
        snprintf(row->why, sizeof row->why,
                 "challenge recommended: a "
                 "gag on an enterprise customer's data; none filed yet");
    return 1;
}

/* The queue's rows for one case: an emergency alone, else up to three
 * (its own reason, an ended gag, a challenge), which is why the caller
 * has room for 3 per case. Returns how many were written to rows. */
static size_t queue_rows(const case_view_t *v, long today, long now_ms, queue_row_t *rows)
{
    if (!strcmp(v->state, STATE_REVIEW) && is_emergency(v)) {
        emergency_row(v, now_ms, &rows[0]);
        return 1;
    }
    size_t n = attention_row(v, today, &rows[0]);
    n += gag_ended_row(v, today, &rows[n]);
    n += challenge_row(v, &rows[n]);
    return n;
}

static int parse_json_flag(int argc, char **argv, bool *as_json)
{
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            *as_json = true;
        else
            return -1;
    }
    return 0;
}

static void delivery_words(json_t *d, char *buf, size_t len);

/* A row's kind by its rank, in the table and in --json. */
static const char *const queue_kinds[] = { "",       "emergency", "deadline",
                                           "review", "gag ended", "challenge" };

/* Notices and alerts writ-send could not deliver (failed, unconfirmed,
 * deferred too often): appended to list after the cases, oldest first. */
static void queue_add_deliveries(case_store_t *store, json_t *list)
{
    json_t *stuck = delivery_store_attention(store);
    size_t j;
    json_t *d;
    json_array_foreach(stuck, j, d)
    {
        char why[512];
        delivery_words(d, why, sizeof why);
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "case",
                                              dstr(d, "case"), "state", dstr(d, "state"),
                                              "kind", "delivery", "type", dstr(d, "kind"),
                                              "agency", "", "why", why, "delivery",
                                              dstr(d, "id")));
    }
    json_decref(stuck);
}

/* The queue as a table: the m case rows, then the deliveries list holds
 * after its first m entries, numbered on. */
static void queue_print_text(const queue_row_t *rows, size_t m, json_t *list)
{
    printf("%-3s %-18s %-8s %-10s %s\n", "#", "CASE", "STATE", "KIND", "WHY");
    for (size_t i = 0; i < m; i++)
        printf("%-3zu %-18s %-8s %-10s %s\n", i + 1, rows[i].v->id, rows[i].v->state,
               queue_kinds[rows[i].rank], rows[i].why);
    for (size_t i = m; i < json_array_size(list); i++) {
        json_t *e = json_array_get(list, i);
        printf("%-3zu %-18s %-8s %-10s %s\n", i + 1, dstr(e, "case"), dstr(e, "state"),
               "delivery", dstr(e, "why"));
    }
}

int writctl_queue(writ_config_t *cfg, int argc, char **argv)
{
    bool as_json = false;
    if (parse_json_flag(argc, argv, &as_json) != 0)
        return writctl_usage();
    long today;
    case_store_t *store = open_dated(cfg, &today);
    if (!store)
        return EX_UNAVAILABLE;
    static const char *const keys[] = { KEY_IDX_STATE STATE_REVIEW,
                                        KEY_IDX_STATE STATE_WAITING,
                                        KEY_IDX_STATE STATE_HELD, KEY_IDX_DATED };
    size_t n = 0;
    case_view_t *cases = case_view_load_sets(store, keys, 4, &n);
    if (!cases) {
        fprintf(stderr, "writctl: redis: %s\n", case_store_error(store));
        case_store_destroy(&store);
        return EX_UNAVAILABLE;
    }
    queue_row_t *rows = calloc(3 * n + 1, sizeof *rows);
    size_t m = 0;
    long now_ms = (long)writ_now_ms();
    for (size_t i = 0; rows && i < n; i++)
        m += queue_rows(&cases[i], today, now_ms, rows + m);
    if (rows)
        qsort(rows, m, sizeof *rows, row_cmp);
    json_t *list = json_array();
    for (size_t i = 0; i < m; i++)
        json_array_append_new(
            list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "case", rows[i].v->id, "state",
                            rows[i].v->state, "kind", queue_kinds[rows[i].rank], "type",
                            case_view_type(rows[i].v), "agency",
                            case_view_agency(rows[i].v), "why", rows[i].why));
    queue_add_deliveries(store, list);
    if (as_json)
        writctl_print_json(list);
    else if (json_array_size(list) == 0)
        printf("nothing needs a person\n");
    else
        queue_print_text(rows, m, list);
    json_decref(list);
    free(rows);
    case_view_clear(cases, n);
    case_store_destroy(&store);
    return 0;
}

/* One line on a message writ-send could not deliver. */
static void delivery_words(json_t *d, char *buf, size_t len)
{
    const char *state = dstr(d, "state");
    if (!strcmp(state, "held")) /* writ-send's words (delivery_hold.lua) */
        snprintf(buf, len, "%s", dstr(d, "reply"));
    else if (!strcmp(state, "failed"))
        snprintf(buf, len, "%s %s refused by the relay: %s", dstr(d, "kind"),
                 dstr(d, "id"), dstr(d, "reply"));
    else if (!strcmp(state, "unconfirmed"))
        snprintf(buf, len,
                 "%s %s may have been sent (Message-ID <%s>): check the relay's log, "
                 "then writctl case delivery %s %s sent|resend",
                 dstr(d, "kind"), dstr(d, "id"), dstr(d, "message_id"), dstr(d, "case"),
                 dstr(d, "id"));
    else
        snprintf(buf, len, "%s %s %s after %s attempts, retried: %s", dstr(d, "kind"),
                 dstr(d, "id"), state, dstr(d, "attempts"), dstr(d, "reply"));
}

/* ---- due ---------------------------------------------------------------- */

/* The notices, alerts and letters writ-send could not deliver (failed,
 * unconfirmed, deferred too often, held for a person), as due rows dated
 * from their last attempt: a person owes them a look as the queue says.
 * Returns how many were added. */
static size_t due_deliveries(case_store_t *store, long today, json_t *list, bool as_json)
{
    json_t *stuck = delivery_store_attention(store);
    size_t i, added = 0;
    json_t *d;
    json_array_foreach(stuck, i, d)
    {
        char date[11], rel[48], why[512];
        long day = (long)(atoll(dstr(d, "updated_at")) / 86400000LL);
        case_view_date(day, date);
        case_view_relative(day, today, rel, sizeof rel);
        delivery_words(d, why, sizeof why);
        json_array_append_new(
            list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "date", date, "status", rel,
                            "case", dstr(d, "case"), "state", dstr(d, "state"), "kind",
                            "delivery", "what", why, "delivery", dstr(d, "id")));
        if (!as_json)
            printf("%s  %-16s %-18s %-12s %s\n", date, rel, dstr(d, "case"), "delivery",
                   why);
        added++;
    }
    json_decref(stuck);
    return added;
}

int writctl_due(writ_config_t *cfg, int argc, char **argv)
{
    bool as_json = false;
    long days = 30;
    for (int i = 0; i < argc; i++) {
        char *end = NULL;
        if (!strcmp(argv[i], "--json"))
            as_json = true;
        else if (!strcmp(argv[i], "--days") && i + 1 < argc) {
            days = strtol(argv[++i], &end, 10);
            if (!end || *end || days < 0 || days > 36500) {
                fprintf(stderr, "writctl: --days needs a number of days\n");
                return EX_USAGE;
            }
        } else
            return writctl_usage();
    }
    long today;
    case_store_t *store = open_dated(cfg, &today);
    if (!store)
        return EX_UNAVAILABLE;
    size_t n = 0;
    case_view_t *cases = case_view_load_due(store, &n);
    if (!cases) {
        fprintf(stderr, "writctl: redis: %s\n", case_store_error(store));
        case_store_destroy(&store);
        return EX_UNAVAILABLE;
    }
    size_t m = 0;
    case_due_t *rows = case_view_due(cases, n, today, days, &m);
    json_t *list = json_array();
    for (size_t i = 0; i < m; i++) {
        char date[11], rel[48];
        case_view_date(rows[i].day, date);
        case_view_relative(rows[i].day, today, rel, sizeof rel);
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "date", date,
                                              "status", rel, "case", rows[i].v->id,
                                              "state", rows[i].v->state, "kind",
                                              rows[i].kind, "what", rows[i].what));
        if (!as_json)
            printf("%s  %-16s %-18s %-12s %s\n", date, rel, rows[i].v->id, rows[i].kind,
                   rows[i].what);
    }
    m += due_deliveries(store, today, list, as_json);
    if (as_json)
        writctl_print_json(list);
    else if (m == 0)
        printf("nothing due in the next %ld days\n", days);
    json_decref(list);
    free(rows);
    case_view_clear(cases, n);
    case_store_destroy(&store);
    return 0;
}

/* ---- search ---------------------------------------------------------------- */

/* The cases in every index set of keys (SINTER), or, with no keys, those
 * received since since_ms; NULL on a Redis failure. */
static case_view_t *search_load(case_store_t *store, GPtrArray *keys, long long since_ms,
                                size_t *n)
{
    redis_conn_t *conn = case_store_conn(store);
    redisReply *ids = NULL;
    *n = 0;
    if (keys->len > 0) {
        const char **argvv = calloc(keys->len + 1, sizeof *argvv);
        if (argvv) {
            argvv[0] = "SINTER";
            for (guint i = 0; i < keys->len; i++)
                argvv[i + 1] = keys->pdata[i];
            ids = redis_conn_argv(conn, (int)keys->len + 1, argvv, NULL);
        }
        free(argvv);
    } else
        ids = redis_conn_command(conn, "ZRANGEBYSCORE " KEY_CASES " %lld +inf", since_ms);
    case_view_t *cases =
        ids && ids->type == REDIS_REPLY_ARRAY ? case_view_load(store, ids, n) : NULL;
    if (ids)
        freeReplyObject(ids);
    return cases;
}

/* A new array of list's items, oldest first (by received_ms), as case list. */
static json_t *oldest_first(json_t *list)
{
    size_t count = json_array_size(list);
    json_t **sorted = calloc(count + 1, sizeof *sorted);
    for (size_t i = 0; sorted && i < count; i++)
        sorted[i] = json_array_get(list, i);
    for (size_t i = 1; sorted && i < count; i++)
        for (size_t k = i;
             k > 0 && json_integer_value(json_object_get(sorted[k - 1], "received_ms")) >
                          json_integer_value(json_object_get(sorted[k], "received_ms"));
             k--) {
            json_t *t = sorted[k];
            sorted[k] = sorted[k - 1];
            sorted[k - 1] = t;
        }
    json_t *out = json_array();
    for (size_t i = 0; sorted && i < count; i++)
        json_array_append(out, sorted[i]);
    free(sorted);
    return out;
}

typedef struct {
    bool as_json;
    const char *since; /* YYYY-MM-DD or NULL */
    GPtrArray *keys;   /* owned (g_free'd strings): the index sets to intersect */
} search_args_t;

/* The index set one option searches (its prefix; the value is the rest),
 * or NULL when o is not such an option. */
static const char *search_index(const char *o)
{
    return !strcmp(o, "--account")     ? KEY_IDX_ACCOUNT
           : !strcmp(o, "--agency")    ? KEY_IDX_AGENCY
           : !strcmp(o, "--reference") ? KEY_IDX_REF
           : !strcmp(o, "--state")     ? KEY_IDX_STATE
                                       : NULL;
}

/* Fills q from the options (q->keys must exist); 0, or the exit status
 * after saying what is wrong. A search needs at least one criterion:
 * writctl never lists every case by accident. */
static int search_parse(int argc, char **argv, search_args_t *q)
{
    int rc = 0;
    for (int i = 0; i < argc && rc == 0; i++) {
        const char *o = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        const char *prefix = search_index(o);
        if (!strcmp(o, "--json"))
            q->as_json = true;
        else if (!strcmp(o, "--since") && val) {
            q->since = val;
            i++;
            if (!casework_date_ok(q->since)) {
                fprintf(stderr, "writctl: bad date '%s': use YYYY-MM-DD\n", q->since);
                rc = EX_USAGE;
            }
        } else if (prefix && val) {
            gchar *k = casework_index_key(val);
            g_ptr_array_add(q->keys, g_strconcat(prefix, k, NULL));
            g_free(k);
            i++;
        } else
            rc = writctl_usage();
    }
    if (rc == 0 && q->keys->len == 0 && !q->since) {
        fprintf(stderr, "writctl: case search needs at least one of --account, "
                        "--agency, --reference, --state, --since\n");
        rc = EX_USAGE;
    }
    return rc;
}

/* The found cases received since since_ms as `case search --json` lists
 * them, in the order Redis gave them (a new array; cases may be NULL). The
 * index sets hold cases of any date, hence the filter. */
static json_t *search_rows(const case_view_t *cases, size_t n, long long since_ms)
{
    json_t *list = json_array();
    for (size_t i = 0; cases && i < n; i++) {
        const case_view_t *v = &cases[i];
        if (v->received_ms < since_ms)
            continue;
        json_t *ms = json_integer(v->received_ms);
        json_array_append_new(
            list, json_pack("{s:s,s:s,s:s,s:s,s:s?,s:o}", "id", v->id, "state", v->state,
                            "request_type", case_view_type(v), "agency",
                            case_view_agency(v), "reference",
                            v->c && v->c->request ? v->c->request->reference : NULL,
                            "received_ms", ms));
    }
    return list;
}

static void search_print_text(json_t *found)
{
    printf("%-18s %-9s %-26s %-14s %s\n", "CASE", "STATE", "TYPE", "REFERENCE", "AGENCY");
    size_t i;
    json_t *c;
    json_array_foreach(found, i, c)
        printf("%-18s %-9s %-26s %-14s %s\n", jstr(c, "id"), jstr(c, "state"),
               jstr(c, "request_type"), jstr(c, "reference") ? jstr(c, "reference") : "-",
               jstr(c, "agency"));
}

int writctl_case_search(writ_config_t *cfg, int argc, char **argv)
{
    search_args_t q = { .keys = g_ptr_array_new_with_free_func(g_free) };
    int rc = search_parse(argc, argv, &q);
    case_store_t *store = rc == 0 ? writctl_open_store(cfg) : NULL;
    if (rc == 0 && !store)
        rc = EX_UNAVAILABLE;
    if (rc != 0) {
        g_ptr_array_free(q.keys, TRUE);
        return rc;
    }
    long long since_ms = q.since ? (long long)case_view_day(q.since) * 86400000LL : 0;
    size_t n = 0;
    case_view_t *cases = search_load(store, q.keys, since_ms, &n);
    if (!cases) {
        fprintf(stderr, "writctl: redis: %s\n", case_store_error(store));
        rc = EX_UNAVAILABLE;
    }
    json_t *list = search_rows(cases, n, since_ms);
    json_t *out = oldest_first(list);
    if (rc == 0 && q.as_json)
        writctl_print_json(out);
    else if (rc == 0)
        search_print_text(out);
    json_decref(out);
    json_decref(list);
    case_view_clear(cases, n);
    g_ptr_array_free(q.keys, TRUE);
    case_store_destroy(&store);
    return rc;
}

/* ---- case show: what people did ------------------------------------------- */

static void print_stamp(const char *label, json_t *o)
{
    if (!o)
        return;
    printf("  %-9s by %s at %s: %s\n", label, jstr(o, "by") ? jstr(o, "by") : "-",
           jstr(o, "at") ? jstr(o, "at") : "-",
           jstr(o, "reason") ? jstr(o, "reason") : "");
}

static void print_ms(const char *label, json_t *d, const char *key)
{
    const char *v = dstr(d, key);
    if (!*v)
        return;
    time_t t = (time_t)(atoll(v) / 1000);
    struct tm tm;
    char buf[32];
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    printf(" %s %s", label, buf);
}

void writctl_print_deliveries(json_t *c)
{
    json_t *list = json_object_get(c, "deliveries");
    if (!json_array_size(list))
        return;
    printf("  deliveries:\n");
    size_t i;
    json_t *d;
    json_array_foreach(list, i, d)
    {
        printf("    %-6s %-11s to %s, attempts %s", dstr(d, "kind"), dstr(d, "state"),
               dstr(d, "to"), dstr(d, "attempts"));
        print_ms("sent", d, "sent_at");
        if (strcmp(dstr(d, "state"), "sent"))
            print_ms("updated", d, "updated_at");
        printf("\n        <%s>  %s\n", dstr(d, "message_id"), dstr(d, "reply"));
    }
}

void writctl_print_casework(json_t *c)
{
    json_t *cw = json_object_get(c, "casework");
    if (!json_is_object(cw) || json_object_size(cw) == 0)
        return;
    print_stamp("VERIFIED", json_object_get(cw, "verification"));
    json_t *w = json_object_get(cw, "waiting");
    if (w)
        printf("  WAITING   on the requester%s%s (%s, %s)\n",
               jstr(w, "until") ? " until " : "",
               jstr(w, "until") ? jstr(w, "until") : "", jstr(w, "by"),
               jstr(w, "reason"));
    print_stamp("DECIDED", json_object_get(cw, "decided"));
    json_t *ch = json_object_get(cw, "challenge");
    if (ch)
        printf("  CHALLENGE %s%s%s%s%s (%s: %s)\n", jstr(ch, "status"),
               jstr(ch, "court") ? " in " : "",
               jstr(ch, "court") ? jstr(ch, "court") : "",
               jstr(ch, "docket") ? ", docket " : "",
               jstr(ch, "docket") ? jstr(ch, "docket") : "", jstr(ch, "by"),
               jstr(ch, "reason"));
    print_stamp("CLOSED", json_object_get(cw, "closed"));
    print_stamp("REOPENED", json_object_get(cw, "reopened"));
    if (jstr(cw, "renews"))
        printf("  RENEWS    the preservation of case %s (extended there by 90 days)\n",
               jstr(cw, "renews"));
    if (jstr(cw, "renewed_by"))
        printf("  RENEWED   by case %s: preservation extended by 90 days\n",
               jstr(cw, "renewed_by"));
    const char *account;
    json_t *a;
    json_object_foreach(json_object_get(cw, "accounts"), account, a)
    {
        printf("  account %s\n", account);
        json_t *d = json_object_get(a, "decided");
        if (d)
            printf("      decided %s by %s at %s\n", jstr(d, "decision"), jstr(d, "by"),
                   jstr(d, "at"));
        size_t i;
        json_t *g;
        json_array_foreach(json_object_get(a, "gag_history"), i, g) printf(
            "      gag %s%s%s by %s at %s: %s\n", jstr(g, "state"),
            jstr(g, "until") ? " until " : "", jstr(g, "until") ? jstr(g, "until") : "",
            jstr(g, "by"), jstr(g, "at"), jstr(g, "reason"));
        const char *now_notice = NULL;
        json_t *rec;
        json_array_foreach(json_object_get(c, "accounts"), i,
                           rec) if (jstr(rec, "account") &&
                                    !strcmp(jstr(rec, "account"), account)) now_notice =
            jstr(rec, "notice");
        if (jstr(a, "notice") && !(now_notice && !strcmp(now_notice, "prepared")))
            printf("      notice %s\n",
                   !strcmp(jstr(a, "notice"), "release_requested")
                       ? "released by a person: notify is preparing it"
                       : jstr(a, "notice"));
        json_t *p;
        json_array_foreach(json_object_get(a, "productions"), i, p)
        {
            GString *cats = g_string_new(NULL);
            size_t k;
            json_t *cat;
            json_array_foreach(json_object_get(p, "categories"), k, cat)
                g_string_append_printf(cats, "%s%s", k ? "," : "",
                                       json_string_value(cat));
            printf("      produced %s on %s by %s%s: %s\n", cats->str, jstr(p, "date"),
                   jstr(p, "by"),
                   json_is_true(json_object_get(p, "override")) ? " (OVERRIDE)" : "",
                   jstr(p, "reason"));
            g_string_free(cats, TRUE);
        }
    }
}
