/* casework_impl.h -- the peeks into a case's casework JSON object that
 * casework.c (the acts) and casework_record.c share; not for use outside
 * them. None allocates: a missing entry reads as NULL.
 */
#ifndef WRIT_CASEWORK_IMPL_H
#define WRIT_CASEWORK_IMPL_H

#include <jansson.h>

/* The string member key of o, or NULL. */
const char *cw_jget(json_t *o, const char *key);
/* The account's casework entry, or NULL when it has none. */
json_t *cw_account_peek(json_t *cw, const char *account);
/* The account's notice state ("withheld", "release_requested"), or NULL. */
const char *cw_notice_state(json_t *cw, const char *account);
/* The state of the account's gag as a person recorded it ("lifted",
 * "set_aside", ...), or NULL. */
const char *cw_gag_state(json_t *cw, const char *account);

#endif
