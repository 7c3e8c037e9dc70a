/* parse.c -- parse.h: raw message bytes -> request_t. MIME decoding is
 * mail.c's, field extraction extract.c's; this file joins them and reads
 * the trusted gateway's Authentication-Results (issue 3).
 */
#include "parse.h"
#include "agencies.h"
#include "extract.h"
#include "mail.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <gmime/gmime.h>

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
     * matched as itself or any subdomain (auth_id_trusted). */
    snprintf(self->trusted_authserv_id, sizeof self->trusted_authserv_id, "%s",
             PROVIDER_DOMAIN);
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

static bool auth_id_trusted(const char *id, size_t idlen, const char *trusted)
{
    size_t tl = strlen(trusted);
    if (tl == 0 || idlen < tl)
        return false;
    if (strncasecmp(id + idlen - tl, trusted, tl) != 0)
        return false;
    return idlen == tl || id[idlen - tl - 1] == '.';
}

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

static void set_result(char *field, size_t fl, const char *v, size_t vl)
{
    if (field[0] || vl == 0)
        return;   /* the first statement wins */
    if (vl >= fl)
        vl = fl - 1;
    for (size_t i = 0; i < vl; i++)
        field[i] = (char)tolower((unsigned char)v[i]);
    field[vl] = '\0';
}

static void read_resinfo(request_auth_t *a, const char *s)
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
        set_result(a->spf, sizeof a->spf, v, vl);
    else if (ml == 4 && strncasecmp(s, "dkim", 4) == 0)
        set_result(a->dkim, sizeof a->dkim, v, vl);
    else if (ml == 5 && strncasecmp(s, "dmarc", 5) == 0)
        set_result(a->dmarc, sizeof a->dmarc, v, vl);
}

/* Reads one header value if its authserv-id is trusted. */
static bool read_auth_results(request_auth_t *a, const char *value,
                              const char *trusted)
{
    char buf[4096];
    strip_comments(value, buf, sizeof buf);
    char *p = buf;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t idl = strcspn(p, "; \t");
    if (!auth_id_trusted(p, idl, trusted))
        return false;
    char *save = NULL;
    char *part = strtok_r(p + idl, ";", &save);
    while (part) {
        read_resinfo(a, part);
        part = strtok_r(NULL, ";", &save);
    }
    return true;
}

static void fill_auth(request_auth_t *a, const mail_doc_t *doc,
                      const parse_settings_t *s)
{
    memset(a, 0, sizeof *a);
    /* Outer headers only: a forwarded message's headers are whatever the
     * forwarder's copy says and prove nothing. */
    for (size_t i = 0; i < doc->auth_count; i++)
        if (read_auth_results(a, doc->auth_results[i], s->trusted_authserv_id))
            break;  /* the topmost trusted header is the gateway's own */
}

static bool in_provider_domain(const char *address, const parse_settings_t *s)
{
    const char *at = address ? strrchr(address, '@') : NULL;
    for (size_t i = 0; at && i < s->provider_domain_count; i++)
        if (!strcasecmp(at + 1, s->provider_domains[i]))
            return true;
    return false;
}

/* A colleague on the provider's own domain forwarding a request vouches
 * for the outer message (DMARC); the agency is the forwarded sender. */
static void verify_sender(request_t *out, const mail_doc_t *doc,
                          const parse_settings_t *s)
{
    bool internal = doc->forwarded && in_provider_domain(doc->from, s);
    agencies_verify(s->agencies, out, internal ? doc->request_from : doc->from);
    /* Policy rule 5: who served the request is the forwarded message's
     * sender whoever forwarded it. */
    const char *cc = agencies_country(s->agencies, doc->forwarded
                                                       ? doc->request_from
                                                       : doc->from);
    snprintf(out->auth.agency_country, sizeof out->auth.agency_country, "%s",
             cc ? cc : "");
}

parse_status_t parse_message(const parse_settings_t *settings,
                             const char *raw, size_t len, request_t *out,
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

    const char *domains[PARSE_MAX_DOMAINS];
    size_t nd = settings->provider_domain_count;
    if (nd > PARSE_MAX_DOMAINS)
        nd = PARSE_MAX_DOMAINS;
    for (size_t i = 0; i < nd; i++)
        domains[i] = settings->provider_domains[i];

    extract_input_t in = {
        .text = doc.text,
        .len = doc.text_len,
        .subject = doc.request_subject,
        .sender = doc.request_from,
        .mail_date = doc.request_date,
        .header_addresses = (const char *const *)doc.addresses,
        .header_address_count = doc.address_count,
        .provider_domains = domains,
        .provider_domain_count = nd,
    };
    extract_request(&in, out);
    request_enforce_limits(out);
    fill_auth(&out->auth, &doc, settings);
    verify_sender(out, &doc, settings);
    mail_doc_clear(&doc);
    return PARSE_OK;
}
