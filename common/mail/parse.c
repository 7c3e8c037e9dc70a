/* parse.c -- parse.h: raw message bytes -> request_t. MIME decoding is
 * mail.c's, field extraction extract.c's; this file joins them and reads
 * the trusted gateway's Authentication-Results (RFC 8601 section 5) to
 * say whether the request's sender is who it claims to be.
 */
#include "parse.h"
#include "agencies.h"
#include "domain.h"
#include "extract.h"
#include "mail.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <gmime/gmime.h>
#include <jansson.h>

#define PROVIDER_DOMAIN "northwind-cloud.example"

void parse_settings_default(parse_settings_t *self)
{
    if (!self)
        return;
    memset(self, 0, sizeof *self);
    snprintf(self->provider_domains[0], sizeof self->provider_domains[0], "%s",
             PROVIDER_DOMAIN);
    self->provider_domain_count = 1;
    /* The gateways are mx1., mx2. ... of the provider's domain: the id is
     * matched as itself or any subdomain (domain_within). */
    snprintf(self->trusted_authserv_id, sizeof self->trusted_authserv_id, "%s",
             PROVIDER_DOMAIN);
    document_settings_default(&self->documents);
}

static gsize init_once = 0;
static bool initialized = false;

void parse_global_init(void)
{
    if (g_once_init_enter(&init_once)) {
        g_mime_init();
        initialized = true;
        g_once_init_leave(&init_once, 1);
    }
}

void parse_global_shutdown(void)
{
    if (initialized) {
        g_mime_shutdown();
        initialized = false;
    }
}

/* ---- Authentication-Results (RFC 8601) ---- */

/* Copies value without (nested) comments. */
static void strip_comments(const char *in, char *out, size_t outlen)
{
    size_t j = 0;
    int depth = 0;
    for (const char *p = in; *p && j + 1 < outlen; p++) {
        if (*p == '\\' && depth && p[1]) {
            p++;
            continue;
        }
        if (*p == '(') {
            depth++;
            continue;
        }
        if (*p == ')' && depth) {
            depth--;
            continue;
        }
        if (!depth)
            out[j++] = *p;
    }
    out[j] = '\0';
}

/* What the provider's gateway said about one message. */
typedef struct {
    bool found; /* its results were there, where it writes them */
    char spf[16];
    char dkim[16];
    char dmarc[16];
    char header_from[256]; /* the domain DMARC was evaluated for */
} gateway_verdict_t;

static void set_token(char *field, size_t fl, const char *v, size_t vl)
{
    if (field[0] || vl == 0)
        return; /* the first statement wins */
    if (vl >= fl)
        vl = fl - 1;
    for (size_t i = 0; i < vl; i++)
        field[i] = (char)tolower((unsigned char)v[i]);
    field[vl] = '\0';
}

/* The value of property name ("header.from") in one resinfo, or NULL. */
static const char *resinfo_property(const char *s, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    for (const char *p = s; *p; p++) {
        if ((p == s || p[-1] == ' ' || p[-1] == '\t') && strncasecmp(p, name, nl) == 0) {
            const char *v = p + nl;
            while (*v == ' ' || *v == '\t')
                v++;
            if (*v != '=')
                continue;
            v++;
            while (*v == ' ' || *v == '\t')
                v++;
            *len = strcspn(v, " \t;");
            return v;
        }
    }
    return NULL;
}

static void read_resinfo(gateway_verdict_t *g, const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t ml = strcspn(s, "=/ \t");
    const char *eq = strchr(s, '=');
    if (!eq)
        return;
    const char *v = eq + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t vl = strcspn(v, " \t;");
    if (ml == 3 && strncasecmp(s, "spf", 3) == 0)
        set_token(g->spf, sizeof g->spf, v, vl);
    else if (ml == 4 && strncasecmp(s, "dkim", 4) == 0)
        set_token(g->dkim, sizeof g->dkim, v, vl);
    else if (ml == 5 && strncasecmp(s, "dmarc", 5) == 0 && !g->dmarc[0]) {
        set_token(g->dmarc, sizeof g->dmarc, v, vl);
        size_t hl = 0;
        const char *hf = resinfo_property(v + vl, "header.from", &hl);
        if (hf)
            set_token(g->header_from, sizeof g->header_from, hf, hl);
    }
}

