/* mail_charset.c -- a MIME part's text in UTF-8, whatever charset it
 * declares (or misdeclares): see mail_impl.h. Part of mail.c's decoding.
 */
#include "mail_impl.h"

#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>

static bool is_utf8_family(const char *cs)
{
    return !cs || !*cs || g_ascii_strcasecmp(cs, "utf-8") == 0 ||
           g_ascii_strcasecmp(cs, "utf8") == 0 ||
           g_ascii_strcasecmp(cs, "us-ascii") == 0 ||
           g_ascii_strcasecmp(cs, "ascii") == 0;
}

static bool is_latin1_family(const char *cs)
{
    return g_ascii_strcasecmp(cs, "iso-8859-1") == 0 ||
           g_ascii_strcasecmp(cs, "iso8859-1") == 0 ||
           g_ascii_strcasecmp(cs, "latin1") == 0 ||
           g_ascii_strcasecmp(cs, "latin-1") == 0;
}

static char *try_convert(const char *data, size_t len, const char *from, size_t *outlen)
{
    gsize written = 0;
    GError *e = NULL;
    char *r = g_convert(data, (gssize)len, "UTF-8", from, NULL, &written, &e);
    if (e) {
        g_error_free(e);
        g_free(r);
        return NULL;
    }
    *outlen = written;
    return r;
}

/* Legacy 8-bit text: windows-1252 is what "ISO-8859-1" mail really is;
 * plain Latin-1 never fails, so it is the last resort. */
static char *from_legacy(const char *data, size_t len, size_t *outlen)
{
    char *r = try_convert(data, len, "WINDOWS-1252", outlen);
    return r ? r : try_convert(data, len, "ISO-8859-1", outlen);
}

/* Drops NULs, turns CRLF / CR into LF, and repairs invalid UTF-8. */
static char *clean_text(char *g, size_t len, size_t *outlen)
{
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        char c = g[i];
        if (c == '\0')
            continue;
        if (c == '\r') {
            if (i + 1 < len && g[i + 1] == '\n')
                continue;
            c = '\n';
        }
        g[j++] = c;
    }
    char *valid = g_utf8_make_valid(g, (gssize)j);
    g_free(g);
    char *out = valid ? strdup(valid) : NULL;
    g_free(valid);
    if (out && outlen)
        *outlen = strlen(out);
    return out;
}

/* Bytes in charset cs to clean UTF-8 (malloc'ed). */
char *mail_to_utf8(const char *data, size_t len, const char *cs, size_t *outlen)
{
    char *r = NULL;
    size_t n = 0;
    if (is_utf8_family(cs) || !cs) {
        if (g_utf8_validate(data, (gssize)len, NULL)) {
            r = g_strndup(data, len);
            n = len;
        } else if (!memchr(data, '\0', len)) {
            r = from_legacy(data, len, &n);
        }
    } else if (is_latin1_family(cs)) {
        r = from_legacy(data, len, &n);
    } else {
        r = try_convert(data, len, g_mime_charset_iconv_name(cs), &n);
        if (!r && !g_utf8_validate(data, (gssize)len, NULL))
            r = from_legacy(data, len, &n);
    }
    if (!r) { /* e.g. NULs inside UTF-8: let clean_text repair it */
        r = g_malloc(len + 1);
        memcpy(r, data, len);
        r[len] = '\0';
        n = len;
    }
    return r ? clean_text(r, n, outlen) : NULL;
}
