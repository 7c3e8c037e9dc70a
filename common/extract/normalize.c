/* normalize.c -- extract_normalize(): typographic characters folded to
 * ASCII before any rule reads the text.
 */
#include "extract.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static size_t utf8_seq(const unsigned char *p, size_t left, unsigned *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    size_t len = (p[0] & 0xE0) == 0xC0   ? 2
                 : (p[0] & 0xF0) == 0xE0 ? 3
                 : (p[0] & 0xF8) == 0xF0 ? 4
                                         : 1;
    if (len == 1 || len > left) {
        *cp = 0xFFFD;
        return 1;
    }
    unsigned v = p[0] & (0x7F >> len);
    for (size_t k = 1; k < len; k++)
        v = (v << 6) | (p[k] & 0x3F);
    *cp = v;
    return len;
}

/* ASCII replacement for a code point, "" to drop it, NULL to keep it. */
/* clang-format off */
static const char *fold_codepoint(unsigned cp)
{
    switch (cp) {
    case 0x00A0: case 0x2002: case 0x2003: case 0x2007: case 0x2009:
    case 0x200A: case 0x202F: case 0x205F: case 0x3000:
        return " ";
    case 0x00AD: case 0x200B: case 0x200C: case 0x200D: case 0xFEFF:
        return "";
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032:
        return "'";
    case 0x201C: case 0x201D: case 0x201E: case 0x2033:
        return "\"";
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
    case 0x2015: case 0x2212:
        return "-";
    default:
        return NULL;
    }
}
/* clang-format on */

char *extract_normalize(const char *text, size_t len, size_t *outlen)
{
    if (!text)
        len = 0;
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t sl = utf8_seq((const unsigned char *)text + i, len - i, &cp);
        const char *rep = cp >= 0x80 ? fold_codepoint(cp) : NULL;
        if (rep) {
            size_t rl = strlen(rep); /* never longer than the sequence */
            memcpy(out + j, rep, rl);
            j += rl;
        } else if (text[i] == '\0') {
            /* drop */
        } else if (text[i] == '\r') {
            if (!(i + 1 < len && text[i + 1] == '\n'))
                out[j++] = '\n';
        } else if (text[i] == ' ' && j > 0 && isdigit((unsigned char)out[j - 1]) &&
                   i + 2 < len && text[i + 1] == '(' &&
                   isalnum((unsigned char)text[i + 2]) &&
                   (i + 3 >= len || text[i + 3] == ')')) {
            /* "2705 (b)" -> "2705(b)": citations compare as one token */
        } else {
            memcpy(out + j, text + i, sl);
            j += sl;
        }
        i += sl;
    }
    out[j] = '\0';
    if (outlen)
        *outlen = j;
    return out;
}
