/* document_isolate.c -- document_convert_isolated(): each document is
 * converted in a forked child, so a decoder that crashes, loops or
 * allocates without end on crafted input costs that child, never the
 * worker or the case.
 *
 * The child closes every descriptor it inherited (Redis, the bus, client
 * sockets) but the result pipe, puts stdio on /dev/null, dies with its
 * parent, and runs under setrlimit: CPU seconds, address space (not under
 * AddressSanitizer, whose shadow map needs terabytes of it), no files, no
 * core. The parent reads the result with a wall-clock deadline and a cap
 * on its size, and kills the child past either.
 *
 * Wire format of the result: a fixed header, then text_len bytes.
 */
#define _GNU_SOURCE
#include "document.h"
#include "document_impl.h"

#include <errno.h>
#include <glib.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sysexits.h>

#if defined(__SANITIZE_ADDRESS__)
#define WRIT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WRIT_ASAN 1
#endif
#endif

typedef struct {
    int32_t status; /* 0 or -1 */
    int32_t pages, ocr_pages, method, confidence;
    uint64_t text_len;
    char error[256];
} wire_result_t;

static void limit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit rl = { .rlim_cur = soft, .rlim_max = hard };
    setrlimit(resource, &rl);
}

static bool write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Tests make a child crash on purpose (there is no decoder crash to rely
 * on): only when WRIT_TEST_FAULTS=1 and the document carries the marker. */
static void injected_fault(const void *data, size_t len)
{
    const char *on = getenv("WRIT_TEST_FAULTS");
    static const char marker[] = "WRIT-TEST-CRASH";
    if (on && !strcmp(on, "1") && len >= sizeof marker - 1 &&
        memmem(data, len, marker, sizeof marker - 1))
        raise(SIGSEGV);
}

static void close_inherited(int keep)
{
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    if (keep > 3)
        close_range(3, (unsigned)keep - 1, 0);
    close_range((unsigned)keep + 1, ~0u, 0);
}

/* The parent's handlers (the stage's SIGTERM flag, a test harness's
 * SIGSEGV catcher) are not the child's: a decoder's fault must end it. */
static void default_signals(void)
{
    static const int sigs[] = { SIGSEGV, SIGBUS,  SIGILL, SIGFPE,  SIGABRT,
                                SIGXCPU, SIGTERM, SIGINT, SIGPIPE, SIGHUP };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static void child(const document_settings_t *s, doc_kind_t kind, const void *data,
                  size_t len, int wfd)
{
    default_signals();
    int keep = fcntl(wfd, F_DUPFD, 3);
    if (keep < 0)
        _exit(EX_SOFTWARE);
    close_inherited(keep);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    limit(RLIMIT_CPU, (rlim_t)s->cpu_seconds, (rlim_t)s->cpu_seconds + 1);
    limit(RLIMIT_CORE, 0, 0);
    limit(RLIMIT_FSIZE, 0, 0);
#ifndef WRIT_ASAN
    limit(RLIMIT_AS, (rlim_t)s->memory_mb << 20, (rlim_t)s->memory_mb << 20);
#endif
    /* Below the daemons: a gateway's 250 must not wait for OCR on the
     * same cores (the wall-clock timeout still bounds a starved child). */
    if (s->nice > 0)
        setpriority(PRIO_PROCESS, 0, s->nice);
    setenv("OMP_THREAD_LIMIT", "1", 1);
    injected_fault(data, len);

    document_result_t res;
    int rc = document_convert(s, kind, data, len, &res);
    wire_result_t w = {
        .status = rc,
        .pages = res.pages,
        .ocr_pages = res.ocr_pages,
        .method = (int32_t)res.method,
        .confidence = res.confidence,
        .text_len = rc == 0 ? res.text_len : 0,
    };
    memcpy(w.error, res.error, sizeof w.error);
    bool ok = write_all(keep, &w, sizeof w) &&
              (w.text_len == 0 || write_all(keep, res.text, w.text_len));
    _exit(ok ? EX_OK : EX_IOERR);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef enum { READ_DONE, READ_TIMEOUT, READ_TOO_BIG, READ_ERROR } read_end_t;

/* Everything the child writes, until EOF, the deadline or max bytes. */
static read_end_t read_child(int fd, long long deadline, size_t max, GByteArray *buf)
{
    char chunk[65536];
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return READ_TIMEOUT;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, left > 1000 ? 1000 : (int)left);
        if (r < 0 && errno != EINTR)
            return READ_ERROR;
        if (r <= 0)
            continue;
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return READ_ERROR;
        if (n == 0)
            return READ_DONE;
        if (buf->len + (size_t)n > max)
            return READ_TOO_BIG;
        g_byte_array_append(buf, (const guint8 *)chunk, (guint)n);
    }
}

