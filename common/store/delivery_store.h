/* delivery_store.h -- each notice's and alert's delivery state in Redis,
 * moved only by Lua scripts (one round trip each, atomic), so two
 * senders never both send one message and a crash leaves a state that
 * says what may have happened.
 *
 * The scripts are common/store/lua/delivery_*.lua; the keys (writ:delivery:*)
 * are in keys.h.
 *
 * A decision letter starts as "held" (delivery_store_hold); a person
 * moves it to "deferred" (then as below) or "discarded".
 * States: (no hash: prepared) -> sending -> committing -> sent
 *                                        \-> deferred (retried) | failed
 *   sending     claimed, lease running; the end of the data has not gone
 *               out. Found with its lease expired (the sender died): the
 *               relay cannot have accepted it, so it is simply sent again.
 *   committing  marked just before the end of the data goes out. Found
 *               with its lease expired: unconfirmed -- the relay may have
 *               accepted it, so it is never sent again automatically.
 */
#ifndef WRIT_DELIVERY_STORE_H
#define WRIT_DELIVERY_STORE_H

#include <stdint.h>
#include "case_store.h"
#include "delivery.h"

typedef enum {
    DELIVERY_CLAIM_GO = 0,  /* send it now; *attempts = this attempt's number */
    DELIVERY_CLAIM_DONE,    /* sent, failed, unconfirmed or discarded: never again */
    DELIVERY_CLAIM_LATER,   /* deferred: *next_at = when to try */
    DELIVERY_CLAIM_BUSY,    /* another sender holds its lease */
    DELIVERY_CLAIM_NOT_YET, /* the case's state does not say notified yet */
    DELIVERY_CLAIM_HELD,    /* a letter waiting for a person's approval */
    DELIVERY_CLAIM_ERROR    /* Redis failed: try later */
} delivery_claim_t;

typedef struct {
    const char *id; /* delivery id (delivery.h) */
    const char *case_id;
    const char *kind; /* "notice" | "alert" | "ack" | "letter" */
    const char *to;
    const char *message_id;
    const char *worker;
    uint64_t lease_ms;
} delivery_claim_args_t;

delivery_claim_t delivery_store_claim(case_store_t *store, const delivery_claim_args_t *a,
                                      unsigned *attempts, uint64_t *next_at);

/* Just before the end of the data goes out: sending -> committing, while
 * this worker still holds the lease. 0 done, -1 not (lease lost, or
 * Redis failed): then the end of the data must not be sent. */
int delivery_store_committing(case_store_t *store, const char *id, const char *worker,
                              uint64_t lease_ms);

typedef struct {
    const char *id;
    const char *case_id;
    const char *kind;
    const char *worker;
    delivery_outcome_t outcome;
    long code;                /* relay reply code, 0 none */
    const char *reply;        /* relay reply line (e.g. its queue id) */
    uint64_t next_at;         /* deferred: when to try again (ms) */
    unsigned attention_after; /* deferred this many times: shown to a person */
} delivery_record_args_t;

/* Records the transaction's outcome. 0 recorded, 1 not (the state had
 * moved on: another sender took it over), -1 Redis failed. */
int delivery_store_record(case_store_t *store, const delivery_record_args_t *a);

/* A person resolves a delivery writ-send could not finish (writctl case
 * delivery): "resend" (a failed, unconfirmed or deferred message is tried
 * again now -- writ-send re-arms it from writ:delivery:rearm), or "sent"
 * (a person found it in the relay's log). Audited on the case with the
 * operator and reason; removed from the attention set. 0 done, 1 nothing
 * to resolve (sent, in flight, or never tried), 2 no such delivery for
 * that case, -1 Redis failed. */
int delivery_store_resolve(case_store_t *store, const char *case_id, const char *id,
                           const char *action, const char *reason,
                           const char *operator_name);
/* writ-send: a decision letter to the requester (id delivery_letter_id)
 * prepared and held for a person: state "held", in the attention set
 * with why (words for the queue), audited. 1 held now, 0 it already had
 * a state (held, approved, sent or discarded: nothing changed), -1
 * Redis failed. */
int delivery_store_hold(case_store_t *store, const char *id, const char *case_id,
                        const char *to, const char *message_id, const char *letter,
                        const char *why);
/* writctl case letter ID send|discard: a person approves the case's held
 * letter (held -> deferred, re-armed through writ:delivery:rearm: it then
 * goes through the same claim/committing/record as every message, so
 * never twice) or discards it (held -> discarded: never sent). Audited
 * with the operator and reason; out of the attention set. 0 done, 1 not
 * held (already approved, sent or discarded), 2 the case has no letter,
 * -1 Redis failed. */
int delivery_store_letter(case_store_t *store, const char *case_id, const char *action,
                          const char *reason, const char *operator_name);

/* writ-send: ids a person asked to resend (SPOP, up to max); *ids is
 * newly allocated (free each and the array). Returns the count, -1. */
int delivery_store_rearmed(case_store_t *store, size_t max, char ***ids);

/* writ-send's cursors over writ:cases (arrival time, ms), one per kind
 * of message it derives from cases ("ack", "letter": kept in
 * writ:delivery:{name}_cursor, so a restart goes on where it stopped).
 * 0 read (*at = 0 when never set), -1 Redis failed. */
int delivery_store_cursor_get(case_store_t *store, const char *name, uint64_t *at);
int delivery_store_cursor_set(case_store_t *store, const char *name, uint64_t at);

typedef struct {
    char id[32];
    uint64_t at; /* its arrival time, ms */
} delivery_case_ref_t;

/* Up to max cases that arrived at or after at, oldest first; *refs newly
 * allocated (free it). Returns the count, -1 when Redis failed. */
int delivery_store_cases_since(case_store_t *store, uint64_t at, size_t max,
                               delivery_case_ref_t **refs);

/* writ-send's two sets of cases for decision letters:
 *   writ:delivery:letters:approved  cases whose letter a person (or
 *       letters/auto_send) approved, until its delivery is final;
 *   writ:delivery:letters:watched   cases a person may still decide (in
 *       review or waiting when the letters' cursor passed them): looked
 *       at again until they leave review, so a letter follows a person's
 *       decision too.
 * Add one; list them (*ids as delivery_store_rearmed; count or -1); take
 * one out. 0 / -1 Redis failed. */
typedef enum {
    DELIVERY_LETTERS_APPROVED,
    DELIVERY_LETTERS_WATCHED
} delivery_letter_set_t;
int delivery_store_letter_set_add(case_store_t *store, delivery_letter_set_t set,
                                  const char *case_id);
int delivery_store_letter_set_list(case_store_t *store, delivery_letter_set_t set,
                                   char ***ids);
int delivery_store_letter_set_remove(case_store_t *store, delivery_letter_set_t set,
                                     const char *case_id);

/* For writctl (json_t *, jansson): the case's messages and their state,
 * [{id kind to message_id state attempts code reply sent_at updated_at
 * next_at}], oldest first; an empty array when it has none; NULL when
 * Redis failed. */
void *delivery_store_case(case_store_t *store, const char *case_id);
/* The messages a person must look at (writ:delivery:attention), the
 * same objects plus "case", oldest first; NULL when Redis failed. */
void *delivery_store_attention(case_store_t *store);

#endif
