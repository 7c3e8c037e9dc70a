/* lmtp_server.h -- writ-intake's LMTP server: the listening socket, the
 * gateway connections (client.c) and the poll() loop around them, which
 * hands whole messages to the batch pipeline (batch_pipeline.c).
 */
#ifndef WRIT_INTAKE_LMTP_SERVER_H
#define WRIT_INTAKE_LMTP_SERVER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "deliver.h"
#include "lmtp.h"

typedef struct {
    const char *listen;     /* "host:port" or "port" */
    size_t max_clients;     /* connections at once */
    size_t max_per_address; /* from one peer address (0: no limit) */
    uint64_t timeout_ms;    /* idle connections are closed */
} lmtp_server_settings_t;

/* Serves until *stop is set (by a signal handler); returns the exit
 * status: EX_OK, EX_UNAVAILABLE (cannot listen) or EX_TEMPFAIL. */
int lmtp_server_run(intake_t *in, const lmtp_server_settings_t *settings,
                    lmtp_config_t *lc, volatile sig_atomic_t *stop);

#endif
