/* writ-intake -- where requests enter: an LMTP server for the mail
 * gateway, or `--stdin` for pipe(8) delivery of one message.
 *
 * Wiring only: sockets and poll() around the LMTP state machine
 * (common/lmtp.c) and the delivery step (deliver.c). Whole messages go to
 * Redis in batches, one batch in flight: the loop parses the next while
 * Redis stores it, and answers a batch only once Redis has. Exit statuses
 * follow sysexits: 0 stored, 75 temporary failure (the gateway retries),
 * 65 not a mail message, 78 bad configuration (LMTP server only: in pipe
 * mode a configuration error is 75, so the gateway keeps the request
 * queued while the operator fixes it instead of bouncing it to the agency).
 */
#define _GNU_SOURCE
#include "config.h"
#include "deliver.h"
#include "envelope.h"
#include "lmtp.h"
#include "log.h"
#include "parse_config.h"
#include "redis_login.h"

#include <czmq.h>
#include <glib.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define EX_OK 0
#define EX_DATAERR 65
#define EX_UNAVAILABLE 69
#define EX_TEMPFAIL 75
#define EX_CONFIG 78

static volatile sig_atomic_t s_stop = 0;

static void on_signal(int sig)
{
    (void) sig;
    s_stop = 1;
}

typedef struct {
    char **addresses;                 /* accepted intake recipients */
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

/* ---- pipe mode ---------------------------------------------------------- */

static int run_stdin(intake_t *in, size_t max_size, const char *envelope)
{
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (len == cap) {
            if (cap > max_size + 1)
                break;
            char *g = realloc(buf, cap *= 2);
            if (!g)
                break;
            buf = g;
        }
        ssize_t n = read(STDIN_FILENO, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            fprintf(stderr, "writ-intake: cannot read standard input: %s\n",
                    strerror(errno));
            return EX_TEMPFAIL;
        }
        if (n == 0)
            break;
        len += (size_t) n;
    }
    if (!buf) {
        fprintf(stderr, "writ-intake: out of memory\n");
        return EX_TEMPFAIL;
    }
    if (len > max_size) {
        free(buf);
        fprintf(stderr, "writ-intake: message larger than %zu bytes\n", max_size);
        return EX_DATAERR;
    }
    char id[CASE_ID_LEN] = "", reason[512];
    deliver_status_t st = intake_deliver(in, buf, len, envelope, id, reason, sizeof reason);
    free(buf);
    fprintf(st == DELIVER_ACCEPTED || st == DELIVER_DUPLICATE ? stdout : stderr,
            "writ-intake: %s\n", reason);
    return st == DELIVER_TEMPFAIL || st == DELIVER_BUSY ? EX_TEMPFAIL
         : st == DELIVER_NOT_MAIL ? EX_DATAERR : EX_OK;
}

/* ---- LMTP server -------------------------------------------------------- */

typedef struct {
    int fd;
    lmtp_session_t *session;
    uint64_t last_activity;
    char in[65536];
    size_t in_len;
    bool closing;
    bool awaiting;                    /* a whole message waits for the batch */
    bool in_flight;                   /* ... and Redis is storing it now */
    char addr[INET6_ADDRSTRLEN];      /* the peer's address (per-address limit) */
} client_t;

static int listen_on(const char *spec)
{
    char host[256] = "127.0.0.1", port[16] = "2424";
    const char *colon = strrchr(spec, ':');
    if (colon) {
        snprintf(host, sizeof host, "%.*s", (int) (colon - spec), spec);
        snprintf(port, sizeof port, "%s", colon + 1);
    }
    else
        snprintf(port, sizeof port, "%s", spec);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE };
    struct addrinfo *res = NULL;
    if (getaddrinfo(host[0] ? host : NULL, port, &hints, &res) != 0)
        return -1;
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        /* Several intake replicas may share the port: the kernel spreads
         * gateway connections over them. */
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd >= 0)
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static void client_flush(client_t *c)
{
    size_t len;
    const char *out = lmtp_session_output(c->session, &len);
    while (len > 0) {
        ssize_t n = send(c->fd, out, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                c->closing = true;
            break;
        }
        lmtp_session_output_sent(c->session, (size_t) n);
        out = lmtp_session_output(c->session, &len);
    }
}

