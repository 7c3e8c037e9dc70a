/* case_store.c -- Redis case store (see case_store.h for the key schema). */
#include "case_store.h"
#include "casework_store.h"
#include "log.h"
#include "wire.h"

#include <glib.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>

struct case_store_t {
    char host[256];
    int port;
    char unix_path[256];
    char user[64];              /* ACL user; "" logs in as "default" */
    char password[256];
    int db;
    redisContext *ctx;
    uint64_t next_attempt_ms;   /* reconnect backoff */
    uint64_t backoff_ms;
    char error[256];
    /* What this connection cost Redis, logged when it closes: the bench
     * reads it (Redis's own counters also count commands run inside
     * scripts, so they cannot tell round trips apart). */
    unsigned long long round_trips, commands;
};

/* The scripts, loaded by EVAL (Redis caches them by sha itself; the body
 * is small next to a message, and EVAL survives a Redis restart). */
static const char *CREATE_LUA =
    "local existing = redis.call('GET', ARGV[2])\n"
    "if existing then\n"
    "  local sha = redis.call('HGET', 'writ:case:'..existing, 'sha256')\n"
    "  if sha and sha ~= ARGV[5] then return {3, existing} end\n"
    "  redis.call('XADD', 'writ:audit:'..existing, '*', 'stage', 'intake',\n"
    "    'worker', ARGV[11], 'event', 'redelivered', 'from', '', 'to', '',\n"
    "    'note', 'the same message was delivered again')\n"
    "  return {1, existing}\n"
    "end\n"
    "local key = 'writ:case:'..ARGV[1]\n"
    "if redis.call('EXISTS', key) == 1 then return {1, ARGV[1]} end\n"
    "if ARGV[9] ~= '' and tonumber(ARGV[15]) > 0 and\n"
    "   redis.call('ZCARD', 'writ:pending:'..ARGV[9]) >= tonumber(ARGV[15]) then\n"
    "  return {2, ''}\n"
    "end\n"
    "redis.call('SET', ARGV[2], ARGV[1])\n"
    "redis.call('HSET', key, 'id', ARGV[1], 'state', ARGV[8],\n"
    "  'message_id', ARGV[6], 'sha256', ARGV[5], 'received_at', ARGV[7],\n"
    "  'updated_at', ARGV[7], 'size', ARGV[14], 'record', ARGV[3],\n"
    "  'review_reason', ARGV[13], 'challenge', '0', 'envelope', ARGV[16])\n"
    "if ARGV[17] ~= '' then\n"
    "  redis.call('HSET', key, 'duplicate_of', ARGV[17])\n"
    "  redis.call('XADD', 'writ:audit:'..ARGV[17], '*', 'stage', 'intake',\n"
    "    'worker', ARGV[11], 'event', 'related', 'from', '', 'to', '',\n"
    "    'note', 'same Message-ID, different content: case '..ARGV[1])\n"
    "end\n"
    "redis.call('SET', 'writ:raw:'..ARGV[1], ARGV[4])\n"
    "redis.call('ZADD', 'writ:cases', ARGV[7], ARGV[1])\n"
    "redis.call('XADD', 'writ:audit:'..ARGV[1], '*', 'stage', 'intake',\n"
    "  'worker', ARGV[11], 'event', 'created', 'from', '', 'to', ARGV[8],\n"
    "  'note', ARGV[12])\n"
    "if ARGV[9] ~= '' then\n"
    "  redis.call('ZADD', 'writ:pending:'..ARGV[9], ARGV[10], ARGV[1])\n"
    "end\n"
    CASEWORK_CREATE_INDEX_LUA
    "return {0, ARGV[1]}\n";

static const char *ADVANCE_LUA =
    "local key = 'writ:case:'..ARGV[1]\n"
    "local pending = 'writ:pending:'..ARGV[2]\n"
    "local st = redis.call('HGET', key, 'state')\n"
    "if not st then redis.call('ZREM', pending, ARGV[1]) return 2 end\n"
    "if st ~= ARGV[3] then\n"
    "  redis.call('ZREM', pending, ARGV[1])\n"
    "  redis.call('XADD', 'writ:audit:'..ARGV[1], '*', 'stage', ARGV[2],\n"
    "    'worker', ARGV[8], 'event', 'redelivered', 'from', st, 'to', st,\n"
    "    'note', 'already processed; nothing changed')\n"
    "  return 1\n"
    "end\n"
    "if ARGV[15] ~= '' and\n"
    "   redis.sha1hex(redis.call('HGET', key, 'record') or '') ~= ARGV[15] then\n"
    "  redis.call('XADD', 'writ:audit:'..ARGV[1], '*', 'stage', ARGV[2],\n"
    "    'worker', ARGV[8], 'event', 'refused', 'from', st, 'to', st,\n"
    "    'note', 'the record decided on is not the one stored: not recorded')\n"
    "  return 4\n"
    "end\n"
    "if ARGV[13] ~= '' and (redis.call('GET', ARGV[13]) or '0') ~= ARGV[14] then\n"
    "  return 3\n"
    "end\n"
    "redis.call('HSET', key, 'state', ARGV[4], 'record', ARGV[7],\n"
    "  'updated_at', ARGV[10], 'challenge', ARGV[11],\n"
    "  'review_reason', ARGV[12])\n"
    "if st ~= ARGV[4] then\n"
    "  redis.call('SREM', 'writ:idx:state:'..st, ARGV[1])\n"
    "  redis.call('SADD', 'writ:idx:state:'..ARGV[4], ARGV[1])\n"
    "end\n"
    "redis.call('ZREM', pending, ARGV[1])\n"
    "if ARGV[5] ~= '' then\n"
    "  redis.call('ZADD', 'writ:pending:'..ARGV[5], ARGV[6], ARGV[1])\n"
    "end\n"
    "for i = 16, #ARGV, 2 do\n"
    "  redis.call('ZADD', 'writ:held', ARGV[i+1], ARGV[i])\n"
    "end\n"
    "redis.call('XADD', 'writ:audit:'..ARGV[1], '*', 'stage', ARGV[2],\n"
    "  'worker', ARGV[8], 'event', 'transition', 'from', st, 'to', ARGV[4],\n"
    "  'note', ARGV[9])\n"
    "return 0\n";

