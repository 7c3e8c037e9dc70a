/* envelope.c -- the custody line of a delivery (see envelope.h). */
#include "envelope.h"

#include <stdio.h>
#include <string.h>

void envelope_start(char *buf, size_t len, const char *sender)
{
    snprintf(buf, len, "from=<%s> to=", sender ? sender : "");
}

void envelope_add_recipient(char *buf, size_t len, const char *rcpt)
{
    size_t n = strlen(buf);
    if (len < 4 || n + 1 >= len)
        return;
    int w =
        snprintf(buf + n, len - n, "%s<%s>", n > 0 && buf[n - 1] != '=' ? "," : "", rcpt);
    if (w < 0 || (size_t)w >= len - n)
        memcpy(buf + len - 4, "...", 4);
}
