/* lmtp_blast -- the benchmark's mail gateway stand-in: delivers N messages
 * over LMTP (or SMTP, to put a real gateway in front) from C concurrent
 * connections, optionally at a fixed overall rate, and records for every
 * message when its data was sent and when the 250 came back.
 *
 * It is C and not Python so that the load client costs little CPU on a
 * 2-core machine: the bench reports its CPU time next to writ's.
 *
 *   lmtp_blast --port P --mix FILE --count N [--conns C] [--rate R]
 *              [--smtp] [--run-id S] [--out FILE] [--deadline S]
 *
 * The mix file (bench/genmix.py) holds templates in wire form (CRLF, dot
 * stuffed, no final "."), each as "LEN\n" then LEN bytes, with the token
 * @@MSGID@@ where the Message-ID goes: message i gets
 * <bench-{run-id}-{i}@load.example>, so every delivery is a new case.
 *
 * Prints one JSON line: accepted, refused, retries, failed, first and last
 * 250 (µs since the epoch), elapsed, rate, and the client's CPU seconds.
 * --out writes "i template t_data_us t_250_us code case_id" per message.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <sysexits.h>

#include "mix.h"

typedef struct {
    int64_t t_data_us, t_reply_us;
    int code;
    int tmpl;
    char case_id[20];
} result_t;

static struct {
    const char *host;
    int port;
    int conns;
    long count;
    double rate;
    int smtp;
    const char *run_id;
    const char *out;
    double deadline_s;
    mix_entry_t *tmpl;
    size_t ntmpl;
    result_t *results;
    atomic_long next;
    atomic_long accepted, refused, retries, failed;
    int64_t t0_us;
} g = {
    .host = "127.0.0.1", .conns = 4, .count = 1000, .run_id = "run", .deadline_s = 600
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- one connection -------------------------------------------------------- */

typedef struct {
    int fd;
    char buf[8192];
    size_t len;
} conn_t;

static int send_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads one (possibly multi-line) reply; returns its code, -1 on EOF.
 * The last line's text goes to text. */
static int read_reply(conn_t *c, char *text, size_t text_len)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        if (nl) {
            size_t line = (size_t)(nl - c->buf) + 1;
            int last = line >= 4 && c->buf[3] != '-';
            int code = atoi(c->buf);
            if (last && text)
                snprintf(text, text_len, "%.*s", (int)line, c->buf);
            memmove(c->buf, c->buf + line, c->len - line);
            c->len -= line;
            if (last)
                return code;
            continue;
        }
        if (c->len == sizeof c->buf)
            c->len = 0; /* an absurd line: drop it */
        ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        c->len += (size_t)n;
    }
}

static int open_conn(conn_t *c)
{
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_port = htons((uint16_t)g.port) };
    inet_pton(AF_INET, g.host, &sa.sin_addr);
    c->len = 0;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        goto fail;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char hello[64];
    snprintf(hello, sizeof hello, "%s bench.load.example\r\n", g.smtp ? "EHLO" : "LHLO");
    if (read_reply(c, NULL, 0) != 220 || send_all(c->fd, hello, strlen(hello)) != 0 ||
        read_reply(c, NULL, 0) != 250)
        goto fail;
    return 0;
fail:
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    return -1;
}

/* Sends message i; returns the final reply code (-1: connection lost). */
static int send_message(conn_t *c, long i, result_t *res)
{
    static const char *envelope =
        "MAIL FROM:<gateway@bench.load.example>\r\n"
        "RCPT TO:<legal-requests@northwind-cloud.example>\r\nDATA\r\n";
    const mix_entry_t *t = &g.tmpl[(size_t)i % g.ntmpl];
    const char *tail = t->data + t->token_at + strlen(MIX_TOKEN);
    char msgid[96], text[512];
    int n = snprintf(msgid, sizeof msgid, "bench-%s-%ld@load.example", g.run_id, i);
    /* MAIL, RCPT and DATA in one write (both servers offer PIPELINING). */
    if (send_all(c->fd, envelope, strlen(envelope)) != 0)
        return -1;
    int mail = read_reply(c, NULL, 0), rcpt = read_reply(c, NULL, 0),
        data = read_reply(c, text, sizeof text);
    if (mail < 0 || rcpt < 0 || data < 0)
        return -1;
    if (data != 354)
        return mail != 250 ? mail : rcpt != 250 ? rcpt : data;
    res->t_data_us = now_us();
    if (send_all(c->fd, t->data, t->token_at) != 0 ||
        send_all(c->fd, msgid, (size_t)n) != 0 ||
        send_all(c->fd, tail, (size_t)(t->data + t->len - tail)) != 0 ||
        send_all(c->fd, ".\r\n", 3) != 0)
        return -1;
    int code = read_reply(c, text, sizeof text);
    res->t_reply_us = now_us();
    char *cs = strstr(text, "case c");
    if (cs)
        sscanf(cs + 5, "%17[0-9a-f]", res->case_id);
    return code;
}

static void pace(long i)
{
    if (g.rate <= 0)
        return;
    int64_t due = g.t0_us + (int64_t)((double)i * 1e6 / g.rate);
    int64_t wait = due - now_us();
    if (wait > 0) {
        struct timespec ts = { wait / 1000000, (wait % 1000000) * 1000 };
        nanosleep(&ts, NULL);
    }
}

