/* mail_html.c -- HTML to plain text for extraction (mail_html_to_text,
 * mail.h): block elements become line breaks, entities are decoded,
 * scripts and styles dropped, link targets kept. Bounded and defensive:
 * the input is whatever arrived by e-mail.
 */
#include "mail.h"
#include "mail_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

/* clang-format off */
static const struct {
    const char *name;
    const char *utf8;
} html_entities[] = {
    {"amp", "&"},       {"lt", "<"},        {"gt", ">"},
    {"quot", "\""},     {"apos", "'"},      {"nbsp", " "},
    {"sect", "\xc2\xa7"}, {"middot", "\xc2\xb7"}, {"ndash", "\xe2\x80\x93"},
    {"mdash", "\xe2\x80\x94"}, {"lsquo", "\xe2\x80\x98"},
    {"rsquo", "\xe2\x80\x99"}, {"ldquo", "\xe2\x80\x9c"},
    {"rdquo", "\xe2\x80\x9d"}, {"hellip", "\xe2\x80\xa6"},
    {"bull", "\xe2\x80\xa2"}, {"copy", "\xc2\xa9"}, {"reg", "\xc2\xae"},
    {"trade", "\xe2\x84\xa2"}, {"laquo", "\xc2\xab"}, {"raquo", "\xc2\xbb"},
    {"deg", "\xc2\xb0"}, {"para", "\xc2\xb6"}, {"euro", "\xe2\x82\xac"},
    {"pound", "\xc2\xa3"}, {"shy", ""}, {"ensp", " "}, {"emsp", " "},
    {"thinsp", " "}, {"zwnj", ""}, {"zwj", ""},
    {"auml", "\xc3\xa4"}, {"ouml", "\xc3\xb6"}, {"uuml", "\xc3\xbc"},
    {"Auml", "\xc3\x84"}, {"Ouml", "\xc3\x96"}, {"Uuml", "\xc3\x9c"},
    {"szlig", "\xc3\x9f"}, {"eacute", "\xc3\xa9"}, {"Eacute", "\xc3\x89"},
    {"egrave", "\xc3\xa8"}, {"aacute", "\xc3\xa1"}, {"Aacute", "\xc3\x81"},
    {"iacute", "\xc3\xad"}, {"Iacute", "\xc3\x8d"}, {"oacute", "\xc3\xb3"},
    {"Oacute", "\xc3\x93"}, {"uacute", "\xc3\xba"}, {"Uacute", "\xc3\x9a"},
    {"agrave", "\xc3\xa0"}, {"ccedil", "\xc3\xa7"}, {"ntilde", "\xc3\xb1"},
    {"ecirc", "\xc3\xaa"}, {"ocirc", "\xc3\xb4"},
};
/* clang-format on */

/* Decodes the entity at h[i] == '&'. Appends to out, returns bytes used
 * (0: not an entity, caller copies the '&'). */
static size_t decode_entity(const char *h, size_t len, size_t i, GString *out)
{
    size_t j = i + 1;
    if (j < len && h[j] == '#') {
        j++;
        bool hex = j < len && (h[j] == 'x' || h[j] == 'X');
        if (hex)
            j++;
        unsigned long cp = 0;
        size_t digits = 0;
        while (j < len && digits < 8 &&
               (hex ? isxdigit((unsigned char)h[j]) : isdigit((unsigned char)h[j]))) {
            cp = cp * (hex ? 16 : 10) +
                 (unsigned long)(isdigit((unsigned char)h[j])
                                     ? h[j] - '0'
                                     : tolower((unsigned char)h[j]) - 'a' + 10);
            j++;
            digits++;
        }
        if (!digits)
            return 0;
        if (j < len && h[j] == ';')
            j++;
        if (cp == 0xA0)
            cp = ' ';
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            cp = 0xFFFD;
        g_string_append_unichar(out, (gunichar)cp);
        return j - i;
    }
    size_t k = j;
    while (k < len && k - j < 10 && isalnum((unsigned char)h[k]))
        k++;
    if (k >= len || h[k] != ';' || k == j)
        return 0;
    for (size_t e = 0; e < sizeof html_entities / sizeof html_entities[0]; e++) {
        const char *nm = html_entities[e].name;
        if (strlen(nm) == k - j && strncmp(nm, h + j, k - j) == 0) {
            g_string_append(out, html_entities[e].utf8);
            return k + 1 - i;
        }
    }
    return 0;
}