/* Whether a job's record is the one Redis holds for its case, before a
 * stage acts on it: what travels on the bus is only a copy. A case that
 * moved on is a redelivery (cleared from the stage's pending set, as
 * ADVANCE does); a record that differs is refused and audited, the case
 * left as it is: its lease expires and the sweeper re-sends the stored
 * record. */
static const char *VERIFY_LUA =
    "local key = 'writ:case:'..ARGV[1]\n"
    "local pending = 'writ:pending:'..ARGV[2]\n"
    "local st = redis.call('HGET', key, 'state')\n"
    "if not st then redis.call('ZREM', pending, ARGV[1]) return 2 end\n"
    "if st ~= ARGV[3] then\n"
    "  redis.call('ZREM', pending, ARGV[1])\n"
    "  redis.call('XADD', 'writ:audit:'..ARGV[1], '*', 'stage', ARGV[2],\n"
    "    'worker', ARGV[5], 'event', 'redelivered', 'from', st, 'to', st,\n"
    "    'note', 'already processed; nothing changed')\n"
    "  return 1\n"
    "end\n"
    "if redis.sha1hex(redis.call('HGET', key, 'record') or '') ~= ARGV[4] then\n"
    "  redis.call('XADD', 'writ:audit:'..ARGV[1], '*', 'stage', ARGV[2],\n"
    "    'worker', ARGV[5], 'event', 'refused', 'from', st, 'to', st,\n"
    "    'note', 'a job carried a record that is not the one stored: not acted on')\n"
    "  return 4\n"
    "end\n"
    "return 0\n";

static const char *CLAIM_LUA =
    "local ids = redis.call('ZRANGEBYSCORE', 'writ:pending:'..ARGV[1],\n"
    "  '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[4]))\n"
    "local out = {}\n"
    "for _, id in ipairs(ids) do\n"
    "  redis.call('ZADD', 'writ:pending:'..ARGV[1], ARGV[3], id)\n"
    "  out[#out + 1] = id\n"
    "  out[#out + 1] = redis.call('HGET', 'writ:case:'..id, 'record') or ''\n"
    "end\n"
    "return out\n";

/* The member is "{id} {account}": the audit entry names the account
 * whoever releases it. The review reason follows the record's (a
 * released withheld notice ends the review it caused). */
static const char *RELEASE_LUA =
    "if not redis.call('ZSCORE', 'writ:held', ARGV[2]) then return 1 end\n"
    "local key = 'writ:case:'..ARGV[1]\n"
    "local st = redis.call('HGET', key, 'state') or ''\n"
    /* A case a person closed or set waiting stays so (casework.h). */
    "local to = ARGV[3]\n"
    "if st == 'closed' or st == 'waiting' then to = st end\n"
    "redis.call('HSET', key, 'state', to, 'record', ARGV[4],\n"
    "  'updated_at', ARGV[5], 'challenge', ARGV[8], 'review_reason', ARGV[9])\n"
    "if st ~= to then\n"
    "  redis.call('SREM', 'writ:idx:state:'..st, ARGV[1])\n"
    "  redis.call('SADD', 'writ:idx:state:'..to, ARGV[1])\n"
    "end\n"
    "redis.call('ZREM', 'writ:held', ARGV[2])\n"
    "redis.call('XADD', 'writ:audit:'..ARGV[1], '*', 'stage', 'notify',\n"
    "  'worker', ARGV[6], 'event', 'released', 'from', st, 'to', to,\n"
    "  'account', string.sub(ARGV[2], #ARGV[1] + 2), 'note', ARGV[7])\n"
    "return 0\n";

