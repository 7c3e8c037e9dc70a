/* redis_conn.h -- writ's one connection to Redis: login, reconnect with
 * backoff, round-trip counters, commands, pipelines and Lua scripts.
 *
 * The Redis layer is four things, each in one place:
 *   redis_conn.{c,h}   this file: the connection and the script runner; the
 *                      only code that calls hiredis's command functions
 *   keys.h             every key name and key prefix, and the key schema
 *   lua/NAME.lua       the Lua scripts, embedded at build (lua_embed.c ->
 *                      generated lua_scripts.{c,h}: one redis_script_t each)
 *   *_store.c          what a script or command means for a case
 *                      (case_store, casework_store, delivery_store, ...)
 * Readers (case_query.c, registry.c, writctl) send their commands through
 * redis_conn_command / redis_conn_append + redis_conn_read, so a lost
 * connection is re-established and every round trip is counted.
 *
 * Adding a script: write common/store/lua/NAME.lua (its header names every
 * ARGV[n]; the body assigns them to locals once), call it as
 * redis_conn_script(conn, &lua_NAME, &args) with args built by
 * redis_args_*, and grant the commands it calls to each role that runs it
 * in config/redis-acl.roles (tests/integration/test_redis_acl.sh). Keys
 * come from keys.h's prefixes; stage names are passed in, never written
 * in a script; functions several scripts share live in a library
 * (lua/_NAME.lua, pulled in by a line "--@include _NAME.lua").
 * unit.test_redis_layer checks the keys, the named ARGV and the stage
 * names on every embedded script.
 */
#ifndef WRIT_REDIS_CONN_H
#define WRIT_REDIS_CONN_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct redis_conn_t redis_conn_t;

/* Milliseconds since the epoch (wall clock). */
uint64_t writ_now_ms(void);

/* url: redis://[[user]:password@]host[:port][/db] or unix:///path/to.sock;
 * user/password (NULL: those of the url) log in as an ACL user (AUTH) on
 * every connection. Connects lazily; a lost connection is re-established
 * on the next call, after a backoff (100 ms doubling to 2 s). The password
 * is wiped when the connection is destroyed. */
redis_conn_t *redis_conn_new(const char *url, const char *user, const char *password);
/* Logs the round trips and commands sent (the bench reads that line). */
void redis_conn_destroy(redis_conn_t **self_p);

/* The last error (Redis's reply or the connection's), "" after a connect. */
const char *redis_conn_error(redis_conn_t *self);
void redis_conn_set_error(redis_conn_t *self, const char *why);
/* Connects when needed: false when Redis cannot be reached now. */
bool redis_conn_ready(redis_conn_t *self);
/* The socket (to poll for a pipeline's replies), -1 when not connected. */
int redis_conn_fd(redis_conn_t *self);
/* Accounts for what was sent (logged at destroy). */
void redis_conn_count(redis_conn_t *self, unsigned round_trips, unsigned commands);

/* One command, one round trip. NULL on any failure (error text kept; a
 * lost connection is dropped so the next call reconnects); an error
 * reply is NULL too. Caller frees with freeReplyObject. */
redisReply *redis_conn_argv(redis_conn_t *self, int argc, const char **argv,
                            const size_t *lens);
/* The same with hiredis's format (%s, %b with a length, %lld ...). */
redisReply *redis_conn_command(redis_conn_t *self, const char *fmt, ...);

/* A pipeline: queue commands (nothing is sent yet), then read one reply a
 * command, in order. _read returns the reply as it is (error replies
 * too: check the type), NULL when the connection was lost (dropped; read
 * no further). A pipeline counts one round trip and its commands. */
int redis_conn_append(redis_conn_t *self, const char *fmt, ...);
int redis_conn_append_argv(redis_conn_t *self, int argc, const char **argv,
                           const size_t *lens);
redisReply *redis_conn_read(redis_conn_t *self);
/* Drops the connection (replies can no longer be read in step). */
void redis_conn_drop(redis_conn_t *self, const char *why);

/* An argument vector for commands and scripts. */
typedef struct {
    const char **argv;
    size_t *lens;
    char (*numbers)[24];
    int argc, cap;
    bool needs_eval; /* Redis answered NOSCRIPT (batches) */
} redis_args_t;

/* Room for cap arguments; for a script the first three (EVALSHA sha 0)
 * are reserved and filled by the runner. -1 when out of memory (then
 * already freed: freeing it again does no harm). */
int redis_args_init(redis_args_t *a, int cap);
int redis_args_init_script(redis_args_t *a, int script_args);
void redis_args_free(redis_args_t *a);
void redis_args_bin(redis_args_t *a, const char *s, size_t len);
void redis_args_str(redis_args_t *a, const char *s); /* NULL: "" */
void redis_args_num(redis_args_t *a, unsigned long long n);

/* A Lua script: its body (lua/NAME.lua, embedded) and its SHA-1, computed
 * on first use. Scripts run by EVALSHA; the body crosses the wire only
 * when Redis does not know it (NOSCRIPT: first call, a restart, SCRIPT
 * FLUSH), then by EVAL. */
typedef struct {
    const char *name;
    const char *body;
    char sha[41];
} redis_script_t;

/* Runs a script whose arguments (its ARGV) are a->argv[3..]. One round
 * trip, two when Redis must load it. NULL on failure (error text kept). */
redisReply *redis_conn_script(redis_conn_t *self, redis_script_t *sc, redis_args_t *a);
/* The same with the arguments as arrays (lens NULL: strings). */
redisReply *redis_conn_script_args(redis_conn_t *self, redis_script_t *sc, int argc,
                                   const char **args, const size_t *lens);

/* The integer a reply carries, -1 when it carries none (NULL: the call
 * failed; another type); frees the reply. For the scripts and commands
 * whose answer is a code. */
int redis_reply_code(redisReply *r);
/* A script with string arguments whose answer is a code: it, or -1. */
int redis_conn_script_code(redis_conn_t *self, redis_script_t *sc, int argc,
                           const char **args);

/* n calls of one script in one round trip: every call goes out before the
 * first reply is read; calls Redis did not know by sha run again by EVAL
 * once all replies are in. args[i].argv NULL: call i is skipped. */
typedef struct {
    redis_script_t *sc;
    redis_args_t *args;
    size_t n, sent;
    bool lost; /* the connection broke */
} redis_batch_t;

/* Writes every call out, without reading. */
void redis_batch_send(redis_conn_t *self, redis_batch_t *b);
/* Reads the replies (blocking): replies[i] is call i's, NULL on failure. */
void redis_batch_recv(redis_conn_t *self, redis_batch_t *b, redisReply **replies);
/* Both. */
void redis_conn_script_batch(redis_conn_t *self, redis_script_t *sc, redis_args_t *args,
                             size_t n, redisReply **replies);
/* The same for a script whose answer is a code: codes[i] is call i's
 * (redis_reply_code), -1 for a call skipped or failed. */
void redis_conn_script_batch_codes(redis_conn_t *self, redis_script_t *sc,
                                   redis_args_t *args, size_t n, int *codes);

#endif
