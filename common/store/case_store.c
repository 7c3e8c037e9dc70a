/* case_store.c -- a case's life in Redis: created by intake, advanced by
 * each stage, released from a gag, sent to review (see case_store.h). The
 * scripts are common/store/lua/NAME.lua; the connection and the script runner are
 * redis_conn.c; the keys keys.h. */
#include "case_store.h"
#include "casework_store.h"
#include "keys.h"
#include "lua_scripts.h"
#include "pipeline.h"
#include "wire.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct case_store_t {
    redis_conn_t *conn;
};

case_store_t *case_store_new(const char *url)
{
    return case_store_new_login(url, NULL, NULL);
}

case_store_t *case_store_new_login(const char *url, const char *user,
                                   const char *password)
{
    case_store_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->conn = redis_conn_new(url, user, password);
    if (!self->conn) {
        free(self);
        return NULL;
    }
    return self;
}

void case_store_destroy(case_store_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    redis_conn_destroy(&(*self_p)->conn);
    free(*self_p);
    *self_p = NULL;
}

redis_conn_t *case_store_conn(case_store_t *self)
{
    return self->conn;
}

int case_store_script_code(case_store_t *self, redis_script_t *sc, int argc,
                           const char **args)
{
    return redis_conn_script_code(self->conn, sc, argc, args);
}

const char *case_store_error(case_store_t *self)
{
    return redis_conn_error(self->conn);
}

int case_store_ping(case_store_t *self)
{
    redisReply *r = redis_conn_command(self->conn, "PING");
    if (!r)
        return -1;
    freeReplyObject(r);
    return 0;
}

/* The argument vector of one create (common/store/lua/create.lua names its
 * ARGV in this order); *record (when encoded here) and
 * *dedupe receive what the vector points into (caller frees: free,
 * g_free). */
static int create_argv(const case_create_t *p, redis_args_t *a, char **record,
                       char **dedupe, char **index)
{
    size_t record_len = p->record_len;
    *record = NULL;
    *dedupe = NULL;
    *index = NULL;
    if (!p->record && wire_encode_case(p->c, record, &record_len) != 0)
        return -1;
    const char *mid = p->c->request ? p->c->request->message_id : NULL;
    /* A variant (same Message-ID, other bytes) is found again by its
     * bytes: the Message-ID already names the first case. */
    *dedupe = mid && *mid && !p->duplicate_of ? g_strconcat(KEY_MSGID, mid, NULL)
                                              : g_strconcat(KEY_SHA256, p->sha256, NULL);
    if (redis_args_init_script(a, 21) != 0)
        return -1;
    uint64_t now = writ_now_ms();
    redis_args_str(a, p->c->id);                                       /* 1 */
    redis_args_str(a, *dedupe);                                        /* 2 */
    redis_args_bin(a, p->record ? p->record : *record, record_len);    /* 3 */
    redis_args_bin(a, p->raw, p->raw_len);                             /* 4 */
    redis_args_str(a, p->sha256);                                      /* 5 */
    redis_args_str(a, mid ? mid : "");                                 /* 6 */
    redis_args_num(a, now);                                            /* 7 */
    redis_args_str(a, p->state);                                       /* 8 */
    redis_args_str(a, p->next_stage ? p->next_stage : "");             /* 9 */
    redis_args_num(a, now + p->lease_ms);                              /* 10 */
    redis_args_str(a, p->worker);                                      /* 11 */
    redis_args_str(a, p->note ? p->note : "");                         /* 12 */
    redis_args_str(a, p->c->review_reason ? p->c->review_reason : ""); /* 13 */
    redis_args_num(a, p->raw_len);                                     /* 14 */
    redis_args_num(a, p->max_pending);                                 /* 15 */
    redis_args_str(a, p->envelope ? p->envelope : "");                 /* 16 */
    redis_args_str(a, p->duplicate_of ? p->duplicate_of : "");         /* 17 */
    redis_args_str(a, STAGE_INTAKE);                                   /* 18 */
    /* 19: the indexes casework searches. */
    *index = casework_index_payload(p->c, now);
    if (!*index) {
        redis_args_free(a);
        return -1;
    }
    redis_args_str(a, *index);
    return 0;
}

