/* notice.c -- the customer-notice table of default-policy.md, the letter
 * for each situation, and the rendering of a prepared notice as an RFC
 * 5322 message.
 *
 * notice_decide_case() applies the table to every decided account;
 * notice_letter_for() picks the letter (config/notices/<letter>.txt).
 * notice_render() fills a {{placeholder}} template with plain words --
 * country names, the kind of process, the data in a customer's terms --
 * never writ's internal codes. The template's own text is trusted (it
 * ships in config/), the values are not -- they come from the requester's
 * mail -- so every value is stripped of control characters and, in the
 * header section, RFC 2047-encoded when it is not plain ASCII: a value can
 * never end a header line or start a new one. The result is laid out
 * last: header fields folded, the body wrapped at 72 columns.
 */
#include "notice.h"
#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the notice table --------------------------------------------------- */

static void set_notice_to(account_decision_t *d)
{
    free(d->notice_to);
    d->notice_to = NULL;
    const char *to = d->location.enterprise ? d->location.admin_contact : d->account;
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
        d->notice = NOTICE_NOT_REQUIRED; /* rule 1 */
        free(d->notice_to);
        d->notice_to = NULL;
        return false;
    }
    set_notice_to(d);         /* also for held/deferred: a release needs it */
    if (req->nondisclosure) { /* rule 2 */
        d->notice = NOTICE_HELD;
        memcpy(d->release_on, req->nondisclosure_until, sizeof d->release_on);
        d->release_on[sizeof d->release_on - 1] = '\0';
        return d->location.enterprise;
    }
    if (d->decision == DEC_EMERGENCY_REVIEW || d->decision == DEC_NEEDS_REVIEW) {
        d->notice = NOTICE_DEFERRED; /* rule 3 */
        return false;
    }
    d->notice = NOTICE_PREPARED; /* rule 4 */
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
            continue; /* not decided: nothing to apply */
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

/* ---- which letter ------------------------------------------------------------ */

static const char *const letter_names[NOTICE_LETTER_COUNT] = {
    [NOTICE_LETTER_DISCLOSURE] = "disclosure",
    [NOTICE_LETTER_PARTIAL] = "partial",
    [NOTICE_LETTER_REJECTED_JURISDICTION] = "rejected-jurisdiction",
    [NOTICE_LETTER_REJECTED_PROCESS] = "rejected-process",
    [NOTICE_LETTER_REJECTED_TREATY] = "rejected-treaty",
    [NOTICE_LETTER_REDIRECTED] = "redirected",
    [NOTICE_LETTER_RELEASED] = "released",
    [NOTICE_LETTER_OTHER] = "other",
};

const char *notice_letter_name(notice_letter_t letter)
{
    return letter < NOTICE_LETTER_COUNT ? letter_names[letter] : NULL;
}

notice_letter_t notice_letter_for(const case_t *c, const account_decision_t *d)
{
    /* Rule 2 holds every notice of a gagged request: one prepared now was
     * released when the gag ended or was lifted, and says so. */
    if (c->request && c->request->nondisclosure)
        return NOTICE_LETTER_RELEASED;
    switch (d->decision) {
    case DEC_DISCLOSE:
        return NOTICE_LETTER_DISCLOSURE;
    case DEC_PARTIAL:
        return NOTICE_LETTER_PARTIAL;
    case DEC_REJECT_OUT_OF_JURISDICTION:
        return NOTICE_LETTER_REJECTED_JURISDICTION;
    case DEC_REJECT_INSUFFICIENT_PROCESS:
        return c->request && policy_treaty_route_missing(c->request)
                   ? NOTICE_LETTER_REJECTED_TREATY
                   : NOTICE_LETTER_REJECTED_PROCESS;
    case DEC_REDIRECT_TO_CUSTOMER:
        return NOTICE_LETTER_REDIRECTED;
    default:
        return NOTICE_LETTER_OTHER;
    }
}

/* ---- value text ---------------------------------------------------------------- */

/* Country names as a letter writes them (ISO 3166-1 alpha-2 in, English
 * name out); the article where English uses one. */
static const struct {
    const char *code, *name;
} countries[] = {
    { "US", "the United States" },
    { "GB", "the United Kingdom" },
    { "IE", "Ireland" },
    { "DE", "Germany" },
    { "FR", "France" },
    { "NL", "the Netherlands" },
    { "BE", "Belgium" },
    { "LU", "Luxembourg" },
    { "CH", "Switzerland" },
    { "AT", "Austria" },
    { "IT", "Italy" },
    { "ES", "Spain" },
    { "PT", "Portugal" },
    { "SE", "Sweden" },
    { "NO", "Norway" },
    { "DK", "Denmark" },
    { "FI", "Finland" },
    { "PL", "Poland" },
    { "CZ", "the Czech Republic" },
    { "GR", "Greece" },
    { "RO", "Romania" },
    { "EE", "Estonia" },
    { "CA", "Canada" },
    { "MX", "Mexico" },
    { "BR", "Brazil" },
    { "CO", "Colombia" },
    { "AU", "Australia" },
    { "NZ", "New Zealand" },
    { "JP", "Japan" },
    { "KR", "the Republic of Korea" },
    { "IN", "India" },
    { "SG", "Singapore" },
    { "IL", "Israel" },
};

