/* case_query.c -- JSON views of cases (see case_query.h). */
#include "case_query.h"
#include "keys.h"
#include "pipeline.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *reply_str(redisReply *r)
{
    return r && r->type == REDIS_REPLY_STRING && r->len > 0 ? json_stringn(r->str, r->len)
                                                            : json_null();
}

static json_t *ms_to_iso(redisReply *r)
{
    if (!r || r->type != REDIS_REPLY_STRING)
        return json_null();
    long long ms = atoll(r->str);
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[40];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    snprintf(out, sizeof out, "%s.%03lldZ", buf, ms % 1000);
    return json_string(out);
}

/* "Garda Síochána, IE, via US" (request_requester_text), or null. */
static json_t *requester_json(const case_t *c)
{
    char *text = c && c->request ? request_requester_text(c->request) : NULL;
    json_t *j = text ? json_string(text) : NULL;
    free(text);
    return j ? j : json_null();
}

json_t *case_query_list(case_store_t *store, const char *state_filter)
{
    redis_conn_t *conn = case_store_conn(store);
    if (!redis_conn_ready(conn))
        return NULL;
    redisReply *ids = redis_conn_command(conn, "ZRANGE " KEY_CASES " 0 -1");
    if (!ids || ids->type != REDIS_REPLY_ARRAY) {
        if (ids)
            freeReplyObject(ids);
        return NULL;
    }
    for (size_t i = 0; i < ids->elements; i++)
        redis_conn_append(conn,
                          "HMGET " KEY_CASE "%s id state message_id "
                          "received_at updated_at record review_reason",
                          ids->element[i]->str);
    json_t *out = json_array();
    for (size_t i = 0; i < ids->elements; i++) {
        redisReply *r = redis_conn_read(conn);
        if (!r) {
            json_decref(out);
            freeReplyObject(ids);
            return NULL;
        }
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 7 &&
            r->element[1]->type == REDIS_REPLY_STRING &&
            (!state_filter || !strcmp(state_filter, r->element[1]->str))) {
            char err[64];
            case_t *c = r->element[5]->type == REDIS_REPLY_STRING
                            ? wire_decode_case(r->element[5]->str, r->element[5]->len,
                                               err, sizeof err)
                            : NULL;
            json_array_append_new(
                out,
                json_pack(
                    "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", reply_str(r->element[0]),
                    "state", reply_str(r->element[1]), "message_id",
                    reply_str(r->element[2]), "received_at", ms_to_iso(r->element[3]),
                    "updated_at", ms_to_iso(r->element[4]), "request_type",
                    c && c->request ? json_string(request_type_name(c->request->type))
                                    : json_null(),
                    "requester", requester_json(c), "review_reason",
                    reply_str(r->element[6])));
            case_destroy(&c);
        }
        freeReplyObject(r);
    }
    freeReplyObject(ids);
    return out;
}

static json_t *account_json(const account_decision_t *d)
{
    const location_t *l = &d->location;
    return json_pack(
        "{s:s?,s:s,s:o,s:s,s:o,s:o,s:o,s:b,s:o,s:o,s:o,s:o}", "account", d->account,
        "decision", decision_name(d->decision), "reason", str_or_null(d->reason),
        "notice", notice_status_name(d->notice), "notice_path",
        str_or_null(d->notice_path), "notice_to", str_or_null(d->notice_to), "release_on",
        str_or_null(d->release_on), "comity_review", d->comity_review, "customer_type",
        l->found ? json_string(l->enterprise ? "enterprise" : "consumer") : json_null(),
        "tenant", str_or_null(l->tenant), "region", str_or_null(l->region), "country",
        str_or_null(l->country));
}

