/* casework_store.c -- a person's act on a case, applied atomically and
 * optimistically in Redis (see casework_store.h). */
#include "casework_store.h"
#include "keys.h"
#include "lua_scripts.h"
#include "pipeline.h"
#include "wire.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The audit entries' stage for a person's act (act.lua). */
#define CASEWORK_STAGE "casework"

char *casework_index_key(const char *value)
{
    gchar *low = g_utf8_strdown(value ? value : "", -1);
    for (gchar *p = low; p && *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return low;
}

static bool has_dates(const request_t *r)
{
    return r->deadline[0] || r->nondisclosure || r->type == REQ_PRESERVATION_REQUEST ||
           r->type == REQ_NATIONAL_SECURITY_LETTER;
}

char *casework_index_payload(const case_t *c, uint64_t received_ms)
{
    const request_t *r = c->request;
    GString *s = g_string_new(NULL);
    gchar *agency = casework_index_key(r ? r->issuing_agency : NULL);
    gchar *ref = casework_index_key(r ? r->reference : NULL);
    g_string_append_printf(s, "%s\n%s\n", agency, ref);
    if (r && r->type == REQ_PRESERVATION_REQUEST)
        g_string_append_printf(s, "%llu",
                               (unsigned long long)(received_ms / 86400000u + 90));
    g_string_append_printf(s, "\n%s\n", r && has_dates(r) ? "1" : "");
    for (size_t i = 0; r && i < r->account_count; i++) {
        gchar *a = casework_index_key(r->accounts[i]);
        g_string_append_printf(s, "%s\n", a);
        g_free(a);
    }
    g_free(agency);
    g_free(ref);
    char *out = strdup(s->str);
    g_string_free(s, TRUE);
    return out;
}

void cw_case_clear(cw_case_t *self)
{
    case_destroy(&self->c);
    json_decref(self->cw);
    self->cw = NULL;
}

static void copy_field(char *dst, size_t len, redisReply *r)
{
    dst[0] = '\0';
    if (r && r->type == REDIS_REPLY_STRING)
        snprintf(dst, len, "%.*s", (int)r->len, r->str);
}

int casework_store_read(case_store_t *store, const char *id, cw_case_t *out)
{
    memset(out, 0, sizeof *out);
    if (strlen(id) >= CASE_ID_LEN)
        return 1;
    snprintf(out->id, sizeof out->id, "%s", id);
    redisReply *r = redis_conn_command(
        case_store_conn(store),
        "HMGET " KEY_CASE "%s state rev updated_at record casework", id);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 5) {
        if (r)
            freeReplyObject(r);
        return -1;
    }
    int rc = 0;
    if (r->element[0]->type != REDIS_REPLY_STRING)
        rc = 1;
    else {
        copy_field(out->state, sizeof out->state, r->element[0]);
        copy_field(out->rev, sizeof out->rev, r->element[1]);
        if (!out->rev[0])
            snprintf(out->rev, sizeof out->rev, "0");
        copy_field(out->updated_at, sizeof out->updated_at, r->element[2]);
        char err[128] = "";
        if (r->element[3]->type == REDIS_REPLY_STRING)
            out->c =
                wire_decode_case(r->element[3]->str, r->element[3]->len, err, sizeof err);
        if (r->element[4]->type == REDIS_REPLY_STRING && r->element[4]->len > 0)
            out->cw = json_loadb(r->element[4]->str, r->element[4]->len, 0, NULL);
        if (!out->cw)
            out->cw = json_object();
        if (!out->c)
            rc = -1;
    }
    freeReplyObject(r);
    if (rc != 0)
        cw_case_clear(out);
    return rc;
}

json_t *casework_store_load(case_store_t *store, const char *id)
{
    redisReply *r =
        redis_conn_command(case_store_conn(store), "HGET " KEY_CASE "%s casework", id);
    if (!r)
        return NULL;
    json_t *cw = NULL;
    if (r->type == REDIS_REPLY_NIL || (r->type == REDIS_REPLY_STRING && r->len == 0))
        cw = json_object();
    else if (r->type == REDIS_REPLY_STRING) {
        cw = json_loadb(r->str, r->len, 0, NULL);
        if (cw && !json_is_object(cw)) {
            json_decref(cw);
            cw = NULL;
        }
    }
    freeReplyObject(r);
    return cw;
}

static const char *score_text(long score, char *buf, size_t len)
{
    if (score == CW_HELD_REMOVE)
        return "remove";
    if (score == CW_HELD_FOREVER)
        return "+inf";
    snprintf(buf, len, "%ld", score);
    return buf;
}

int casework_store_commit(case_store_t *store, const cw_commit_t *p, char now_state[32])
{
    const cw_result_t *res = p->res;
    now_state[0] = '\0';
    char *record = NULL;
    size_t record_len = 0;
    if (res->record_changed && wire_encode_case(p->before->c, &record, &record_len) != 0)
        return -1;
    char *cw = json_dumps(p->before->cw, JSON_COMPACT | JSON_SORT_KEYS);
    if (!cw) {
        free(record);
        return -1;
    }
    enum { FIXED = 20 }; /* act.lua's ARGV before the held pairs */
    const char *args[FIXED + 2 * 64];
    size_t lens[FIXED + 2 * 64];
    char now[24], scores[64][24];
    char members[64][CASE_ID_LEN + 300];
    snprintf(now, sizeof now, "%llu", (unsigned long long)writ_now_ms());
    const char *fixed[FIXED] = {
        p->before->id,
        p->unguarded ? "" : p->before->state,
        p->before->rev,
        p->before->updated_at,
        p->act_id,
        res->new_state,
        "",
        cw,
        now,
        res->to_notify ? "1" : "",
        res->clear_review_reason ? "1" : "",
        res->dated     ? "1"
        : res->undated ? "-1"
                       : "",
        p->rq->operator_name,
        casework_act_name(p->rq->act),
        p->rq->reason ? p->rq->reason : "",
        res->account     ? res->account
        : p->rq->account ? p->rq->account
                         : "",
        res->message,
        p->worker,
        STAGE_NOTIFY,
        CASEWORK_STAGE,
    };
    for (int i = 0; i < FIXED; i++) {
        args[i] = fixed[i];
        lens[i] = strlen(fixed[i]);
    }
    if (record) {
        args[6] = record;
        lens[6] = record_len;
    }
    int argc = FIXED;
    for (size_t i = 0; i < res->held_count && i < 64; i++) {
        snprintf(members[i], sizeof members[i], "%s %s", p->before->id,
                 res->held[i].account);
        args[argc] = members[i];
        lens[argc++] = strlen(members[i]);
        args[argc] = score_text(res->held[i].score, scores[i], sizeof scores[i]);
        lens[argc] = strlen(args[argc]);
        argc++;
    }
    redisReply *r =
        redis_conn_script_args(case_store_conn(store), &lua_act, argc, args, lens);
    free(record);
    free(cw);
    if (!r)
        return -1;
    int rc = -1;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
        r->element[1]->type == REDIS_REPLY_STRING) {
        rc = (int)r->element[0]->integer;
        snprintf(now_state, 32, "%s", r->element[1]->str);
    }
    freeReplyObject(r);
    return rc;
}

int casework_store_act_known(case_store_t *store, const char *id, const char *act_id)
{
    redisReply *r = redis_conn_command(case_store_conn(store),
                                       "SISMEMBER " KEY_ACTS "%s %s", id, act_id);
    return redis_reply_code(r);
}
