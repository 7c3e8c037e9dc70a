/* mail.c -- GMime decoding of one raw message into a mail_doc_t (mail.h):
 * header identity, header addresses, Authentication-Results, and the
 * request's text (charsets to UTF-8, HTML to text, forwarded messages).
 *
 * Everything is bounded (depth, text size, address count) and defensive:
 * the input is whatever arrived by e-mail.
 */
#include "mail.h"
#include "dates.h"
#include "domain.h"
#include "document.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>

/* ------------------------------------------------------------------ */
/* small helpers                                                       */
/* ------------------------------------------------------------------ */

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen) {
        strncpy(err, msg, errlen - 1);
        err[errlen - 1] = '\0';
    }
}

static char *lower_dup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (d)
        for (char *p = d; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return d;
}

static void add_address(mail_doc_t *doc, const char *addr)
{
    if (!addr || !strchr(addr, '@') || doc->address_count >= MAIL_MAX_ADDRESSES)
        return;
    char *l = lower_dup(addr);
    if (!l)
        return;
    for (size_t i = 0; i < doc->address_count; i++)
        if (strcmp(doc->addresses[i], l) == 0) {
            free(l);
            return;
        }
    char **g = realloc(doc->addresses, (doc->address_count + 1) * sizeof *g);
    if (!g) {
        free(l);
        return;
    }
    doc->addresses = g;
    g[doc->address_count++] = l;
}

/* RFC 5322 unfolding: a line break followed by white space is dropped,
 * the white space stays; stray CR/LF become spaces. */
static char *unfold_dup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' || s[i] == '\n') {
            if (i + 1 < n && (s[i + 1] == '\r' || s[i + 1] == '\n'))
                continue;
            if (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t'))
                continue;
            d[j++] = ' ';
            continue;
        }
        d[j++] = s[i];
    }
    d[j] = '\0';
    return d;
}

static bool ascii_prefix_ci(const char *s, const char *prefix)
{
    return g_ascii_strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* ------------------------------------------------------------------ */
/* charsets                                                            */
/* ------------------------------------------------------------------ */

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

static char *try_convert(const char *data, size_t len, const char *from,
                         size_t *outlen)
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
static char *to_utf8(const char *data, size_t len, const char *cs,
                     size_t *outlen)
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
    if (!r) {   /* e.g. NULs inside UTF-8: let clean_text repair it */
        r = g_malloc(len + 1);
        memcpy(r, data, len);
        r[len] = '\0';
        n = len;
    }
    return r ? clean_text(r, n, outlen) : NULL;
}

/* ------------------------------------------------------------------ */
/* HTML to text                                                        */
/* ------------------------------------------------------------------ */

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
    bool pending_space;   /* collapsed white space not yet written */
    int pre;              /* inside <pre> */
    char *mailto;         /* address of the open mailto: link */
    size_t anchor_start;  /* out->len when that link opened */
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

