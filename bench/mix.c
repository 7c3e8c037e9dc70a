/* mix.c -- reads the benchmark's message mix file (see mix.h). */
#include "mix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The next "LEN\n" + LEN bytes record, NUL-terminated; NULL at the end. */
static char *read_record(FILE *f, size_t *len)
{
    unsigned long n;
    if (fscanf(f, "%lu", &n) != 1 || fgetc(f) != '\n')
        return NULL;
    char *buf = malloc(n + 1);
    if (!buf || fread(buf, 1, n, f) != n) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

mix_entry_t *mix_load(const char *path, size_t *count)
{
    *count = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    mix_entry_t *out = NULL;
    size_t n = 0, cap = 0, len;
    char *buf;
    while ((buf = read_record(f, &len)) != NULL) {
        char *tok = strstr(buf, MIX_TOKEN);
        if (!tok) {
            free(buf);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            mix_entry_t *grown = realloc(out, cap * sizeof *out);
            if (!grown) {
                free(buf);
                break;
            }
            out = grown;
        }
        out[n++] = (mix_entry_t){ buf, len, (size_t)(tok - buf) };
    }
    fclose(f);
    if (n == 0) {
        free(out);
        return NULL;
    }
    *count = n;
    return out;
}

void mix_free(mix_entry_t *entries, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(entries[i].data);
    free(entries);
}
