/* pipe_delivery.c -- one message from standard input (see pipe_delivery.h). */
#include "pipe_delivery.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

/* Reads standard input up to a little over max_size (enough to tell that
 * it is larger). Returns the buffer (the caller frees it), or NULL with
 * *status set. */
static char *read_stdin(size_t max_size, size_t *len_out, int *status)
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
            *status = EX_TEMPFAIL;
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (!buf) {
        fprintf(stderr, "writ-intake: out of memory\n");
        *status = EX_TEMPFAIL;
        return NULL;
    }
    *len_out = len;
    return buf;
}

int pipe_delivery_run(intake_t *in, size_t max_size, const char *envelope)
{
    size_t len = 0;
    int status = EX_OK;
    char *buf = read_stdin(max_size, &len, &status);
    if (!buf)
        return status;
    if (len > max_size) {
        free(buf);
        fprintf(stderr, "writ-intake: message larger than %zu bytes\n", max_size);
        return EX_DATAERR;
    }
    char id[CASE_ID_LEN] = "", reason[512];
    deliver_status_t st =
        intake_deliver(in, buf, len, envelope, id, reason, sizeof reason);
    free(buf);
    fprintf(st == DELIVER_ACCEPTED || st == DELIVER_DUPLICATE ? stdout : stderr,
            "writ-intake: %s\n", reason);
    return st == DELIVER_TEMPFAIL || st == DELIVER_BUSY ? EX_TEMPFAIL
           : st == DELIVER_NOT_MAIL                     ? EX_DATAERR
                                                        : EX_OK;
}