static void *worker(void *arg)
{
    (void)arg;
    conn_t c = { .fd = -1 };
    int64_t end_by = g.t0_us + (int64_t)(g.deadline_s * 1e6);
    long i;
    while ((i = atomic_fetch_add(&g.next, 1)) < g.count) {
        pace(i);
        result_t *res = &g.results[i];
        res->tmpl = (int)((size_t)i % g.ntmpl);
        for (;;) {
            if (now_us() > end_by) {
                atomic_fetch_add(&g.failed, 1);
                break;
            }
            if (c.fd < 0 && open_conn(&c) != 0) {
                usleep(100000);
                continue;
            }
            int code = send_message(&c, i, res);
            res->code = code;
            if (code == 250) {
                atomic_fetch_add(&g.accepted, 1);
                break;
            }
            if (code >= 500) {
                atomic_fetch_add(&g.refused, 1);
                send_all(c.fd, "RSET\r\n", 6);
                read_reply(&c, NULL, 0);
                break;
            }
            /* 4xx or a lost connection: a gateway keeps it and retries. */
            atomic_fetch_add(&g.retries, 1);
            if (code < 0) {
                close(c.fd);
                c.fd = -1;
            } else {
                send_all(c.fd, "RSET\r\n", 6);
                read_reply(&c, NULL, 0);
            }
            usleep(50000);
        }
    }
    if (c.fd >= 0) {
        send_all(c.fd, "QUIT\r\n", 6);
        read_reply(&c, NULL, 0);
        close(c.fd);
    }
    return NULL;
}

/* ---- main ------------------------------------------------------------------ */

static int usage(void)
{
    fprintf(stderr,
            "usage: lmtp_blast --port P --mix FILE --count N [--conns C] "
            "[--rate R] [--smtp] [--run-id S] [--out FILE] [--deadline S] [--host IP]\n");
    return EX_USAGE;
}

static int parse_args(int argc, char **argv, const char **mix)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--smtp")) {
            g.smtp = 1;
            continue;
        }
        if (!v)
            return -1;
        if (!strcmp(a, "--port"))
            g.port = atoi(v);
        else if (!strcmp(a, "--host"))
            g.host = v;
        else if (!strcmp(a, "--mix"))
            *mix = v;
        else if (!strcmp(a, "--count"))
            g.count = atol(v);
        else if (!strcmp(a, "--conns"))
            g.conns = atoi(v);
        else if (!strcmp(a, "--rate"))
            g.rate = atof(v);
        else if (!strcmp(a, "--run-id"))
            g.run_id = v;
        else if (!strcmp(a, "--out"))
            g.out = v;
        else if (!strcmp(a, "--deadline"))
            g.deadline_s = atof(v);
        else
            return -1;
        i++;
    }
    return g.port > 0 && *mix && g.count > 0 && g.conns > 0 ? 0 : -1;
}

static void write_results(void)
{
    FILE *f = fopen(g.out, "w");
    if (!f) {
        perror(g.out);
        return;
    }
    for (long i = 0; i < g.count; i++) {
        result_t *r = &g.results[i];
        fprintf(f, "%ld %d %lld %lld %d %s\n", i, r->tmpl, (long long)r->t_data_us,
                (long long)r->t_reply_us, r->code, r->case_id[0] ? r->case_id : "-");
    }
    fclose(f);
}

static void summary(int64_t t_end)
{
    int64_t first = 0, last = 0;
    for (long i = 0; i < g.count; i++) {
        result_t *r = &g.results[i];
        if (r->code != 250)
            continue;
        if (!first || r->t_reply_us < first)
            first = r->t_reply_us;
        if (r->t_reply_us > last)
            last = r->t_reply_us;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double elapsed = (double)(t_end - g.t0_us) / 1e6;
    printf("{\"accepted\": %ld, \"refused\": %ld, \"retries\": %ld, \"failed\": %ld, "
           "\"first_250_us\": %lld, \"last_250_us\": %lld, \"elapsed_s\": %.3f, "
           "\"accept_rate\": %.1f, \"cpu_user_s\": %.3f, \"cpu_sys_s\": %.3f}\n",
           atomic_load(&g.accepted), atomic_load(&g.refused), atomic_load(&g.retries),
           atomic_load(&g.failed), (long long)first, (long long)last, elapsed,
           elapsed > 0 ? (double)atomic_load(&g.accepted) / elapsed : 0.0,
           (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
}

int main(int argc, char **argv)
{
    const char *mix = NULL;
    if (parse_args(argc, argv, &mix) != 0)
        return usage();
    if (!(g.tmpl = mix_load(mix, &g.ntmpl))) {
        fprintf(stderr, "lmtp_blast: no templates in %s\n", mix);
        return EX_NOINPUT;
    }
    g.results = calloc((size_t)g.count, sizeof *g.results);
    pthread_t *th = calloc((size_t)g.conns, sizeof *th);
    if (!g.results || !th)
        return EX_OSERR;
    g.t0_us = now_us();
    for (int i = 0; i < g.conns; i++)
        pthread_create(&th[i], NULL, worker, NULL);
    for (int i = 0; i < g.conns; i++)
        pthread_join(th[i], NULL);
    int64_t t_end = now_us();
    summary(t_end);
    if (g.out)
        write_results();
    free(th);
    free(g.results);
    mix_free(g.tmpl, g.ntmpl);
    return atomic_load(&g.failed) ? 1 : 0;
}
