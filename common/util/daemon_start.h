/* daemon_start.h -- how every writ daemon begins (intake, broker, extract,
 * jurisdiction, notify, send): its settings first, then the name it goes
 * by, then its log. One function, so that each daemon's main.c keeps only
 * what is its own and the daemons cannot drift apart in how they start.
 */
#ifndef WRIT_DAEMON_START_H
#define WRIT_DAEMON_START_H

#include "config.h"

#include <stddef.h>

/* The file named by "--config FILE" as the first two arguments, or NULL
 * (writ_config_load then looks for it). The daemons other than intake
 * take no other option. */
const char *daemon_config_arg(int argc, char **argv);

/* Loads the settings from config_path (NULL: writ_config_load's search),
 * writes the process's name into worker (worker_id_make: "{role}-...")
 * and starts the log as "writ-{role}" at writ/log_level. Returns the
 * settings (the caller writ_config_destroy's them), or NULL once it has
 * said why on stderr as "writ-{role}: ..." -- the log is not set up yet,
 * and the exit status is the caller's (intake's depends on its mode). */
writ_config_t *daemon_start(const char *role, const char *config_path, char *worker,
                            size_t worker_len);

#endif
