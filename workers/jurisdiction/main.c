/* writ-jurisdiction -- decides, for each targeted account, what the
 * provider does (tests/fixtures/contracts/default-policy.md).
 *
 * Wiring only: the registry lookup (Redis), the policy (common/policy.c)
 * and the shared replica loop (common/stage_runner.c).
 */
#include "config.h"
#include "log.h"
#include "pipeline.h"
#include "policy.h"
#include "registry.h"
#include "stage_runner.h"

#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int decide(void *ctx, case_store_t *store, case_t *c,
                  stage_result_t *out)
{
    const policy_settings_t *settings = ctx;
    location_t *locs = calloc(c->account_count + 1, sizeof *locs);
    if (!locs)
        return -1;
    if (c->account_count > 0 && c->request
        && registry_lookup(store, c->request->accounts, c->account_count,
                           locs) != 0) {
        free(locs);
        return -1;
    }
    out->new_state = pipeline_decide_case(settings, c, locs);
    out->next_stage = strcmp(out->new_state, STATE_REVIEW) ? "notify" : NULL;
    snprintf(out->note, sizeof out->note, "%zu account(s) decided%s",
             c->account_count, out->next_stage ? "" : "; needs review");
    free(locs);
    return 0;
}

static int load_settings(writ_config_t *cfg, policy_settings_t *s)
{
    policy_settings_default(s);
    const char *reach = writ_config_get(cfg, "jurisdiction/reach", "territorial");
    if (policy_reach_from_name(reach, &s->reach) != 0) {
        log_error(NULL, "jurisdiction/reach must be territorial or cloud_act");
        return -1;
    }
    s->redirect_enterprise = writ_config_get_bool(cfg,
        "jurisdiction/redirect_enterprise", true);
    const char *home = writ_config_get(cfg, "jurisdiction/provider_country", "US");
    snprintf(s->provider_country, sizeof s->provider_country, "%s", home);
    const char *agreements = writ_config_get(cfg,
        "jurisdiction/executive_agreements", NULL);
    if (agreements && policy_set_agreements(s, agreements) != 0) {
        log_error(NULL, "jurisdiction/executive_agreements: bad country list");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    char err[256];
    const char *path = argc > 2 && !strcmp(argv[1], "--config") ? argv[2] : NULL;
    writ_config_t *cfg = writ_config_load(path, err, sizeof err);
    if (!cfg) {
        fprintf(stderr, "writ-jurisdiction: %s\n", err);
        return 78;
    }
    char worker[96];
    stage_worker_id("jurisdiction", worker, sizeof worker);
    writ_log_init("writ-jurisdiction", worker,
                  writ_config_get(cfg, "writ/log_level", "info"));
    zsys_handler_set(NULL);
    zsys_catch_interrupts();
    policy_settings_t settings;
    if (load_settings(cfg, &settings) != 0) {
        writ_config_destroy(&cfg);
        return 78;
    }
    stage_def_t def = {
        .stage = "jurisdiction", .input_state = STATE_RECEIVED,
        .process = decide, .ctx = &settings,
    };
    int rc = stage_runner_run(cfg, &def, worker);
    writ_config_destroy(&cfg);
    return rc;
}
