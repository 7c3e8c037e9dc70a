/* mail.c -- GMime decoding of one raw message into a mail_doc_t (mail.h):
 * header identity, header addresses, Authentication-Results, and the
 * request's text, walking the MIME tree. Its parts by concern:
 * mail_charset.c (charsets to UTF-8), mail_html.c (HTML to text),
 * mail_forward.c (inline "Forwarded message" blocks); mail_impl.h is what
 * they share.
 *
 * Everything is bounded (depth, text size, address count) and defensive:
 * the input is whatever arrived by e-mail.
 */
#include "mail.h"
#include "mail_impl.h"
#include "dates.h"
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

void mail_add_address(mail_doc_t *doc, const char *addr)
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
char *mail_unfold_dup(const char *s)
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

bool mail_ascii_prefix_ci(const char *s, const char *prefix)
{
    return g_ascii_strncasecmp(s, prefix, strlen(prefix)) == 0;
}

bool mail_name_in(const char *name, const char *const *set)
{
    for (; *set; set++)
        if (g_ascii_strcasecmp(name, *set) == 0)
            return true;
    return false;
}

/* ------------------------------------------------------------------ */
/* MIME walk                                                           */
/* ------------------------------------------------------------------ */

typedef struct {
    mail_doc_t *doc;
    GString *outer;       /* text outside forwarded messages */
    GString *inner;       /* text inside forwarded messages */
    size_t total;         /* bytes appended anywhere (the size cap) */
    int forward_depth;    /* depth of the message that set request_* */
    size_t part_ends[64]; /* where each part's text ends in outer */
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
    "From",        "To",          "Cc",        "Bcc",           "Reply-To", "Sender",
    "Return-Path", "Resent-From", "Resent-To", "Resent-Sender", NULL
};

static void collect_list(mail_doc_t *doc, InternetAddressList *list, int depth)
{
    if (!list || depth > 4)
        return;
    int n = internet_address_list_length(list);
    for (int i = 0; i < n && i < MAIL_MAX_ADDRESSES; i++) {
        InternetAddress *a = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(a))
            mail_add_address(
                doc, internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));
        else if (INTERNET_ADDRESS_IS_GROUP(a))
            collect_list(doc,
                         internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)),
                         depth + 1);
    }
}

static void collect_header_addresses(mail_doc_t *doc, GMimeObject *obj)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
    int n = hl ? g_mime_header_list_get_count(hl) : 0;
    for (int i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        const char *name = g_mime_header_get_name(h);
        if (!name || !mail_name_in(name, address_headers))
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
    char *u = mail_unfold_dup(s);
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
    static const char *const skip[] = { "rtf", "calendar",   "vcard", "x-vcard",
                                        "css", "javascript", NULL };
    const char *sub = g_mime_content_type_get_media_subtype(ct);
    return !(sub && mail_name_in(sub, skip));
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
        text = mail_to_utf8((const char *)ba->data,
                            ba->len > MAIL_MAX_TEXT * 2 ? MAIL_MAX_TEXT * 2 : ba->len, cs,
                            outlen);
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
static void walk_alternative(walk_t *w, GMimeMultipart *mp, int depth, GString *out)
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
        mail_document_t *g =
            doc->document_count < MAIL_MAX_DOCUMENTS
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
    static const char *const names[] = { "From",       "Date", "Subject",
                                         "Message-ID", "To",   NULL };
    GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
    for (const char *const *n = names; *n; n++)
        if (hl && g_mime_header_list_contains(hl, *n))
            return true;
    return false;
}

/* Trace fields: what MTAs add on top of a message in transit (RFC 5321
 * section 4.4, RFC 8601, RFC 8617), as opposed to what its author wrote. */
static const char *const trace_headers[] = { "Received",
                                             "Return-Path",
                                             "Authentication-Results",
                                             "Delivered-To",
                                             "X-Original-To",
                                             "ARC-Seal",
                                             "ARC-Message-Signature",
                                             "ARC-Authentication-Results",
                                             "DKIM-Signature",
                                             "Received-SPF",
                                             "X-Received",
                                             NULL };

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
    f->value = value ? mail_unfold_dup(value) : NULL;
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
            n += count_mailboxes(
                internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), depth + 1);
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
        else if (mail_name_in(name, trace_headers))
            origin_push(o, MAIL_HDR_TRACE, NULL);
        else
            origin_push(o, MAIL_HDR_CONTENT, NULL);
        if (g_ascii_strcasecmp(name, "From") == 0) {
            o->from_fields++;
            InternetAddressList *l =
                value ? internet_address_list_parse(NULL, value) : NULL;
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
        char *m = mail_unfold_dup(mid);
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
    } else if (mail_find_inline_forward(doc, w->outer, &body, &cut)) {
        doc->forwarded = true;
        doc->text =
            gstring_tail_dup(w->outer, (size_t)(body - w->outer->str), &doc->text_len);
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

int mail_decode(const char *raw, size_t len, mail_doc_t *doc, char *err, size_t errlen)
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
        set_err(err, errlen, "no From, To, Date, Subject or Message-ID header");
        return -1;
    }
    fill_outer(doc, msg);
    walk_t w = { .doc = doc, .outer = g_string_new(NULL), .inner = g_string_new(NULL) };
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
