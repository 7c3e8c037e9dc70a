/* policy.h -- the decision table of default-policy.md, as a pure function.
 *
 * No I/O: the jurisdiction worker looks the account up and passes the
 * location in; the settings come from config.
 */
#ifndef WRIT_POLICY_H
#define WRIT_POLICY_H

#include "case.h"

typedef enum { REACH_TERRITORIAL = 0, REACH_CLOUD_ACT } reach_t;

#define POLICY_MAX_AGREEMENTS 32

typedef struct {
    reach_t reach;                             /* default REACH_TERRITORIAL */
    bool redirect_enterprise;                  /* default true */
    char provider_country[3];                  /* the provider's home state, "US" */
    char agreements[POLICY_MAX_AGREEMENTS][3]; /* executive agreements */
    size_t agreement_count;                    /* default GB, AU */
} policy_settings_t;

void policy_settings_default(policy_settings_t *self);
/* Parses "territorial" / "cloud_act"; -1 when neither. */
int policy_reach_from_name(const char *name, reach_t *out);
/* Parses a comma/space separated list of country codes into agreements. */
int policy_set_agreements(policy_settings_t *self, const char *list);

/* Decides one account: sets decision, reason, granted, refused,
 * comity_review (and copies loc into d->location). loc->found == false
 * means the account is not in the registry. */
void policy_decide(const policy_settings_t *settings, const request_t *req,
                   const location_t *loc, account_decision_t *d);

/* Rule 5's test: an mlat_request that no authority of its issuing_country
 * (the requested state) served -- the foreign agency's own letter. */
bool policy_treaty_route_missing(const request_t *req);

/* Categories a given process suffices for (rule 7). */
unsigned policy_sufficient_categories(request_type_t type);

#endif
