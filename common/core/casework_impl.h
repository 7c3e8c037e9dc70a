/* casework_impl.h -- what casework.c (the acts), casework_notices.c (the
 * acts on the accounts' notices) and casework_record.c share; not for use
 * outside them. The peeks (cw_jget and the like) never allocate: a
 * missing entry reads as NULL.
 */
#ifndef WRIT_CASEWORK_IMPL_H
#define WRIT_CASEWORK_IMPL_H

#include "casework.h"

#include <jansson.h>
#include <stdbool.h>

/* The string member key of o, or NULL. */
const char *cw_jget(json_t *o, const char *key);
/* The account's casework entry, or NULL when it has none. */
json_t *cw_account_peek(json_t *cw, const char *account);
/* The account's notice state ("withheld", "release_requested"), or NULL. */
const char *cw_notice_state(json_t *cw, const char *account);
/* The state of the account's gag as a person recorded it ("lifted",
 * "set_aside", ...), or NULL. */
const char *cw_gag_state(json_t *cw, const char *account);

/* ---- helpers of the acts (casework.c) ---- */

/* Words the refusal into out->message, sets out->status; returns status. */
int cw_refuse(cw_result_t *out, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Words what the act did into out->message. */
void cw_say(cw_result_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* {by, at, reason} of the act: what every casework entry carries (new). */
json_t *cw_stamp(const cw_request_t *rq);
/* The member key of o, of type (JSON_OBJECT or JSON_ARRAY): a new empty
 * one in its place when it is missing or of another type (borrowed). */
json_t *cw_member_of(json_t *o, const char *key, json_type type);
/* The account's casework entry, made when missing (borrowed). */
json_t *cw_account_entry(json_t *cw, const char *account);
/* Adds the account to the notices whose hold the shell changes (score:
 * a date number, 0 for now, CW_HELD_REMOVE); false when out is full. */
bool cw_held_add(cw_result_t *out, const char *account, long score);

/* ---- the acts on the accounts' notices (casework_notices.c) ---- */

int cw_act_notice_release(const char *state, case_t *c, json_t *cw,
                          const cw_request_t *rq, cw_result_t *out);
int cw_act_notice_withhold(const char *state, case_t *c, json_t *cw,
                           const cw_request_t *rq, cw_result_t *out);
/* Gag lifted, set aside or extended (rq->act says which). */
int cw_act_gag(const char *state, case_t *c, json_t *cw, const cw_request_t *rq,
               cw_result_t *out);

#endif