static const char *MARK_REVIEW_LUA =
    "local key = 'writ:case:'..ARGV[1]\n"
    "local st = redis.call('HGET', key, 'state')\n"
    "if not st then\n"
    "  redis.call('ZREM', 'writ:pending:'..ARGV[2], ARGV[1])\n"
    "  return 1\n"
    "end\n"
    "if ARGV[6] ~= '' and\n"
    "   redis.sha1hex(redis.call('HGET', key, 'record') or '') ~= ARGV[6] then\n"
    "  redis.call('XADD', 'writ:audit:'..ARGV[1], '*', 'stage', ARGV[2],\n"
    "    'worker', ARGV[3], 'event', 'refused', 'from', st, 'to', st,\n"
    "    'note', 'an unreadable record that is not the one stored: not acted on')\n"
    "  return 4\n"
    "end\n"
    "redis.call('ZREM', 'writ:pending:'..ARGV[2], ARGV[1])\n"
    "redis.call('HSET', key, 'state', 'review', 'review_reason', ARGV[4],\n"
    "  'updated_at', ARGV[5])\n"
    "redis.call('SREM', 'writ:idx:state:'..st, ARGV[1])\n"
    "redis.call('SADD', 'writ:idx:state:review', ARGV[1])\n"
    "redis.call('XADD', 'writ:audit:'..ARGV[1], '*', 'stage', ARGV[2],\n"
    "  'worker', ARGV[3], 'event', 'review', 'from', st, 'to', 'review',\n"
    "  'note', ARGV[4])\n"
    "return 0\n";

/* A script is called by its SHA-1 (EVALSHA): the body crosses the wire and
 * is hashed by Redis only when Redis does not know it yet (first call,
 * after a Redis restart or SCRIPT FLUSH: NOSCRIPT -> EVAL loads it). */
typedef struct {
    const char *body;
    char sha[41];
} script_t;

static script_t s_verify = { NULL, "" };
static script_t s_create = { NULL, "" }, s_advance = { NULL, "" },
                s_claim = { NULL, "" }, s_release = { NULL, "" },
                s_mark_review = { NULL, "" };

uint64_t writ_now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint64_t) tv.tv_sec * 1000u + (uint64_t) tv.tv_usec / 1000u;
}

static void parse_url(case_store_t *self, const char *url)
{
    self->port = 6379;
    snprintf(self->host, sizeof self->host, "127.0.0.1");
    if (!url || !*url)
        return;
    if (strncmp(url, "unix://", 7) == 0) {
        snprintf(self->unix_path, sizeof self->unix_path, "%s", url + 7);
        return;
    }
    const char *p = strncmp(url, "redis://", 8) == 0 ? url + 8 : url;
    const char *at = strrchr(p, '@');
    if (at) {
        const char *colon = memchr(p, ':', (size_t) (at - p));
        const char *pw = colon ? colon + 1 : p;
        if (colon && colon > p)
            snprintf(self->user, sizeof self->user, "%.*s", (int) (colon - p), p);
        snprintf(self->password, sizeof self->password, "%.*s",
                 (int) (at - pw), pw);
        p = at + 1;
    }
    const char *slash = strchr(p, '/');
    const char *colon = strchr(p, ':');
    size_t hostlen = colon && (!slash || colon < slash) ? (size_t) (colon - p)
                   : slash ? (size_t) (slash - p) : strlen(p);
    if (hostlen > 0)
        snprintf(self->host, sizeof self->host, "%.*s", (int) hostlen, p);
    if (colon && (!slash || colon < slash))
        self->port = atoi(colon + 1);
    if (slash)
        self->db = atoi(slash + 1);
}

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
    parse_url(self, url);
    if (user && *user && password) {
        snprintf(self->user, sizeof self->user, "%s", user);
        snprintf(self->password, sizeof self->password, "%s", password);
    }
    self->backoff_ms = 100;
    return self;
}

void case_store_destroy(case_store_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    if ((*self_p)->round_trips)
        log_info(NULL, "redis: %llu round trips, %llu commands",
                 (*self_p)->round_trips, (*self_p)->commands);
    if ((*self_p)->ctx)
        redisFree((*self_p)->ctx);
    memset((*self_p)->password, 0, sizeof (*self_p)->password);
    free(*self_p);
    *self_p = NULL;
}

const char *case_store_error(case_store_t *self)
{
    return self->error;
}

static void drop_connection(case_store_t *self, const char *why)
{
    snprintf(self->error, sizeof self->error, "%s", why);
    if (self->ctx) {
        redisFree(self->ctx);
        self->ctx = NULL;
    }
    self->next_attempt_ms = writ_now_ms() + self->backoff_ms;
    if (self->backoff_ms < 2000)
        self->backoff_ms *= 2;
}

static bool simple_command(case_store_t *self, int argc, const char **argv)
{
    redisReply *r = redisCommandArgv(self->ctx, argc, argv, NULL);
    bool ok = r && r->type != REDIS_REPLY_ERROR;
    if (r && r->type == REDIS_REPLY_ERROR)
        snprintf(self->error, sizeof self->error, "%s", r->str);
    if (r)
        freeReplyObject(r);
    return ok;
}