/* The header value without comments, and where its authserv-id ends. */
static const char *authserv_id(const char *value, char *buf, size_t buflen, size_t *idlen)
{
    strip_comments(value, buf, buflen);
    char *p = buf;
    while (*p == ' ' || *p == '\t')
        p++;
    *idlen = strcspn(p, "; \t");
    return p;
}

static bool results_trusted(const mail_hdr_t *f, const char *trusted)
{
    if (f->kind != MAIL_HDR_AUTH_RESULTS || !f->value)
        return false;
    char buf[4096];
    size_t idl;
    const char *id = authserv_id(f->value, buf, sizeof buf, &idl);
    return domain_within_n(id, idl, trusted);
}

static void read_results(gateway_verdict_t *g, const char *value)
{
    char buf[4096];
    size_t idl;
    char *p = (char *)authserv_id(value, buf, sizeof buf, &idl);
    char *save = NULL;
    for (char *part = strtok_r(p + idl, ";", &save); part;
         part = strtok_r(NULL, ";", &save))
        read_resinfo(g, part);
}

/* A Received line the provider's own MTA wrote: "by" a host under the
 * trusted authserv-id. */
static bool provider_received(const mail_hdr_t *f, const char *trusted)
{
    if (f->kind != MAIL_HDR_RECEIVED || !f->value)
        return false;
    char buf[4096];
    strip_comments(f->value, buf, sizeof buf);
    for (const char *p = buf; *p; p++) {
        if ((p == buf || p[-1] == ' ' || p[-1] == '\t') && strncasecmp(p, "by", 2) == 0 &&
            (p[2] == ' ' || p[2] == '\t')) {
            const char *h = p + 2;
            while (*h == ' ' || *h == '\t')
                h++;
            return domain_within_n(h, strcspn(h, " \t;"), trusted);
        }
    }
    return false;
}

/* RFC 8601 section 5: only results the provider's gateway wrote count.
 * They are the topmost run of Authentication-Results fields carrying its
 * authserv-id, which must sit above every field the author wrote and, for
 * a message the gateway received (anchored), where the gateway writes
 * them relative to its own Received line. Every other field carrying the
 * id -- lower down, or a run in the wrong place -- is ignored: anyone can
 * write one. A forwarded message's own header has no anchor (clients drop
 * Received lines when attaching a message). */
static gateway_verdict_t gateway_verdict(const mail_origin_t *o,
                                         const parse_settings_t *s, bool anchored)
{
    gateway_verdict_t g;
    memset(&g, 0, sizeof g);
    const char *trusted = s->trusted_authserv_id;
    size_t start = 0;
    while (start < o->count && !results_trusted(&o->fields[start], trusted))
        start++;
    if (start == o->count)
        return g;
    size_t end = start;
    while (end + 1 < o->count && results_trusted(&o->fields[end + 1], trusted))
        end++;
    /* The top trace block: fields above the first one the author wrote. */
    size_t block = 0;
    while (block < o->count && o->fields[block].kind != MAIL_HDR_CONTENT)
        block++;
    if (end >= block)
        return g;
    if (anchored) {
        size_t r = 0;
        if (s->results_position == PARSE_RESULTS_ABOVE_RECEIVED) {
            while (r < o->count && o->fields[r].kind != MAIL_HDR_RECEIVED)
                r++;
            if (r < end || r >= block || !provider_received(&o->fields[r], trusted))
                return g;
        } else {
            while (r < block && !provider_received(&o->fields[r], trusted))
                r++;
            if (r >= block)
                return g;
        }
    }
    g.found = true;
    for (size_t i = start; i <= end; i++)
        read_results(&g, o->fields[i].value);
    return g;
}

/* ---- who sent the request ---- */

static bool in_provider_domain(const char *address, const parse_settings_t *s)
{
    for (size_t i = 0; i < s->provider_domain_count; i++)
        if (address_within(address, s->provider_domains[i]))
            return true;
    return false;
}

/* Why the gateway's verdict does not prove that address sent the message,
 * or NULL when it does (DMARC pass for exactly the From domain). */
