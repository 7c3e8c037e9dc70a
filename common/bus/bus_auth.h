/* bus_auth.h -- who may speak on the work bus: CurveZMQ keys, one per role.
 *
 * Every bus socket is CurveZMQ (encrypted, and the broker knows who is at
 * the other end). A key directory, made by `writctl keys init DIR`, holds
 *   broker.cert  broker.cert_secret     the broker's key pair
 *   {role}.cert  {role}.cert_secret     one pair per role: intake and every
 *                                       stage of PIPELINE_STAGES
 * in czmq's zcert format: *.cert hold the public key only; *_secret files
 * (0600) the secret key too. A process loads its own role's secret and the
 * broker's public key; the broker loads its own secret and every role's
 * public key: its allow-list. A secret file that others can read is
 * refused, as ssh refuses such a private key.
 *
 * The broker answers the handshakes' ZAP requests itself (bus_zap_t): a
 * key not on the list is refused (and logged, rate-limited); an accepted
 * one gets its role as ZAP User-Id, which libzmq attaches to every message
 * that peer sends (bus_peer_role), so the broker checks every READY, HB,
 * DONE and job against the role that sent it.
 */
#ifndef WRIT_BUS_AUTH_H
#define WRIT_BUS_AUTH_H

#include "config.h"

#include <czmq.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The setting (bus/keys) that runs the bus without CurveZMQ: for
 * measuring what CurveZMQ costs, never for production. */
#define BUS_KEYS_OFF "off"

/* The key directory the bus/keys setting names (relative: beside the
 * config file), or NULL when it says BUS_KEYS_OFF. */
const char *bus_keys_dir(writ_config_t *cfg);

/* Creates the key pairs missing in dir (made 0700 if new) for the broker
 * and every role; existing pairs are kept, so running peers stay valid.
 * Returns the number of pairs created, or -1 (err set). */
int bus_keys_init(const char *dir, char *err, size_t errlen);

/* A process's keys: its own pair and the broker's public key. */
typedef struct bus_keys_t bus_keys_t;

/* Loads role's pair ("broker" for the broker) and the broker's public key
 * from dir. NULL (err set) when a file is missing, unreadable, not a key,
 * or a secret file is readable by group or others. */
bus_keys_t *bus_keys_load(const char *dir, const char *role, char *err, size_t errlen);
void bus_keys_destroy(bus_keys_t **self_p);
/* role's keys as the settings say: 0 with *keys loaded, or NULL when the
 * bus runs without keys (logged as a warning); -1 (logged) when they
 * cannot be loaded. */
int bus_keys_configured(writ_config_t *cfg, const char *role, bus_keys_t **keys);
/* Makes sock a CurveZMQ client of the broker (before connecting). */
void bus_keys_apply_client(const bus_keys_t *self, zsock_t *sock);
/* Makes sock a CurveZMQ server that asks ZAP (before binding). */
void bus_keys_apply_server(const bus_keys_t *self, zsock_t *sock);

/* The broker's allow-list: public key -> role. */
typedef struct bus_allow_t bus_allow_t;

/* Loads {role}.cert of every role in dir; a role without one cannot
 * connect (warned in *missing, a comma list, when not NULL). NULL (err
 * set) when no role has a key at all. */
bus_allow_t *bus_allow_load(const char *dir, char *missing, size_t missing_len, char *err,
                            size_t errlen);
void bus_allow_destroy(bus_allow_t **self_p);
/* The role of a 32-byte public key, or NULL when it is not on the list. */
const char *bus_allow_role(const bus_allow_t *self, const unsigned char *key,
                           size_t key_len);
size_t bus_allow_size(const bus_allow_t *self);

/* Rate limit for logging refusals: an attacker reconnecting in a loop
 * must not flood the log. At most `burst` lines per window; what was
 * suppressed is reported with the next line logged. Pure. */
typedef struct {
    uint64_t window_start;
    unsigned in_window;       /* lines logged in this window */
    unsigned long suppressed; /* refusals not logged since the last line */
} bus_refusals_t;

#define BUS_REFUSALS_WINDOW_MS 10000
#define BUS_REFUSALS_BURST 5

/* Whether to log this refusal now; *suppressed_before receives how many
 * went unlogged before it (to say so in the line). */
bool bus_refusals_admit(bus_refusals_t *self, uint64_t now,
                        unsigned long *suppressed_before);

/* The broker's ZAP handler: a REP socket on inproc://zeromq.zap.01 in
 * czmq's context, polled by the broker's own loop (bind it before any
 * CurveZMQ server socket: libzmq lets clients in while no handler is
 * bound). Refusals are logged through log.h, rate-limited. */
typedef struct bus_zap_t bus_zap_t;

bus_zap_t *bus_zap_new(const bus_allow_t *allow);
void bus_zap_destroy(bus_zap_t **self_p);
zsock_t *bus_zap_socket(bus_zap_t *self);
/* Answers the requests waiting (never blocks). */
void bus_zap_handle(bus_zap_t *self);
/* Counters for tests and the stopping log line. */
unsigned long bus_zap_accepted(const bus_zap_t *self);
unsigned long bus_zap_refused(const bus_zap_t *self);

/* Watches a server socket for clients that fail the handshake before ZAP
 * is even asked (no CurveZMQ, a wrong broker key, garbage): a PAIR socket
 * receiving the socket's handshake-failure events. name says which
 * endpoint in the log. */
typedef struct bus_watch_t bus_watch_t;

bus_watch_t *bus_watch_new(zsock_t *server, const char *name);
void bus_watch_destroy(bus_watch_t **self_p);
zsock_t *bus_watch_socket(bus_watch_t *self);
/* Logs (rate-limited) the events waiting; never blocks. */
void bus_watch_handle(bus_watch_t *self);

/* The role the broker's ZAP handler gave the peer that sent frame (its
 * User-Id), or NULL on a bus without keys. Valid while frame lives. */
const char *bus_peer_role(zframe_t *frame);

#endif