/* Connects if needed; false when Redis cannot be reached now. */
static bool ensure_connected(case_store_t *self)
{
    if (self->ctx)
        return true;
    if (writ_now_ms() < self->next_attempt_ms)
        return false;
    struct timeval tv = { 2, 0 };
    self->ctx = self->unix_path[0]
              ? redisConnectUnixWithTimeout(self->unix_path, tv)
              : redisConnectWithTimeout(self->host, self->port, tv);
    if (!self->ctx || self->ctx->err) {
        drop_connection(self, self->ctx ? self->ctx->errstr
                                        : "cannot allocate redis context");
        return false;
    }
    redisSetTimeout(self->ctx, (struct timeval) { 5, 0 });
    char db[16];
    snprintf(db, sizeof db, "%d", self->db);
    const char *auth_user[] = { "AUTH", self->user, self->password };
    const char *auth[] = { "AUTH", self->password };
    const char *select[] = { "SELECT", db };
    bool logged_in = !self->password[0]
        || (self->user[0] ? simple_command(self, 3, auth_user)
                          : simple_command(self, 2, auth));
    if (!logged_in || (self->db && !simple_command(self, 2, select))) {
        char why[256];
        snprintf(why, sizeof why, "%s", self->error);
        drop_connection(self, why);
        return false;
    }
    self->backoff_ms = 100;
    self->error[0] = '\0';
    return true;
}

void case_store_count(case_store_t *self, unsigned round_trips,
                      unsigned commands)
{
    self->round_trips += round_trips;
    self->commands += commands;
}

void *case_store_redis(case_store_t *self)
{
    return ensure_connected(self) ? self->ctx : NULL;
}

/* Runs a command; on a connection error drops the connection so the next
 * call reconnects. Returns NULL on any failure (error text kept). */
