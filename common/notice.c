/* notice.c -- the customer-notice table of default-policy.md, and the
 * rendering of a prepared notice as an RFC 5322 message.
 *
 * notice_decide_case() applies the table to every decided account.
 * notice_render() fills a {{placeholder}} template: the template's own text
 * is trusted (it ships in config/), the values are not -- they come from the
 * requester's mail -- so every value is stripped of control characters and,
 * in the header section, RFC 2047-encoded when it is not plain ASCII. A
 * value can therefore never end a header line or start a new one.
 */
#include "notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the notice table --------------------------------------------------- */

static void set_notice_to(account_decision_t *d)
{
    free(d->notice_to);
    d->notice_to = NULL;
    const char *to = d->location.enterprise ? d->location.admin_contact
                                            : d->account;
    /* An enterprise without an admin contact gets no addressee: the data
     * is the customer's, so telling the individual user is not a stand-in. */
    if (to && *to)
        d->notice_to = strdup(to);
}

/* Returns true when the case must be flagged challenge_recommended. */
static bool decide_one(const request_t *req, account_decision_t *d)
{
    d->release_on[0] = '\0';
    if (d->decision == DEC_NO_DATA || d->decision == DEC_PRESERVE) {
        d->notice = NOTICE_NOT_REQUIRED;                      /* rule 1 */
        free(d->notice_to);
        d->notice_to = NULL;
        return false;
    }
    set_notice_to(d);    /* also for held/deferred: a release needs it */
    if (req->nondisclosure) {                                 /* rule 2 */
        d->notice = NOTICE_HELD;
        memcpy(d->release_on, req->nondisclosure_until,
               sizeof d->release_on);
        d->release_on[sizeof d->release_on - 1] = '\0';
        return d->location.enterprise;
    }
    if (d->decision == DEC_EMERGENCY_REVIEW
        || d->decision == DEC_NEEDS_REVIEW) {
        d->notice = NOTICE_DEFERRED;                          /* rule 3 */
        return false;
    }
    d->notice = NOTICE_PREPARED;                              /* rule 4 */
    return false;
}

void notice_decide_case(case_t *c)
{
    if (!c || !c->request)
        return;
    /* Computed afresh so that deciding twice gives the same case. */
    c->challenge_recommended = false;
    for (size_t i = 0; i < c->account_count; i++) {
        account_decision_t *d = &c->accounts[i];
        if (d->decision == DEC_NONE || d->decision >= DEC_COUNT)
            continue;            /* not decided: nothing to apply */
        if (decide_one(c->request, d))
            c->challenge_recommended = true;
    }
}

/* ---- growing buffer -------------------------------------------------------- */

typedef struct {
    char *s;
    size_t len, cap;
    bool failed;
} buf_t;

