/* redis_conn.c -- the connection to Redis and the script runner (see
 * redis_conn.h). */
#include "redis_conn.h"
#include "log.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

struct redis_conn_t {
    char host[256];
    int port;
    char unix_path[256];
    char user[64]; /* ACL user; "" logs in as "default" */
    char password[256];
    int db;
    redisContext *ctx;
    uint64_t next_attempt_ms; /* reconnect backoff */
    uint64_t backoff_ms;
    char error[256];
    /* What this connection cost Redis, logged when it closes: the bench
     * reads it (Redis's own counters also count commands run inside
     * scripts, so they cannot tell round trips apart). */
    unsigned long long round_trips, commands;
    unsigned pipelined; /* commands appended, not yet counted */
};

uint64_t writ_now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint64_t)tv.tv_sec * 1000u + (uint64_t)tv.tv_usec / 1000u;
}

static void parse_url(redis_conn_t *self, const char *url)
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
        const char *colon = memchr(p, ':', (size_t)(at - p));
        const char *pw = colon ? colon + 1 : p;
        if (colon && colon > p)
            snprintf(self->user, sizeof self->user, "%.*s", (int)(colon - p), p);
        snprintf(self->password, sizeof self->password, "%.*s", (int)(at - pw), pw);
        p = at + 1;
    }
    const char *slash = strchr(p, '/');
    const char *colon = strchr(p, ':');
    size_t hostlen = colon && (!slash || colon < slash) ? (size_t)(colon - p)
                     : slash                            ? (size_t)(slash - p)
                                                        : strlen(p);
    if (hostlen > 0)
        snprintf(self->host, sizeof self->host, "%.*s", (int)hostlen, p);
    if (colon && (!slash || colon < slash))
        self->port = atoi(colon + 1);
    if (slash)
        self->db = atoi(slash + 1);
}