static int create_code(case_store_t *self, redisReply *r, char existing_id[CASE_ID_LEN])
{
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[1]->type != REDIS_REPLY_STRING)
        return -1;
    int rc = (int)r->element[0]->integer;
    if (rc == 2)
        redis_conn_set_error(self->conn, "backlog limit reached: too many cases waiting");
    snprintf(existing_id, CASE_ID_LEN, "%s", r->element[1]->str);
    return rc;
}

int case_store_create(case_store_t *self, const case_create_t *p,
                      char existing_id[CASE_ID_LEN])
{
    int rc;
    case_store_create_batch(self, p, 1, &rc, (char(*)[CASE_ID_LEN])existing_id);
    return rc;
}

struct case_store_creates_t {
    redis_batch_t batch;
    char **records;
    char **dedupes;
    char **indexes;
};

static void creates_free(case_store_creates_t *b)
{
    for (size_t i = 0; b->batch.args && i < b->batch.n; i++) {
        redis_args_free(&b->batch.args[i]);
        free(b->records ? b->records[i] : NULL);
        g_free(b->dedupes ? b->dedupes[i] : NULL);
        free(b->indexes ? b->indexes[i] : NULL);
    }
    free(b->indexes);
    free(b->batch.args);
    free(b->records);
    free(b->dedupes);
    free(b);
}

case_store_creates_t *case_store_create_send(case_store_t *self, const case_create_t *ps,
                                             size_t n)
{
    case_store_creates_t *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->batch = (redis_batch_t){ .sc = &lua_create, .n = n };
    b->batch.args = calloc(n ? n : 1, sizeof *b->batch.args);
    b->records = calloc(n ? n : 1, sizeof *b->records);
    b->dedupes = calloc(n ? n : 1, sizeof *b->dedupes);
    b->indexes = calloc(n ? n : 1, sizeof *b->indexes);
    if (!b->batch.args || !b->records || !b->dedupes || !b->indexes) {
        b->batch.n = 0;
        b->batch.lost = true;
        return b;
    }
    bool encoded = true;
    for (size_t i = 0; i < n; i++)
        if (create_argv(&ps[i], &b->batch.args[i], &b->records[i], &b->dedupes[i],
                        &b->indexes[i]) != 0) {
            b->batch.args[i].argv = NULL;
            encoded = false;
        }
    if (!encoded)
        redis_conn_set_error(self->conn, "cannot encode case");
    redis_batch_send(self->conn, &b->batch);
    return b;
}

void case_store_create_finish(case_store_t *self, case_store_creates_t **batch_p,
                              size_t n, int *rcs, char (*existing_ids)[CASE_ID_LEN])
{
    case_store_creates_t *b = *batch_p;
    for (size_t i = 0; i < n; i++) {
        rcs[i] = -1;
        existing_ids[i][0] = '\0';
    }
    if (!b)
        return;
    *batch_p = NULL;
    redisReply **replies = calloc(b->batch.n ? b->batch.n : 1, sizeof *replies);
    if (replies) {
        redis_batch_recv(self->conn, &b->batch, replies);
        for (size_t i = 0; i < b->batch.n; i++) {
            if (i < n)
                rcs[i] = create_code(self, replies[i], existing_ids[i]);
            if (replies[i])
                freeReplyObject(replies[i]);
        }
    } else if (b->batch.sent > 0 && !b->batch.lost)
        /* Replies that cannot be read leave the connection out of step. */
        redis_conn_drop(self->conn, "out of memory");
    free(replies);
    creates_free(b);
}

bool case_store_create_awaits_replies(const case_store_creates_t *b)
{
    return b->batch.sent > 0 && !b->batch.lost;
}

int case_store_fd(case_store_t *self)
{
    return redis_conn_fd(self->conn);
}