static bool tag_is(const char *name, const char *const *set)
{
    for (; *set; set++)
        if (g_ascii_strcasecmp(name, *set) == 0)
            return true;
    return false;
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
    if (href && ascii_prefix_ci(href, "mailto:")) {
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
static size_t skip_raw_element(const char *h, size_t len, size_t i,
                               const char *name)
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
    "p", "div", "br", "li", "tr", "table", "ul", "ol", "hr", "h1", "h2",
    "h3", "h4", "h5", "h6", "blockquote", "pre", "section", "article",
    "header", "footer", "title", "dt", "dd", "dl", "center", "address",
    "tbody", "thead", "form", "body", NULL};
static const char *const cell_tags[] = {"td", "th", NULL};

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
    if (j == ns) {   /* "<" that is not a tag: literal text */
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
    if (tag_is(name, block_tags)) {
        if (g_ascii_strcasecmp(name, "pre") == 0)
            st->pre += closing ? (st->pre > 0 ? -1 : 0) : 1;
        html_newline(st);
    } else if (tag_is(name, cell_tags)) {
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
    html_state_t st = {.out = g_string_sized_new(len / 2 + 16)};
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

/* ------------------------------------------------------------------ */
/* MIME walk                                                           */
/* ------------------------------------------------------------------ */

typedef struct {
    mail_doc_t *doc;
    GString *outer;          /* text outside forwarded messages */
    GString *inner;          /* text inside forwarded messages */
    size_t total;            /* bytes appended anywhere (the size cap) */
    int forward_depth;       /* depth of the message that set request_* */
    size_t part_ends[64];    /* where each part's text ends in outer */
    int parts;
} walk_t;

static void append_text(walk_t *w, GString *out, const char *t, size_t n)
{
    if (w->total >= MAIL_MAX_TEXT || n == 0)
        return;
    if (n > MAIL_MAX_TEXT - w->total) {
        n = MAIL_MAX_TEXT - w->total;
        /* Do not cut a UTF-8 sequence in half. */
        while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
            n--;
    }
    if (out->len)
        g_string_append(out, "\n\n");
    g_string_append_len(out, t, (gssize)n);
    w->total += n;
    if (out == w->outer && w->parts < (int)(sizeof w->part_ends / sizeof w->part_ends[0]))
        w->part_ends[w->parts++] = out->len;
}

/* Removes the quote that starts at cut up to the end of its part, keeping
 * the text of later parts (an attached subpoena, say). */
static void drop_quote(mail_doc_t *doc, const walk_t *w, size_t cut)
{
    size_t stop = doc->text_len;
    for (int i = 0; i < w->parts; i++)
        if (w->part_ends[i] > cut) {
            stop = w->part_ends[i];
            break;
        }
    if (cut >= stop || stop > doc->text_len)
        return;
    memmove(doc->text + cut, doc->text + stop, doc->text_len - stop + 1);
    doc->text_len -= stop - cut;
}

static const char *const address_headers[] = {
    "From", "To", "Cc", "Bcc", "Reply-To", "Sender", "Return-Path",
    "Resent-From", "Resent-To", "Resent-Sender", NULL};

static void collect_list(mail_doc_t *doc, InternetAddressList *list, int depth)
{
    if (!list || depth > 4)
        return;
    int n = internet_address_list_length(list);
    for (int i = 0; i < n && i < MAIL_MAX_ADDRESSES; i++) {
        InternetAddress *a = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(a))
            add_address(doc, internet_address_mailbox_get_addr(
                                 INTERNET_ADDRESS_MAILBOX(a)));
        else if (INTERNET_ADDRESS_IS_GROUP(a))
            collect_list(doc, internet_address_group_get_members(
                                  INTERNET_ADDRESS_GROUP(a)), depth + 1);
    }
}

static void collect_header_addresses(mail_doc_t *doc, GMimeObject *obj)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
    int n = hl ? g_mime_header_list_get_count(hl) : 0;
    for (int i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        const char *name = g_mime_header_get_name(h);
        if (!name || !tag_is(name, address_headers))
            continue;
        const char *value = g_mime_header_get_value(h);
        if (!value)
            continue;
        InternetAddressList *l = internet_address_list_parse(NULL, value);
        if (l) {
            collect_list(doc, l, 0);
            g_object_unref(l);
        }
    }
}

/* First mailbox of the From header, lower-cased (malloc'ed). */
static char *message_from(GMimeMessage *msg)
{
    InternetAddressList *l = g_mime_message_get_from(msg);
    int n = l ? internet_address_list_length(l) : 0;
    for (int i = 0; i < n; i++) {
        InternetAddress *a = internet_address_list_get_address(l, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
            const char *addr =
                internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
            if (addr && *addr)
                return lower_dup(addr);
        }
    }
    return NULL;
}

static void message_date(GMimeMessage *msg, char *out)
{
    out[0] = '\0';
    GDateTime *dt = g_mime_message_get_date(msg);
    if (!dt)
        return;
    date_t d;
    g_date_time_get_ymd(dt, &d.year, &d.month, &d.day);
    date_format(&d, out, 11);
}

static char *message_subject(GMimeMessage *msg)
{
    const char *s = g_mime_message_get_subject(msg);
    if (!s)
        return NULL;
    char *u = unfold_dup(s);
    if (u && !g_utf8_validate(u, -1, NULL)) {
        char *v = g_utf8_make_valid(u, -1);
        free(u);
        u = v ? strdup(v) : NULL;
        g_free(v);
    }
    return u;
}

static void walk(walk_t *w, GMimeObject *obj, int depth, GString *out);
static void collect_origin(mail_origin_t *o, GMimeMessage *msg);
static void origin_clear(mail_origin_t *o);

static bool text_type_wanted(GMimeContentType *ct)
{
    if (!ct || !g_mime_content_type_is_type(ct, "text", "*"))
        return false;
    static const char *const skip[] = {"rtf", "calendar", "vcard",
                                       "x-vcard", "css", "javascript", NULL};
    const char *sub = g_mime_content_type_get_media_subtype(ct);
    return !(sub && tag_is(sub, skip));
}

/* Decoded UTF-8 text of a leaf part (malloc'ed), HTML converted. */
static char *leaf_text(GMimePart *part, size_t *outlen)
{
    GMimeObject *obj = GMIME_OBJECT(part);
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    if (!text_type_wanted(ct))
        return NULL;
    GMimeDataWrapper *dw = g_mime_part_get_content(part);
    if (!dw)
        return NULL;
    GMimeStream *mem = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(dw, mem);
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    const char *cs = g_mime_content_type_get_parameter(ct, "charset");
    char *text = NULL;
    if (ba && ba->len)
        text = to_utf8((const char *)ba->data,
                       ba->len > MAIL_MAX_TEXT * 2 ? MAIL_MAX_TEXT * 2 : ba->len,
                       cs, outlen);
    g_object_unref(mem);
    if (text && g_mime_content_type_is_type(ct, "text", "html")) {
        char *plain = mail_html_to_text(text, *outlen, outlen);
        free(text);
        text = plain;
    }
    return text;
}

/* multipart/alternative: the plain part, unless it is a stub much shorter
 * than the richer part's text ("view this in an HTML-capable client"). */
static void walk_alternative(walk_t *w, GMimeMultipart *mp, int depth,
                             GString *out)
{
    int n = g_mime_multipart_get_count(mp);
    GString *plain = NULL, *best = NULL;
    for (int i = 0; i < n && i < 64; i++) {
        GMimeObject *child = g_mime_multipart_get_part(mp, i);
        GString *t = g_string_new(NULL);
        walk(w, child, depth + 1, t);
        GMimeContentType *ct = g_mime_object_get_content_type(child);
        if (!plain && ct && g_mime_content_type_is_type(ct, "text", "plain")) {
            plain = t;
            continue;
        }
        if (!best || t->len > best->len) {
            if (best)
                g_string_free(best, TRUE);
            best = t;
        } else {
            g_string_free(t, TRUE);
        }
    }
    GString *pick = plain;
    if (!plain || (best && plain->len * 3 < best->len))
        pick = best;
    if (pick && pick->len) {
        if (out->len)
            g_string_append(out, "\n\n");
        g_string_append_len(out, pick->str, (gssize)pick->len);
    }
    if (plain)
        g_string_free(plain, TRUE);
    if (best)
        g_string_free(best, TRUE);
}

static void walk_message_part(walk_t *w, GMimeMessagePart *mpart, int depth)
{
    GMimeMessage *inner = g_mime_message_part_get_message(mpart);
    if (!inner)
        return;
    mail_doc_t *doc = w->doc;
    collect_header_addresses(doc, GMIME_OBJECT(inner));
    /* The deepest forwarded message is the original request. */
    if (!doc->forwarded || depth > w->forward_depth) {
        doc->forwarded = true;
        w->forward_depth = depth;
        free(doc->request_from);
        free(doc->request_subject);
        doc->request_from = message_from(inner);
        doc->request_subject = message_subject(inner);
        message_date(inner, doc->request_date);
        origin_clear(&doc->request_origin);
        collect_origin(&doc->request_origin, inner);
    }
    GMimeObject *body = g_mime_message_get_mime_part(inner);
    if (body)
        walk(w, body, depth + 1, w->inner);
}

/* An HTML body's inline image (a logo, a signature) is part of the
 * mail's layout, not a document sent with it. */
static bool inline_picture(GMimeObject *obj)
{
    const char *disp = g_mime_object_get_disposition(obj);
    return g_mime_object_get_content_id(obj) &&
           !(disp && !g_ascii_strcasecmp(disp, "attachment"));
}

/* Keeps a leaf part that is a document (by content, or as declared). */
static void collect_document(walk_t *w, GMimePart *part, bool forwarded)
{
    mail_doc_t *doc = w->doc;
    GMimeObject *obj = GMIME_OBJECT(part);
    GMimeDataWrapper *dw = g_mime_part_get_content(part);
    if (!dw || inline_picture(obj))
        return;
    GMimeStream *mem = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(dw, mem);
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    char *type = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
    const char *name = g_mime_part_get_filename(part);
    size_t len = ba ? ba->len : 0;
    if (len && (document_detect(ba->data, len) != DOC_KIND_NONE ||
                document_declared_kind(type, name) != DOC_KIND_NONE)) {
        mail_document_t *g = doc->document_count < MAIL_MAX_DOCUMENTS
            ? realloc(doc->documents, (doc->document_count + 1) * sizeof *g)
            : NULL;
        if (!g) {
            doc->documents_dropped++;
        } else {
            doc->documents = g;
            mail_document_t *d = &g[doc->document_count++];
            memset(d, 0, sizeof *d);
            d->name = name ? strdup(name) : NULL;
            d->declared_type = strdup(type ? type : "application/octet-stream");
            d->len = len;
            d->forwarded = forwarded;
            d->oversized = len > MAIL_MAX_DOCUMENT_BYTES;
            if (!d->oversized) {
                d->data = malloc(len);
                if (d->data)
                    memcpy(d->data, ba->data, len);
            }
        }
    }
    g_free(type);
    g_object_unref(mem);
}

static void walk(walk_t *w, GMimeObject *obj, int depth, GString *out)
{
    if (!obj || depth > MAIL_MAX_DEPTH || w->total >= MAIL_MAX_TEXT)
        return;
    if (GMIME_IS_MESSAGE_PART(obj)) {
        walk_message_part(w, GMIME_MESSAGE_PART(obj), depth);
    } else if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        GMimeContentType *ct = g_mime_object_get_content_type(obj);
        if (ct && g_mime_content_type_is_type(ct, "multipart", "alternative")) {
            walk_alternative(w, mp, depth, out);
            return;
        }
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n && i < 1024; i++)
            walk(w, g_mime_multipart_get_part(mp, i), depth + 1, out);
    } else if (GMIME_IS_PART(obj)) {
        size_t n = 0;
        char *t = leaf_text(GMIME_PART(obj), &n);
        if (t)
            append_text(w, out, t, n);
        else
            collect_document(w, GMIME_PART(obj), out == w->inner);
        free(t);
    }
}