static void reply_delivered(client_t *c, const delivery_t *d)
{
    switch (d->status) {
    case DELIVER_ACCEPTED:
    case DELIVER_DUPLICATE:
        lmtp_session_delivered(c->session, 250, "2.0.0", d->reason);
        break;
    case DELIVER_NOT_MAIL:
        lmtp_session_delivered(c->session, 554, "5.6.0", d->reason);
        break;
    case DELIVER_BUSY:
        lmtp_session_delivered(c->session, 451, "4.3.2",
                               "system busy: too many cases waiting, try again later");
        break;
    case DELIVER_TEMPFAIL:
        lmtp_session_delivered(c->session, 451, "4.3.0",
                               "requested action aborted: case store unavailable, try again later");
        break;
    }
}

/* Runs the protocol over what is buffered, up to a complete message,
 * which then waits for the batch (deliver_waiting). */
static void client_process(client_t *c)
{
    while (c->in_len > 0 && !c->closing && !c->awaiting) {
        size_t used = 0;
        lmtp_event_t ev = lmtp_session_feed(c->session, c->in, c->in_len, &used);
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
        if (ev == LMTP_MESSAGE)
            c->awaiting = true;
        else if (ev == LMTP_CLOSE)
            c->closing = true;
        else
            break;
    }
    client_flush(c);
}

/* Whether to read from a client now: not while its message is being
 * stored, not while its input buffer is full, and not while its replies
 * pile up unread (then TCP makes it wait, instead of intake's memory). */
static bool client_takes_input(client_t *c)
{
    return !c->in_flight && c->in_len < sizeof c->in
        && !lmtp_session_output_full(c->session);
}

static void client_read(client_t *c)
{
    if (c->in_len == sizeof c->in)
        return;                       /* full: the session takes it first */
    ssize_t n = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        c->closing = true;
        return;
    }
    c->in_len += (size_t) n;
    c->last_activity = writ_now_ms();
    client_process(c);
}

#define INTAKE_BATCH_MAX 64

/* The messages of one batch, and the connections they came on. */
typedef struct {
    client_t *clients[INTAKE_BATCH_MAX];
    delivery_t ds[INTAKE_BATCH_MAX];
    size_t n;
    intake_batch_t *batch;
} batch_slot_t;

/* Two slots: while Redis stores the batch in one (in flight), the next
 * messages are parsed into the other. */
typedef struct {
    batch_slot_t slot[2];
    int flying;                       /* index of the slot in flight, or -1 */
    uint64_t next_heartbeat;
} pipeline_t;

/* Collects the whole messages waiting (not already in flight). */
static void collect(batch_slot_t *s, client_t *clients, size_t max_clients)
{
    s->n = 0;
    for (size_t i = 0; i < max_clients && s->n < INTAKE_BATCH_MAX; i++) {
        client_t *c = &clients[i];
        if (c->fd < 0 || !c->awaiting || c->in_flight)
            continue;
        s->ds[s->n] = (delivery_t) { .envelope = lmtp_session_envelope(c->session) };
        s->ds[s->n].raw = lmtp_session_message(c->session, &s->ds[s->n].len);
        s->clients[s->n++] = c;
    }
}

/* Reads the outcomes of the batch in flight and answers its connections;
 * one whose buffered input already holds its next message waits again. */
static void land(intake_t *in, pipeline_t *p)
{
    batch_slot_t *s = &p->slot[p->flying];
    p->flying = -1;
    intake_batch_finish(in, &s->batch);
    for (size_t k = 0; k < s->n; k++) {
        client_t *c = s->clients[k];
        c->awaiting = false;
        c->in_flight = false;
        reply_delivered(c, &s->ds[k]);
        c->last_activity = writ_now_ms();
        client_process(c);
    }
    s->n = 0;
}

/* So `writctl health` sees this replica (best effort); only between
 * batches, as the connection is the batch's while one is in flight. */
static void heartbeat(intake_t *in, pipeline_t *p)
{
    if (p->flying >= 0 || writ_now_ms() < p->next_heartbeat)
        return;
    case_store_heartbeat(in->store, "intake", in->worker);
    p->next_heartbeat = writ_now_ms() + 1000;
}

/* Delivers every whole message waiting, as batches: the messages that
 * arrived are parsed while Redis stores the batch before them, then that
 * batch lands (its 250s go out only now) and theirs is sent. */