static json_t *audit_json(redis_conn_t *conn, const char *id)
{
    json_t *audit = json_array();
    redisReply *r = redis_conn_command(conn, "XRANGE " KEY_AUDIT "%s - +", id);
    if (!r || r->type != REDIS_REPLY_ARRAY) {
        if (r)
            freeReplyObject(r);
        return audit;
    }
    for (size_t i = 0; i < r->elements; i++) {
        redisReply *entry = r->element[i];
        if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2)
            continue;
        json_t *e = json_object();
        /* Stream ids start with the Redis server time in ms. */
        redisReply stamp = { .type = REDIS_REPLY_STRING,
                             .str = entry->element[0]->str,
                             .len = entry->element[0]->len };
        json_object_set_new(e, "time", ms_to_iso(&stamp));
        redisReply *fields = entry->element[1];
        for (size_t k = 0; k + 1 < fields->elements; k += 2)
            json_object_set_new(
                e, fields->element[k]->str,
                json_stringn(fields->element[k + 1]->str, fields->element[k + 1]->len));
        json_array_append_new(audit, e);
    }
    freeReplyObject(r);
    return audit;
}

/* What people did with the case (casework.h): verification, waiting,
 * closure, challenge, per account decider, gag, notice and productions;
 * {} when nobody has acted on it. */
static json_t *casework_json(redis_conn_t *conn, const char *id)
{
    redisReply *r = redis_conn_command(conn,
                                       "HMGET " KEY_CASE "%s casework renews "
                                       "preserve_renewed_by",
                                       id);
    json_t *cw = NULL;
    if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 3) {
        if (r->element[0]->type == REDIS_REPLY_STRING)
            cw = json_loadb(r->element[0]->str, r->element[0]->len, 0, NULL);
        if (!cw)
            cw = json_object();
        if (r->element[1]->type == REDIS_REPLY_STRING)
            json_object_set_new(cw, "renews", reply_str(r->element[1]));
        if (r->element[2]->type == REDIS_REPLY_STRING)
            json_object_set_new(cw, "renewed_by", reply_str(r->element[2]));
    }
    if (r)
        freeReplyObject(r);
    return cw ? cw : json_object();
}

json_t *case_query_show(case_store_t *store, const char *id, bool *missing)
{
    *missing = false;
    redis_conn_t *conn = case_store_conn(store);
    if (!redis_conn_ready(conn))
        return NULL;
    redisReply *r = redis_conn_command(
        conn,
        "HMGET " KEY_CASE "%s state message_id "
        "sha256 size received_at updated_at record review_reason envelope "
        "duplicate_of hold hold_by hold_at purged_at purged_by",
        id);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 15) {
        if (r)
            freeReplyObject(r);
        return NULL;
    }
    if (r->element[0]->type != REDIS_REPLY_STRING) {
        *missing = true;
        freeReplyObject(r);
        return NULL;
    }
    char err[128] = "";
    case_t *c =
        r->element[6]->type == REDIS_REPLY_STRING
            ? wire_decode_case(r->element[6]->str, r->element[6]->len, err, sizeof err)
            : NULL;
    json_t *out = json_pack(
        "{s:s,s:o,s:o,s:o,s:I,s:o,s:o}", "id", id, "state", reply_str(r->element[0]),
        "message_id", reply_str(r->element[1]), "sha256", reply_str(r->element[2]),
        "size",
        (json_int_t)(r->element[3]->type == REDIS_REPLY_STRING ? atoll(r->element[3]->str)
                                                               : 0),
        "received_at", ms_to_iso(r->element[4]), "updated_at", ms_to_iso(r->element[5]));
    json_t *request = json_null(), *accounts = json_array();
    if (c && c->request) {
        char *text = request_to_json(c->request, true);
        if (text) {
            json_t *parsed = json_loads(text, 0, NULL);
            if (parsed)
                request = parsed;
            free(text);
        }
        for (size_t i = 0; i < c->account_count; i++)
            json_array_append_new(accounts, account_json(&c->accounts[i]));
    }
    json_object_set_new(out, "request", request);
    json_object_set_new(out, "requester", requester_json(c));
    json_object_set_new(out, "accounts", accounts);
    json_object_set_new(out, "challenge_recommended",
                        json_boolean(c && c->challenge_recommended));
    json_object_set_new(out, "verify_requester", json_boolean(c && c->verify_requester));
    json_object_set_new(out, "review_reason", reply_str(r->element[7]));
    json_object_set_new(out, "envelope", reply_str(r->element[8]));
    /* Set when this message reused the Message-ID of that earlier case
     * with other bytes. */
    json_object_set_new(out, "duplicate_of", reply_str(r->element[9]));
    json_object_set_new(
        out, "legal_hold",
        r->element[10]->type != REDIS_REPLY_STRING
            ? json_null()
            : json_pack("{s:o,s:o,s:o}", "reason", reply_str(r->element[10]), "by",
                        reply_str(r->element[11]), "at", ms_to_iso(r->element[12])));
    json_object_set_new(out, "purged",
                        r->element[13]->type != REDIS_REPLY_STRING
                            ? json_null()
                            : json_pack("{s:o,s:o}", "at", ms_to_iso(r->element[13]),
                                        "by", reply_str(r->element[14])));
    if (!c)
        json_object_set_new(out, "record_error", json_string(err));
    json_object_set_new(out, "casework", casework_json(conn, id));
    json_object_set_new(out, "audit", audit_json(conn, id));
    case_destroy(&c);
    freeReplyObject(r);
    return out;
}