static const char *verdict_problem(const gateway_verdict_t *g, const mail_origin_t *o,
                                   const char *address, char *buf, size_t buflen)
{
    if (o->from_fields != 1 || o->from_mailboxes != 1) {
        snprintf(buf, buflen,
                 "the message has %u From field(s) with %u "
                 "address(es); its sender cannot be known",
                 o->from_fields, o->from_mailboxes);
        return buf;
    }
    if (!g->found) {
        snprintf(buf, buflen,
                 "the provider's gateway left no "
                 "Authentication-Results where it writes them");
        return buf;
    }
    if (strcmp(g->dmarc, "pass") != 0) {
        snprintf(buf, buflen,
                 "the provider's gateway reports DMARC %s for "
                 "the sender's domain",
                 g->dmarc[0] ? g->dmarc : "(no result)");
        return buf;
    }
    const char *dom = address_domain(address);
    if (!dom || strcasecmp(dom, g->header_from) != 0) {
        snprintf(buf, buflen,
                 "the gateway's DMARC pass is for %s, not for "
                 "the From domain %s",
                 g->header_from[0] ? g->header_from : "(no header.from)",
                 dom ? dom : "(none)");
        return buf;
    }
    return NULL;
}

static void set_results(request_auth_t *a, const gateway_verdict_t *g)
{
    snprintf(a->spf, sizeof a->spf, "%s", g->spf);
    snprintf(a->dkim, sizeof a->dkim, "%s", g->dkim);
    snprintf(a->dmarc, sizeof a->dmarc, "%s", g->dmarc);
}

/* A request is verified when the provider's gateway passed DMARC for the
 * very domain of its one From address, and that domain is a known
 * agency's. A colleague on the provider's own domain forwarding an
 * agency's mail proves nothing about the agency: the request is then the
 * forwarded message's, judged by the results the gateway wrote when the
 * colleague received it (an inline forward has none). */
static void judge_sender(request_t *out, const mail_doc_t *doc, const parse_settings_t *s)
{
    request_auth_t *a = &out->auth;
    char detail[320];
    const char *problem;
    gateway_verdict_t outer = gateway_verdict(&doc->origin, s, true);
    set_results(a, &outer);
    bool colleague = doc->forwarded && doc->origin.from_fields == 1 &&
                     doc->origin.from_mailboxes == 1 && in_provider_domain(doc->from, s);
    if (!colleague) {
        a->known_agency = agencies_match(s->agencies, doc->from) != NULL;
        problem = verdict_problem(&outer, &doc->origin, doc->from, detail, sizeof detail);
        a->verified = !problem && a->known_agency;
        if (problem)
            snprintf(a->why, sizeof a->why, "requester not verified: %s%s", problem,
                     a->known_agency
                         ? ""
                         : "; the sender's domain is not a known agency domain");
        return;
    }
    a->known_agency = agencies_match(s->agencies, doc->request_from) != NULL;
    if (!doc->request_origin.present) {
        memset(a->spf, 0, sizeof a->spf);
        memset(a->dkim, 0, sizeof a->dkim);
        memset(a->dmarc, 0, sizeof a->dmarc);
        problem = "the forward is inline: its \"From:\" line is text anyone "
                  "could have typed";
    } else if ((problem = verdict_problem(&outer, &doc->origin, doc->from, detail,
                                          sizeof detail)) != NULL) {
        /* The colleague's own message must be the colleague's. */
    } else {
        gateway_verdict_t inner = gateway_verdict(&doc->request_origin, s, false);
        set_results(a, &inner);
        problem = verdict_problem(&inner, &doc->request_origin, doc->request_from, detail,
                                  sizeof detail);
        if (!problem && !a->known_agency)
            problem = "its sender's domain is not a known agency domain";
    }
    a->verified = !problem;
    if (problem)
        snprintf(a->why, sizeof a->why,
                 "requester not verified: forwarded "
                 "by %s; the original sender could not be verified (%s)",
                 doc->from, problem);
}

static void verify_sender(request_t *out, const mail_doc_t *doc,
                          const parse_settings_t *s)
{
    judge_sender(out, doc, s);
    /* Policy rule 5: who served the request is the forwarded message's
     * sender whoever forwarded it. */
    const char *cc =
        agencies_country(s->agencies, doc->forwarded ? doc->request_from : doc->from);
    snprintf(out->auth.agency_country, sizeof out->auth.agency_country, "%s",
             cc ? cc : "");
}

