/* writ-intake -- where requests enter: an LMTP server for the mail
 * gateway, or `--stdin` for pipe(8) delivery of one message.
 *
 * Wiring only: settings and the process around the LMTP server
 * (lmtp_server.c: the poll() loop; client.c: one gateway connection;
 * batch_pipeline.c: whole messages to Redis in batches, one batch in
 * flight), pipe mode (pipe_delivery.c) and the delivery step (deliver.c).
 * Exit statuses follow sysexits: 0 stored, 75 temporary failure (the
 * gateway retries), 65 not a mail message, 78 bad configuration (LMTP
 * server only: in pipe mode a configuration error is 75, so the gateway
 * keeps the request queued while the operator fixes it instead of
 * bouncing it to the agency).
 */
#include "config.h"
#include "daemon_start.h"
#include "deliver.h"
#include "envelope.h"
#include "lmtp.h"
#include "lmtp_server.h"
#include "log.h"
#include "parse_config.h"
#include "pipe_delivery.h"
#include "redis_login.h"
#include "pipeline.h"

#include <czmq.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

static volatile sig_atomic_t s_stop = 0;

static void on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

typedef struct {
    char **addresses; /* accepted intake recipients */
    size_t count;
} recipients_t;

static bool accept_rcpt(void *ctx, const char *address)
{
    recipients_t *r = ctx;
    if (r->count == 0)
        return true;
    for (size_t i = 0; i < r->count; i++)
        if (!strcasecmp(r->addresses[i], address))
            return true;
    return false;
}

/* ---- settings ----------------------------------------------------------- */

static void split_list(const char *list, char ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (!list)
        return;
    gchar **parts = g_strsplit_set(list, ", ", -1);
    for (gchar **p = parts; *p; p++)
        if (**p) {
            *out = realloc(*out, (*count + 1) * sizeof **out);
            (*out)[(*count)++] = g_ascii_strdown(*p, -1);
        }
    g_strfreev(parts);
}

static void free_list(char **list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        g_free(list[i]);
    free(list);
}

/* The command line. */
typedef struct {
    bool pipe_mode;
    const char *config_path;
    char envelope[1024]; /* pipe(8)'s, "" when not given */
} options_t;

/* pipe(8)'s envelope: --sender=${sender} --recipient=${recipient} (one
 * argument per recipient), in any order. */
static int parse_options(int argc, char **argv, options_t *o)
{
    const char *sender = NULL, *recipients[64];
    size_t nrcpt = 0;
    *o = (options_t){ .pipe_mode = false };
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--stdin"))
            o->pipe_mode = true;
        else if (!strcmp(argv[i], "--config") && i + 1 < argc)
            o->config_path = argv[++i];
        else if (!strncmp(argv[i], "--sender=", 9))
            sender = argv[i] + 9;
        else if (!strncmp(argv[i], "--recipient=", 12)) {
            if (nrcpt < sizeof recipients / sizeof recipients[0])
                recipients[nrcpt++] = argv[i] + 12;
        } else {
            fprintf(stderr, "usage: writ-intake [--config FILE] [--stdin "
                            "[--sender=ADDR] [--recipient=ADDR]...]\n");
            return -1;
        }
    }
    if (sender || nrcpt) {
        envelope_start(o->envelope, sizeof o->envelope, sender);
        for (size_t i = 0; i < nrcpt; i++)
            envelope_add_recipient(o->envelope, sizeof o->envelope, recipients[i]);
    }
    return 0;
}