/* ------------------------------------------------------------------ */
/* inline forwards                                                     */
/* ------------------------------------------------------------------ */

static const char *line_end(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? nl : end;
}

/* "-----Original Message-----": the phrase framed by runs of at least
 * five dashes on both sides and nothing else. Clients write exactly this
 * line above a quoted message, so it needs no "Fw:" subject to be
 * believed (l is the lower-cased line). */
static bool framed_original_marker(const char *l)
{
    static const char *const phrases[] = {
        "original message", "urspr\xc3\xbcngliche nachricht", "message d'origine",
        "mensaje original", "oorspronkelijk bericht", "mensagem original",
        "messaggio originale", NULL};
    const char *p = l;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t lead = strspn(p, "-");
    if (lead < 5)
        return false;
    p += lead;
    while (*p == ' ')
        p++;
    for (int k = 0; phrases[k]; k++) {
        size_t n = strlen(phrases[k]);
        if (strncmp(p, phrases[k], n) != 0)
            continue;
        const char *q = p + n;
        while (*q == ' ')
            q++;
        size_t trail = strspn(q, "-");
        if (trail < 5)
            return false;
        q += trail;
        while (*q == ' ' || *q == '\t' || *q == '\r')
            q++;
        return *q == '\0';
    }
    return false;
}

