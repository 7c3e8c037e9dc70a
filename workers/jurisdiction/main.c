/* writ-jurisdiction -- decides, for each targeted account, what the
 * provider does (tests/fixtures/contracts/default-policy.md).
 *
 * Wiring only: the registry lookup (Redis), the policy (common/core/policy.c)
 * and the shared replica loop (common/bus/stage_runner.c).
 */
#include "config.h"
#include "daemon_start.h"
#include "log.h"
#include "pipeline.h"
#include "policy.h"
#include "registry.h"
#include "stage_runner.h"

#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

typedef struct {
    policy_settings_t settings;
    registry_cache_t *registry;
} jurisdiction_t;

static int decide(void *ctx, case_store_t *store, case_t *c, stage_result_t *out)
{
    jurisdiction_t *j = ctx;
    location_t *locs = calloc(c->account_count + 1, sizeof *locs);
    if (!locs)
        return -1;
    bool lookup = c->account_count > 0 && c->request;
    if (lookup && registry_cache_lookup(j->registry, store, c->request->accounts,
                                        c->account_count, locs) != 0) {
        free(locs);
        return -1;
    }
    if (lookup) {
        /* Recorded only if no import replaced that registry meanwhile. */
        out->guard_key = REGISTRY_VERSION_KEY;
        snprintf(out->guard_value, sizeof out->guard_value, "%s",
                 registry_cache_version(j->registry));
    }
    out->new_state = pipeline_decide_case(&j->settings, c, locs);
    out->next_stage = strcmp(out->new_state, STATE_REVIEW) ? STAGE_NOTIFY : NULL;
    snprintf(out->note, sizeof out->note, "%zu account(s) decided%s", c->account_count,
             out->next_stage ? "" : "; needs review");
    free(locs);
    return 0;
}

static void registry_changed(void *ctx)
{
    jurisdiction_t *j = ctx;
    registry_cache_invalidate(j->registry);
}

static int load_settings(writ_config_t *cfg, policy_settings_t *s)
{
    policy_settings_default(s);
    const char *reach = writ_config_str(cfg, "jurisdiction/reach");
    if (policy_reach_from_name(reach, &s->reach) != 0) {
        log_error(NULL, "jurisdiction/reach must be territorial or cloud_act");
        return -1;
    }
    s->redirect_enterprise = writ_config_bool(cfg, "jurisdiction/redirect_enterprise");
    const char *home = writ_config_str(cfg, "jurisdiction/provider_country");
    snprintf(s->provider_country, sizeof s->provider_country, "%s", home);
    const char *agreements = writ_config_str(cfg, "jurisdiction/executive_agreements");
    if (agreements && policy_set_agreements(s, agreements) != 0) {
        log_error(NULL, "jurisdiction/executive_agreements: bad country list");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    char worker[96];
    writ_config_t *cfg = daemon_start(STAGE_JURISDICTION, daemon_config_arg(argc, argv),
                                      worker, sizeof worker);
    if (!cfg)
        return EX_CONFIG;
    jurisdiction_t j = { .registry = registry_cache_new((size_t)writ_config_long(
                             cfg, "jurisdiction/registry_cache")) };
    if (!j.registry || load_settings(cfg, &j.settings) != 0) {
        registry_cache_destroy(&j.registry);
        writ_config_destroy(&cfg);
        return EX_CONFIG;
    }
    stage_def_t def = {
        .stage = STAGE_JURISDICTION,
        .input_state = STATE_RECEIVED,
        .process = decide,
        .stale = registry_changed,
        .ctx = &j,
    };
    int rc = stage_runner_run(cfg, &def, worker);
    registry_cache_destroy(&j.registry);
    writ_config_destroy(&cfg);
    return rc;
}