redis_conn_t *redis_conn_new(const char *url, const char *user, const char *password)
{
    redis_conn_t *self = calloc(1, sizeof *self);
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

void redis_conn_destroy(redis_conn_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    redis_conn_t *self = *self_p;
    if (self->round_trips)
        log_info(NULL, "redis: %llu round trips, %llu commands", self->round_trips,
                 self->commands);
    if (self->ctx)
        redisFree(self->ctx);
    memset(self->password, 0, sizeof self->password);
    free(self);
    *self_p = NULL;
}

const char *redis_conn_error(redis_conn_t *self)
{
    return self->error;
}

void redis_conn_set_error(redis_conn_t *self, const char *why)
{
    snprintf(self->error, sizeof self->error, "%s", why);
}

void redis_conn_drop(redis_conn_t *self, const char *why)
{
    char copy[sizeof self->error];
    snprintf(copy, sizeof copy, "%s", why); /* why may be self->error */
    redis_conn_set_error(self, copy);
    if (self->ctx) {
        redisFree(self->ctx);
        self->ctx = NULL;
    }
    self->pipelined = 0;
    self->next_attempt_ms = writ_now_ms() + self->backoff_ms;
    if (self->backoff_ms < 2000)
        self->backoff_ms *= 2;
}

/* The connection broke while sending or reading. */
static void drop_lost(redis_conn_t *self)
{
    redis_conn_drop(self, self->ctx && self->ctx->errstr[0] ? self->ctx->errstr
                                                            : "redis connection lost");
}

static bool login_command(redis_conn_t *self, int argc, const char **argv)
{
    redisReply *r = redisCommandArgv(self->ctx, argc, argv, NULL);
    bool ok = r && r->type != REDIS_REPLY_ERROR;
    if (r && r->type == REDIS_REPLY_ERROR)
        redis_conn_set_error(self, r->str);
    if (r)
        freeReplyObject(r);
    return ok;
}

bool redis_conn_ready(redis_conn_t *self)
{
    if (self->ctx)
        return true;
    if (writ_now_ms() < self->next_attempt_ms)
        return false;
    struct timeval tv = { 2, 0 };
    self->ctx = self->unix_path[0] ? redisConnectUnixWithTimeout(self->unix_path, tv)
                                   : redisConnectWithTimeout(self->host, self->port, tv);
    if (!self->ctx || self->ctx->err) {
        redis_conn_drop(self,
                        self->ctx ? self->ctx->errstr : "cannot allocate redis context");
        return false;
    }
    redisSetTimeout(self->ctx, (struct timeval){ 5, 0 });
    char db[16];
    snprintf(db, sizeof db, "%d", self->db);
    const char *auth_user[] = { "AUTH", self->user, self->password };
    const char *auth[] = { "AUTH", self->password };
    const char *select[] = { "SELECT", db };
    bool logged_in =
        !self->password[0] || (self->user[0] ? login_command(self, 3, auth_user)
                                             : login_command(self, 2, auth));
    if (!logged_in || (self->db && !login_command(self, 2, select))) {
        redis_conn_drop(self, self->error);
        return false;
    }
    self->backoff_ms = 100;
    self->error[0] = '\0';
    return true;
}

int redis_conn_fd(redis_conn_t *self)
{
    return self->ctx ? self->ctx->fd : -1;
}

void redis_conn_count(redis_conn_t *self, unsigned round_trips, unsigned commands)
{
    self->round_trips += round_trips;
    self->commands += commands;
}

/* A reply as a command's caller wants it: NULL for a lost connection
 * (dropped) and for an error reply (its text kept). */
static redisReply *checked(redis_conn_t *self, redisReply *r)
{
    if (!r) {
        drop_lost(self);
        return NULL;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        redis_conn_set_error(self, r->str);
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

redisReply *redis_conn_argv(redis_conn_t *self, int argc, const char **argv,
                            const size_t *lens)
{
    if (!redis_conn_ready(self))
        return NULL;
    redis_conn_count(self, 1, 1);
    return checked(self, redisCommandArgv(self->ctx, argc, argv, lens));
}

redisReply *redis_conn_command(redis_conn_t *self, const char *fmt, ...)
{
    if (!redis_conn_ready(self))
        return NULL;
    redis_conn_count(self, 1, 1);
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(self->ctx, fmt, ap);
    va_end(ap);
    return checked(self, r);
}

int redis_conn_append(redis_conn_t *self, const char *fmt, ...)
{
    if (!redis_conn_ready(self))
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int rc = redisvAppendCommand(self->ctx, fmt, ap);
    va_end(ap);
    if (rc != REDIS_OK)
        return -1;
    self->pipelined++;
    return 0;
}

int redis_conn_append_argv(redis_conn_t *self, int argc, const char **argv,
                           const size_t *lens)
{
    if (!redis_conn_ready(self) ||
        redisAppendCommandArgv(self->ctx, argc, argv, lens) != REDIS_OK)
        return -1;
    self->pipelined++;
    return 0;
}

redisReply *redis_conn_read(redis_conn_t *self)
{
    if (!self->ctx)
        return NULL;
    if (self->pipelined) { /* the first read sends the pipeline */
        redis_conn_count(self, 1, self->pipelined);
        self->pipelined = 0;
    }
    redisReply *r = NULL;
    if (redisGetReply(self->ctx, (void **)&r) != REDIS_OK || !r) {
        drop_lost(self);
        return NULL;
    }
    return r;
}

/* Argument vectors. */

int redis_args_init(redis_args_t *a, int cap)
{
    a->argv = calloc((size_t)cap, sizeof *a->argv);
    a->lens = calloc((size_t)cap, sizeof *a->lens);
    a->numbers = calloc((size_t)cap, sizeof *a->numbers);
    a->argc = 0;
    a->cap = cap;
    a->needs_eval = false;
    if (a->argv && a->lens && a->numbers)
        return 0;
    redis_args_free(a);
    return -1;
}

int redis_args_init_script(redis_args_t *a, int script_args)
{
    if (redis_args_init(a, script_args + 3) != 0)
        return -1;
    a->argc = 3; /* EVALSHA sha 0: filled by the runner */
    return 0;
}

void redis_args_free(redis_args_t *a)
{
    free(a->argv);
    free(a->lens);
    free(a->numbers);
    a->argv = NULL;
    a->lens = NULL;
    a->numbers = NULL;
}

void redis_args_bin(redis_args_t *a, const char *s, size_t len)
{
    if (a->argc >= a->cap)
        return;
    a->argv[a->argc] = s ? s : "";
    a->lens[a->argc] = s ? len : 0;
    a->argc++;
}

void redis_args_str(redis_args_t *a, const char *s)
{
    redis_args_bin(a, s, s ? strlen(s) : 0);
}

void redis_args_num(redis_args_t *a, unsigned long long n)
{
    if (a->argc >= a->cap)
        return;
    snprintf(a->numbers[a->argc], sizeof a->numbers[0], "%llu", n);
    redis_args_str(a, a->numbers[a->argc]);
}

/* Scripts. */

static void script_sha(redis_script_t *sc)
{
    if (sc->sha[0])
        return;
    gchar *hex = g_compute_checksum_for_string(G_CHECKSUM_SHA1, sc->body, -1);
    snprintf(sc->sha, sizeof sc->sha, "%s", hex);
    g_free(hex);
}

/* argv[0..2] of a call: EVALSHA sha 0 (no KEYS: the scripts build their
 * keys from keys.h's prefixes, as the ACL roles grant them). */
static void set_evalsha(redis_script_t *sc, redis_args_t *a)
{
    a->argv[0] = "EVALSHA";
    a->lens[0] = 7;
    a->argv[1] = sc->sha;
    a->lens[1] = 40;
    a->argv[2] = "0";
    a->lens[2] = 1;
}

redisReply *redis_conn_script(redis_conn_t *self, redis_script_t *sc, redis_args_t *a)
{
    script_sha(sc);
    set_evalsha(sc, a);
    redisReply *r = redis_conn_argv(self, a->argc, a->argv, a->lens);
    if (!r && strncmp(self->error, "NOSCRIPT", 8) == 0) {
        a->argv[0] = "EVAL";
        a->lens[0] = 4;
        a->argv[1] = sc->body;
        a->lens[1] = strlen(sc->body);
        r = redis_conn_argv(self, a->argc, a->argv, a->lens);
    }
    return r;
}

redisReply *redis_conn_script_args(redis_conn_t *self, redis_script_t *sc, int argc,
                                   const char **args, const size_t *lens)
{
    redis_args_t a;
    redisReply *r = NULL;
    if (redis_args_init_script(&a, argc) == 0) {
        for (int i = 0; i < argc; i++)
            redis_args_bin(&a, args[i], lens ? lens[i] : strlen(args[i]));
        r = redis_conn_script(self, sc, &a);
    }
    redis_args_free(&a);
    return r;
}

int redis_reply_code(redisReply *r)
{
    int code = r && r->type == REDIS_REPLY_INTEGER ? (int)r->integer : -1;
    if (r)
        freeReplyObject(r);
    return code;
}

int redis_conn_script_code(redis_conn_t *self, redis_script_t *sc, int argc,
                           const char **args)
{
    return redis_reply_code(redis_conn_script_args(self, sc, argc, args, NULL));
}

void redis_batch_send(redis_conn_t *self, redis_batch_t *b)
{
    b->sent = 0;
    b->lost = !redis_conn_ready(self);
    if (b->lost)
        return;
    script_sha(b->sc);
    for (size_t i = 0; i < b->n; i++) {
        redis_args_t *a = &b->args[i];
        if (!a->argv)
            continue;
        set_evalsha(b->sc, a);
        if (redisAppendCommandArgv(self->ctx, a->argc, a->argv, a->lens) != REDIS_OK)
            break;
        b->sent++;
    }
    if (b->sent == 0)
        return;
    redis_conn_count(self, 1, (unsigned)b->sent);
    int done = 0;
    while (!done)
        if (redisBufferWrite(self->ctx, &done) != REDIS_OK) {
            drop_lost(self);
            b->lost = true;
            return;
        }
}

/* One reply of a batch: NOSCRIPT marks the call for EVAL, another error
 * keeps its text; NULL then. */
static redisReply *batch_reply(redis_conn_t *self, redisReply *r, redis_args_t *a)
{
    if (r && r->type == REDIS_REPLY_ERROR) {
        if (strncmp(r->str, "NOSCRIPT", 8) == 0)
            a->needs_eval = true;
        else
            redis_conn_set_error(self, r->str);
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

void redis_batch_recv(redis_conn_t *self, redis_batch_t *b, redisReply **replies)
{
    for (size_t i = 0; i < b->n; i++)
        replies[i] = NULL;
    bool lost = b->lost;
    for (size_t i = 0, got = 0; i < b->n && got < b->sent; i++) {
        redis_args_t *a = &b->args[i];
        if (!a->argv)
            continue;
        got++;
        redisReply *r = NULL;
        if (!lost && redisGetReply(self->ctx, (void **)&r) != REDIS_OK) {
            drop_lost(self);
            lost = true;
        }
        if (!lost)
            replies[i] = batch_reply(self, r, a);
    }
    for (size_t i = 0; i < b->n && !lost; i++)
        if (b->args[i].argv && b->args[i].needs_eval) {
            replies[i] = redis_conn_script(self, b->sc, &b->args[i]);
            lost = !self->ctx;
        }
}

void redis_conn_script_batch(redis_conn_t *self, redis_script_t *sc, redis_args_t *args,
                             size_t n, redisReply **replies)
{
    redis_batch_t b = { .sc = sc, .args = args, .n = n };
    redis_batch_send(self, &b);
    redis_batch_recv(self, &b, replies);
}

void redis_conn_script_batch_codes(redis_conn_t *self, redis_script_t *sc,
                                   redis_args_t *args, size_t n, int *codes)
{
    for (size_t i = 0; i < n; i++)
        codes[i] = -1;
    redisReply **replies = n ? calloc(n, sizeof *replies) : NULL;
    if (!replies)
        return;
    redis_conn_script_batch(self, sc, args, n, replies);
    for (size_t i = 0; i < n; i++)
        codes[i] = redis_reply_code(replies[i]);
    free(replies);
}
