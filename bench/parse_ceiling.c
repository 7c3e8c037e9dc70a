/* parse_ceiling -- the benchmark's parse-only ceiling: what `writctl parse`
 * does (parse_message: GMime decoding + extraction), in one process on one
 * core, over the benchmark mix, without process start-up per message.
 *
 *   parse_ceiling --mix FILE [--count N] [--seconds S]
 *
 * Reads the same mix file as lmtp_blast (wire form: CRLF, dot-stuffed;
 * un-stuffed here as intake's LMTP session does) and prints one JSON line:
 * messages, seconds (CPU time of this thread), msgs_per_s, mb_per_s.
 */
#include "config.h"
#include "parse.h"
#include "parse_config.h"
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sysexits.h>

#include "mix.h"

/* "..x" at a line start was dot-stuffed on the wire: undo it in place. */
static size_t unstuff(char *s, size_t len)
{
    size_t w = 0;
    for (size_t r = 0; r < len; r++) {
        if (s[r] == '.' && (r == 0 || s[r - 1] == '\n') && r + 1 < len && s[r + 1] == '.')
            continue;
        s[w++] = s[r];
    }
    return w;
}

/* The mix is in wire form: un-stuff each template as intake's LMTP
 * session does, and find its token again. */
static void unstuff_mix(mix_entry_t *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        m[i].len = unstuff(m[i].data, m[i].len);
        m[i].data[m[i].len] = '\0';
        m[i].token_at = (size_t)(strstr(m[i].data, MIX_TOKEN) - m[i].data);
    }
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Message i of the mix with its own Message-ID, as the load client sends. */
static char *build(const mix_entry_t *m, long i, size_t *len)
{
    char id[64];
    int idn = snprintf(id, sizeof id, "bench-parse-%ld@load.example", i);
    size_t tail = m->len - m->token_at - strlen(MIX_TOKEN);
    char *buf = malloc(m->len + (size_t)idn + 1);
    if (!buf)
        return NULL;
    memcpy(buf, m->data, m->token_at);
    memcpy(buf + m->token_at, id, (size_t)idn);
    memcpy(buf + m->token_at + idn, m->data + m->token_at + strlen(MIX_TOKEN), tail);
    *len = m->token_at + (size_t)idn + tail;
    buf[*len] = '\0';
    return buf;
}

int main(int argc, char **argv)
{
    const char *mix = NULL;
    long count = 20000;
    double seconds = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--mix"))
            mix = argv[i + 1];
        else if (!strcmp(argv[i], "--count"))
            count = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--seconds"))
            seconds = atof(argv[i + 1]);
    }
    size_t n = 0;
    mix_entry_t *msgs = mix ? mix_load(mix, &n) : NULL;
    if (!msgs) {
        fprintf(stderr, "usage: parse_ceiling --mix FILE [--count N] [--seconds S]\n");
        return EX_USAGE;
    }
    unstuff_mix(msgs, n);
    char err[256];
    writ_config_t *cfg = writ_config_load(NULL, err, sizeof err);
    parse_global_init();
    parse_settings_t ps;
    agencies_t *agencies = NULL;
    if (!cfg || parse_settings_load(cfg, &ps, &agencies, err, sizeof err) != 0) {
        fprintf(stderr, "parse_ceiling: %s\n", err);
        return EX_CONFIG;
    }
    double t0 = cpu_seconds(), bytes = 0;
    long done = 0;
    for (; done < count; done++) {
        if (seconds > 0 && (done & 63) == 0 && cpu_seconds() - t0 > seconds)
            break;
        size_t len = 0;
        char *raw = build(&msgs[(size_t)done % n], done, &len);
        if (!raw)
            break;
        request_t *req = request_new();
        parse_message(&ps, raw, len, req, err, sizeof err);
        request_destroy(&req);
        bytes += (double)len;
        free(raw);
    }
    double dt = cpu_seconds() - t0;
    printf("{\"messages\": %ld, \"cpu_s\": %.3f, \"msgs_per_s\": %.1f, \"mb_per_s\": "
           "%.2f}\n",
           done, dt, dt > 0 ? (double)done / dt : 0, dt > 0 ? bytes / dt / 1e6 : 0);
    mix_free(msgs, n);
    agencies_destroy(&agencies);
    parse_global_shutdown();
    writ_config_destroy(&cfg);
    return 0;
}