static redisReply *run_argv(case_store_t *self, int argc, const char **argv,
                            const size_t *lens)
{
    if (!ensure_connected(self))
        return NULL;
    case_store_count(self, 1, 1);
    redisReply *r = redisCommandArgv(self->ctx, argc, argv, lens);
    if (!r) {
        drop_connection(self, self->ctx->errstr[0] ? self->ctx->errstr
                                                   : "redis connection lost");
        return NULL;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        snprintf(self->error, sizeof self->error, "%s", r->str);
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

int case_store_ping(case_store_t *self)
{
    const char *argv[] = { "PING" };
    redisReply *r = run_argv(self, 1, argv, NULL);
    if (!r)
        return -1;
    freeReplyObject(r);
    return 0;
}

/* Argument vector builder for EVAL calls. */
typedef struct {
    const char **argv;
    size_t *lens;
    char (*numbers)[24];
    int argc, cap;
    bool needs_eval;                  /* Redis answered NOSCRIPT (batches) */
} argv_t;

static int argv_init(argv_t *a, int cap)
{
    a->argv = calloc((size_t) cap, sizeof *a->argv);
    a->lens = calloc((size_t) cap, sizeof *a->lens);
    a->numbers = calloc((size_t) cap, sizeof *a->numbers);
    a->argc = 0;
    a->cap = cap;
    a->needs_eval = false;
    return a->argv && a->lens && a->numbers ? 0 : -1;
}

static void argv_free(argv_t *a)
{
    free(a->argv);
    free(a->lens);
    free(a->numbers);
    a->argv = NULL;
    a->lens = NULL;
    a->numbers = NULL;
}

static void argv_bin(argv_t *a, const char *s, size_t len)
{
    if (a->argc >= a->cap)
        return;
    a->argv[a->argc] = s ? s : "";
    a->lens[a->argc] = s ? len : 0;
    a->argc++;
}

static void argv_str(argv_t *a, const char *s)
{
    argv_bin(a, s, s ? strlen(s) : 0);
}

static void argv_num(argv_t *a, unsigned long long n)
{
    if (a->argc >= a->cap)
        return;
    snprintf(a->numbers[a->argc], sizeof a->numbers[0], "%llu", n);
    argv_str(a, a->numbers[a->argc]);
}

static void script_sha(script_t *sc, const char *body)
{
    if (sc->sha[0])
        return;
    sc->body = body;
    gchar *hex = g_compute_checksum_for_string(G_CHECKSUM_SHA1, body, -1);
    snprintf(sc->sha, sizeof sc->sha, "%s", hex);
    g_free(hex);
}

/* Runs a script whose arguments are a->argv[3..] (argv[0..2] are filled
 * here: EVALSHA sha 0). One round trip, two when Redis must load it. */
static redisReply *run_script(case_store_t *self, script_t *sc,
                              const char *body, argv_t *a)
{
    script_sha(sc, body);
    a->argv[0] = "EVALSHA";
    a->lens[0] = 7;
    a->argv[1] = sc->sha;
    a->lens[1] = 40;
    a->argv[2] = "0";
    a->lens[2] = 1;
    redisReply *r = run_argv(self, a->argc, a->argv, a->lens);
    if (!r && strncmp(self->error, "NOSCRIPT", 8) == 0) {
        a->argv[0] = "EVAL";
        a->lens[0] = 4;
        a->argv[1] = body;
        a->lens[1] = strlen(body);
        r = run_argv(self, a->argc, a->argv, a->lens);
    }
    return r;
}

/* For other modules' scripts (registry.c): args are the script's ARGV. */
void *case_store_script(case_store_t *self, const char *body, char sha[41],
                        int argc, const char **args, const size_t *lens)
{
    argv_t a;
    if (argv_init(&a, argc + 3) != 0) {
        argv_free(&a);
        return NULL;
    }
    a.argc = 3;
    for (int i = 0; i < argc; i++)
        argv_bin(&a, args[i], lens ? lens[i] : strlen(args[i]));
    script_t sc = { body, "" };
    snprintf(sc.sha, sizeof sc.sha, "%s", sha);
    redisReply *r = run_script(self, &sc, body, &a);
    memcpy(sha, sc.sha, 41);
    argv_free(&a);
    return r;
}

/* Runs the same script n times with each args[i] (argv[0..2] filled
 * here) in one round trip: every call goes out before the first reply is
 * read. A reply that says Redis does not know the script yet (NOSCRIPT:
 * first call, or Redis restarted) is run again by EVAL. replies[i] is
 * NULL for a call that failed (error text kept); args[i].argv NULL skips
 * call i. */
/* One pipelined batch of script calls: sent, replies not read yet. */
typedef struct {
    script_t *sc;
    const char *body;
    argv_t *args;                     /* argv NULL: not sent (encoding failed) */
    size_t n, sent;
    bool lost;                        /* the connection broke */
} script_batch_t;

/* Appends every call and writes them all out, without reading. */
static void script_batch_send(case_store_t *self, script_batch_t *b)
{
    b->sent = 0;
    b->lost = !ensure_connected(self);
    if (b->lost)
        return;
    script_sha(b->sc, b->body);
    for (size_t i = 0; i < b->n; i++) {
        argv_t *a = &b->args[i];
        if (!a->argv)
            continue;
        a->argv[0] = "EVALSHA";
        a->lens[0] = 7;
        a->argv[1] = b->sc->sha;
        a->lens[1] = 40;
        a->argv[2] = "0";
        a->lens[2] = 1;
        if (redisAppendCommandArgv(self->ctx, a->argc, a->argv, a->lens) != REDIS_OK)
            break;
        b->sent++;
    }
    if (b->sent == 0)
        return;
    case_store_count(self, 1, (unsigned) b->sent);
    int done = 0;
    while (!done)
        if (redisBufferWrite(self->ctx, &done) != REDIS_OK) {
            drop_connection(self, self->ctx->errstr[0] ? self->ctx->errstr
                                                       : "redis connection lost");
            b->lost = true;
            return;
        }
}

/* Reads the batch's replies (blocking); a call Redis did not know by its
 * sha (NOSCRIPT) is run again by EVAL once all of them are read. */
static void script_batch_recv(case_store_t *self, script_batch_t *b,
                              redisReply **replies)
{
    for (size_t i = 0; i < b->n; i++)
        replies[i] = NULL;
    bool lost = b->lost;
    for (size_t i = 0, got = 0; i < b->n && got < b->sent; i++) {
        argv_t *a = &b->args[i];
        if (!a->argv)
            continue;
        got++;
        redisReply *r = NULL;
        if (!lost && redisGetReply(self->ctx, (void **) &r) != REDIS_OK) {
            drop_connection(self, self->ctx->errstr[0] ? self->ctx->errstr
                                                       : "redis connection lost");
            lost = true;
        }
        if (lost)
            continue;
        if (r && r->type == REDIS_REPLY_ERROR
            && strncmp(r->str, "NOSCRIPT", 8) == 0) {
            freeReplyObject(r);
            r = NULL;
            a->needs_eval = true;       /* run by EVAL (below) */
        }
        else if (r && r->type == REDIS_REPLY_ERROR) {
            snprintf(self->error, sizeof self->error, "%s", r->str);
            freeReplyObject(r);
            r = NULL;
        }
        replies[i] = r;
    }
    for (size_t i = 0; i < b->n && !lost; i++)
        if (b->args[i].argv && b->args[i].needs_eval) {
            replies[i] = run_script(self, b->sc, b->body, &b->args[i]);
            lost = !self->ctx;
        }
}

/* Runs n calls of one script in one round trip; replies[i] is call i's
 * reply or NULL (error text kept). args[i].argv NULL: call i is skipped. */
static void run_script_batch(case_store_t *self, script_t *sc, const char *body,
                             argv_t *args, size_t n, redisReply **replies)
{
    script_batch_t b = { .sc = sc, .body = body, .args = args, .n = n };
    script_batch_send(self, &b);
    script_batch_recv(self, &b, replies);
}

/* The argument vector of one create; *record (when encoded here) and
 * *dedupe receive what the vector points into (caller frees: free,
 * g_free). */
static int create_argv(const case_create_t *p, argv_t *a, char **record,
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
    *dedupe = mid && *mid && !p->duplicate_of
            ? g_strconcat("writ:msgid:", mid, NULL)
            : g_strconcat("writ:sha256:", p->sha256, NULL);
    if (argv_init(a, 24) != 0) {
        argv_free(a);
        return -1;
    }
    uint64_t now = writ_now_ms();
    a->argc = 3;                      /* EVALSHA sha 0 */
    argv_str(a, p->c->id);                         /* 1 */
    argv_str(a, *dedupe);                          /* 2 */
    argv_bin(a, p->record ? p->record : *record, record_len); /* 3 */
    argv_bin(a, p->raw, p->raw_len);               /* 4 */
    argv_str(a, p->sha256);                        /* 5 */
    argv_str(a, mid ? mid : "");                   /* 6 */
    argv_num(a, now);                              /* 7 */
    argv_str(a, p->state);                         /* 8 */
    argv_str(a, p->next_stage ? p->next_stage : ""); /* 9 */
    argv_num(a, now + p->lease_ms);                /* 10 */
    argv_str(a, p->worker);                        /* 11 */
    argv_str(a, p->note ? p->note : "");           /* 12 */
    argv_str(a, p->c->review_reason ? p->c->review_reason : ""); /* 13 */
    argv_num(a, p->raw_len);                       /* 14 */
    argv_num(a, p->max_pending);                   /* 15 */
    argv_str(a, p->envelope ? p->envelope : "");   /* 16 */
    argv_str(a, p->duplicate_of ? p->duplicate_of : ""); /* 17 */
    /* Always the last argument: the indexes casework searches. */
    *index = casework_index_payload(p->c, now);
    if (!*index) {
        argv_free(a);
        return -1;
    }
    argv_str(a, *index);
    return 0;
}

static int create_code(case_store_t *self, redisReply *r,
                       char existing_id[CASE_ID_LEN])
{
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2
        || r->element[1]->type != REDIS_REPLY_STRING)
        return -1;
    int rc = (int) r->element[0]->integer;
    if (rc == 2)
        snprintf(self->error, sizeof self->error,
                 "backlog limit reached: too many cases waiting");
    snprintf(existing_id, CASE_ID_LEN, "%s", r->element[1]->str);
    return rc;
}

int case_store_create(case_store_t *self, const case_create_t *p,
                      char existing_id[CASE_ID_LEN])
{
    int rc;
    case_store_create_batch(self, p, 1, &rc,
                            (char (*)[CASE_ID_LEN]) existing_id);
    return rc;
}

struct case_store_creates_t {
    script_batch_t batch;
    char **records;
    char **dedupes;
    char **indexes;
};

static void creates_free(case_store_creates_t *b)
{
    for (size_t i = 0; b->batch.args && i < b->batch.n; i++) {
        argv_free(&b->batch.args[i]);
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

case_store_creates_t *case_store_create_send(case_store_t *self,
                                             const case_create_t *ps, size_t n)
{
    case_store_creates_t *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->batch = (script_batch_t) { .sc = &s_create, .body = CREATE_LUA, .n = n };
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
        snprintf(self->error, sizeof self->error, "cannot encode case");
    script_batch_send(self, &b->batch);
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
        script_batch_recv(self, &b->batch, replies);
        for (size_t i = 0; i < b->batch.n; i++) {
            if (i < n)
                rcs[i] = create_code(self, replies[i], existing_ids[i]);
            if (replies[i])
                freeReplyObject(replies[i]);
        }
    }
    else if (b->batch.sent > 0 && !b->batch.lost)
        /* Replies that cannot be read leave the connection out of step. */
        drop_connection(self, "out of memory");
    free(replies);
    creates_free(b);
}

bool case_store_create_awaits_replies(const case_store_creates_t *b)
{
    return b->batch.sent > 0 && !b->batch.lost;
}

int case_store_fd(case_store_t *self)
{
    return self->ctx ? self->ctx->fd : -1;
}

void case_store_create_batch(case_store_t *self, const case_create_t *ps,
                             size_t n, int *rcs,
                             char (*existing_ids)[CASE_ID_LEN])
{
    case_store_creates_t *b = n ? case_store_create_send(self, ps, n) : NULL;
    case_store_create_finish(self, &b, n, rcs, existing_ids);
}

/* The EVALSHA argument vector of one advance (argv[0..2] are filled by
 * the caller). *record receives what was encoded here (caller frees). */
static int advance_argv(const case_advance_t *p, argv_t *a, char **record)
{
    size_t record_len = p->record_len;
    *record = NULL;
    if (!p->record && wire_encode_case(p->c, record, &record_len) != 0)
        return -1;
    if (argv_init(a, 19 + 2 * (int) p->held_count) != 0) {
        free(*record);
        *record = NULL;
        argv_free(a);
        return -1;
    }
    uint64_t now = writ_now_ms();
    a->argc = 3;                      /* EVALSHA sha 0 */
    argv_str(a, p->c->id);                             /* 1 */
    argv_str(a, p->stage);                             /* 2 */
    argv_str(a, p->expect_state);                      /* 3 */
    argv_str(a, p->new_state);                         /* 4 */
    argv_str(a, p->next_stage ? p->next_stage : "");   /* 5 */
    argv_num(a, now + p->lease_ms);                    /* 6 */
    argv_bin(a, p->record ? p->record : *record, record_len); /* 7 */
    argv_str(a, p->worker);                            /* 8 */
    argv_str(a, p->note ? p->note : "");               /* 9 */
    argv_num(a, now);                                  /* 10 */
    argv_str(a, p->c->challenge_recommended ? "1" : "0"); /* 11 */
    argv_str(a, p->c->review_reason ? p->c->review_reason : ""); /* 12 */
    argv_str(a, p->guard_key ? p->guard_key : "");     /* 13 */
    argv_str(a, p->guard_value ? p->guard_value : "0"); /* 14 */
    argv_str(a, p->input_sha1 ? p->input_sha1 : "");    /* 15 */
    for (size_t i = 0; i < p->held_count; i++) {
        argv_str(a, p->held_members[i]);
        if (p->held_release[i] > 0)
            argv_num(a, (unsigned long long) p->held_release[i]);
        else
            argv_str(a, "+inf");
    }
    return 0;
}

static int advance_code(redisReply *r)
{
    return r && r->type == REDIS_REPLY_INTEGER ? (int) r->integer : -1;
}

int case_store_advance(case_store_t *self, const case_advance_t *p)
{
    int rc;
    case_store_advance_batch(self, p, 1, &rc);
    return rc;
}

/* The same for n cases in one round trip. */
void case_store_advance_batch(case_store_t *self, const case_advance_t *ps,
                              size_t n, int *rcs)
{
    for (size_t i = 0; i < n; i++)
        rcs[i] = -1;
    if (n == 0)
        return;
    argv_t *args = calloc(n, sizeof *args);
    char **records = calloc(n, sizeof *records);
    redisReply **replies = calloc(n, sizeof *replies);
    if (args && records && replies) {
        for (size_t i = 0; i < n; i++)
            if (advance_argv(&ps[i], &args[i], &records[i]) != 0)
                args[i].argv = NULL;
        run_script_batch(self, &s_advance, ADVANCE_LUA, args, n, replies);
        for (size_t i = 0; i < n; i++) {
            rcs[i] = advance_code(replies[i]);
            if (replies[i])
                freeReplyObject(replies[i]);
        }
    }
    for (size_t i = 0; args && i < n; i++) {
        argv_free(&args[i]);
        free(records ? records[i] : NULL);
    }
    free(args);
    free(records);
    free(replies);
}

int case_store_claim_expired(case_store_t *self, const char *stage,
                             uint64_t lease_ms, size_t max, char ***ids,
                             char ***records, size_t **record_lens)
{
    *ids = NULL;
    *records = NULL;
    *record_lens = NULL;
    uint64_t now = writ_now_ms();
    argv_t a;
    if (argv_init(&a, 8) != 0) {
        argv_free(&a);
        return -1;
    }
    a.argc = 3;                       /* EVALSHA sha 0: run_script */
    argv_str(&a, stage);
    argv_num(&a, now);
    argv_num(&a, now + lease_ms);
    argv_num(&a, max);
    redisReply *r = run_script(self, &s_claim, CLAIM_LUA, &a);
    argv_free(&a);
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
    return (int) n;
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

case_t *case_store_load(case_store_t *self, const char *id, char *state,
                        size_t state_len)
{
    char key[64];
    snprintf(key, sizeof key, "writ:case:%s", id);
    const char *argv[] = { "HMGET", key, "state", "record" };
    redisReply *r = run_argv(self, 4, argv, NULL);
    if (!r)
        return NULL;
    case_t *c = NULL;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 2
        && r->element[0]->type == REDIS_REPLY_STRING
        && r->element[1]->type == REDIS_REPLY_STRING) {
        if (state)
            snprintf(state, state_len, "%s", r->element[0]->str);
        char err[128];
        c = wire_decode_case(r->element[1]->str, r->element[1]->len, err,
                             sizeof err);
        if (!c)
            snprintf(self->error, sizeof self->error, "bad record: %s", err);
    }
    else
        snprintf(self->error, sizeof self->error, "no such case");
    freeReplyObject(r);
    return c;
}

int case_store_raw(case_store_t *self, const char *id, char **buf, size_t *len)
{
    char key[64];
    snprintf(key, sizeof key, "writ:raw:%s", id);
    const char *argv[] = { "GET", key };
    redisReply *r = run_argv(self, 2, argv, NULL);
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
        }
        else
            rc = -1;
    }
    freeReplyObject(r);
    return rc;
}

