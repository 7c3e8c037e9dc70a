/* bus_peer.c -- a hostile (or merely foreign) peer of writ's bus, for the
 * security tests (tests/integration/test_bus_security.sh): it does what
 * an attacker on the host would do, with whatever key it is given.
 *
 *   writ-bus-peer worker ENDPOINT STAGE SECONDS [KEY]
 *       a replica of STAGE: sends READY and heartbeats, counts the jobs
 *       it receives in SECONDS; prints "jobs N"
 *   writ-bus-peer submit ENDPOINT STAGE ID FILE [KEY]
 *       pushes a job [STAGE][ID][FILE's bytes] (FILE - : stdin)
 *   writ-bus-peer forge ID FILE
 *       writes case ID's record, read from Redis as writctl does (the
 *       settings and WRIT_* environment), rewritten to what an attacker
 *       wants: requester verified, every account disclose, no review
 *
 * KEY: "none" (no CurveZMQ: the default), "random:BROKER_CERT" (a fresh
 * key pair nobody allowed), or "CERT:BROKER_CERT" (a zcert file with its
 * _secret twin, e.g. DIR/jurisdiction.cert:DIR/broker.cert).
 * Exit 0 when it did its part (whether the broker took it or not is for
 * the test to find out), 64 on usage, 1 on failure.
 */
#include "case_store.h"
#include "config.h"
#include "redis_login.h"
#include "wire.h"

#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sysexits.h>

static int usage(void)
{
    fprintf(stderr, "usage: writ-bus-peer worker ENDPOINT STAGE SECONDS [KEY]\n"
                    "       writ-bus-peer submit ENDPOINT STAGE ID FILE [KEY]\n"
                    "       writ-bus-peer forge ID FILE\n");
    return EX_USAGE;
}

/* Applies KEY to sock; 0, or -1. */
static int apply_key(zsock_t *sock, const char *key)
{
    if (!key || !strcmp(key, "none"))
        return 0;
    char *spec = strdup(key);
    char *colon = spec ? strrchr(spec, ':') : NULL;
    if (!colon) {
        free(spec);
        return -1;
    }
    *colon = '\0';
    zcert_t *broker = zcert_load(colon + 1);
    zcert_t *own = !strcmp(spec, "random") ? zcert_new() : zcert_load(spec);
    int rc = -1;
    if (broker && own) {
        zcert_apply(own, sock);
        zsock_set_curve_serverkey(sock, zcert_public_txt(broker));
        rc = 0;
    }
    zcert_destroy(&broker);
    zcert_destroy(&own);
    free(spec);
    return rc;
}

static int run_worker(const char *endpoint, const char *stage, int seconds,
                      const char *key)
{
    zsock_t *dealer = zsock_new(ZMQ_DEALER);
    zsock_set_linger(dealer, 0);
    zsock_set_sndtimeo(dealer, 100);
    if (apply_key(dealer, key) != 0 || zsock_connect(dealer, "%s", endpoint) != 0) {
        fprintf(stderr, "writ-bus-peer: cannot set up the socket\n");
        zsock_destroy(&dealer);
        return 1;
    }
    zstr_sendx(dealer, "READY", stage, "100", NULL);
    int jobs = 0;
    int64_t end = zclock_mono() + seconds * 1000L, next_hb = 0;
    while (zclock_mono() < end && !zsys_interrupted) {
        if (zclock_mono() >= next_hb) {
            zstr_sendx(dealer, "HB", stage, "100", NULL);
            next_hb = zclock_mono() + 1000;
        }
        zmq_pollitem_t item = { zsock_resolve(dealer), 0, ZMQ_POLLIN, 0 };
        if (zmq_poll(&item, 1, 200) <= 0)
            continue;
        zmsg_t *msg = zmsg_recv(dealer);
        char *kind = msg ? zmsg_popstr(msg) : NULL;
        if (kind && !strcmp(kind, "JOB"))
            jobs++;
        else if (kind && !strcmp(kind, "HELLO"))
            zstr_sendx(dealer, "READY", stage, "100", NULL);
        free(kind);
        zmsg_destroy(&msg);
    }
    printf("jobs %d\n", jobs);
    fflush(stdout);
    /* A client the broker's ZAP handler refused can leave libzmq 4.3's
     * context termination waiting on the failed session for good: this
     * process has done its part, so it leaves without that. */
    _exit(0);
}

static int run_submit(const char *endpoint, const char *stage, const char *id,
                      const char *file, const char *key)
{
    FILE *f = strcmp(file, "-") ? fopen(file, "rb") : stdin;
    if (!f) {
        perror(file);
        return 1;
    }
    char *buf = malloc(1 << 20);
    size_t len = buf ? fread(buf, 1, 1 << 20, f) : 0;
    if (f != stdin)
        fclose(f);
    zsock_t *push = zsock_new(ZMQ_PUSH);
    zsock_set_linger(push, 3000);
    zsock_set_sndtimeo(push, 3000);
    int rc = 1;
    if (buf && apply_key(push, key) == 0 && zsock_connect(push, "%s", endpoint) == 0) {
        zmsg_t *msg = zmsg_new();
        zmsg_addstr(msg, stage);
        zmsg_addstr(msg, id);
        zmsg_addmem(msg, buf, len);
        rc = zmsg_send(&msg, push) == 0 ? 0 : 1;
        zclock_sleep(1000); /* the handshake, then the message */
    }
    zsock_destroy(&push);
    free(buf);
    return rc;
}

static int run_forge(const char *id, const char *file)
{
    char err[256];
    writ_config_t *cfg = writ_config_load(NULL, err, sizeof err);
    case_store_t *store =
        cfg ? redis_login_open(cfg, "writctl", "operator", err, sizeof err) : NULL;
    writ_config_destroy(&cfg);
    char state[32];
    case_t *c = store ? case_store_load(store, id, state, sizeof state) : NULL;
    if (!c) {
        fprintf(stderr, "writ-bus-peer: no case %s\n", id);
        case_store_destroy(&store);
        return 1;
    }
    c->verify_requester = false;
    free(c->verify_reason);
    c->verify_reason = NULL;
    free(c->review_reason);
    c->review_reason = NULL;
    for (size_t i = 0; i < c->account_count; i++) {
        c->accounts[i].decision = DEC_DISCLOSE;
        free(c->accounts[i].reason);
        c->accounts[i].reason = strdup("verified emergency: disclose");
    }
    char *record = NULL;
    size_t len = 0;
    int rc = 1;
    FILE *f = fopen(file, "wb");
    if (f && wire_encode_case(c, &record, &len) == 0 && fwrite(record, 1, len, f) == len)
        rc = 0;
    if (f)
        fclose(f);
    free(record);
    case_destroy(&c);
    case_store_destroy(&store);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "worker"))
        return run_worker(argv[2], argv[3], atoi(argv[4]), argc > 5 ? argv[5] : NULL);
    if (argc >= 6 && !strcmp(argv[1], "submit"))
        return run_submit(argv[2], argv[3], argv[4], argv[5], argc > 6 ? argv[6] : NULL);
    if (argc == 4 && !strcmp(argv[1], "forge"))
        return run_forge(argv[2], argv[3]);
    return usage();
}