/* Is [p, e) a marker line introducing an inline forward? */
static bool forward_marker(const char *p, const char *e, bool fwd_subject)
{
    size_t n = (size_t)(e - p);
    if (n > 120)
        return false;
    /* Unicode lower case, so "MESSAGE TRANSF\xc3\x89R\xc3\x89" matches too (the
     * text is valid UTF-8 by now). */
    bool ascii = true;
    for (size_t k = 0; k < n && ascii; k++)
        ascii = (unsigned char)p[k] < 0x80;
    char *l = ascii ? g_ascii_strdown(p, (gssize)n) : g_utf8_strdown(p, (gssize)n);
    if (!l)
        return false;
    /* English, German, French, Spanish, Dutch, Portuguese and Italian
     * clients' marker lines. */
    bool hit = strstr(l, "forwarded message") || strstr(l, "begin forwarded") ||
               strstr(l, "weitergeleitete nachricht") ||
               strstr(l, "message transf\xc3\xa9r\xc3\xa9") ||
               strstr(l, "mensaje reenviado") ||
               strstr(l, "doorgestuurd bericht") ||
               strstr(l, "mensagem encaminhada") ||
               strstr(l, "messaggio inoltrato") ||
               framed_original_marker(l) ||
               (fwd_subject && strstr(l, "-----") &&
                (strstr(l, "original message") ||
                 strstr(l, "urspr\xc3\xbcngliche nachricht") ||
                 strstr(l, "message d'origine") || strstr(l, "mensaje original") ||
                 strstr(l, "oorspronkelijk bericht") ||
                 strstr(l, "mensagem original") ||
                 strstr(l, "messaggio originale")));
    if (!hit && fwd_subject && n >= 10) {
        /* Outlook's rule line: only underscores. */
        size_t k = 0;
        while (k < n && (p[k] == '_' || p[k] == ' ' || p[k] == '\r'))
            k++;
        hit = k == n;
    }
    g_free(l);
    return hit;
}

