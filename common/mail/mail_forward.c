/* mail_forward.c -- requests forwarded inline: a "Forwarded message" or
 * "Original Message" block in the text (not a message/rfc822 part), its
 * header lines (From, Date, Subject) read as the request's (see
 * mail_impl.h). Part of mail.c's decoding.
 */
#include "mail_impl.h"
#include "dates.h"
#include "domain.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

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
        "original message",       "urspr\xc3\xbcngliche nachricht",
        "message d'origine",      "mensaje original",
        "oorspronkelijk bericht", "mensagem original",
        "messaggio originale",    NULL
    };
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
    bool hit =
        strstr(l, "forwarded message") || strstr(l, "begin forwarded") ||
        strstr(l, "weitergeleitete nachricht") ||
        strstr(l, "message transf\xc3\xa9r\xc3\xa9") || strstr(l, "mensaje reenviado") ||
        strstr(l, "doorgestuurd bericht") || strstr(l, "mensagem encaminhada") ||
        strstr(l, "messaggio inoltrato") || framed_original_marker(l) ||
        (fwd_subject && strstr(l, "-----") &&
         (strstr(l, "original message") || strstr(l, "urspr\xc3\xbcngliche nachricht") ||
          strstr(l, "message d'origine") || strstr(l, "mensaje original") ||
          strstr(l, "oorspronkelijk bericht") || strstr(l, "mensagem original") ||
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
        { "from:", 'f' },
        { "von:", 'f' },
        { "sent:", 'd' },
        { "date:", 'd' },
        { "gesendet:", 'd' },
        { "datum:", 'd' },
        { "subject:", 's' },
        { "betreff:", 's' },
        { "to:", 'a' },
        { "an:", 'a' },
        { "cc:", 'a' },
        { "reply-to:", 'a' },
        { "bcc:", 'a' },
        { "de :", 'f' },
        { "de:", 'f' },
        { "envoy\xc3\xa9 :", 'd' },
        { "date :", 'd' },
        { "objet :", 's' },
        { "\xc3\xa0"
          " :",
          'a' },
        { "\xc3\x80"
          " :",
          'a' },
        { "enviado:", 'd' },
        { "asunto:", 's' },
        { "para:", 'a' },
        /* Dutch, Portuguese and Italian clients */
        { "van:", 'f' },
        { "verzonden:", 'd' },
        { "aan:", 'a' },
        { "onderwerp:", 's' },
        { "enviada:", 'd' },
        { "assunto:", 's' },
        { "data:", 'd' },
        { "da:", 'f' },
        { "inviato:", 'd' },
        { "oggetto:", 's' },
        { "a:", 'a' },
        { "cc :", 'a' },
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
            mail_add_address(doc, a);
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
static const char *parse_forward_headers(mail_doc_t *doc, const char *p, const char *end)
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
            mail_doc_t tmp = { 0 };
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
    static const char *const prefixes[] = { "re:", "aw:",  "sv:",  "antw:",
                                            "r:",  "ref:", "rif:", NULL };
    for (const char *const *p = prefixes; *p; p++)
        if (mail_ascii_prefix_ci(subj, *p))
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
        return true; /* unknown: do not judge */
    return domain_within(a, b) || domain_within(b, a);
}

/* A reply quotes the mail it answers below an "Original Message" line.
 * When that quoted mail is someone else's (the provider's own question to
 * the agency, say), the request is the reply's own text, not the quote:
 * reading the quote as a forward would take the provider as the requester
 * and its reference as the request's. */
static bool quotes_another_sender(mail_doc_t *doc, const char *p, const char *end)
{
    mail_doc_t quoted = { 0 };
    parse_forward_headers(&quoted, p, end);
    bool other =
        quoted.request_from &&
        !same_sender_domain(addr_domain(quoted.request_from), addr_domain(doc->from));
    mail_doc_clear(&quoted);
    return other;
}

/* Finds an inline forward in text; on success the request_* fields are
 * set and the body offset is returned through *body. A reply quoting
 * another sender's mail is no forward: *cut then marks where the quote
 * starts, so that the provider's own words are not read as the request. */
bool mail_find_inline_forward(mail_doc_t *doc, const GString *text, const char **body,
                              const char **cut)
{
    const char *subj = doc->subject ? doc->subject : "";
    while (*subj == ' ')
        subj++;
    bool fwd_subject =
        mail_ascii_prefix_ci(subj, "fw:") || mail_ascii_prefix_ci(subj, "fwd:") ||
        mail_ascii_prefix_ci(subj, "wg:") || mail_ascii_prefix_ci(subj, "tr:") ||
        mail_ascii_prefix_ci(subj, "rv:") ||     /* Spanish */
        mail_ascii_prefix_ci(subj, "enc:") ||    /* Portuguese */
        mail_ascii_prefix_ci(subj, "doorst:") || /* Dutch */
        mail_ascii_prefix_ci(subj, "i:");        /* Italian */
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