typedef struct {
    GString *out;
    bool pending_space;  /* collapsed white space not yet written */
    int pre;             /* inside <pre> */
    char *mailto;        /* address of the open mailto: link */
    size_t anchor_start; /* out->len when that link opened */
} html_state_t;

static void html_newline(html_state_t *st)
{
    st->pending_space = false;
    /* At most one blank line in a row. */
    size_t n = st->out->len;
    if (n >= 2 && st->out->str[n - 1] == '\n' && st->out->str[n - 2] == '\n')
        return;
    g_string_append_c(st->out, '\n');
}

/* Writes the collapsed white space before the next visible text. */
static void html_flush_space(html_state_t *st)
{
    if (st->pending_space) {
        size_t n = st->out->len;
        if (n && st->out->str[n - 1] != '\n' && st->out->str[n - 1] != '\t' &&
            st->out->str[n - 1] != ' ')
            g_string_append_c(st->out, ' ');
        st->pending_space = false;
    }
}

static void html_text_char(html_state_t *st, char c)
{
    if (!st->pre && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        st->pending_space = true;
        return;
    }
    html_flush_space(st);
    g_string_append_c(st->out, c);
}

/* Value of attribute attr inside the tag text t[0..n) (malloc'ed). */
static char *tag_attr(const char *t, size_t n, const char *attr)
{
    size_t al = strlen(attr);
    for (size_t i = 0; i + al < n; i++) {
        if (g_ascii_strncasecmp(t + i, attr, al) != 0)
            continue;
        if (i > 0 && !isspace((unsigned char)t[i - 1]))
            continue;
        size_t j = i + al;
        while (j < n && isspace((unsigned char)t[j]))
            j++;
        if (j >= n || t[j] != '=')
            continue;
        j++;
        while (j < n && isspace((unsigned char)t[j]))
            j++;
        char q = (j < n && (t[j] == '"' || t[j] == '\'')) ? t[j++] : 0;
        size_t k = j;
        while (k < n && (q ? t[k] != q : !isspace((unsigned char)t[k])))
            k++;
        return g_strndup(t + j, k - j);
    }
    return NULL;
}

static void html_open_anchor(html_state_t *st, const char *t, size_t n)
{
    g_free(st->mailto);
    st->mailto = NULL;
    char *href = tag_attr(t, n, "href");
    if (href && mail_ascii_prefix_ci(href, "mailto:")) {
        char *addr = g_uri_unescape_string(href + 7, NULL);
        if (addr) {
            char *q = strchr(addr, '?');
            if (q)
                *q = '\0';
            g_strstrip(addr);
            if (strchr(addr, '@') && strlen(addr) < 256)
                st->mailto = addr;
            else
                g_free(addr);
        }
        st->anchor_start = st->out->len;
    }
    g_free(href);
}

/* The link text may hide the address ("write to the agent"): keep it. */
static void html_close_anchor(html_state_t *st)
{
    if (!st->mailto)
        return;
    const char *shown = st->out->str + st->anchor_start;
    char *hay = g_ascii_strdown(shown, -1);
    char *needle = g_ascii_strdown(st->mailto, -1);
    if (!strstr(hay, needle)) {
        g_string_append(st->out, " <");
        g_string_append(st->out, st->mailto);
        g_string_append_c(st->out, '>');
    }
    g_free(hay);
    g_free(needle);
    g_free(st->mailto);
    st->mailto = NULL;
}