static const char *country_name(const char *code)
{
    if (!code || !*code)
        return "a country it did not name";
    for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++)
        if (strcasecmp(code, countries[i].code) == 0)
            return countries[i].name;
    return "another country";
}

/* The kind of process, as a sentence names it. */
static const char *process_text(request_type_t t)
{
    switch (t) {
    case REQ_SEARCH_WARRANT:
        return "a search warrant";
    case REQ_SUBPOENA:
        return "a subpoena";
    case REQ_COURT_ORDER:
        return "a court order";
    case REQ_NATIONAL_SECURITY_LETTER:
        return "a National Security Letter";
    case REQ_PRESERVATION_REQUEST:
        return "a request to preserve data";
    case REQ_EMERGENCY_REQUEST:
        return "an emergency request";
    case REQ_MLAT_REQUEST:
        return "a request for mutual legal assistance under a treaty";
    default:
        return "a request that named no legal process";
    }
}

/* "subscriber information, transactional records and content" */
static void categories_text(buf_t *b, unsigned cats, const char *none)
{
    static const struct {
        unsigned bit;
        const char *text;
    } names[] = {
        { CAT_SUBSCRIBER, "subscriber information (such as name, address "
                          "and billing details)" },
        { CAT_TRANSACTIONAL, "records of your use of the service (such as "
                             "logs, message headers and contacts)" },
        { CAT_CONTENT, "the content of your account (such as messages, "
                       "files and photos)" },
    };
    size_t total = 0, done = 0;
    for (size_t i = 0; i < 3; i++)
        total += (cats & names[i].bit) != 0;
    if (total == 0) {
        puts_(b, none);
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

/* What was asked for: a request naming no category is read as asking for
 * subscriber information (policy.c does the same). */
static unsigned asked_categories(const request_t *r)
{
    unsigned asked = r->categories & CAT_ALL;
    return asked ? asked : CAT_SUBSCRIBER;
}

/* What the decision hands over: only disclose and partial hand anything. */
static unsigned handed_categories(const account_decision_t *d)
{
    return d->decision == DEC_DISCLOSE || d->decision == DEC_PARTIAL
               ? d->granted & CAT_ALL
               : 0;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* "31 March 2026" from "2026-03-31"; "" when not a date. */
static void date_words(buf_t *b, const char *iso)
{
    static const char *const months[] = {
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December"
    };
    int y, m, d;
    if (!iso || strlen(iso) != 10 || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
        m < 1 || m > 12 || d < 1 || d > 31)
        return;
    /* No-break spaces (U+00A0): a wrapped line never splits a date. */
    char out[48];
    snprintf(out, sizeof out, "%d\xc2\xa0%s\xc2\xa0%d", d, months[m - 1], y);
    puts_(b, out);
}

/* before, the categories' words (none: the words for no category), after. */
static void categories_between(buf_t *b, const char *before, unsigned cats,
                               const char *none, const char *after)
{
    puts_(b, before);
    categories_text(b, cats, none);
    puts_(b, after);
}

/* Under a gag the data may have gone before the person could be told:
 * what (of it) may already have been handed over. */
static void handed_while_gagged(buf_t *b, const request_t *r, const char *what)
{
    if (!r->nondisclosure)
        return;
    puts_(b, " As we could not tell you earlier, ");
    puts_(b, what);
    puts_(b, " may already have been handed over.");
}

/* The released letter's account of what was decided, by decision. */
static void outcome_text(buf_t *b, const case_t *c, const account_decision_t *d)
{
    const request_t *r = c->request;
    unsigned handed = handed_categories(d);
    unsigned withheld = asked_categories(r) & ~handed;
    switch (d->decision) {
    case DEC_DISCLOSE:
        categories_between(b, "the law required us to hand over ", handed,
                           "the data asked for", ", and we decided to comply.");
        handed_while_gagged(b, r, "it");
        break;
    case DEC_PARTIAL:
        categories_between(b,
                           "the legal process allowed only part of what was asked "
                           "for. We decided to hand over ",
                           handed, "nothing", " and refused to hand over ");
        categories_between(b, "", withheld, "the rest", ".");
        handed_while_gagged(b, r, "that part");
        break;
    case DEC_REDIRECT_TO_CUSTOMER:
        puts_(b, "we decided not to hand over any data ourselves: the "
                 "account belongs to your organisation, and our practice is "
                 "that an agency must ask the organisation directly.");
        break;
    case DEC_REJECT_OUT_OF_JURISDICTION:
        puts_(b, "we refused the request and handed over nothing: the data "
                 "is stored in ");
        puts_(b, country_name(d->location.country));
        puts_(b, ", which legal process from ");
        puts_(b, country_name(r->issuing_country));
        puts_(b, " does not reach.");
        break;
    case DEC_REJECT_INSUFFICIENT_PROCESS:
        if (policy_treaty_route_missing(r))
            puts_(b, "we refused the request and handed over nothing: a "
                     "foreign agency's own request is not legal process "
                     "here until the authorities of the state it asks "
                     "execute it under the treaty.");
        else {
            puts_(b, "we refused the request and handed over nothing: ");
            puts_(b, process_text(r->type));
            puts_(b, " does not allow us to hand over ");
            categories_text(b, withheld, "the data asked for");
            puts_(b, ".");
        }
        break;
    default:
        puts_(b, "we have handed over nothing.");
        break;
    }
}

/* "Garda Síochána (Ireland), through the authorities of the United
 * States"; "FBI (the United States)". */
static void requester_text(buf_t *b, const request_t *r)
{
    puts_(b, r->issuing_agency && *r->issuing_agency
                 ? r->issuing_agency
                 : "an agency that did not give its name");
    const char *asking =
        r->requesting_country && *r->requesting_country ? r->requesting_country : NULL;
    const char *serving =
        r->issuing_country && *r->issuing_country ? r->issuing_country : NULL;
    if (asking || serving) {
        puts_(b, " (");
        puts_(b, country_name(asking ? asking : serving));
        puts_(b, ")");
    }
    if (asking && serving && strcasecmp(asking, serving) != 0) {
        puts_(b, ", through the authorities of ");
        puts_(b, country_name(serving));
    }
}

/* The raw (unsanitised) value of a placeholder into b; false if unknown. */
static bool raw_value(buf_t *b, const char *name, const case_t *c,
                      const account_decision_t *d, const notice_envelope_t *e)
{
    const request_t *r = c->request;
    if (strcmp(name, "case_id") == 0)
        puts_(b, c->id);
    else if (strcmp(name, "to") == 0)
        puts_(b, or_empty(d->notice_to));
    else if (strcmp(name, "from") == 0)
        puts_(b, or_empty(e ? e->from : NULL));
    else if (strcmp(name, "date") == 0)
        puts_(b, or_empty(e ? e->date : NULL));
    else if (strcmp(name, "message_id") == 0)
        puts_(b, or_empty(e ? e->message_id : NULL));
    else if (strcmp(name, "contact") == 0)
        puts_(b, or_empty(e ? e->contact : NULL));
    else if (strcmp(name, "agency") == 0)
        puts_(b, r->issuing_agency && *r->issuing_agency
                     ? r->issuing_agency
                     : "an agency that did not give its name");
    else if (strcmp(name, "requester") == 0)
        requester_text(b, r);
    else if (strcmp(name, "requesting_country") == 0)
        puts_(b, country_name(r->requesting_country && *r->requesting_country
                                  ? r->requesting_country
                                  : r->issuing_country));
    else if (strcmp(name, "issuing_country") == 0)
        puts_(b, country_name(r->issuing_country));
    else if (strcmp(name, "storage_country") == 0)
        puts_(b, country_name(d->location.country));
    else if (strcmp(name, "process") == 0)
        puts_(b, process_text(r->type));
    else if (strcmp(name, "reference") == 0)
        puts_(b, r->reference && *r->reference ? r->reference : "none given");
    else if (strcmp(name, "asked_for") == 0)
        categories_text(b, asked_categories(r), "");
    else if (strcmp(name, "handed_over") == 0)
        categories_text(b, handed_categories(d), "nothing");
    else if (strcmp(name, "withheld") == 0)
        categories_text(b, asked_categories(r) & ~handed_categories(d), "nothing");
    else if (strcmp(name, "gag_ended") == 0) {
        if (d->release_on[0]) {
            puts_(b, "ended on ");
            date_words(b, d->release_on);
        } else
            puts_(b, "has been lifted");
    } else if (strcmp(name, "outcome") == 0)
        outcome_text(b, c, d);
    else if (strcmp(name, "account") == 0)
        puts_(b, or_empty(d->account));
    else if (strcmp(name, "tenant_name") == 0)
        puts_(b,
              d->location.tenant_name[0] ? d->location.tenant_name : "your organisation");
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
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
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
            n--; /* do not cut a multi-byte character in two */
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
    static const char *const names[] = { "From:",     "To:",     "Cc:",
                                         "Reply-To:", "Sender:", "Message-ID:" };
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
                *in_header = false; /* the empty line */
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

/* ---- layout: folded headers, body wrapped at NOTICE_WIDTH ------------------- */

#define HEADER_WIDTH 78

/* Characters, not bytes: "Síochána" is 8 columns wide. */
static size_t columns(const char *s, size_t n)
{
    size_t cols = 0;
    for (size_t i = 0; i < n; i++)
        cols += ((unsigned char)s[i] & 0xC0) != 0x80;
    return cols;
}

/* One header field, folded at spaces before HEADER_WIDTH (RFC 5322 §
 * 2.2.3): the continuation lines start with a space. Encoded-words hold no
 * spaces, so a fold never splits one. */
static void fold_header(buf_t *out, const char *s, size_t n)
{
    size_t start = 0;
    while (n - start > HEADER_WIDTH) {
        size_t cut = 0;
        for (size_t i = start + 1; i < start + HEADER_WIDTH && i < n; i++)
            if (s[i] == ' ' && (start > 0 || memchr(s, ':', i)))
                cut = i;
        if (cut == 0)
            break; /* one long word: leave the line whole */
        put(out, s + start, cut - start);
        puts_(out, "\n");
        start = cut; /* the space starts the continuation */
    }
    put(out, s + start, n - start);
    puts_(out, "\n");
}

/* Words of text[0..n) laid out in lines of at most NOTICE_WIDTH columns;
 * the first line starts with lead, the others with hang spaces. A word
 * longer than a line stands alone on its line. */
static void wrap_words(buf_t *out, const char *text, size_t n, const char *lead,
                       size_t lead_len, size_t hang)
{
    put(out, lead, lead_len);
    size_t col = columns(lead, lead_len), i = 0;
    bool line_empty = true;
    while (i < n) {
        while (i < n && text[i] == ' ')
            i++;
        size_t w = i;
        while (w < n && text[w] != ' ')
            w++;
        if (w == i)
            break;
        size_t wc = columns(text + i, w - i);
        if (!line_empty && col + 1 + wc > NOTICE_WIDTH) {
            puts_(out, "\n");
            for (size_t k = 0; k < hang; k++)
                puts_(out, " ");
            col = hang;
            line_empty = true;
        }
        if (!line_empty) {
            puts_(out, " ");
            col++;
        }
        put(out, text + i, w - i);
        col += wc;
        line_empty = false;
        i = w;
    }
    puts_(out, "\n");
}

/* The body wrapped: each line of the template is a paragraph, wrapped at
 * NOTICE_WIDTH whatever length its placeholders give it (templates write
 * a paragraph on one line); a line that starts with spaces is an item,
 * wrapped under itself ("  - " items hang under their text); empty lines
 * stay. */
static void wrap_body(buf_t *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        size_t ind = i;
        while (ind < e && (s[ind] == ' ' || s[ind] == '\t'))
            ind++;
        if (ind == e) { /* empty (or blank) line */
            puts_(out, "\n");
            i = e + 1;
            continue;
        }
        size_t hang = ind - i;
        if (hang && ind + 1 < e && (s[ind] == '-' || s[ind] == '*') && s[ind + 1] == ' ')
            hang += 2;
        wrap_words(out, s + ind, e - ind, s + i, ind - i, hang);
        i = e + 1;
    }
}

/* The rendered message laid out: headers folded, body wrapped. */
static char *lay_out(const char *msg)
{
    buf_t out = { 0 };
    const char *body = strstr(msg, "\n\n");
    size_t hlen = body ? (size_t)(body - msg) + 1 : strlen(msg);
    for (size_t i = 0; i < hlen;) {
        const char *nl = memchr(msg + i, '\n', hlen - i);
        size_t e = nl ? (size_t)(nl - msg) : hlen;
        fold_header(&out, msg + i, e - i);
        i = e + 1;
    }
    if (body) {
        puts_(&out, "\n");
        wrap_body(&out, body + 2, strlen(body + 2));
    }
    if (out.failed) {
        free(out.s);
        return NULL;
    }
    return out.s ? out.s : strdup("");
}

char *notice_render(const char *tmpl, const case_t *c, const account_decision_t *d,
                    const notice_envelope_t *env)
{
    if (!tmpl || !c || !c->request || !d || !d->notice_to || !*d->notice_to)
        return NULL; /* nothing to render, or nobody to tell */
    buf_t out = { 0 };
    bool in_header = true;
    size_t line_start = 0;
    const char *p = tmpl;
    /* Lines starting with '#' before the headers are the legal team's
     * notes in the template, not part of the letter. */
    while (*p == '#') {
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p + strlen(p);
    }
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
            out.failed = true; /* unknown or malformed placeholder */
            break;
        }
    }
    if (out.failed || !out.s) {
        free(out.s);
        return NULL;
    }
    char *laid = lay_out(out.s);
    free(out.s);
    return laid;
}