void case_store_create_batch(case_store_t *self, const case_create_t *ps, size_t n,
                             int *rcs, char (*existing_ids)[CASE_ID_LEN])
{
    case_store_creates_t *b = n ? case_store_create_send(self, ps, n) : NULL;
    case_store_create_finish(self, &b, n, rcs, existing_ids);
}

/* Builds call i of a batch of one script from the batch's items: its
 * arguments in *a, and in *owned what they point into that was made for
 * them (freed with free after the call; NULL: nothing). -1 when it cannot:
 * the call is skipped. */
typedef int call_argv_fn(const void *items, size_t i, redis_args_t *a, char **owned);

/* n calls of the script in one round trip: rcs[i] receives call i's code,
 * -1 when it was skipped or failed. */
static void script_batch(redis_conn_t *conn, redis_script_t *sc, call_argv_fn *argv_of,
                         const void *items, size_t n, int *rcs)
{
    for (size_t i = 0; i < n; i++)
        rcs[i] = -1;
    if (n == 0)
        return;
    redis_args_t *args = calloc(n, sizeof *args);
    char **owned = calloc(n, sizeof *owned);
    if (args && owned) {
        for (size_t i = 0; i < n; i++)
            if (argv_of(items, i, &args[i], &owned[i]) != 0)
                args[i].argv = NULL;
        redis_conn_script_batch_codes(conn, sc, args, n, rcs);
    }
    for (size_t i = 0; args && i < n; i++) {
        redis_args_free(&args[i]);
        free(owned ? owned[i] : NULL);
    }
    free(args);
    free(owned);
}

/* The argument vector of advance i (common/store/lua/advance.lua's ARGV);
 * *record receives the record when it was encoded here. */
static int advance_argv(const void *items, size_t i, redis_args_t *a, char **record)
{
    const case_advance_t *p = (const case_advance_t *)items + i;
    size_t record_len = p->record_len;
    *record = NULL;
    if (!p->record && wire_encode_case(p->c, record, &record_len) != 0)
        return -1;
    if (redis_args_init_script(a, 16 + 2 * (int)p->held_count) != 0) {
        free(*record);
        *record = NULL;
        return -1;
    }
    uint64_t now = writ_now_ms();
    redis_args_str(a, p->c->id);                                       /* 1 */
    redis_args_str(a, p->stage);                                       /* 2 */
    redis_args_str(a, p->expect_state);                                /* 3 */
    redis_args_str(a, p->new_state);                                   /* 4 */
    redis_args_str(a, p->next_stage ? p->next_stage : "");             /* 5 */
    redis_args_num(a, now + p->lease_ms);                              /* 6 */
    redis_args_bin(a, p->record ? p->record : *record, record_len);    /* 7 */
    redis_args_str(a, p->worker);                                      /* 8 */
    redis_args_str(a, p->note ? p->note : "");                         /* 9 */
    redis_args_num(a, now);                                            /* 10 */
    redis_args_str(a, p->c->challenge_recommended ? "1" : "0");        /* 11 */
    redis_args_str(a, p->c->review_reason ? p->c->review_reason : ""); /* 12 */
    redis_args_str(a, p->guard_key ? p->guard_key : "");               /* 13 */
    redis_args_str(a, p->guard_value ? p->guard_value : "0");          /* 14 */
    redis_args_str(a, p->input_sha1 ? p->input_sha1 : "");             /* 15 */
    for (size_t h = 0; h < p->held_count; h++) {
        redis_args_str(a, p->held_members[h]);
        if (p->held_release[h] > 0)
            redis_args_num(a, (unsigned long long)p->held_release[h]);
        else
            redis_args_str(a, "+inf");
    }
    return 0;
}

int case_store_advance(case_store_t *self, const case_advance_t *p)
{
    int rc;
    case_store_advance_batch(self, p, 1, &rc);
    return rc;
}

/* The same for n cases in one round trip. */
void case_store_advance_batch(case_store_t *self, const case_advance_t *ps, size_t n,
                              int *rcs)
{
    script_batch(self->conn, &lua_advance, advance_argv, ps, n, rcs);
}

