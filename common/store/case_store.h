/* case_store.h -- every case's state in Redis, the record that makes
 * sure no request is lost.
 *
 * Every write that moves a case is one Lua script (common/store/lua/: create,
 * advance, verify, claim, release, mark_review), so a case is never half
 * moved: the stage's result and the hand-off to the next stage commit
 * together or not at all. The keys are in keys.h (the key schema); the
 * connection, its reconnect and counters, and the script runner in
 * redis_conn.h.
 */
#ifndef WRIT_CASE_STORE_H
#define WRIT_CASE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "case.h"
#include "redis_conn.h"

typedef struct case_store_t case_store_t;

/* url: redis://[[user]:password@]host[:port][/db] or unix:///path/to.sock.
 * Connects lazily; a lost connection is re-established on the next call
 * (with backoff), so callers just retry later. */
case_store_t *case_store_new(const char *url);
/* The same, logging in as an ACL user (AUTH user password) on every
 * connection; user NULL or "": as case_store_new. The password is copied
 * (and wiped when the store is destroyed). Daemons use redis_login_open,
 * which reads both from the settings. */
case_store_t *case_store_new_login(const char *url, const char *user,
                                   const char *password);
void case_store_destroy(case_store_t **self_p);
/* 0 when Redis answers PING. */
int case_store_ping(case_store_t *self);
const char *case_store_error(case_store_t *self);
/* The store's connection, for the modules that read or write other keys
 * through it (case_query, registry, casework_store, delivery_store ...). */
redis_conn_t *case_store_conn(case_store_t *self);
/* Runs a script with string arguments whose answer is a code (the
 * delivery and retention scripts): it, or -1 when Redis failed. */
int case_store_script_code(case_store_t *self, redis_script_t *sc, int argc,
                           const char **args);

/* Parameters of a new case, as intake knows them. */
typedef struct {
    const case_t *c; /* id set, request set */
    const char *raw; /* the original bytes */
    size_t raw_len;
    const char *sha256;     /* hex of raw */
    const char *state;      /* "received" or "review" */
    const char *next_stage; /* "jurisdiction", or NULL for none */
    uint64_t lease_ms;
    const char *worker;
    const char *note;     /* audit note (no personal data) */
    const char *envelope; /* "from=<..> to=<..>": who handed it over (custody) */
    uint64_t max_pending; /* refuse when next_stage has this many
                                   cases waiting (0: no limit) */
    /* The record already encoded (wire_encode_case of c), so a caller that
     * also sends it on encodes it once; NULL: encoded here. */
    const char *record;
    size_t record_len;
    /* Set when this message reuses the Message-ID of that case with other
     * bytes: it is stored as a case of its own (found again by its sha256,
     * linked by the hash field duplicate_of, an audit entry "related" on
     * the earlier case). */
    const char *duplicate_of;
} case_create_t;

/* Creates the case atomically, or finds the existing case for the same
 * message: the same Message-ID and the same bytes (sha256), or the same
 * bytes when there is no Message-ID. Returns 0 created, 1 an existing
 * case (its id in existing_id), 2 refused because the backlog limit is
 * reached (nothing written), 3 the Message-ID belongs to a case with
 * other bytes (its id in existing_id; nothing written: create the message
 * again as a case of its own, with duplicate_of set), -1 Redis failure
 * (nothing written, or everything: the script is atomic). */
int case_store_create(case_store_t *self, const case_create_t *p,
                      char existing_id[CASE_ID_LEN]);
/* The same for n messages in one round trip (an intake's batch): rcs[i]
 * and existing_ids[i] receive message i's outcome as above. */
void case_store_create_batch(case_store_t *self, const case_create_t *ps, size_t n,
                             int *rcs, char (*existing_ids)[CASE_ID_LEN]);

/* The same in two halves, so the caller can work while Redis does: _send
 * writes the batch out and returns; _finish reads its outcomes (blocking)
 * into rcs/existing_ids as above and frees it. Between the two, ps and
 * what it points to must stay as they are, and nothing else may use the
 * store (its replies would be read out of turn). A batch that could not
 * be sent finishes with every outcome -1. */
typedef struct case_store_creates_t case_store_creates_t;
case_store_creates_t *case_store_create_send(case_store_t *self, const case_create_t *ps,
                                             size_t n);
void case_store_create_finish(case_store_t *self, case_store_creates_t **batch_p,
                              size_t n, int *rcs, char (*existing_ids)[CASE_ID_LEN]);
/* Whether the batch's replies are still to be read (false when nothing
 * could be sent: _finish returns at once). */
bool case_store_create_awaits_replies(const case_store_creates_t *b);
/* The Redis connection's socket (to poll for a sent batch's replies), or
 * -1 when not connected. */
int case_store_fd(case_store_t *self);