int case_store_heartbeat(case_store_t *self, const char *stage,
                         const char *worker)
{
    char key[96];
    snprintf(key, sizeof key, "writ:workers:%s", stage);
    argv_t a;
    if (argv_init(&a, 4) != 0) {
        argv_free(&a);
        return -1;
    }
    argv_str(&a, "ZADD");
    argv_str(&a, key);
    argv_num(&a, writ_now_ms());
    argv_str(&a, worker);
    redisReply *r = run_argv(self, a.argc, a.argv, a.lens);
    argv_free(&a);
    if (!r)
        return -1;
    freeReplyObject(r);
    return 0;
}

int case_store_due_held(case_store_t *self, long today, size_t max,
                        char ***members)
{
    *members = NULL;
    argv_t a;
    if (argv_init(&a, 8) != 0) {
        argv_free(&a);
        return -1;
    }
    argv_str(&a, "ZRANGEBYSCORE");
    argv_str(&a, "writ:held");
    argv_str(&a, "-inf");
    argv_num(&a, (unsigned long long) today);
    argv_str(&a, "LIMIT");
    argv_str(&a, "0");
    argv_num(&a, max);
    redisReply *r = run_argv(self, a.argc, a.argv, a.lens);
    argv_free(&a);
    if (!r)
        return -1;
    size_t n = r->type == REDIS_REPLY_ARRAY ? r->elements : 0;
    if (n > 0 && (*members = calloc(n, sizeof **members)))
        for (size_t i = 0; i < n; i++)
            (*members)[i] = strndup(r->element[i]->str, r->element[i]->len);
    freeReplyObject(r);
    return *members ? (int) n : 0;
}

