/* lmtp_server.c -- the listening socket and the poll() loop (see
 * lmtp_server.h). One round: wait for the listener, the clients and, while
 * a batch is in flight, Redis; accept, read and flush what is ready; hand
 * whole messages to the batch pipeline; close idle and finished clients.
 */
#define _GNU_SOURCE
#include "lmtp_server.h"
#include "batch_pipeline.h"
#include "client.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <sys/socket.h>

typedef struct {
    intake_t *in;
    const lmtp_server_settings_t *settings;
    lmtp_config_t *lc;
    int lfd;
    client_t *clients; /* settings->max_clients slots */
    /* The listener, every client, and Redis while a batch is in flight. */
    struct pollfd *pfds;
    batch_pipeline_t *pipeline;
} server_t;

static int listen_on(const char *spec)
{
    char host[256] = "127.0.0.1", port[16] = "2424";
    const char *colon = strrchr(spec, ':');
    if (colon) {
        snprintf(host, sizeof host, "%.*s", (int)(colon - spec), spec);
        snprintf(port, sizeof port, "%s", colon + 1);
    } else
        snprintf(port, sizeof port, "%s", spec);
    struct addrinfo hints = { .ai_family = AF_UNSPEC,
                              .ai_socktype = SOCK_STREAM,
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

/* The peer's address as text ("" when unknown: then not limited). */
static void peer_address(const struct sockaddr_storage *ss, char *out, size_t len)
{
    out[0] = '\0';
    if (ss->ss_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, out,
                  (socklen_t)len);
    else if (ss->ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, out,
                  (socklen_t)len);
}

/* Connections open from addr. */
static size_t clients_from(const server_t *s, const char *addr)
{
    size_t n = 0;
    for (size_t i = 0; *addr && i < s->settings->max_clients; i++)
        n += s->clients[i].fd >= 0 && !strcmp(s->clients[i].addr, addr);
    return n;
}

static void refuse_client(int fd, const char *reply)
{
    if (send(fd, reply, strlen(reply), MSG_NOSIGNAL) < 0) { /* closing anyway */
    }
    close(fd);
}

/* Takes a new connection into a free slot, or refuses it (421) when the
 * server or its address has too many. */
static void accept_client(server_t *s)
{
    struct sockaddr_storage peer;
    socklen_t peer_len = sizeof peer;
    int fd = accept4(s->lfd, (struct sockaddr *)&peer, &peer_len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    char addr[INET6_ADDRSTRLEN] = "";
    peer_address(&peer, addr, sizeof addr);
    size_t max_clients = s->settings->max_clients, slot = 0;
    while (slot < max_clients && s->clients[slot].fd >= 0)
        slot++;
    if (slot == max_clients)
        refuse_client(fd, "421 4.3.2 too many connections, try again later\r\n");
    else if (s->settings->max_per_address > 0 &&
             clients_from(s, addr) >= s->settings->max_per_address) {
        static log_limit_t limit;
        unsigned long count;
        if (log_limit_allow(&limit, &count))
            log_warn(NULL,
                     "%lu connection(s) refused: over "
                     "intake/max_clients_per_address",
                     count);
        refuse_client(fd, "421 4.7.0 too many connections from your "
                          "address, try again later\r\n");
    } else {
        client_t *c = &s->clients[slot];
        *c = (client_t){ .fd = fd,
                         .session = lmtp_session_new(s->lc),
                         .last_activity = writ_now_ms() };
        snprintf(c->addr, sizeof c->addr, "%s", addr);
        lmtp_session_greet(c->session);
        client_flush(c);
    }
}

/* Fills s->pfds: the listener first, the clients to read or flush, and
 * last the store's socket (*redis_fd, -1 when no batch is in flight or
 * its replies are in already). Returns how many. */
static size_t build_pollset(server_t *s, int *redis_fd)
{
    size_t n = 0;
    s->pfds[n++] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
    for (size_t i = 0; i < s->settings->max_clients; i++) {
        client_t *c = &s->clients[i];
        if (c->fd < 0)
            continue;
        size_t pending;
        lmtp_session_output(c->session, &pending);
        /* In flight, a client is not read (its next message waits for
         * the reply) and one that hung up is not flushed: polling it
         * would only spin until the batch lands. */
        short events = (short)(client_takes_input(c) ? POLLIN : 0);
        if (pending && !(c->in_flight && c->closing))
            events |= POLLOUT;
        if (events)
            s->pfds[n++] = (struct pollfd){ .fd = c->fd, .events = events };
    }
    /* A batch in flight: its replies wake the loop too. */
    *redis_fd = batch_pipeline_in_flight(s->pipeline) ? case_store_fd(s->in->store) : -1;
    if (*redis_fd >= 0)
        s->pfds[n++] = (struct pollfd){ .fd = *redis_fd, .events = POLLIN };
    return n;
}

/* Reads and flushes one client as poll() found it. */
static void serve_client(client_t *c, short revents)
{
    if (!c->in_flight && (revents & (POLLIN | POLLHUP | POLLERR))) {
        if (client_takes_input(c))
            client_read(c);
        else if (revents & (POLLHUP | POLLERR))
            c->closing = true; /* gone while held back */
    }
    if (revents & POLLOUT) {
        client_flush(c);
        /* Replies went out: what it sent meanwhile is taken again. */
        if (!c->in_flight && !c->awaiting && c->in_len > 0 &&
            !lmtp_session_output_full(c->session))
            client_process(c);
    }
}

static void serve_clients(server_t *s, size_t n)
{
    for (size_t i = 0; i < s->settings->max_clients; i++) {
        client_t *c = &s->clients[i];
        if (c->fd < 0)
            continue;
        for (size_t k = 1; k < n; k++)
            if (s->pfds[k].fd == c->fd) {
                serve_client(c, s->pfds[k].revents);
                break;
            }
    }
}

/* Closes the clients that finished, and those idle too long. */
static void close_finished(server_t *s)
{
    for (size_t i = 0; i < s->settings->max_clients; i++) {
        client_t *c = &s->clients[i];
        if (c->fd < 0 || c->in_flight)
            continue; /* its session holds what Redis stores */
        uint64_t now = writ_now_ms();
        if (!c->closing && now > c->last_activity &&
            now - c->last_activity > s->settings->timeout_ms) {
            lmtp_session_abort(c->session, "421 4.4.2 idle timeout, closing");
            c->closing = true;
        }
        if (c->closing)
            client_close(c);
    }
}

/* One round of the loop; false when poll() failed. */
static bool serve_round(server_t *s)
{
    batch_pipeline_heartbeat(s->pipeline);
    int redis_fd;
    size_t n = build_pollset(s, &redis_fd);
    bool flying = batch_pipeline_in_flight(s->pipeline);
    int rc = poll(s->pfds, (nfds_t)n, flying && redis_fd < 0 ? 0 : 1000);
    if (rc < 0 && errno != EINTR)
        return false;
    if (rc > 0 && (s->pfds[0].revents & POLLIN))
        accept_client(s);
    serve_clients(s, n);
    bool redis_ready =
        redis_fd < 0 ||
        (rc > 0 && (s->pfds[n - 1].revents & (POLLIN | POLLERR | POLLHUP)));
    batch_pipeline_deliver_waiting(s->pipeline, s->clients, s->settings->max_clients,
                                   redis_ready);
    close_finished(s);
    return true;
}

static void server_close(server_t *s)
{
    batch_pipeline_destroy(&s->pipeline); /* lands the batch in flight */
    log_info(NULL, "stopping: closing connections");
    for (size_t i = 0; s->clients && i < s->settings->max_clients; i++)
        if (s->clients[i].fd >= 0) {
            lmtp_session_abort(s->clients[i].session, "421 4.3.2 service shutting down");
            client_close(&s->clients[i]);
        }
    free(s->clients);
    free(s->pfds);
    close(s->lfd);
}

int lmtp_server_run(intake_t *in, const lmtp_server_settings_t *settings,
                    lmtp_config_t *lc, volatile sig_atomic_t *stop)
{
    server_t s = {
        .in = in, .settings = settings, .lc = lc, .lfd = listen_on(settings->listen)
    };
    if (s.lfd < 0) {
        log_error(NULL, "cannot listen on %s: %s", settings->listen, strerror(errno));
        return EX_UNAVAILABLE;
    }
    s.clients = calloc(settings->max_clients, sizeof *s.clients);
    s.pfds = calloc(settings->max_clients + 2, sizeof *s.pfds);
    if (!s.clients || !s.pfds) {
        free(s.clients);
        free(s.pfds);
        close(s.lfd);
        return EX_TEMPFAIL;
    }
    for (size_t i = 0; i < settings->max_clients; i++)
        s.clients[i].fd = -1;
    log_notice(NULL, "ready: LMTP on %s", settings->listen);
    s.pipeline = batch_pipeline_new(in);
    if (!s.pipeline) {
        free(s.clients);
        free(s.pfds);
        close(s.lfd);
        return EX_TEMPFAIL;
    }
    while (!*stop && serve_round(&s))
        ;
    server_close(&s);
    return EX_OK;
}