/* A stage's result plus hand-off to the next stage, atomically. */
typedef struct {
    const case_t *c;          /* the new record */
    const char *stage;        /* the stage that did the work */
    const char *expect_state; /* the state the stage worked from */
    const char *new_state;
    const char *next_stage; /* NULL when the case is finished */
    uint64_t lease_ms;
    const char *worker;
    const char *note;
    /* Held notices: members "{id} {account}" with release dates yyyymmdd
     * (0 when unknown: kept with score +inf so a person releases them). */
    const char **held_members;
    const long *held_release;
    size_t held_count;
    /* The record already encoded (wire_encode_case of c), so a caller that
     * also sends it on encodes it once; NULL: encoded here. */
    const char *record;
    size_t record_len;
    /* Optional guard: record only while GET guard_key (missing: "0")
     * equals guard_value -- e.g. the registry version a decision was made
     * with, so a decision made from a cached registry is never recorded
     * after an import changed it. */
    const char *guard_key;
    const char *guard_value;
    /* Record only while the stored record is the one the stage decided on
     * (case_store_record_sha1 of the job's record; NULL: no check): a
     * forged or stale copy from the bus is never recorded over it. */
    const char *input_sha1;
} case_advance_t;

/* Returns 0 advanced, 1 already advanced by an earlier delivery (nothing
 * changed, pending entry cleared), 2 no such case, 3 the guard did not
 * match (nothing changed, still pending), 4 the stored record is not the
 * one decided on (nothing changed, still pending, audited "refused"),
 * -1 Redis failure. */
int case_store_advance(case_store_t *self, const case_advance_t *p);

/* The same for n cases in one round trip (a stage replica's batch): rcs[i]
 * receives case i's code as above. */
void case_store_advance_batch(case_store_t *self, const case_advance_t *ps, size_t n,
                              int *rcs);

/* The SHA-1 (lower-case hex, as Redis's redis.sha1hex) of a record. */
void case_store_record_sha1(const char *record, size_t len, char out[41]);

/* Before a stage acts on a job: is the job's record the one Redis holds? */
typedef struct {
    const char *id;
    const char *stage;
    const char *expect_state; /* the stage's input state */
    const char *record_sha1;  /* case_store_record_sha1 of the job's record */
    const char *worker;
} case_verify_t;

/* For n jobs in one round trip: rcs[i] is 0 the record is the stored one
 * and the case waits for this stage; 1 the case moved on (a redelivery:
 * pending entry cleared, as case_store_advance does); 2 no such case; 4
 * the record differs (forged or stale: nothing changed, audited
 * "refused", the case stays pending and its lease brings the stored
 * record back); -1 Redis failure. */
void case_store_verify_batch(case_store_t *self, const case_verify_t *vs, size_t n,
                             int *rcs);

/* Sweeper: claims up to max cases of a stage whose lease expired,
 * extends their lease and returns their ids and records. *ids and
 * *records are arrays of malloc'ed strings (records binary, lengths in
 * *record_lens); free with case_store_free_claims. Returns the count, or
 * -1 on Redis failure. */
int case_store_claim_expired(case_store_t *self, const char *stage, uint64_t lease_ms,
                             size_t max, char ***ids, char ***records,
                             size_t **record_lens);
void case_store_free_claims(char **ids, char **records, size_t *lens, size_t n);

/* Loads the record of a case. Returns NULL when missing or on error. */
case_t *case_store_load(case_store_t *self, const char *id, char *state,
                        size_t state_len);
/* The original message bytes; caller frees *buf. 0, 1 missing, -1 error. */
int case_store_raw(case_store_t *self, const char *id, char **buf, size_t *len);

/* Held notices whose gag ends on or before today (yyyymmdd): up to max
 * members "{id} {account}" (malloc'ed strings; free each and the array).
 * Returns the count or -1. */
int case_store_due_held(case_store_t *self, long today, size_t max, char ***members);

/* Records a released notice: the new record, state and review reason
 * (the record's), the member leaves
 * writ:held, an audit entry "released". Returns 0, 1 when the member was
 * already released (nothing changed), -1 on Redis failure. */
int case_store_release_held(case_store_t *self, const case_t *c, const char *member,
                            const char *new_state, const char *worker, const char *note);

/* Sends a case a stage cannot work on to review, atomically: state
 * review with the reason, out of the stage's pending set, an audit entry.
 * For records that cannot even be decoded; only while the stored record
 * is the unreadable one (input_sha1; NULL: no check). 0, 1 no such case,
 * 4 the stored record differs (nothing changed, audited), -1. */
int case_store_mark_review(case_store_t *self, const char *id, const char *stage,
                           const char *worker, const char *reason,
                           const char *input_sha1);

/* Heartbeat of a worker: records it as live for its stage. */
int case_store_heartbeat(case_store_t *self, const char *stage, const char *worker);

#endif
