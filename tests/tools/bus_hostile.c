/* bus_hostile -- a hostile peer of writ's work bus, for the tests: speaks
 * the bus protocol (common/bus/bus.h) with libzmq directly, as anything that
 * can reach the broker's ports could.
 *
 *   bus_hostile push ENDPOINT STAGE COUNT ID_LEN RECORD_BYTES
 *       PUSHes COUNT jobs [STAGE][id of ID_LEN chars][RECORD_BYTES of
 *       bytes that are not msgpack] to the broker's submit endpoint.
 *   bus_hostile stages ENDPOINT COUNT
 *       PUSHes COUNT small jobs, each for a stage name of its own.
 *   bus_hostile frames ENDPOINT COUNT
 *       PUSHes COUNT submissions with the wrong number of frames.
 *   bus_hostile fake-broker ENDPOINT COUNT ID_LEN TIMEOUT_S
 *       Binds ENDPOINT as a broker's workers socket, waits for a replica's
 *       READY, sends it COUNT jobs with ids of ID_LEN chars (no replica can
 *       use them over 63), and counts the credit it gives back (DONE n).
 *       Exit 0 when all COUNT came back within TIMEOUT_S, 1 otherwise.
 *
 * Exit 0 when everything was sent (push/stages/frames), 1 on error.
 *
 * On a bus with keys (bus_auth.h) a hostile peer holds a valid key:
 * BUS_HOSTILE_CERT=DIR/ROLE.cert and BUS_HOSTILE_BROKER=DIR/broker.cert
 * make push/stages/frames a CurveZMQ client with that role's key;
 * BUS_HOSTILE_SERVER_CERT=DIR/broker.cert makes the fake broker a
 * CurveZMQ server with the broker's key (the replica checks it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>
#include <sysexits.h>

/* Key NAME ("public-key", "secret-key") of a zcert file, read without
 * czmq. 0, or -1. */
static int cert_key(const char *path, const char *name, char out[41])
{
    FILE *f = fopen(path, "r");
    char line[256];
    int rc = -1;
    while (f && rc != 0 && fgets(line, sizeof line, f)) {
        char *at = strstr(line, name), *q = at ? strchr(at, '"') : NULL;
        if (q && strlen(q + 1) > 40 && q[41] == '"') {
            memcpy(out, q + 1, 40);
            out[40] = '\0';
            rc = 0;
        }
    }
    if (f)
        fclose(f);
    return rc;
}

/* A client socket with the keys the environment names, if any. */
static int apply_client_keys(void *s)
{
    const char *cert = getenv("BUS_HOSTILE_CERT"), *broker = getenv("BUS_HOSTILE_BROKER");
    if (!cert || !broker)
        return 0;
    char secret_path[4096], pub[41], sec[41], server[41];
    snprintf(secret_path, sizeof secret_path, "%s_secret", cert);
    if (cert_key(cert, "public-key", pub) || cert_key(secret_path, "secret-key", sec) ||
        cert_key(broker, "public-key", server))
        return -1;
    zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, 41);
    zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 41);
    zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server, 41);
    return 0;
}

static void *push_socket(void *ctx, const char *endpoint)
{
    void *s = zmq_socket(ctx, ZMQ_PUSH);
    if (apply_client_keys(s) != 0) {
        fprintf(stderr, "bus_hostile: cannot read the keys BUS_HOSTILE_CERT names\n");
        zmq_close(s);
        return NULL;
    }
    int hwm = 0, linger = 20000; /* queue all; wait for them to go */
    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(s, endpoint) != 0) {
        fprintf(stderr, "bus_hostile: connect %s: %s\n", endpoint,
                zmq_strerror(zmq_errno()));
        zmq_close(s);
        return NULL;
    }
    return s;
}

static int send_frames(void *s, const char **frames, const size_t *lens, int n)
{
    for (int i = 0; i < n; i++)
        if (zmq_send(s, frames[i], lens[i], i + 1 < n ? ZMQ_SNDMORE : 0) < 0)
            return -1;
    return 0;
}

static char *filled(size_t len, char c)
{
    char *b = malloc(len + 1);
    if (b) {
        memset(b, c, len);
        b[len] = '\0';
    }
    return b;
}

static int cmd_push(void *ctx, char **argv)
{
    const char *stage = argv[0];
    long count = atol(argv[1]);
    size_t id_len = (size_t)atol(argv[2]), rec_len = (size_t)atol(argv[3]);
    void *s = push_socket(ctx, argv[-1]);
    char *id = filled(id_len, 'c');
    /* 0xc1 is the one byte msgpack never uses: no decoder takes it. */
    char *rec = filled(rec_len, (char)0xc1);
    if (!s || !id || !rec)
        return 1;
    int rc = 0;
    for (long i = 0; i < count && rc == 0; i++) {
        const char *f[] = { stage, id, rec };
        size_t l[] = { strlen(stage), id_len, rec_len };
        rc = send_frames(s, f, l, 3);
    }
    free(id);
    free(rec);
    zmq_close(s);
    return rc ? 1 : 0;
}

