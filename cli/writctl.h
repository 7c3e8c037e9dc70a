/* writctl.h -- what the writctl command files share: the Redis
 * connection, JSON printing and the usage text.
 */
#ifndef WRIT_WRITCTL_H
#define WRIT_WRITCTL_H

#include "case_store.h"
#include "config.h"

#include <jansson.h>
#include <sysexits.h>

/* Exit statuses: <sysexits.h> (EX_USAGE; EX_UNAVAILABLE when Redis cannot
 * be reached), and 1 when the act is refused (or the case not found). */
#define EXIT_REFUSED 1

int writctl_usage(void);
case_store_t *writctl_open_store(writ_config_t *cfg);
void writctl_print_json(json_t *j);

/* acts.c: `case verify|wait|decide|notice|gag|challenge|produce|close|
 * reopen|note ...` (args after the act's name). Returns the exit status;
 * -1 when act is not one of them. */
int writctl_case_act(writ_config_t *cfg, const char *act, int argc, char **argv);
/* Puts an export of case id on its audit trail ("export", operator, reason),
 * printing nothing; the exit status of an act (0 = recorded). */
int writctl_record_export(writ_config_t *cfg, const char *id, const char *operator_name,
                          const char *reason, int argc, char **argv);

/* views.c: queue, due, case search. */
int writctl_queue(writ_config_t *cfg, int argc, char **argv);
int writctl_due(writ_config_t *cfg, int argc, char **argv);
int writctl_case_search(writ_config_t *cfg, int argc, char **argv);

/* views.c: the casework part of `case show` (text). */
void writctl_print_casework(json_t *c);

/* views.c: the deliveries part of `case show` (text): each notice's and
 * alert's delivery state (writ-send). */
void writctl_print_deliveries(json_t *c);

/* export.c: case export ID --out FILE. */
int writctl_case_export(writ_config_t *cfg, int argc, char **argv);

/* Today (UTC) as YYYY-MM-DD, or casework/today from the configuration
 * (tests). */
void writctl_today(writ_config_t *cfg, char out[11]);

#endif