int case_store_release_held(case_store_t *self, const case_t *c,
                            const char *member, const char *new_state,
                            const char *worker, const char *note)
{
    char *record = NULL;
    size_t record_len = 0;
    if (wire_encode_case(c, &record, &record_len) != 0)
        return -1;
    argv_t a;
    if (argv_init(&a, 13) != 0) {
        free(record);
        argv_free(&a);
        return -1;
    }
    a.argc = 3;                       /* EVALSHA sha 0: run_script */
    argv_str(&a, c->id);
    argv_str(&a, member);
    argv_str(&a, new_state);
    argv_bin(&a, record, record_len);
    argv_num(&a, writ_now_ms());
    argv_str(&a, worker);
    argv_str(&a, note);
    argv_str(&a, c->challenge_recommended ? "1" : "0");
    argv_str(&a, c->review_reason ? c->review_reason : "");
    redisReply *r = run_script(self, &s_release, RELEASE_LUA, &a);
    argv_free(&a);
    free(record);
    if (!r)
        return -1;
    int rc = r->type == REDIS_REPLY_INTEGER ? (int) r->integer : -1;
    freeReplyObject(r);
    return rc;
}

int case_store_mark_review(case_store_t *self, const char *id,
                           const char *stage, const char *worker,
                           const char *reason, const char *input_sha1)
{
    argv_t a;
    if (argv_init(&a, 10) != 0) {
        argv_free(&a);
        return -1;
    }
    a.argc = 3;                       /* EVALSHA sha 0: run_script */
    argv_str(&a, id);
    argv_str(&a, stage);
    argv_str(&a, worker);
    argv_str(&a, reason);
    argv_num(&a, writ_now_ms());
    argv_str(&a, input_sha1 ? input_sha1 : "");
    redisReply *r = run_script(self, &s_mark_review, MARK_REVIEW_LUA, &a);
    argv_free(&a);
    if (!r)
        return -1;
    int rc = r->type == REDIS_REPLY_INTEGER ? (int) r->integer : -1;
    freeReplyObject(r);
    return rc;
}