/* The LMTP server's settings and protocol limits, then the server. */
static int run_lmtp(intake_t *in, writ_config_t *cfg, recipients_t *rcpts,
                    size_t max_size)
{
    char host[64] = "host";
    gethostname(host, sizeof host);
    host[sizeof host - 1] = '\0';
    lmtp_server_settings_t settings = {
        .listen = writ_config_str(cfg, "intake/lmtp_listen"),
        .max_clients = (size_t)writ_config_long(cfg, "intake/max_clients"),
        .max_per_address =
            (size_t)writ_config_long(cfg, "intake/max_clients_per_address"),
        .timeout_ms = (uint64_t)writ_config_long(cfg, "intake/timeout_s") * 1000,
    };
    /* Bytes of messages in transfer, over every connection. */
    size_t data_in_flight = 0;
    lmtp_config_t lc = { .hostname = host,
                         .max_message_size = max_size,
                         .accept_rcpt = accept_rcpt,
                         .ctx = rcpts,
                         .data_in_flight = &data_in_flight,
                         .data_budget =
                             (size_t)writ_config_long(cfg, "intake/max_data_in_flight") };
    return lmtp_server_run(in, &settings, &lc, &s_stop);
}

/* Delivers in the mode asked for, once the store and the bus are set up. */
static int run(intake_t *in, writ_config_t *cfg, const options_t *o, recipients_t *rcpts,
               size_t max_size, const char *store_err)
{
    if (!in->store) {
        log_error(NULL, "%s", store_err);
        return o->pipe_mode ? EX_TEMPFAIL : EX_CONFIG;
    }
    if (!in->submit) {
        log_error(NULL, "cannot set up the bus");
        return EX_TEMPFAIL;
    }
    if (o->pipe_mode)
        return pipe_delivery_run(in, max_size, *o->envelope ? o->envelope : NULL);
    return run_lmtp(in, cfg, rcpts, max_size);
}

int main(int argc, char **argv)
{
    options_t opt;
    if (parse_options(argc, argv, &opt) != 0)
        return EX_USAGE;
    int config_error = opt.pipe_mode ? EX_TEMPFAIL : EX_CONFIG;
    char worker[96];
    writ_config_t *cfg =
        daemon_start(STAGE_INTAKE, opt.config_path, worker, sizeof worker);
    if (!cfg)
        return config_error;
    zsys_handler_set(NULL);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    parse_global_init();

    parse_settings_t ps;
    agencies_t *agencies = NULL;
    char err[256];
    if (parse_settings_load(cfg, &ps, &agencies, err, sizeof err) != 0) {
        log_error(NULL, "%s", err);
        writ_config_destroy(&cfg);
        return config_error;
    }
    recipients_t rcpts;
    split_list(writ_config_str(cfg, "intake/addresses"), &rcpts.addresses, &rcpts.count);
    size_t max_size = (size_t)writ_config_long(cfg, "intake/max_message_size");
    bus_set_max_message_size(bus_max_message_size_setting(cfg));
    bus_keys_t *keys = NULL;
    int rc = config_error;
    if (bus_keys_configured(cfg, STAGE_INTAKE, &keys) == 0) {
        intake_t in = {
            .store = redis_login_open(cfg, STAGE_INTAKE, STAGE_INTAKE, err, sizeof err),
            .submit = bus_submit_new(writ_config_str(cfg, "bus/submit"), keys),
            .parse = &ps,
            .worker = worker,
            .lease_ms = (uint64_t)writ_config_long(cfg, "pipeline/lease_ms"),
            .extract_lease_ms = (uint64_t)writ_config_get_long(
                cfg, "extract/lease_ms", writ_config_long(cfg, "pipeline/lease_ms")),
            .max_pending = (uint64_t)writ_config_long(cfg, "intake/max_pending"),
            .verify_requester = writ_config_bool(cfg, "intake/verify_requester"),
        };
        bus_keys_destroy(&keys);
        rc = run(&in, cfg, &opt, &rcpts, max_size, err);
        bus_submit_destroy(&in.submit);
        case_store_destroy(&in.store);
    }
    free_list(rcpts.addresses, rcpts.count);
    agencies_destroy(&agencies);
    parse_global_shutdown();
    writ_config_destroy(&cfg);
    return rc;
}