static json_t *stage_health(redis_conn_t *conn, const char *stage, uint64_t now,
                            uint64_t live_ms, bool *ok, double max_age_s)
{
    redisReply *w = redis_conn_command(conn, "ZRANGEBYSCORE " KEY_WORKERS "%s %llu +inf",
                                       stage, (unsigned long long)(now - live_ms));
    redisReply *n = redis_conn_command(conn, "ZCARD " KEY_PENDING "%s", stage);
    redisReply *oldest =
        redis_conn_command(conn, "ZRANGE " KEY_PENDING "%s 0 0 WITHSCORES", stage);
    json_t *workers = json_array();
    for (size_t i = 0; w && w->type == REDIS_REPLY_ARRAY && i < w->elements; i++)
        json_array_append_new(workers, json_string(w->element[i]->str));
    long long pending = n && n->type == REDIS_REPLY_INTEGER ? n->integer : 0;
    double age = 0;
    if (oldest && oldest->type == REDIS_REPLY_ARRAY && oldest->elements == 2) {
        /* The oldest case's received time is a better age than its lease. */
        redisReply *t = redis_conn_command(conn, "HGET " KEY_CASE "%s updated_at",
                                           oldest->element[0]->str);
        if (t && t->type == REDIS_REPLY_STRING)
            age = (double)(now - (uint64_t)atoll(t->str)) / 1000.0;
        if (t)
            freeReplyObject(t);
    }
    bool healthy = json_array_size(workers) > 0 && age <= max_age_s;
    *ok = *ok && healthy;
    json_t *out =
        json_pack("{s:o,s:I,s:f,s:b}", "live_workers", workers, "pending",
                  (json_int_t)pending, "oldest_pending_age_s", age, "ok", healthy);
    if (w)
        freeReplyObject(w);
    if (n)
        freeReplyObject(n);
    if (oldest)
        freeReplyObject(oldest);
    return out;
}

json_t *case_query_health(case_store_t *store, uint64_t live_ms, double max_pending_age_s,
                          const char *only_stage)
{
    redis_conn_t *conn = case_store_conn(store);
    if (!redis_conn_ready(conn))
        return NULL;
    uint64_t now = writ_now_ms();
    bool ok = true;
    json_t *stages = json_object();
    for (const char *const *name = PIPELINE_STAGES; *name; name++)
        if (!only_stage || !strcmp(only_stage, *name))
            json_object_set_new(
                stages, *name,
                stage_health(conn, *name, now, live_ms, &ok, max_pending_age_s));
    redisReply *cases = redis_conn_command(conn, "ZCARD " KEY_CASES);
    json_t *out = json_pack(
        "{s:o,s:I,s:b}", "stages", stages, "cases",
        (json_int_t)(cases && cases->type == REDIS_REPLY_INTEGER ? cases->integer : 0),
        "ok", ok);
    if (cases)
        freeReplyObject(cases);
    return out;
}