/* Header-like line of an inline forward: returns the value start or NULL
 * and the kind (f=from, d=date, s=subject, a=other address field). */
static const char *forward_field(const char *p, const char *e, char *kind)
{
    static const struct {
        const char *label;
        char kind;
    } fields[] = {
        {"from:", 'f'}, {"von:", 'f'}, {"sent:", 'd'}, {"date:", 'd'},
        {"gesendet:", 'd'}, {"datum:", 'd'}, {"subject:", 's'},
        {"betreff:", 's'}, {"to:", 'a'}, {"an:", 'a'}, {"cc:", 'a'},
        {"reply-to:", 'a'}, {"bcc:", 'a'}, {"de :", 'f'}, {"de:", 'f'},
        {"envoy\xc3\xa9 :", 'd'}, {"date :", 'd'}, {"objet :", 's'},
        {"\xc3\xa0"" :", 'a'}, {"\xc3\x80"" :", 'a'}, {"enviado:", 'd'}, {"asunto:", 's'},
        {"para:", 'a'},
        /* Dutch, Portuguese and Italian clients */
        {"van:", 'f'}, {"verzonden:", 'd'}, {"aan:", 'a'}, {"onderwerp:", 's'},
        {"enviada:", 'd'}, {"assunto:", 's'}, {"data:", 'd'}, {"da:", 'f'},
        {"inviato:", 'd'}, {"oggetto:", 's'}, {"a:", 'a'}, {"cc :", 'a'},
    };
    while (p < e && (*p == ' ' || *p == '\t' || *p == '*' || *p == '>'))
        p++;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        size_t n = strlen(fields[i].label);
        if ((size_t)(e - p) >= n && g_ascii_strncasecmp(p, fields[i].label, n) == 0) {
            *kind = fields[i].kind;
            return p + n;
        }
    }
    return NULL;
}

/* Adds every e-mail address found in [p, e). */
static void scan_addresses(mail_doc_t *doc, const char *p, const char *e)
{
    for (const char *at = p; at < e; at++) {
        if (*at != '@')
            continue;
        const char *s = at, *t = at + 1;
        while (s > p && (isalnum((unsigned char)s[-1]) || strchr("._%+-", s[-1])))
            s--;
        while (t < e && (isalnum((unsigned char)*t) || *t == '.' || *t == '-'))
            t++;
        while (t > at + 1 && t[-1] == '.')
            t--;
        if (s < at && t > at + 1 && memchr(at, '.', (size_t)(t - at))) {
            char *a = g_strndup(s, (gsize)(t - s));
            add_address(doc, a);
            g_free(a);
        }
        at = t > at ? t - 1 : at;
    }
}

static char *trimmed_dup(const char *p, const char *e)
{
    while (p < e && isspace((unsigned char)*p))
        p++;
    while (e > p && isspace((unsigned char)e[-1]))
        e--;
    return g_strndup(p, (gsize)(e - p));
}

/* Parses the header block of an inline forward starting at p; fills the
 * request_* fields and returns where the forwarded body starts. */