int case_store_claim_expired(case_store_t *self, const char *stage, uint64_t lease_ms,
                             size_t max, char ***ids, char ***records,
                             size_t **record_lens)
{
    *ids = NULL;
    *records = NULL;
    *record_lens = NULL;
    uint64_t now = writ_now_ms();
    redis_args_t a;
    if (redis_args_init_script(&a, 5) != 0)
        return -1;
    redis_args_str(&a, stage);
    redis_args_num(&a, now);
    redis_args_num(&a, now + lease_ms);
    redis_args_num(&a, max);
    redisReply *r = redis_conn_script(self->conn, &lua_claim, &a);
    redis_args_free(&a);
    if (!r)
        return -1;
    size_t n = r->type == REDIS_REPLY_ARRAY ? r->elements / 2 : 0;
    if (n > 0) {
        *ids = calloc(n, sizeof **ids);
        *records = calloc(n, sizeof **records);
        *record_lens = calloc(n, sizeof **record_lens);
        for (size_t i = 0; i < n && *ids && *records && *record_lens; i++) {
            redisReply *id = r->element[2 * i], *rec = r->element[2 * i + 1];
            (*ids)[i] = strndup(id->str ? id->str : "", id->len);
            (*records)[i] = malloc(rec->len + 1);
            if ((*records)[i]) {
                memcpy((*records)[i], rec->str ? rec->str : "", rec->len);
                (*records)[i][rec->len] = '\0';
            }
            (*record_lens)[i] = rec->len;
        }
    }
    freeReplyObject(r);
    return (int)n;
}

void case_store_free_claims(char **ids, char **records, size_t *lens, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (ids)
            free(ids[i]);
        if (records)
            free(records[i]);
    }
    free(ids);
    free(records);
    free(lens);
}

case_t *case_store_load(case_store_t *self, const char *id, char *state, size_t state_len)
{
    char key[64];
    snprintf(key, sizeof key, KEY_CASE "%s", id);
    const char *argv[] = { "HMGET", key, "state", "record" };
    redisReply *r = redis_conn_argv(self->conn, 4, argv, NULL);
    if (!r)
        return NULL;
    case_t *c = NULL;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
        r->element[0]->type == REDIS_REPLY_STRING &&
        r->element[1]->type == REDIS_REPLY_STRING) {
        if (state)
            snprintf(state, state_len, "%s", r->element[0]->str);
        char err[128];
        c = wire_decode_case(r->element[1]->str, r->element[1]->len, err, sizeof err);
        if (!c) {
            char why[160];
            snprintf(why, sizeof why, "bad record: %s", err);
            redis_conn_set_error(self->conn, why);
        }
    } else
        redis_conn_set_error(self->conn, "no such case");
    freeReplyObject(r);
    return c;
}

int case_store_raw(case_store_t *self, const char *id, char **buf, size_t *len)
{
    char key[64];
    snprintf(key, sizeof key, KEY_RAW "%s", id);
    const char *argv[] = { "GET", key };
    redisReply *r = redis_conn_argv(self->conn, 2, argv, NULL);
    if (!r)
        return -1;
    int rc = 1;
    if (r->type == REDIS_REPLY_STRING) {
        *buf = malloc(r->len + 1);
        if (*buf) {
            memcpy(*buf, r->str, r->len);
            (*buf)[r->len] = '\0';
            *len = r->len;
            rc = 0;
        } else
            rc = -1;
    }
    freeReplyObject(r);
    return rc;
}

int case_store_heartbeat(case_store_t *self, const char *stage, const char *worker)
{
    char key[96];
    snprintf(key, sizeof key, KEY_WORKERS "%s", stage);
    redis_args_t a;
    if (redis_args_init(&a, 4) != 0)
        return -1;
    redis_args_str(&a, "ZADD");
    redis_args_str(&a, key);
    redis_args_num(&a, writ_now_ms());
    redis_args_str(&a, worker);
    redisReply *r = redis_conn_argv(self->conn, a.argc, a.argv, a.lens);
    redis_args_free(&a);
    if (!r)
        return -1;
    freeReplyObject(r);
    return 0;
}