static void deliver_waiting(intake_t *in, pipeline_t *p, client_t *clients,
                            size_t max_clients, bool redis_ready)
{
    for (;;) {
        batch_slot_t *next = &p->slot[p->flying == 0 ? 1 : 0];
        collect(next, clients, max_clients);
        intake_batch_t *b = next->n ? intake_batch_prepare(in, next->ds, next->n) : NULL;
        if (p->flying >= 0 && (next->n || redis_ready))
            land(in, p);
        else if (next->n == 0)
            return;                   /* nothing new, and Redis not done */
        redis_ready = true;           /* (nothing in flight from here) */
        heartbeat(in, p);
        if (b) {
            intake_batch_send(in, b);
            next->batch = b;
            for (size_t k = 0; k < next->n; k++)
                next->clients[k]->in_flight = true;
            p->flying = (int) (next - p->slot);
            if (intake_batch_awaits_redis(b))
                return;               /* the loop polls for its replies */
            land(in, p);              /* nothing went out: no reply comes */
            continue;
        }
        /* Nothing parsed (out of memory) or nothing new: answer the ones
         * that failed, then see what landing the batch made ready. */
        for (size_t k = 0; k < next->n; k++) {
            client_t *c = next->clients[k];
            c->awaiting = false;
            reply_delivered(c, &next->ds[k]);
            client_process(c);
        }
        next->n = 0;
    }
}

static void client_close(client_t *c)
{
    client_flush(c);
    close(c->fd);
    lmtp_session_destroy(&c->session);
    c->fd = -1;
}

/* The peer's address as text ("" when unknown: then not limited). */
static void peer_address(const struct sockaddr_storage *ss, char *out, size_t len)
{
    out[0] = '\0';
    if (ss->ss_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *) ss)->sin_addr, out, (socklen_t) len);
    else if (ss->ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) ss)->sin6_addr, out, (socklen_t) len);
}

/* Connections open from addr. */
static size_t clients_from(const client_t *clients, size_t max_clients,
                           const char *addr)
{
    size_t n = 0;
    for (size_t i = 0; *addr && i < max_clients; i++)
        n += clients[i].fd >= 0 && !strcmp(clients[i].addr, addr);
    return n;
}

static void refuse_client(int fd, const char *reply)
{
    if (send(fd, reply, strlen(reply), MSG_NOSIGNAL) < 0) { /* closing anyway */ }
    close(fd);
}