static const char *parse_forward_headers(mail_doc_t *doc, const char *p,
                                         const char *end)
{
    /* Blank lines between the marker and the fields are common. */
    while (p < end && (*p == '\n' || *p == ' ' || *p == '\t'))
        p++;
    char last = 0;
    int fields = 0;
    while (p < end && fields < 40) {
        const char *e = line_end(p, end);
        char kind = 0;
        const char *v = forward_field(p, e, &kind);
        bool cont = (*p == ' ' || *p == '\t') && last && e > p;
        if (!v && !cont)
            break;
        if (!v) {
            v = p;
            kind = last;
        }
        fields++;
        last = kind;
        if (kind == 'f' || kind == 'a')
            scan_addresses(doc, v, e);
        if (kind == 'f' && !doc->request_from) {
            mail_doc_t tmp = {0};
            scan_addresses(&tmp, v, e);
            if (tmp.address_count)
                doc->request_from = strdup(tmp.addresses[0]);
            mail_doc_clear(&tmp);
        } else if (kind == 's' && !doc->request_subject) {
            char *s = trimmed_dup(v, e);
            doc->request_subject = s ? strdup(s) : NULL;
            g_free(s);
        } else if (kind == 'd' && !doc->request_date[0]) {
            date_t d;
            if (date_find(v, (size_t)(e - v), &d, NULL, NULL))
                date_format(&d, doc->request_date, sizeof doc->request_date);
        }
        p = e < end ? e + 1 : end;
    }
    return fields ? p : NULL;
}

/* Reply prefixes in the languages the forward markers cover. */
static bool reply_subject(const char *subj)
{
    static const char *const prefixes[] = {"re:", "aw:", "sv:", "antw:",
                                           "r:", "ref:", "rif:", NULL};
    for (const char *const *p = prefixes; *p; p++)
        if (ascii_prefix_ci(subj, *p))
            return true;
    return false;
}

/* The domain of an addr-spec, or "". */
static const char *addr_domain(const char *addr)
{
    const char *at = addr ? strrchr(addr, '@') : NULL;
    return at ? at + 1 : "";
}

/* Whether two domains belong to one sender (equal, or one a subdomain of
 * the other). */
static bool same_sender_domain(const char *a, const char *b)
{
    if (!*a || !*b)
        return true;                  /* unknown: do not judge */
    return domain_within(a, b) || domain_within(b, a);
}

/* A reply quotes the mail it answers below an "Original Message" line.
 * When that quoted mail is someone else's (the provider's own question to
 * the agency, say), the request is the reply's own text, not the quote:
 * reading the quote as a forward would take the provider as the requester
 * and its reference as the request's. */
static bool quotes_another_sender(mail_doc_t *doc, const char *p, const char *end)
{
    mail_doc_t quoted = {0};
    parse_forward_headers(&quoted, p, end);
    bool other = quoted.request_from
              && !same_sender_domain(addr_domain(quoted.request_from),
                                     addr_domain(doc->from));
    mail_doc_clear(&quoted);
    return other;
}

/* Finds an inline forward in text; on success the request_* fields are
 * set and the body offset is returned through *body. A reply quoting
 * another sender's mail is no forward: *cut then marks where the quote
 * starts, so that the provider's own words are not read as the request. */