void case_store_record_sha1(const char *record, size_t len, char out[41])
{
    gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA1,
                                             (const guchar *) record, len);
    snprintf(out, 41, "%s", hex);
    g_free(hex);
}

void case_store_verify_batch(case_store_t *self, const case_verify_t *vs,
                             size_t n, int *rcs)
{
    for (size_t i = 0; i < n; i++)
        rcs[i] = -1;
    if (n == 0)
        return;
    argv_t *args = calloc(n, sizeof *args);
    redisReply **replies = calloc(n, sizeof *replies);
    if (args && replies) {
        for (size_t i = 0; i < n; i++) {
            if (argv_init(&args[i], 8) != 0) {
                argv_free(&args[i]);
                continue;
            }
            args[i].argc = 3;         /* EVALSHA sha 0: run_script_batch */
            argv_str(&args[i], vs[i].id);
            argv_str(&args[i], vs[i].stage);
            argv_str(&args[i], vs[i].expect_state);
            argv_str(&args[i], vs[i].record_sha1);
            argv_str(&args[i], vs[i].worker);
        }
        run_script_batch(self, &s_verify, VERIFY_LUA, args, n, replies);
        for (size_t i = 0; i < n; i++) {
            rcs[i] = advance_code(replies[i]);
            if (replies[i])
                freeReplyObject(replies[i]);
        }
    }
    for (size_t i = 0; args && i < n; i++)
        argv_free(&args[i]);
    free(args);
    free(replies);
}