/* Runs the extraction rules over text, with the message's headers. */
static void extract_text(const parse_settings_t *settings, const mail_doc_t *doc,
                         const char *text, size_t len, request_t *out)
{
    const char *domains[PARSE_MAX_DOMAINS];
    size_t nd = settings->provider_domain_count;
    if (nd > PARSE_MAX_DOMAINS)
        nd = PARSE_MAX_DOMAINS;
    for (size_t i = 0; i < nd; i++)
        domains[i] = settings->provider_domains[i];

    extract_input_t in = {
        .text = text,
        .len = len,
        .subject = doc->request_subject,
        .sender = doc->request_from,
        .mail_date = doc->request_date,
        .header_addresses = (const char *const *)doc->addresses,
        .header_address_count = doc->address_count,
        .provider_domains = domains,
        .provider_domain_count = nd,
        .agencies = settings->agencies, /* the list verification reads */
    };
    extract_request(&in, out);
}

static void take_string(char **field, char **from)
{
    if (!*from)
        return;
    free(*field);
    *field = *from;
    *from = NULL;
}

/* The document is the legal process: every field it states replaces what
 * the cover mail said; what it leaves open keeps the cover mail's. */
static void document_wins(request_t *out, request_t *d)
{
    if (d->type != REQ_UNKNOWN)
        out->type = d->type;
    take_string(&out->issuing_agency, &d->issuing_agency);
    take_string(&out->issuing_country, &d->issuing_country);
    take_string(&out->requesting_country, &d->requesting_country);
    take_string(&out->reference, &d->reference);
    if (d->account_count) {
        for (size_t i = 0; i < out->account_count; i++)
            free(out->accounts[i]);
        free(out->accounts);
        out->accounts = d->accounts;
        out->account_count = d->account_count;
        d->accounts = NULL;
        d->account_count = 0;
    }
    if (d->categories)
        out->categories = d->categories;
    if (d->nondisclosure) {
        out->nondisclosure = true;
        memcpy(out->nondisclosure_until, d->nondisclosure_until,
               sizeof out->nondisclosure_until);
    }
    if (d->deadline[0])
        memcpy(out->deadline, d->deadline, sizeof out->deadline);
    out->emergency |= d->emergency;
}

/* Fewer visible characters than a reference and an address: unread. */
#define MIN_DOCUMENT_CHARS 24

static size_t visible_chars(const char *t)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)t; p && *p; p++)
        n += *p > ' ';
    return n;
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
    gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
    snprintf(out, 65, "%s", hex ? hex : "");
    g_free(hex);
}

static char *document_error(const mail_document_t *m, const char *why)
{
    return g_strdup_printf("document \"%s\" (%s): %s", m->name ? m->name : "unnamed",
                           m->declared_type ? m->declared_type : "?", why);
}

/* Converts one attachment (isolated) into item; appends its text. */
static void read_document(const parse_settings_t *settings, const mail_document_t *m,
                          parse_document_t *item, GString *text)
{
    item->name = m->name ? strdup(m->name) : NULL;
    item->declared_type = strdup(m->declared_type ? m->declared_type : "");
    item->size = m->len;
    item->forwarded = m->forwarded;
    item->confidence = -1;
    item->method = document_method_name(DOC_METHOD_NONE);
    if (m->oversized || !m->data) {
        item->detected_type = document_kind_name(DOC_KIND_NONE);
        char why[128];
        snprintf(why, sizeof why, "larger than %u bytes (limit)",
                 MAIL_MAX_DOCUMENT_BYTES);
        item->error = document_error(m, m->oversized ? why : "out of memory");
        return;
    }
    sha256_hex(m->data, m->len, item->sha256);
    doc_kind_t kind = document_detect(m->data, m->len);
    item->detected_type = document_kind_name(kind);
    if (kind == DOC_KIND_NONE) {
        /* Declared a document but its content is none writ knows. */
        char why[160];
        snprintf(why, sizeof why,
                 "declared %s but its content is not one "
                 "(corrupt or unknown format)",
                 document_kind_name(document_declared_kind(m->declared_type, m->name)));
        item->error = document_error(m, why);
        return;
    }
    document_result_t res;
    if (document_convert_isolated(&settings->documents, kind, m->data, m->len, &res) !=
        0) {
        item->error = document_error(m, res.error);
        item->pages = res.pages;
        document_result_clear(&res);
        return;
    }
    item->pages = res.pages;
    item->method = document_method_name(res.method);
    item->confidence = res.confidence;
    if (visible_chars(res.text) < MIN_DOCUMENT_CHARS) {
        /* A blank scan, an image of nothing, a decompression bomb that
         * rendered white: nothing was read, so nothing may be decided. */
        item->error = document_error(m, "no readable text in it");
        document_result_clear(&res);
        return;
    }
    if (text->len)
        g_string_append(text, "\n\f\n");
    g_string_append_len(text, res.text, (gssize)res.text_len);
    document_result_clear(&res);
}

