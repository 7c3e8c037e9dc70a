/* daemon_start.c -- see daemon_start.h. */
#include "daemon_start.h"

#include "log.h"
#include "worker_id.h"

#include <stdio.h>
#include <string.h>

const char *daemon_config_arg(int argc, char **argv)
{
    return argc > 2 && !strcmp(argv[1], "--config") ? argv[2] : NULL;
}

writ_config_t *daemon_start(const char *role, const char *config_path, char *worker,
                            size_t worker_len)
{
    char program[32];
    snprintf(program, sizeof program, "writ-%s", role);
    char err[256];
    writ_config_t *cfg = writ_config_load(config_path, err, sizeof err);
    if (!cfg) {
        fprintf(stderr, "%s: %s\n", program, err);
        return NULL;
    }
    worker_id_make(role, worker, worker_len);
    writ_log_init(program, worker, writ_config_str(cfg, "writ/log_level"));
    return cfg;
}