static void explain_status(const document_settings_t *s, int status,
                           document_result_t *out)
{
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGXCPU)
            snprintf(out->error, sizeof out->error,
                     "conversion used more than %d CPU seconds (limit)", s->cpu_seconds);
        else
            snprintf(out->error, sizeof out->error,
                     "converter crashed (signal %d, %s; memory limit %ld MB)", sig,
                     strsignal(sig), s->memory_mb);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        snprintf(out->error, sizeof out->error, "converter failed (exit status %d)",
                 WEXITSTATUS(status));
    } else {
        snprintf(out->error, sizeof out->error, "converter ended without a result");
    }
}

static int decode_result(const GByteArray *buf, document_result_t *out)
{
    wire_result_t w;
    if (buf->len < sizeof w)
        return -1;
    memcpy(&w, buf->data, sizeof w);
    if (w.text_len != buf->len - sizeof w)
        return -1;
    out->pages = w.pages;
    out->ocr_pages = w.ocr_pages;
    out->method = (doc_method_t)w.method;
    out->confidence = w.confidence;
    memcpy(out->error, w.error, sizeof out->error);
    out->error[sizeof out->error - 1] = '\0';
    if (w.status != 0)
        return 1;
    out->text = malloc(w.text_len + 1);
    if (!out->text)
        return -1;
    memcpy(out->text, buf->data + sizeof w, w.text_len);
    out->text[w.text_len] = '\0';
    out->text_len = w.text_len;
    return 0;
}

int document_convert_isolated(const document_settings_t *settings, doc_kind_t kind,
                              const void *data, size_t len, document_result_t *out)
{
    document_settings_t defaults;
    settings = document_begin(settings, &defaults, out);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(out->error, sizeof out->error, "cannot start a converter: %s",
                 strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(out->error, sizeof out->error, "cannot start a converter: %s",
                 strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0)
        child(settings, kind, data, len, fds[1]);
    close(fds[1]);

    GByteArray *buf = g_byte_array_new();
    long long deadline = now_ms() + (long long)settings->timeout_seconds * 1000;
    read_end_t end =
        read_child(fds[0], deadline, sizeof(wire_result_t) + settings->max_text + 1, buf);
    close(fds[0]);
    if (end != READ_DONE)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int rc = -1;
    if (end == READ_TIMEOUT)
        snprintf(out->error, sizeof out->error,
                 "conversion took longer than %d seconds (limit)",
                 settings->timeout_seconds);
    else if (end == READ_TOO_BIG)
        snprintf(out->error, sizeof out->error, "its text exceeds %zu bytes",
                 settings->max_text);
    else if (end == READ_ERROR)
        snprintf(out->error, sizeof out->error, "lost the converter's result");
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        int d = decode_result(buf, out);
        rc = d == 0 ? 0 : -1;
        if (d < 0)
            snprintf(out->error, sizeof out->error,
                     "converter returned a malformed result");
    } else {
        explain_status(settings, status, out);
    }
    g_byte_array_free(buf, TRUE);
    if (rc != 0) {
        free(out->text);
        out->text = NULL;
        out->text_len = 0;
    }
    return rc;
}
