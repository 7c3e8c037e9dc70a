/* bus.c -- producer and worker ends of the work bus (see bus.h). */
#include "bus.h"
#include "case_store.h"
#include "log.h"
#include "wire.h"

#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUS_HEARTBEAT_MS 1000

/* 0: libzmq's default (no limit) until a daemon sets it. */
static long long s_max_message_size = 0;

void bus_set_max_message_size(long long bytes)
{
    s_max_message_size = bytes > 0 ? bytes : 0;
}

long long bus_max_message_size_setting(writ_config_t *cfg)
{
    return writ_config_get_long(cfg, "bus/max_message_size",
                                (long)WIRE_MAX_BYTES + 64 * 1024);
}

void bus_limit_message_size(void *sock)
{
    int64_t max = s_max_message_size;
    if (max > 0)
        zmq_setsockopt(zsock_resolve(sock), ZMQ_MAXMSGSIZE, &max, sizeof max);
}

/* A client end of the bus: a socket of type with the bus's keys (NULL:
 * none) and message size limit, lingering linger_ms at close, queueing at
 * most sndhwm messages a peer (0: libzmq's default), connected to
 * endpoint. NULL when it cannot be made. */
static zsock_t *client_socket(int type, const char *endpoint, const bus_keys_t *keys,
                              int linger_ms, int sndhwm)
{
    zsock_t *sock = zsock_new(type);
    if (!sock)
        return NULL;
    if (keys)
        bus_keys_apply_client(keys, sock);
    if (sndhwm > 0)
        zsock_set_sndhwm(sock, sndhwm);
    bus_limit_message_size(sock);
    zsock_set_linger(sock, linger_ms);
    if (zsock_connect(sock, "%s", endpoint) != 0)
        zsock_destroy(&sock);
    return sock;
}

struct bus_submit_t {
    zsock_t *push;
};

bus_submit_t *bus_submit_new(const char *endpoint, const bus_keys_t *keys)
{
    bus_submit_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->push = client_socket(ZMQ_PUSH, endpoint, keys, 2000, 10000);
    if (!self->push) {
        free(self);
        return NULL;
    }
    return self;
}

void bus_submit_destroy(bus_submit_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zsock_destroy(&(*self_p)->push);
    free(*self_p);
    *self_p = NULL;
}

int bus_submit_send(bus_submit_t *self, const char *stage, const char *id,
                    const char *record, size_t len)
{
    void *s = zsock_resolve(self->push);
    if (zmq_send(s, stage, strlen(stage), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return -1;
    /* Once the first frame is queued the rest of the message is too. */
    zmq_send(s, id, strlen(id), ZMQ_SNDMORE);
    zmq_send(s, record, len, 0);
    return 0;
}

struct bus_worker_t {
    zsock_t *dealer;
    char stage[32];
    int credit;
    int busy;
    uint64_t next_heartbeat;
};

static void send_ready(bus_worker_t *self)
{
    char credit[16];
    snprintf(credit, sizeof credit, "%d", self->credit);
    zstr_sendx(self->dealer, "READY", self->stage, credit, NULL);
    self->next_heartbeat = writ_now_ms() + BUS_HEARTBEAT_MS;
}

bus_worker_t *bus_worker_new(const char *endpoint, const char *stage, int credit,
                             const bus_keys_t *keys)
{
    bus_worker_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    snprintf(self->stage, sizeof self->stage, "%s", stage);
    self->credit = credit > 0 ? credit : 1;
    self->dealer = client_socket(ZMQ_DEALER, endpoint, keys, 0, 0);
    if (!self->dealer) {
        free(self);
        return NULL;
    }
    send_ready(self);
    return self;
}

void bus_worker_destroy(bus_worker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zsock_destroy(&(*self_p)->dealer);
    free(*self_p);
    *self_p = NULL;
}

void bus_worker_tick(bus_worker_t *self)
{
    if (writ_now_ms() < self->next_heartbeat)
        return;
    char free_credit[16];
    int f = self->credit - self->busy;
    snprintf(free_credit, sizeof free_credit, "%d", f > 0 ? f : 0);
    zstr_sendx(self->dealer, "HB", self->stage, free_credit, NULL);
    self->next_heartbeat = writ_now_ms() + BUS_HEARTBEAT_MS;
}

/* A job that cannot be used still took one credit when the broker sent
 * it: give it back, or enough of them leave the replica with none and the
 * stage stalls. Its case (if it names one) is still pending in Redis. */
static void refuse_job(bus_worker_t *self)
{
    static log_limit_t limit;
    unsigned long count;
    if (log_limit_allow(&limit, &count))
        log_warn(NULL,
                 "%lu unusable job(s) refused (bad frames or id): "
                 "credit given back",
                 count);
    zstr_sendx(self->dealer, "DONE", self->stage, "1", NULL);
}

int bus_worker_recv(bus_worker_t *self, bus_job_t *job, int timeout_ms)
{
    memset(job, 0, sizeof *job);
    bus_worker_tick(self);
    zmq_pollitem_t item = { zsock_resolve(self->dealer), 0, ZMQ_POLLIN, 0 };
    int wait = timeout_ms < BUS_HEARTBEAT_MS ? timeout_ms : BUS_HEARTBEAT_MS;
    int rc = zmq_poll(&item, 1, wait);
    if (rc <= 0)
        return rc < 0 && zmq_errno() != EINTR ? -1 : 0;
    zmsg_t *msg = zmsg_recv(self->dealer);
    if (!msg)
        return 0;
    int got = 0;
    char *kind = zmsg_popstr(msg);
    bool is_job = kind && !strcmp(kind, "JOB");
    if (is_job && zmsg_size(msg) == 3) {
        zframe_t *stage = zmsg_pop(msg);
        zframe_t *id = zmsg_pop(msg);
        zframe_t *record = zmsg_pop(msg);
        if (zframe_size(id) > 0 && zframe_size(id) <= BUS_ID_MAX) {
            memcpy(job->id, zframe_data(id), zframe_size(id));
            job->id[zframe_size(id)] = '\0';
            job->len = zframe_size(record);
            job->record = malloc(job->len + 1);
            if (job->record) {
                memcpy(job->record, zframe_data(record), job->len);
                job->record[job->len] = '\0';
                self->busy++;
                got = 1;
            }
        }
        zframe_destroy(&stage);
        zframe_destroy(&id);
        zframe_destroy(&record);
    } else if (kind && !strcmp(kind, "HELLO"))
        send_ready(self); /* a restarted broker asks who is there */
    if (is_job && !got)
        refuse_job(self);
    free(kind);
    zmsg_destroy(&msg);
    return got;
}

void bus_worker_done(bus_worker_t *self, int jobs)
{
    self->busy = self->busy > jobs ? self->busy - jobs : 0;
    char n[16];
    snprintf(n, sizeof n, "%d", jobs);
    zstr_sendx(self->dealer, "DONE", self->stage, n, NULL);
}

void bus_job_clear(bus_job_t *job)
{
    free(job->record);
    job->record = NULL;
    job->len = 0;
}