/* Skips to the end of an element whose content is not text. */
static size_t skip_raw_element(const char *h, size_t len, size_t i, const char *name)
{
    size_t nl = strlen(name);
    for (; i + 2 + nl <= len; i++)
        if (h[i] == '<' && h[i + 1] == '/' &&
            g_ascii_strncasecmp(h + i + 2, name, nl) == 0) {
            const char *gt = memchr(h + i, '>', len - i);
            return gt ? (size_t)(gt - h) + 1 : len;
        }
    return len;
}

static const char *const block_tags[] = {
    "p",   "div",     "br",      "li",     "tr",     "table", "ul",   "ol",
    "hr",  "h1",      "h2",      "h3",     "h4",     "h5",    "h6",   "blockquote",
    "pre", "section", "article", "header", "footer", "title", "dt",   "dd",
    "dl",  "center",  "address", "tbody",  "thead",  "form",  "body", NULL
};
static const char *const cell_tags[] = { "td", "th", NULL };

/* Handles the tag starting at h[i] == '<'; returns the index after it. */
static size_t html_tag(html_state_t *st, const char *h, size_t len, size_t i)
{
    if (i + 4 <= len && strncmp(h + i, "<!--", 4) == 0) {
        const char *end = g_strstr_len(h + i + 4, (gssize)(len - i - 4), "-->");
        return end ? (size_t)(end - h) + 3 : len;
    }
    size_t j = i + 1;
    bool closing = j < len && h[j] == '/';
    if (closing)
        j++;
    size_t ns = j;
    while (j < len && (isalnum((unsigned char)h[j])) && j - ns < 16)
        j++;
    if (j == ns) { /* "<" that is not a tag: literal text */
        html_text_char(st, '<');
        return i + 1;
    }
    char name[17];
    memcpy(name, h + ns, j - ns);
    name[j - ns] = '\0';
    /* Find the closing '>' outside quotes. */
    size_t k = j;
    char q = 0;
    while (k < len && (q || h[k] != '>')) {
        if (q && h[k] == q)
            q = 0;
        else if (!q && (h[k] == '"' || h[k] == '\''))
            q = h[k];
        k++;
    }
    size_t end = k < len ? k + 1 : len;

    if (!closing && (g_ascii_strcasecmp(name, "script") == 0 ||
                     g_ascii_strcasecmp(name, "style") == 0))
        return skip_raw_element(h, len, end, name);
    if (mail_name_in(name, block_tags)) {
        if (g_ascii_strcasecmp(name, "pre") == 0)
            st->pre += closing ? (st->pre > 0 ? -1 : 0) : 1;
        html_newline(st);
    } else if (mail_name_in(name, cell_tags)) {
        st->pending_space = false;
        if (!closing)
            g_string_append_c(st->out, '\t');
    } else if (g_ascii_strcasecmp(name, "a") == 0) {
        if (closing)
            html_close_anchor(st);
        else
            html_open_anchor(st, h + j, k - j);
    }
    return end;
}

char *mail_html_to_text(const char *html, size_t len, size_t *outlen)
{
    html_state_t st = { .out = g_string_sized_new(len / 2 + 16) };
    for (size_t i = 0; i < len;) {
        char c = html[i];
        if (c == '<') {
            i = html_tag(&st, html, len, i);
        } else if (c == '&') {
            html_flush_space(&st);
            size_t used = decode_entity(html, len, i, st.out);
            if (used) {
                i += used;
            } else {
                html_text_char(&st, '&');
                i++;
            }
        } else {
            html_text_char(&st, c);
            i++;
        }
    }
    html_close_anchor(&st);
    char *r = malloc(st.out->len + 1);
    if (r) {
        memcpy(r, st.out->str, st.out->len + 1);
        if (outlen)
            *outlen = st.out->len;
    }
    g_string_free(st.out, TRUE);
    return r;
}