static bool find_inline_forward(mail_doc_t *doc, const GString *text,
                                const char **body, const char **cut)
{
    const char *subj = doc->subject ? doc->subject : "";
    while (*subj == ' ')
        subj++;
    bool fwd_subject = ascii_prefix_ci(subj, "fw:") ||
                       ascii_prefix_ci(subj, "fwd:") ||
                       ascii_prefix_ci(subj, "wg:") ||
                       ascii_prefix_ci(subj, "tr:") ||
                       ascii_prefix_ci(subj, "rv:") ||      /* Spanish */
                       ascii_prefix_ci(subj, "enc:") ||     /* Portuguese */
                       ascii_prefix_ci(subj, "doorst:") ||  /* Dutch */
                       ascii_prefix_ci(subj, "i:");         /* Italian */
    bool reply = !fwd_subject && reply_subject(subj);
    const char *p = text->str, *end = text->str + text->len;
    while (p < end) {
        const char *e = line_end(p, end);
        if (forward_marker(p, e, fwd_subject)) {
            if (reply && quotes_another_sender(doc, e < end ? e + 1 : end, end)) {
                *cut = p;
                return false;
            }
            const char *b = parse_forward_headers(doc, e < end ? e + 1 : end, end);
            if (b) {
                *body = b;
                return true;
            }
        }
        p = e < end ? e + 1 : end;
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* entry points                                                        */
/* ------------------------------------------------------------------ */

/* A mail message starts with a header field ("Name: value") or an mbox
 * "From " line, and its header block has no NUL bytes. */
static const char *header_block_problem(const char *raw, size_t len)
{
    if (!raw || len == 0)
        return "empty input";
    size_t i = 0;
    if (len > 5 && strncmp(raw, "From ", 5) == 0) {
        const char *nl = memchr(raw, '\n', len);
        if (!nl)
            return "no header block";
        i = (size_t)(nl - raw) + 1;
    }
    size_t name = i;
    while (i < len && raw[i] > 32 && raw[i] < 127 && raw[i] != ':')
        i++;
    while (i < len && (raw[i] == ' ' || raw[i] == '\t'))
        i++;
    if (i == name || i >= len || raw[i] != ':')
        return "no valid header block";
    /* The header block ends at the first empty line. */
    for (size_t k = 0; k < len; k++) {
        if (raw[k] == '\0')
            return "NUL byte in the header block";
        if (raw[k] == '\n' && k + 1 < len &&
            (raw[k + 1] == '\n' ||
             (raw[k + 1] == '\r' && k + 2 < len && raw[k + 2] == '\n')))
            break;
    }
    return NULL;
}

static bool has_identity_header(GMimeMessage *msg)
{
    static const char *const names[] = {"From", "Date", "Subject",
                                        "Message-ID", "To", NULL};
    GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
    for (const char *const *n = names; *n; n++)
        if (hl && g_mime_header_list_contains(hl, *n))
            return true;
    return false;
}

/* Trace fields: what MTAs add on top of a message in transit (RFC 5321
 * section 4.4, RFC 8601, RFC 8617), as opposed to what its author wrote. */
static const char *const trace_headers[] = {
    "Received", "Return-Path", "Authentication-Results", "Delivered-To",
    "X-Original-To", "ARC-Seal", "ARC-Message-Signature",
    "ARC-Authentication-Results", "DKIM-Signature", "Received-SPF",
    "X-Received", NULL};

static void origin_push(mail_origin_t *o, mail_hdr_kind_t kind, const char *value)
{
    /* Runs of the sender's own fields count once: only where they start
     * matters to the trust rule (parse.c). */
    if (kind == MAIL_HDR_CONTENT && o->count && o->fields[o->count - 1].kind == kind)
        return;
    if (o->count >= MAIL_MAX_TRACE)
        return;
    mail_hdr_t *f = &o->fields[o->count];
    f->kind = kind;
    f->value = value ? unfold_dup(value) : NULL;
    if (value && !f->value)
        return;
    o->count++;
}

static unsigned count_mailboxes(InternetAddressList *list, int depth)
{
    unsigned n = 0;
    int len = list && depth <= 4 ? internet_address_list_length(list) : 0;
    for (int i = 0; i < len; i++) {
        InternetAddress *a = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(a))
            n++;
        else if (INTERNET_ADDRESS_IS_GROUP(a))
            n += count_mailboxes(internet_address_group_get_members(
                                     INTERNET_ADDRESS_GROUP(a)), depth + 1);
    }
    return n;
}

/* The header facts that say where a message came from: its trace fields
 * and Authentication-Results in order, and how many From fields and From
 * addresses it has (a message's author is one mailbox in one From). */
static void collect_origin(mail_origin_t *o, GMimeMessage *msg)
{
    o->present = true;
    GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
    int n = hl ? g_mime_header_list_get_count(hl) : 0;
    for (int i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        const char *name = g_mime_header_get_name(h);
        const char *value = g_mime_header_get_value(h);
        if (!name)
            continue;
        if (g_ascii_strcasecmp(name, "Authentication-Results") == 0)
            origin_push(o, MAIL_HDR_AUTH_RESULTS, value ? value : "");
        else if (g_ascii_strcasecmp(name, "Received") == 0)
            origin_push(o, MAIL_HDR_RECEIVED, value ? value : "");
        else if (tag_is(name, trace_headers))
            origin_push(o, MAIL_HDR_TRACE, NULL);
        else
            origin_push(o, MAIL_HDR_CONTENT, NULL);
        if (g_ascii_strcasecmp(name, "From") == 0) {
            o->from_fields++;
            InternetAddressList *l = value ? internet_address_list_parse(NULL, value)
                                           : NULL;
            o->from_mailboxes += count_mailboxes(l, 0);
            if (l)
                g_object_unref(l);
        }
    }
}

static void origin_clear(mail_origin_t *o)
{
    for (size_t i = 0; i < o->count; i++)
        free(o->fields[i].value);
    memset(o, 0, sizeof *o);
}

static void fill_outer(mail_doc_t *doc, GMimeMessage *msg)
{
    const char *mid = g_mime_message_get_message_id(msg);
    if (mid && *mid) {
        char *m = unfold_dup(mid);
        if (m)
            g_strstrip(m);
        if (m && *m && g_utf8_validate(m, -1, NULL))
            doc->message_id = m;
        else
            free(m);
    }
    doc->from = message_from(msg);
    doc->subject = message_subject(msg);
    message_date(msg, doc->date);
    collect_header_addresses(doc, GMIME_OBJECT(msg));
    collect_origin(&doc->origin, msg);
}

static char *gstring_tail_dup(const GString *g, size_t from, size_t *outlen)
{
    size_t n = from < g->len ? g->len - from : 0;
    char *r = malloc(n + 1);
    if (!r)
        return NULL;
    memcpy(r, g->str + from, n);
    r[n] = '\0';
    *outlen = n;
    return r;
}

static void fill_text(mail_doc_t *doc, walk_t *w)
{
    const char *body = NULL, *cut = NULL;
    if (doc->forwarded) {
        doc->text = gstring_tail_dup(w->inner, 0, &doc->text_len);
    } else if (find_inline_forward(doc, w->outer, &body, &cut)) {
        doc->forwarded = true;
        doc->text = gstring_tail_dup(w->outer, (size_t)(body - w->outer->str),
                                     &doc->text_len);
    } else {
        doc->text = gstring_tail_dup(w->outer, 0, &doc->text_len);
        if (doc->text && cut)
            drop_quote(doc, w, (size_t)(cut - w->outer->str));
    }
    if (!doc->forwarded) {
        doc->request_from = doc->from ? strdup(doc->from) : NULL;
        doc->request_subject = doc->subject ? strdup(doc->subject) : NULL;
        memcpy(doc->request_date, doc->date, sizeof doc->date);
    } else {
        /* Fields an inline forward did not state fall back to the outer. */
        if (!doc->request_subject && doc->subject)
            doc->request_subject = strdup(doc->subject);
        if (!doc->request_date[0])
            memcpy(doc->request_date, doc->date, sizeof doc->date);
    }
}

int mail_decode(const char *raw, size_t len, mail_doc_t *doc, char *err,
                size_t errlen)
{
    if (!doc)
        return -1;
    memset(doc, 0, sizeof *doc);
    const char *why = header_block_problem(raw, len);
    if (why) {
        set_err(err, errlen, why);
        return -1;
    }
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw, len);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
    g_object_unref(parser);
    g_object_unref(stream);
    if (!msg || !has_identity_header(msg)) {
        if (msg)
            g_object_unref(msg);
        set_err(err, errlen,
                "no From, To, Date, Subject or Message-ID header");
        return -1;
    }
    fill_outer(doc, msg);
    walk_t w = {.doc = doc, .outer = g_string_new(NULL),
                .inner = g_string_new(NULL)};
    walk(&w, g_mime_message_get_mime_part(msg), 0, w.outer);
    fill_text(doc, &w);
    g_string_free(w.outer, TRUE);
    g_string_free(w.inner, TRUE);
    g_object_unref(msg);
    if (!doc->text) {
        doc->text = strdup("");
        doc->text_len = 0;
    }
    return 0;
}

void mail_doc_clear(mail_doc_t *doc)
{
    if (!doc)
        return;
    free(doc->message_id);
    free(doc->from);
    free(doc->subject);
    free(doc->request_from);
    free(doc->request_subject);
    for (size_t i = 0; i < doc->address_count; i++)
        free(doc->addresses[i]);
    free(doc->addresses);
    origin_clear(&doc->origin);
    origin_clear(&doc->request_origin);
    free(doc->text);
    for (size_t i = 0; i < doc->document_count; i++) {
        free(doc->documents[i].name);
        free(doc->documents[i].declared_type);
        free(doc->documents[i].data);
    }
    free(doc->documents);
    memset(doc, 0, sizeof *doc);
}