int case_store_due_held(case_store_t *self, long today, size_t max, char ***members)
{
    *members = NULL;
    redis_args_t a;
    if (redis_args_init(&a, 8) != 0)
        return -1;
    redis_args_str(&a, "ZRANGEBYSCORE");
    redis_args_str(&a, KEY_HELD);
    redis_args_str(&a, "-inf");
    redis_args_num(&a, (unsigned long long)today);
    redis_args_str(&a, "LIMIT");
    redis_args_str(&a, "0");
    redis_args_num(&a, max);
    redisReply *r = redis_conn_argv(self->conn, a.argc, a.argv, a.lens);
    redis_args_free(&a);
    if (!r)
        return -1;
    size_t n = r->type == REDIS_REPLY_ARRAY ? r->elements : 0;
    if (n > 0 && (*members = calloc(n, sizeof **members)))
        for (size_t i = 0; i < n; i++)
            (*members)[i] = strndup(r->element[i]->str, r->element[i]->len);
    freeReplyObject(r);
    return *members ? (int)n : 0;
}

int case_store_release_held(case_store_t *self, const case_t *c, const char *member,
                            const char *new_state, const char *worker, const char *note)
{
    char *record = NULL;
    size_t record_len = 0;
    if (wire_encode_case(c, &record, &record_len) != 0)
        return -1;
    redis_args_t a;
    if (redis_args_init_script(&a, 10) != 0) {
        free(record);
        return -1;
    }
    redis_args_str(&a, c->id);
    redis_args_str(&a, member);
    redis_args_str(&a, new_state);
    redis_args_bin(&a, record, record_len);
    redis_args_num(&a, writ_now_ms());
    redis_args_str(&a, worker);
    redis_args_str(&a, note);
    redis_args_str(&a, c->challenge_recommended ? "1" : "0");
    redis_args_str(&a, c->review_reason ? c->review_reason : "");
    redis_args_str(&a, STAGE_NOTIFY);
    int rc = redis_reply_code(redis_conn_script(self->conn, &lua_release, &a));
    redis_args_free(&a);
    free(record);
    return rc;
}

int case_store_mark_review(case_store_t *self, const char *id, const char *stage,
                           const char *worker, const char *reason, const char *input_sha1)
{
    redis_args_t a;
    if (redis_args_init_script(&a, 7) != 0)
        return -1;
    redis_args_str(&a, id);
    redis_args_str(&a, stage);
    redis_args_str(&a, worker);
    redis_args_str(&a, reason);
    redis_args_num(&a, writ_now_ms());
    redis_args_str(&a, input_sha1 ? input_sha1 : "");
    redis_args_str(&a, STATE_REVIEW);
    int rc = redis_reply_code(redis_conn_script(self->conn, &lua_mark_review, &a));
    redis_args_free(&a);
    return rc;
}

void case_store_record_sha1(const char *record, size_t len, char out[41])
{
    gchar *hex =
        g_compute_checksum_for_data(G_CHECKSUM_SHA1, (const guchar *)record, len);
    snprintf(out, 41, "%s", hex);
    g_free(hex);
}

/* The argument vector of verify i (common/store/lua/verify.lua's ARGV). */
static int verify_argv(const void *items, size_t i, redis_args_t *a, char **owned)
{
    const case_verify_t *v = (const case_verify_t *)items + i;
    *owned = NULL;
    if (redis_args_init_script(a, 5) != 0)
        return -1;
    redis_args_str(a, v->id);
    redis_args_str(a, v->stage);
    redis_args_str(a, v->expect_state);
    redis_args_str(a, v->record_sha1);
    redis_args_str(a, v->worker);
    return 0;
}

void case_store_verify_batch(case_store_t *self, const case_verify_t *vs, size_t n,
                             int *rcs)
{
    script_batch(self->conn, &lua_verify, verify_argv, vs, n, rcs);
}
