/* case.c -- one case: a request plus what writ decided for each account.
 *
 * Construction, ownership and destruction of case_t (see case.h), and the
 * contract names of decisions and notice statuses (default-policy.md).
 * Pure data: no I/O.
 */
#include "case.h"

#include <stdlib.h>
#include <string.h>

/* Indexed by decision_t; the names are exactly default-policy.md's. */
static const char *const decision_names[DEC_COUNT] = {
    [DEC_NONE] = "none",
    [DEC_NO_DATA] = "no_data",
    [DEC_PRESERVE] = "preserve",
    [DEC_EMERGENCY_REVIEW] = "emergency_review",
    [DEC_NEEDS_REVIEW] = "needs_review",
    [DEC_REJECT_OUT_OF_JURISDICTION] = "reject_out_of_jurisdiction",
    [DEC_REJECT_INSUFFICIENT_PROCESS] = "reject_insufficient_process",
    [DEC_PARTIAL] = "partial",
    [DEC_REDIRECT_TO_CUSTOMER] = "redirect_to_customer",
    [DEC_DISCLOSE] = "disclose",
    [DEC_REJECT_OTHER] = "reject_other",
};

static const char *const notice_names[NOTICE_COUNT] = {
    [NOTICE_NONE] = "none",         [NOTICE_NOT_REQUIRED] = "not_required",
    [NOTICE_HELD] = "held",         [NOTICE_DEFERRED] = "deferred",
    [NOTICE_PREPARED] = "prepared",
};

case_t *case_new(const char *id)
{
    if (id && strlen(id) >= CASE_ID_LEN)
        return NULL; /* a truncated id could collide with another */
    case_t *self = calloc(1, sizeof *self);
    if (self && id)
        memcpy(self->id, id, strlen(id) + 1);
    return self;
}

static void account_decision_clear(account_decision_t *d)
{
    free(d->account);
    free(d->reason);
    free(d->notice_to);
    free(d->notice_path);
    memset(d, 0, sizeof *d);
}

static void case_clear_accounts(case_t *self)
{
    for (size_t i = 0; i < self->account_count; i++)
        account_decision_clear(&self->accounts[i]);
    free(self->accounts);
    self->accounts = NULL;
    self->account_count = 0;
}

void case_destroy(case_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    case_t *self = *self_p;
    case_clear_accounts(self);
    request_destroy(&self->request);
    free(self->review_reason);
    free(self->verify_reason);
    free(self);
    *self_p = NULL;
}

/* On allocation failure the case keeps the request but no account
 * decisions; callers that care compare account_count with the request's. */
void case_set_request(case_t *self, request_t *request)
{
    if (!self)
        return;
    case_clear_accounts(self);
    if (self->request != request)
        request_destroy(&self->request);
    self->request = request;
    if (!request || request->account_count == 0)
        return;
    self->accounts = calloc(request->account_count, sizeof *self->accounts);
    if (!self->accounts)
        return;
    for (size_t i = 0; i < request->account_count; i++) {
        self->accounts[i].account = strdup(request->accounts[i]);
        if (!self->accounts[i].account) {
            self->account_count = i;
            case_clear_accounts(self);
            return;
        }
    }
    self->account_count = request->account_count;
}

void case_set_review(case_t *self, const char *reason)
{
    if (!self)
        return;
    free(self->review_reason);
    self->review_reason = reason ? strdup(reason) : NULL;
}

/* names[i] of a table of count names, "invalid" when i is out of it. */
static const char *name_at(const char *const *names, unsigned count, unsigned i)
{
    return i < count ? names[i] : "invalid";
}

/* The index of name in a table of count names, count when it is not there. */
static unsigned index_of_name(const char *const *names, unsigned count, const char *name)
{
    for (unsigned i = 0; name && i < count; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return count;
}

const char *decision_name(decision_t d)
{
    return name_at(decision_names, DEC_COUNT, (unsigned)d);
}

decision_t decision_from_name(const char *name)
{
    return (decision_t)index_of_name(decision_names, DEC_COUNT, name);
}

const char *notice_status_name(notice_status_t n)
{
    return name_at(notice_names, NOTICE_COUNT, (unsigned)n);
}

notice_status_t notice_status_from_name(const char *name)
{
    return (notice_status_t)index_of_name(notice_names, NOTICE_COUNT, name);
}
