/* mix.h -- the benchmark's message mix file, shared by lmtp_blast and
 * parse_ceiling. bench/genmix.py writes templates in wire form (CRLF, dot
 * stuffed, no final "."), each as "LEN\n" then LEN bytes, with the token
 * @@MSGID@@ where each message's own Message-ID goes.
 */
#ifndef WRIT_BENCH_MIX_H
#define WRIT_BENCH_MIX_H

#include <stddef.h>

#define MIX_TOKEN "@@MSGID@@"

typedef struct {
    char *data; /* the template, NUL-terminated (owned) */
    size_t len;
    size_t token_at; /* where MIX_TOKEN starts */
} mix_entry_t;

/* Reads every template that holds the token; NULL (count 0) when the file
 * cannot be read or holds none. Free with mix_free. */
mix_entry_t *mix_load(const char *path, size_t *count);
void mix_free(mix_entry_t *entries, size_t count);

#endif