static int cmd_stages(void *ctx, char **argv)
{
    long count = atol(argv[0]);
    void *s = push_socket(ctx, argv[-1]);
    if (!s)
        return 1;
    int rc = 0;
    for (long i = 0; i < count && rc == 0; i++) {
        char stage[32];
        snprintf(stage, sizeof stage, "made-up-%ld", i);
        const char *f[] = { stage, "c0000000000000000", "x" };
        size_t l[] = { strlen(stage), 17, 1 };
        rc = send_frames(s, f, l, 3);
    }
    zmq_close(s);
    return rc ? 1 : 0;
}

static int cmd_frames(void *ctx, char **argv)
{
    long count = atol(argv[0]);
    void *s = push_socket(ctx, argv[-1]);
    if (!s)
        return 1;
    int rc = 0;
    for (long i = 0; i < count && rc == 0; i++) {
        const char *f[] = { "jurisdiction", "c0000000000000000", "x", "extra" };
        size_t l[] = { 12, 17, 1, 5 };
        rc = send_frames(s, f, l, i % 2 ? 4 : 2);
    }
    zmq_close(s);
    return rc ? 1 : 0;
}

/* Receives one multipart message: the first frame (a ROUTER's peer
 * identity, binary) into *first, the next ones as strings. Returns the
 * frame count, 0 on timeout. */
static int recv_msg(void *s, zmq_msg_t *first, char out[6][128], int timeout_ms)
{
    zmq_pollitem_t item = { s, 0, ZMQ_POLLIN, 0 };
    if (zmq_poll(&item, 1, timeout_ms) <= 0)
        return 0;
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, s, 0) < 0) {
            zmq_msg_close(&m);
            return -1;
        }
        more = zmq_msg_more(&m);
        if (n == 0)
            zmq_msg_copy(first, &m);
        else if (n < 6) {
            size_t len = zmq_msg_size(&m) < 127 ? zmq_msg_size(&m) : 127;
            memcpy(out[n], zmq_msg_data(&m), len);
            out[n][len] = '\0';
        }
        n++;
        zmq_msg_close(&m);
    }
    return n;
}

static int cmd_fake_broker(void *ctx, char **argv)
{
    long count = atol(argv[0]);
    size_t id_len = (size_t)atol(argv[1]);
    time_t deadline = time(NULL) + atol(argv[2]);
    void *s = zmq_socket(ctx, ZMQ_ROUTER);
    int linger = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    const char *cert = getenv("BUS_HOSTILE_SERVER_CERT");
    if (cert) {
        char secret_path[4096], sec[41];
        int server = 1;
        snprintf(secret_path, sizeof secret_path, "%s_secret", cert);
        if (cert_key(secret_path, "secret-key", sec) != 0) {
            fprintf(stderr, "bus_hostile: cannot read %s\n", secret_path);
            zmq_close(s);
            return 1;
        }
        zmq_setsockopt(s, ZMQ_CURVE_SERVER, &server, sizeof server);
        zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, 41);
    }
    if (zmq_bind(s, argv[-1]) != 0) {
        fprintf(stderr, "bus_hostile: bind %s: %s\n", argv[-1],
                zmq_strerror(zmq_errno()));
        return 1;
    }
    char f[6][128];
    zmq_msg_t who;
    zmq_msg_init(&who);
    int n = 0;
    while (time(NULL) < deadline) /* the replica's READY */
        if ((n = recv_msg(s, &who, f, 500)) >= 3 && !strcmp(f[1], "READY"))
            break;
    if (n < 3 || strcmp(f[1], "READY")) {
        fprintf(stderr, "bus_hostile: no replica said READY\n");
        zmq_msg_close(&who);
        zmq_close(s);
        return 1;
    }
    char *id = filled(id_len, 'c');
    for (long i = 0; i < count && id; i++) {
        zmq_msg_t copy;
        zmq_msg_init(&copy);
        zmq_msg_copy(&copy, &who);
        zmq_msg_send(&copy, s, ZMQ_SNDMORE);
        const char *fr[] = { "JOB", "jurisdiction", id, "\xc1" };
        size_t l[] = { 3, 12, id_len, 1 };
        send_frames(s, fr, l, 4);
    }
    free(id);
    long back = 0;
    zmq_msg_t from;
    zmq_msg_init(&from);
    while (back < count && time(NULL) < deadline)
        if ((n = recv_msg(s, &from, f, 500)) >= 4 && !strcmp(f[1], "DONE"))
            back += atol(f[3]);
    zmq_msg_close(&from);
    zmq_msg_close(&who);
    zmq_close(s);
    printf("credit given back: %ld of %ld\n", back, count);
    return back >= count ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr,
                "usage: bus_hostile push|stages|frames|fake-broker ENDPOINT ...\n");
        return EX_USAGE;
    }
    void *ctx = zmq_ctx_new();
    const char *cmd = argv[1];
    /* argv[2] is the endpoint, argv[3..] the command's arguments. */
    int rc = !strcmp(cmd, "push") && argc == 7          ? cmd_push(ctx, argv + 3)
             : !strcmp(cmd, "stages") && argc == 4      ? cmd_stages(ctx, argv + 3)
             : !strcmp(cmd, "frames") && argc == 4      ? cmd_frames(ctx, argv + 3)
             : !strcmp(cmd, "fake-broker") && argc == 6 ? cmd_fake_broker(ctx, argv + 3)
                                                        : 64;
    zmq_ctx_term(ctx);
    return rc;
}