static void read_documents(const parse_settings_t *settings, const mail_doc_t *doc,
                           parse_documents_t *docs)
{
    GString *text = g_string_new(NULL);
    docs->items = calloc(doc->document_count + 1, sizeof *docs->items);
    for (size_t i = 0; docs->items && i < doc->document_count; i++)
        read_document(settings, &doc->documents[i], &docs->items[docs->count++], text);
    docs->dropped = doc->documents_dropped;
    docs->text_len = text->len;
    docs->text = g_string_free(text, FALSE);
}

static parse_status_t parse_with(const parse_settings_t *settings, const char *raw,
                                 size_t len, request_t *out, parse_documents_t *docs,
                                 char *err, size_t errlen)
{
    parse_settings_t defaults;
    if (!settings) {
        parse_settings_default(&defaults);
        settings = &defaults;
    }
    if (err && errlen)
        err[0] = '\0';
    parse_global_init();

    mail_doc_t doc;
    if (mail_decode(raw, len, &doc, err, errlen) != 0)
        return PARSE_NOT_MAIL;

    request_set_string(&out->message_id, doc.message_id);
    request_set_string(&out->from, doc.from);
    request_set_string(&out->subject, doc.subject);
    out->documents = (unsigned)(doc.document_count + doc.documents_dropped);

    extract_text(settings, &doc, doc.text, doc.text_len, out);
    if (docs) {
        read_documents(settings, &doc, docs);
        if (docs->text_len) {
            request_t d = { 0 };
            extract_text(settings, &doc, docs->text, docs->text_len, &d);
            document_wins(out, &d);
            request_clear(&d);
        }
    }
    request_enforce_limits(out);
    verify_sender(out, &doc, settings);
    mail_doc_clear(&doc);
    return PARSE_OK;
}

parse_status_t parse_message(const parse_settings_t *settings, const char *raw,
                             size_t len, request_t *out, char *err, size_t errlen)
{
    return parse_with(settings, raw, len, out, NULL, err, errlen);
}

parse_status_t parse_message_documents(const parse_settings_t *settings, const char *raw,
                                       size_t len, request_t *out,
                                       parse_documents_t *docs, char *err, size_t errlen)
{
    return parse_with(settings, raw, len, out, docs, err, errlen);
}

void parse_documents_clear(parse_documents_t *self)
{
    if (!self)
        return;
    for (size_t i = 0; i < self->count; i++) {
        free(self->items[i].name);
        free(self->items[i].declared_type);
        g_free(self->items[i].error);
    }
    free(self->items);
    g_free(self->text);
    memset(self, 0, sizeof *self);
}

static json_t *documents_array(const parse_documents_t *docs)
{
    json_t *arr = json_array();
    for (size_t i = 0; docs && i < docs->count; i++) {
        const parse_document_t *d = &docs->items[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", d->name ? json_string(d->name) : json_null());
        json_object_set_new(o, "declared_type", json_string(d->declared_type));
        json_object_set_new(o, "detected_type", json_string(d->detected_type));
        json_object_set_new(o, "sha256",
                            d->sha256[0] ? json_string(d->sha256) : json_null());
        json_object_set_new(o, "size", json_integer((json_int_t)d->size));
        json_object_set_new(o, "forwarded", json_boolean(d->forwarded));
        json_object_set_new(o, "pages", json_integer(d->pages));
        json_object_set_new(o, "method", json_string(d->method));
        json_object_set_new(o, "ocr_confidence",
                            d->confidence >= 0 ? json_integer(d->confidence)
                                               : json_null());
        json_object_set_new(o, "error", d->error ? json_string(d->error) : json_null());
        json_array_append_new(arr, o);
    }
    return arr;
}

char *parse_documents_json(const parse_documents_t *docs)
{
    json_t *arr = documents_array(docs);
    char *s = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return s;
}

char *parse_json_with_documents(const request_t *req, const parse_documents_t *docs)
{
    char *base = request_to_json(req, true);
    json_t *o = base ? json_loads(base, 0, NULL) : NULL;
    free(base);
    if (!o)
        return NULL;
    json_object_set_new(o, "documents", documents_array(docs));
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}
