/* case.h -- one case: a request plus what writ decided for each account.
 *
 * The case is what travels between stages (wire.h encodes it) and what the
 * case store keeps in Redis. Plain data with explicit ownership: every
 * pointer member is heap-owned by the case; case_destroy() frees it all.
 */
#ifndef WRIT_CASE_H
#define WRIT_CASE_H

#include "request.h"

#define CASE_ID_LEN 24 /* "c" + 16 hex + NUL fits */

typedef enum {
    DEC_NONE = 0, /* not decided yet */
    DEC_NO_DATA,
    DEC_PRESERVE,
    DEC_EMERGENCY_REVIEW,
    DEC_NEEDS_REVIEW,
    DEC_REJECT_OUT_OF_JURISDICTION,
    DEC_REJECT_INSUFFICIENT_PROCESS,
    DEC_PARTIAL,
    DEC_REDIRECT_TO_CUSTOMER,
    DEC_DISCLOSE,
    DEC_REJECT_OTHER, /* a person declined for another reason */
    DEC_COUNT
} decision_t;

typedef enum {
    NOTICE_NONE = 0, /* not decided yet */
    NOTICE_NOT_REQUIRED,
    NOTICE_HELD,
    NOTICE_DEFERRED,
    NOTICE_PREPARED,
    NOTICE_COUNT
} notice_status_t;

/* Where an account's data lives, from the data-location registry. */
typedef struct {
    bool found;      /* false: the account is not registered */
    bool enterprise; /* customer_type == "enterprise" */
    char tenant[64];
    char tenant_name[128];
    char admin_contact[256];
    char region[64];
    char country[3]; /* ISO 3166-1 alpha-2 */
} location_t;

typedef struct {
    char *account;
    location_t location; /* snapshot used for the decision */
    decision_t decision;
    char *reason;       /* one line a lawyer can read */
    unsigned granted;   /* CAT_* the process suffices for */
    unsigned refused;   /* CAT_* it does not */
    bool comity_review; /* cloud_act: § 2703(h) comity review */
    notice_status_t notice;
    char *notice_to;                /* addressee of the customer notice */
    char release_on[WRIT_DATE_LEN]; /* held: date the gag ends ("" unknown) */
    char *notice_path;              /* prepared: file in the outbox */
} account_decision_t;

typedef struct {
    char id[CASE_ID_LEN];
    request_t *request;           /* owned */
    account_decision_t *accounts; /* owned, request->account_count long */
    size_t account_count;
    bool challenge_recommended;
    bool verify_requester; /* requester could not be verified */
    char *verify_reason;   /* why not (one line), or NULL */
    char *review_reason;   /* non-NULL: a person must look at it */
} case_t;

case_t *case_new(const char *id);
void case_destroy(case_t **self_p);
/* Takes ownership of request and creates one account_decision_t per
 * account, all undecided. */
void case_set_request(case_t *self, request_t *request);
void case_set_review(case_t *self, const char *reason);

const char *decision_name(decision_t d);
decision_t decision_from_name(const char *name); /* DEC_COUNT if bad */
const char *notice_status_name(notice_status_t n);
notice_status_t notice_status_from_name(const char *name); /* NOTICE_COUNT */

#endif