static int run_lmtp(intake_t *in, writ_config_t *cfg, lmtp_config_t *lc)
{
    const char *spec = writ_config_get(cfg, "intake/lmtp_listen", "127.0.0.1:2424");
    size_t max_clients = (size_t) writ_config_get_long(cfg, "intake/max_clients", 256);
    size_t max_per_address = (size_t) writ_config_get_long(cfg, "intake/max_clients_per_address", 64);
    uint64_t timeout_ms = (uint64_t) writ_config_get_long(cfg, "intake/timeout_s", 300) * 1000;
    int lfd = listen_on(spec);
    if (lfd < 0) {
        log_error(NULL, "cannot listen on %s: %s", spec, strerror(errno));
        return EX_UNAVAILABLE;
    }
    client_t *clients = calloc(max_clients, sizeof *clients);
    /* The listener, every client, and Redis while a batch is in flight. */
    struct pollfd *pfds = calloc(max_clients + 2, sizeof *pfds);
    if (!clients || !pfds) {
        free(clients);
        free(pfds);
        close(lfd);
        return EX_TEMPFAIL;
    }
    for (size_t i = 0; i < max_clients; i++)
        clients[i].fd = -1;
    log_notice(NULL, "ready: LMTP on %s", spec);
    pipeline_t *pl = calloc(1, sizeof *pl);
    if (!pl) {
        free(clients);
        free(pfds);
        close(lfd);
        return EX_TEMPFAIL;
    }
    pl->flying = -1;
    while (!s_stop) {
        heartbeat(in, pl);
        size_t n = 0;
        pfds[n++] = (struct pollfd) { .fd = lfd, .events = POLLIN };
        for (size_t i = 0; i < max_clients; i++)
            if (clients[i].fd >= 0) {
                size_t pending;
                lmtp_session_output(clients[i].session, &pending);
                /* In flight, a client is not read (its next message waits
                 * for the reply) and one that hung up is not flushed:
                 * polling it would only spin until the batch lands. */
                short events = (short) (client_takes_input(&clients[i]) ? POLLIN : 0);
                if (pending && !(clients[i].in_flight && clients[i].closing))
                    events |= POLLOUT;
                if (events)
                    pfds[n++] = (struct pollfd) { .fd = clients[i].fd, .events = events };
            }
        /* A batch in flight: its replies wake the loop too. */
        int redis_fd = pl->flying >= 0 ? case_store_fd(in->store) : -1;
        if (redis_fd >= 0)
            pfds[n++] = (struct pollfd) { .fd = redis_fd, .events = POLLIN };
        int rc = poll(pfds, (nfds_t) n, pl->flying >= 0 && redis_fd < 0 ? 0 : 1000);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0 && (pfds[0].revents & POLLIN)) {
            struct sockaddr_storage peer;
            socklen_t peer_len = sizeof peer;
            int fd = accept4(lfd, (struct sockaddr *) &peer, &peer_len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
            char addr[INET6_ADDRSTRLEN] = "";
            if (fd >= 0)
                peer_address(&peer, addr, sizeof addr);
            size_t slot = 0;
            while (fd >= 0 && slot < max_clients && clients[slot].fd >= 0)
                slot++;
            if (fd >= 0 && slot == max_clients)
                refuse_client(fd, "421 4.3.2 too many connections, try again later\r\n");
            else if (fd >= 0 && max_per_address > 0
                     && clients_from(clients, max_clients, addr) >= max_per_address) {
                static log_limit_t limit;
                unsigned long count;
                if (log_limit_allow(&limit, &count))
                    log_warn(NULL, "%lu connection(s) refused: over "
                             "intake/max_clients_per_address", count);
                refuse_client(fd, "421 4.7.0 too many connections from your "
                                  "address, try again later\r\n");
            }
            else if (fd >= 0) {
                clients[slot] = (client_t) { .fd = fd,
                    .session = lmtp_session_new(lc),
                    .last_activity = writ_now_ms() };
                snprintf(clients[slot].addr, sizeof clients[slot].addr, "%s", addr);
                lmtp_session_greet(clients[slot].session);
                client_flush(&clients[slot]);
            }
        }
        for (size_t i = 0; i < max_clients; i++) {
            client_t *c = &clients[i];
            if (c->fd < 0)
                continue;
            for (size_t k = 1; k < n; k++)
                if (pfds[k].fd == c->fd) {
                    if (!c->in_flight && (pfds[k].revents & (POLLIN | POLLHUP | POLLERR))) {
                        if (client_takes_input(c))
                            client_read(c);
                        else if (pfds[k].revents & (POLLHUP | POLLERR))
                            c->closing = true;  /* gone while held back */
                    }
                    if (pfds[k].revents & POLLOUT) {
                        client_flush(c);
                        /* Replies went out: what it sent meanwhile is
                         * taken again. */
                        if (!c->in_flight && !c->awaiting && c->in_len > 0
                            && !lmtp_session_output_full(c->session))
                            client_process(c);
                    }
                    break;
                }
        }
        bool redis_ready = redis_fd < 0
            || (rc > 0 && (pfds[n - 1].revents & (POLLIN | POLLERR | POLLHUP)));
        deliver_waiting(in, pl, clients, max_clients, redis_ready);
        for (size_t i = 0; i < max_clients; i++) {
            client_t *c = &clients[i];
            if (c->fd < 0 || c->in_flight)
                continue;             /* its session holds what Redis stores */
            uint64_t now = writ_now_ms();
            if (!c->closing && now > c->last_activity
                && now - c->last_activity > timeout_ms) {
                lmtp_session_abort(c->session, "421 4.4.2 idle timeout, closing");
                c->closing = true;
            }
            if (c->closing)
                client_close(c);
        }
    }
    if (pl->flying >= 0)
        land(in, pl);                 /* stored: those get their 250 */
    free(pl);
    log_info(NULL, "stopping: closing connections");
    for (size_t i = 0; i < max_clients; i++)
        if (clients[i].fd >= 0) {
            lmtp_session_abort(clients[i].session, "421 4.3.2 service shutting down");
            client_close(&clients[i]);
        }
    free(clients);
    free(pfds);
    close(lfd);
    return EX_OK;
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

int main(int argc, char **argv)
{
    bool pipe_mode = false;
    const char *config_path = NULL;
    /* pipe(8)'s envelope: --sender=${sender} --recipient=${recipient}
     * (one argument per recipient), in any order. */
    const char *sender = NULL, *recipients[64];
    size_t nrcpt = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--stdin"))
            pipe_mode = true;
        else if (!strcmp(argv[i], "--config") && i + 1 < argc)
            config_path = argv[++i];
        else if (!strncmp(argv[i], "--sender=", 9))
            sender = argv[i] + 9;
        else if (!strncmp(argv[i], "--recipient=", 12)) {
            if (nrcpt < sizeof recipients / sizeof recipients[0])
                recipients[nrcpt++] = argv[i] + 12;
        }
        else {
            fprintf(stderr, "usage: writ-intake [--config FILE] [--stdin "
                            "[--sender=ADDR] [--recipient=ADDR]...]\n");
            return 64;
        }
    }
    char envelope[1024] = "";
    if (sender || nrcpt) {
        envelope_start(envelope, sizeof envelope, sender);
        for (size_t i = 0; i < nrcpt; i++)
            envelope_add_recipient(envelope, sizeof envelope, recipients[i]);
    }
    char err[256];
    writ_config_t *cfg = writ_config_load(config_path, err, sizeof err);
    if (!cfg) {
        fprintf(stderr, "writ-intake: %s\n", err);
        return pipe_mode ? EX_TEMPFAIL : EX_CONFIG;
    }
    char worker[96];
    char host[64] = "host";
    gethostname(host, sizeof host);
    host[sizeof host - 1] = '\0';
    snprintf(worker, sizeof worker, "intake-%s-%d", host, (int) getpid());
    writ_log_init("writ-intake", worker, writ_config_get(cfg, "writ/log_level", "info"));
    zsys_handler_set(NULL);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    parse_global_init();

    parse_settings_t ps;
    agencies_t *agencies = NULL;
    if (parse_settings_load(cfg, &ps, &agencies, err, sizeof err) != 0) {
        log_error(NULL, "%s", err);
        writ_config_destroy(&cfg);
        return pipe_mode ? EX_TEMPFAIL : EX_CONFIG;
    }
    recipients_t rcpts;
    split_list(writ_config_get(cfg, "intake/addresses",
                               "legal-requests@northwind-cloud.example"),
               &rcpts.addresses, &rcpts.count);
    size_t max_size = (size_t) writ_config_get_long(cfg, "intake/max_message_size",
                                                    25L * 1024 * 1024);
    bus_set_max_message_size(bus_max_message_size_setting(cfg));
    bus_keys_t *keys = NULL;
    if (bus_keys_configured(cfg, "intake", &keys) != 0) {
        free_list(rcpts.addresses, rcpts.count);
        agencies_destroy(&agencies);
        parse_global_shutdown();
        writ_config_destroy(&cfg);
        return pipe_mode ? EX_TEMPFAIL : EX_CONFIG;
    }
    intake_t in = {
        .store = redis_login_open(cfg, "intake", "intake", err, sizeof err),
        .submit = bus_submit_new(writ_config_get(cfg, "bus/submit", "tcp://127.0.0.1:5560"), keys),
        .parse = &ps, .worker = worker,
        .lease_ms = (uint64_t) writ_config_get_long(cfg, "pipeline/lease_ms", 10000),
        .extract_lease_ms = (uint64_t) writ_config_get_long(cfg, "extract/lease_ms",
            writ_config_get_long(cfg, "pipeline/lease_ms", 10000)),
        .max_pending = (uint64_t) writ_config_get_long(cfg, "intake/max_pending", 100000),
        .verify_requester = writ_config_get_bool(cfg, "intake/verify_requester", true),
    };
    bus_keys_destroy(&keys);
    int rc;
    if (!in.store) {
        log_error(NULL, "%s", err);
        rc = pipe_mode ? EX_TEMPFAIL : EX_CONFIG;
    }
    else if (!in.submit) {
        log_error(NULL, "cannot set up the bus");
        rc = EX_TEMPFAIL;
    }
    else if (pipe_mode)
        rc = run_stdin(&in, max_size, *envelope ? envelope : NULL);
    else {
        /* Bytes of messages in transfer, over every connection. */
        size_t data_in_flight = 0;
        lmtp_config_t lc = { .hostname = host, .max_message_size = max_size,
                             .accept_rcpt = accept_rcpt, .ctx = &rcpts,
                             .data_in_flight = &data_in_flight,
                             .data_budget = (size_t) writ_config_get_long(cfg,
                                 "intake/max_data_in_flight", 256L * 1024 * 1024) };
        rc = run_lmtp(&in, cfg, &lc);
    }
    bus_submit_destroy(&in.submit);
    case_store_destroy(&in.store);
    free_list(rcpts.addresses, rcpts.count);
    agencies_destroy(&agencies);
    parse_global_shutdown();
    writ_config_destroy(&cfg);
    return rc;
}