static void put(buf_t *b, const char *p, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = true;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(buf_t *b, const char *s)
{
    put(b, s, strlen(s));
}

/* ---- value text -------------------------------------------------------------- */

static const char *type_text(request_type_t t)
{
    switch (t) {
    case REQ_SEARCH_WARRANT: return "search warrant";
    case REQ_SUBPOENA: return "subpoena";
    case REQ_COURT_ORDER: return "court order";
    case REQ_NATIONAL_SECURITY_LETTER: return "National Security Letter";
    case REQ_PRESERVATION_REQUEST: return "preservation request";
    case REQ_EMERGENCY_REQUEST: return "emergency disclosure request";
    case REQ_MLAT_REQUEST: return "mutual legal assistance (MLAT) request";
    default: return "request of unrecognised type";
    }
}

static const char *decision_text(decision_t d)
{
    switch (d) {
    case DEC_NO_DATA:
        return "we hold no data for this account";
    case DEC_PRESERVE:
        return "we are keeping a copy of the data; nothing has been disclosed";
    case DEC_EMERGENCY_REVIEW:
        return "our staff are reviewing the request as an emergency";
    case DEC_NEEDS_REVIEW:
        return "our staff are reviewing the request";
    case DEC_REJECT_OUT_OF_JURISDICTION:
        return "we declined the request because the data is stored outside "
               "the requester's jurisdiction; nothing has been disclosed";
    case DEC_REJECT_INSUFFICIENT_PROCESS:
        return "we declined the request because the legal process served is "
               "not sufficient for the data asked for; nothing has been "
               "disclosed";
    case DEC_PARTIAL:
        return "we will disclose only the part of the data that the legal "
               "process covers, and have declined the rest";
    case DEC_REDIRECT_TO_CUSTOMER:
        return "we have not disclosed the data ourselves; the requester has "
               "been told to ask your organisation directly";
    case DEC_DISCLOSE:
        return "the legal process requires us to disclose the data asked for, "
               "and we will do so";
    default:
        return "no decision has been made yet";
    }
}

/* "subscriber information, transactional records and content" */
static void categories_text(buf_t *b, unsigned cats)
{
    static const struct { unsigned bit; const char *text; } names[] = {
        { CAT_SUBSCRIBER, "subscriber information (such as name, address "
                          "and billing details)" },
        { CAT_TRANSACTIONAL, "transactional records (such as logs, message "
                             "headers and contacts)" },
        { CAT_CONTENT, "content (such as messages, files and photos)" },
    };
    size_t total = 0, done = 0;
    for (size_t i = 0; i < 3; i++)
        total += (cats & names[i].bit) != 0;
    if (total == 0) {
        puts_(b, "no specific kind of data was named");
        return;
    }
    for (size_t i = 0; i < 3; i++) {
        if (!(cats & names[i].bit))
            continue;
        done++;
        if (done > 1)
            puts_(b, done == total ? " and " : ", ");
        puts_(b, names[i].text);
    }
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* The raw (unsanitised) value of a placeholder into b; false if unknown. */
static bool raw_value(buf_t *b, const char *name, const case_t *c,
                      const account_decision_t *d, const notice_envelope_t *e)
{
    const request_t *r = c->request;
    if (strcmp(name, "case_id") == 0) puts_(b, c->id);
    else if (strcmp(name, "to") == 0) puts_(b, or_empty(d->notice_to));
    else if (strcmp(name, "from") == 0) puts_(b, or_empty(e ? e->from : NULL));
    else if (strcmp(name, "date") == 0) puts_(b, or_empty(e ? e->date : NULL));
    else if (strcmp(name, "message_id") == 0)
        puts_(b, or_empty(e ? e->message_id : NULL));
    else if (strcmp(name, "agency") == 0)
        puts_(b, r->issuing_agency && *r->issuing_agency
                     ? r->issuing_agency : "an unnamed agency");
    else if (strcmp(name, "request_type") == 0)
        puts_(b, or_empty(request_type_name(r->type)));
    else if (strcmp(name, "request_type_text") == 0) puts_(b, type_text(r->type));
    else if (strcmp(name, "reference") == 0)
        puts_(b, r->reference && *r->reference ? r->reference : "none given");
    else if (strcmp(name, "categories") == 0) categories_text(b, r->categories);
    else if (strcmp(name, "decision") == 0) puts_(b, decision_name(d->decision));
    else if (strcmp(name, "decision_text") == 0)
        puts_(b, decision_text(d->decision));
    else if (strcmp(name, "reason") == 0) puts_(b, or_empty(d->reason));
    else if (strcmp(name, "account") == 0) puts_(b, or_empty(d->account));
    else if (strcmp(name, "tenant_name") == 0)
        puts_(b, d->location.tenant_name);
    else
        return false;
    return true;
}

/* ---- sanitising -------------------------------------------------------------- */

/* Control characters (C0, DEL) become spaces: no CR/LF ever leaves a value,
 * so a value cannot end a header line or add one. */
static void strip_controls(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
            *s = ' ';
}

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

static void base64(buf_t *b, const unsigned char *p, size_t n)
{
    static const char tbl[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char out[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n) v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        out[0] = tbl[(v >> 18) & 63];
        out[1] = tbl[(v >> 12) & 63];
        out[2] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
        out[3] = i + 2 < n ? tbl[v & 63] : '=';
        put(b, out, 4);
    }
}

/* RFC 2047 B encoded-words of at most 45 raw bytes (75 characters each),
 * split on UTF-8 character boundaries, separated by spaces. */
static void encoded_words(buf_t *b, const char *s)
{
    size_t len = strlen(s), i = 0;
    while (i < len) {
        size_t n = len - i > 45 ? 45 : len - i;
        while (n > 1 && i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
            n--;         /* do not cut a multi-byte character in two */
        puts_(b, i ? " =?utf-8?B?" : "=?utf-8?B?");
        base64(b, (const unsigned char *)s + i, n);
        puts_(b, "?=");
        i += n;
    }
}

/* Header values longer than this are cut, so no header line can exceed
 * RFC 5322's 998-character limit with the template's own text around it. */
#define HEADER_VALUE_MAX 200

static void cut_utf8(char *s, size_t max)
{
    size_t len = strlen(s);
    if (len <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    s[max] = '\0';
}

/* Address headers must not be encoded-words (RFC 2047 § 5). */
static bool address_header(const char *line_start)
{
    static const char *const names[] = { "From:", "To:", "Cc:", "Reply-To:",
                                         "Sender:", "Message-ID:" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strncasecmp(line_start, names[i], strlen(names[i])) == 0)
            return true;
    return false;
}

static void put_value(buf_t *out, char *v, bool in_header, const char *line)
{
    strip_controls(v);
    if (!in_header) {
        puts_(out, v);
        return;
    }
    cut_utf8(v, HEADER_VALUE_MAX);
    if (is_ascii(v) || address_header(line))
        puts_(out, v);
    else
        encoded_words(out, v);
}

/* ---- the template engine -------------------------------------------------- */

/* Copies template text up to the next "{{", tracking the header section
 * (everything before the first empty line) and dropping CRs. Returns the
 * position of "{{" or of the terminating NUL. */
static const char *copy_text(buf_t *out, const char *p, bool *in_header,
                             size_t *line_start)
{
    for (; *p && !(p[0] == '{' && p[1] == '{'); p++) {
        if (*p == '\r')
            continue;
        if (*p == '\n') {
            if (*in_header && out->len == *line_start)
                *in_header = false;          /* the empty line */
            put(out, p, 1);
            *line_start = out->len;
            continue;
        }
        put(out, p, 1);
    }
    return p;
}

/* Parses "{{ name }}" at p into name; returns the text after it or NULL. */
static const char *parse_placeholder(const char *p, char *name, size_t cap)
{
    p += 2;
    while (*p == ' ')
        p++;
    size_t n = 0;
    while ((*p >= 'a' && *p <= 'z') || *p == '_') {
        if (n + 1 >= cap)
            return NULL;
        name[n++] = *p++;
    }
    name[n] = '\0';
    while (*p == ' ')
        p++;
    if (n == 0 || p[0] != '}' || p[1] != '}')
        return NULL;
    return p + 2;
}

char *notice_render(const char *tmpl, const case_t *c,
                    const account_decision_t *d, const notice_envelope_t *env)
{
    if (!tmpl || !c || !c->request || !d || !d->notice_to || !*d->notice_to)
        return NULL;             /* nothing to render, or nobody to tell */
    buf_t out = { 0 };
    bool in_header = true;
    size_t line_start = 0;
    const char *p = tmpl;
    while (!out.failed) {
        p = copy_text(&out, p, &in_header, &line_start);
        if (!*p)
            break;
        char name[32];
        buf_t val = { 0 };
        p = parse_placeholder(p, name, sizeof name);
        bool ok = p && raw_value(&val, name, c, d, env) && !val.failed;
        if (ok) {
            put_value(&out, val.s ? val.s : (char[]){ "" }, in_header,
                      out.s ? out.s + line_start : "");
        }
        free(val.s);
        if (!ok) {
            out.failed = true;   /* unknown or malformed placeholder */
            break;
        }
    }
    if (out.failed || !out.s) {
        free(out.s);
        return NULL;
    }
    return out.s;
}
