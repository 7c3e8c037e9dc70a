/* lmtp.c -- LMTP server protocol state machine (see lmtp.h). */
#define _GNU_SOURCE
#include "lmtp.h"

#include "envelope.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LMTP_MAX_LINE 4096 /* command line limit (RFC 5321: 512) */
#define LMTP_MAX_RCPT 100

typedef enum { ST_START, ST_READY, ST_MAIL, ST_DATA, ST_DELIVER, ST_CLOSED } state_t;

typedef struct {
    char *data;
    size_t len, cap;
} buf_t;

struct lmtp_session_t {
    const lmtp_config_t *config;
    state_t state;
    buf_t line; /* partial command or data line */
    buf_t message;
    buf_t output;
    size_t recipients;
    char envelope[1024]; /* "from=<..> to=<..>,<..>" of this transaction */
    bool too_big;
    bool at_line_start;
    size_t held;         /* DATA bytes counted in data_in_flight */
    bool over_budget;    /* DATA beyond the server's budget: skipped */
    size_t skipped_line; /* ... bytes of the current line so far */
    bool skipped_dot;    /* ... which so far is "." or ".\r" */
};

/* Counts n more DATA bytes against the server's budget; false (nothing
 * counted) when they do not fit. */
static bool budget_take(lmtp_session_t *self, size_t n)
{
    size_t *used = self->config->data_in_flight;
    if (!used)
        return true;
    if (*used + n > self->config->data_budget)
        return false;
    *used += n;
    self->held += n;
    return true;
}

static void budget_release(lmtp_session_t *self)
{
    size_t *used = self->config->data_in_flight;
    if (used)
        *used = *used > self->held ? *used - self->held : 0;
    self->held = 0;
}

static int buf_add(buf_t *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *g = realloc(b->data, cap);
        if (!g)
            return -1;
        b->data = g;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static void buf_free(buf_t *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static void reply(lmtp_session_t *self, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 2, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof line - 3)
        n = (int)sizeof line - 3;
    memcpy(line + n, "\r\n", 3);
    buf_add(&self->output, line, (size_t)n + 2);
}

lmtp_session_t *lmtp_session_new(const lmtp_config_t *config)
{
    lmtp_session_t *self = calloc(1, sizeof *self);
    if (self)
        self->config = config;
    return self;
}

void lmtp_session_destroy(lmtp_session_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    budget_release(*self_p);
    buf_free(&(*self_p)->line);
    buf_free(&(*self_p)->message);
    buf_free(&(*self_p)->output);
    free(*self_p);
    *self_p = NULL;
}

void lmtp_session_greet(lmtp_session_t *self)
{
    reply(self, "220 %s LMTP writ intake ready", self->config->hostname);
}

void lmtp_session_abort(lmtp_session_t *self, const char *text)
{
    reply(self, "%s", text);
    self->state = ST_CLOSED;
}

static void reset_transaction(lmtp_session_t *self)
{
    self->recipients = 0;
    self->envelope[0] = '\0';
    self->too_big = false;
    self->over_budget = false;
    self->message.len = 0;
    budget_release(self);
    if (self->state != ST_START && self->state != ST_CLOSED)
        self->state = ST_READY;
}

/* Extracts the address between < and > after "FROM:" / "TO:", lower-cased.
 * Returns 0, or -1 on a syntax error. */
static int path_argument(const char *arg, char *out, size_t len, const char **rest)
{
    while (*arg == ' ')
        arg++;
    if (*arg != '<')
        return -1;
    const char *end = strchr(arg, '>');
    if (!end || (size_t)(end - arg - 1) >= len)
        return -1;
    size_t n = (size_t)(end - arg - 1);
    for (size_t i = 0; i < n; i++)
        out[i] = (char)tolower((unsigned char)arg[1 + i]);
    out[n] = '\0';
    *rest = end + 1;
    return 0;
}

static void cmd_lhlo(lmtp_session_t *self, const char *arg)
{
    if (!*arg) {
        reply(self, "501 5.5.4 LHLO needs a host name");
        return;
    }
    reset_transaction(self);
    self->state = ST_READY;
    reply(self, "250-%s", self->config->hostname);
    reply(self, "250-PIPELINING");
    reply(self, "250-ENHANCEDSTATUSCODES");
    reply(self, "250-8BITMIME");
    /* RFC 6531: agencies' addresses and headers may be UTF-8; without this
     * a gateway bounces such a request (5.6.7) instead of delivering it.
     * Bytes are stored as received, so nothing more is needed here. */
    reply(self, "250-SMTPUTF8");
    reply(self, "250 SIZE %zu", self->config->max_message_size);
}

static void cmd_mail(lmtp_session_t *self, const char *arg)
{
    char path[512];
    const char *rest;
    if (self->state == ST_START) {
        reply(self, "503 5.5.1 send LHLO first");
        return;
    }
    if (self->state != ST_READY) {
        reply(self, "503 5.5.1 nested MAIL command");
        return;
    }
    if (strncasecmp(arg, "FROM:", 5) ||
        path_argument(arg + 5, path, sizeof path, &rest)) {
        reply(self, "501 5.5.4 syntax: MAIL FROM:<address>");
        return;
    }
    const char *size = strcasestr(rest, "SIZE=");
    if (size && strtoull(size + 5, NULL, 10) > self->config->max_message_size) {
        reply(self, "552 5.3.4 message size exceeds fixed limit of %zu bytes",
              self->config->max_message_size);
        return;
    }
    self->state = ST_MAIL;
    envelope_start(self->envelope, sizeof self->envelope, path);
    reply(self, "250 2.1.0 sender ok");
}

static void cmd_rcpt(lmtp_session_t *self, const char *arg)
{
    char path[512];
    const char *rest;
    if (self->state != ST_MAIL) {
        reply(self, "503 5.5.1 need MAIL before RCPT");
        return;
    }
    if (strncasecmp(arg, "TO:", 3) || path_argument(arg + 3, path, sizeof path, &rest)) {
        reply(self, "501 5.5.4 syntax: RCPT TO:<address>");
        return;
    }
    if (self->config->accept_rcpt &&
        !self->config->accept_rcpt(self->config->ctx, path)) {
        reply(self, "550 5.1.1 <%s> is not a legal-request intake address", path);
        return;
    }
    if (self->recipients >= LMTP_MAX_RCPT) {
        reply(self, "452 4.5.3 too many recipients");
        return;
    }
    self->recipients++;
    envelope_add_recipient(self->envelope, sizeof self->envelope, path);
    reply(self, "250 2.1.5 recipient ok");
}

static void cmd_data(lmtp_session_t *self)
{
    if (self->state != ST_MAIL || self->recipients == 0) {
        reply(self, "503 5.5.1 need valid RCPT before DATA");
        return;
    }
    self->state = ST_DATA;
    self->message.len = 0;
    self->too_big = false;
    self->over_budget = false;
    self->skipped_line = 0;
    self->skipped_dot = false;
    self->at_line_start = true;
    reply(self, "354 end data with <CR><LF>.<CR><LF>");
}

static void command(lmtp_session_t *self, char *line)
{
    char *arg = line;
    while (*arg && *arg != ' ')
        arg++;
    if (*arg)
        *arg++ = '\0';
    if (!strcasecmp(line, "LHLO"))
        cmd_lhlo(self, arg);
    else if (!strcasecmp(line, "MAIL"))
        cmd_mail(self, arg);
    else if (!strcasecmp(line, "RCPT"))
        cmd_rcpt(self, arg);
    else if (!strcasecmp(line, "DATA"))
        cmd_data(self);
    else if (!strcasecmp(line, "RSET")) {
        reset_transaction(self);
        reply(self, "250 2.0.0 reset");
    } else if (!strcasecmp(line, "NOOP"))
        reply(self, "250 2.0.0 ok");
    else if (!strcasecmp(line, "VRFY"))
        reply(self, "252 2.5.2 cannot verify, send a message and see");
    else if (!strcasecmp(line, "QUIT")) {
        reply(self, "221 2.0.0 %s closing", self->config->hostname);
        self->state = ST_CLOSED;
    } else if (!strcasecmp(line, "HELO") || !strcasecmp(line, "EHLO"))
        reply(self, "500 5.5.1 this is LMTP: use LHLO");
    else
        reply(self, "500 5.5.2 command not recognized");
}

/* One data line (with its line ending). Returns true at the final dot. */
static bool data_line(lmtp_session_t *self, const char *p, size_t n)
{
    size_t body = n;
    while (body > 0 && (p[body - 1] == '\n' || p[body - 1] == '\r'))
        body--;
    if (body == 1 && p[0] == '.')
        return true;
    if (p[0] == '.') { /* dot-unstuffing (RFC 5321 4.5.2) */
        p++;
        n--;
    }
    if (self->too_big || self->message.len + n > self->config->max_message_size) {
        self->too_big = true;
        return false;
    }
    if (buf_add(&self->message, p, n) != 0)
        self->too_big = true; /* out of memory: refuse, don't crash */
    return false;
}

static lmtp_event_t end_of_data(lmtp_session_t *self)
{
    if (self->over_budget) {
        for (size_t i = 0; i < self->recipients; i++)
            reply(self, "451 4.3.1 insufficient system storage: too many "
                        "messages in transfer, try again later");
        reset_transaction(self);
        return LMTP_NEED_MORE;
    }
    if (self->too_big) {
        for (size_t i = 0; i < self->recipients; i++)
            reply(self, "552 5.3.4 message size exceeds fixed limit of %zu bytes",
                  self->config->max_message_size);
        reset_transaction(self);
        return LMTP_NEED_MORE;
    }
    self->state = ST_DELIVER;
    return LMTP_MESSAGE;
}

/* Over the budget the message is no longer kept: what it held is given
 * back at once, and the rest of its DATA is only watched for its end. */
static void go_over_budget(lmtp_session_t *self)
{
    self->over_budget = true;
    budget_release(self);
    buf_free(&self->message);
    self->skipped_line = self->line.len;
    self->skipped_dot =
        self->line.len == 0 || (self->line.len == 1 && self->line.data[0] == '.');
    buf_free(&self->line);
}

/* A piece of a DATA line, not kept. Returns true when it ends the line
 * that is the final "." (".\r\n" or ".\n"). */
static bool skip_data(lmtp_session_t *self, const char *p, size_t n, bool ends_line)
{
    for (size_t k = 0; k < n && self->skipped_dot; k++) {
        size_t at = self->skipped_line + k;
        char c = p[k];
        self->skipped_dot = (at == 0 && c == '.') || (at == 1 && c == '\r') ||
                            (c == '\n' && (at == 1 || at == 2));
    }
    bool dot = ends_line && self->skipped_dot && self->skipped_line + n >= 2;
    self->skipped_line = ends_line ? 0 : self->skipped_line + n;
    if (ends_line)
        self->skipped_dot = true;
    return dot;
}

lmtp_event_t lmtp_session_feed(lmtp_session_t *self, const char *data, size_t len,
                               size_t *consumed)
{
    size_t i = 0;
    while (i < len && self->state != ST_DELIVER && self->state != ST_CLOSED &&
           (self->state == ST_DATA || self->output.len < LMTP_OUTPUT_LIMIT)) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t take = nl ? (size_t)(nl - (data + i)) + 1 : len - i;
        if (self->state == ST_DATA && !self->over_budget && !self->too_big &&
            !budget_take(self, take))
            go_over_budget(self);
        if (self->state == ST_DATA && self->over_budget) {
            bool end = skip_data(self, data + i, take, nl != NULL);
            i += take;
            if (end)
                end_of_data(self);
            continue;
        }
        if (self->state != ST_DATA && self->line.len + take > LMTP_MAX_LINE) {
            /* Refuse an overlong command and skip to its end. */
            i += take;
            if (nl) {
                self->line.len = 0;
                reply(self, "500 5.5.2 line too long");
            } else
                self->line.len = LMTP_MAX_LINE; /* keep discarding */
            continue;
        }
        if (self->state == ST_DATA &&
            self->line.len + take > self->config->max_message_size + 2) {
            /* A line longer than the whole limit: the message is refused,
             * so stop keeping its bytes. */
            self->too_big = true;
            self->line.len = 0;
            i += take;
            if (nl)
                continue;
            break;
        }
        if (buf_add(&self->line, data + i, take) != 0) {
            *consumed = i;
            lmtp_session_abort(self, "421 4.3.0 out of memory");
            return LMTP_CLOSE;
        }
        i += take;
        if (!nl)
            break; /* partial line: wait for more */
        char *line = self->line.data;
        size_t n = self->line.len;
        if (self->state == ST_DATA) {
            bool end = data_line(self, line, n);
            self->line.len = 0;
            if (end && end_of_data(self) == LMTP_MESSAGE) {
                *consumed = i;
                return LMTP_MESSAGE;
            }
            continue;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        command(self, line);
        self->line.len = 0;
    }
    *consumed = i;
    return self->state == ST_CLOSED    ? LMTP_CLOSE
           : self->state == ST_DELIVER ? LMTP_MESSAGE
                                       : LMTP_NEED_MORE;
}

const char *lmtp_session_message(lmtp_session_t *self, size_t *len)
{
    *len = self->message.len;
    return self->message.data ? self->message.data : "";
}

const char *lmtp_session_envelope(lmtp_session_t *self)
{
    return self->envelope;
}

size_t lmtp_session_recipients(lmtp_session_t *self)
{
    return self->recipients;
}

bool lmtp_session_waiting_delivery(lmtp_session_t *self)
{
    return self->state == ST_DELIVER;
}

void lmtp_session_delivered(lmtp_session_t *self, int code, const char *enhanced,
                            const char *text)
{
    for (size_t i = 0; i < self->recipients; i++)
        reply(self, "%d %s %s", code, enhanced, text);
    self->state = ST_READY;
    reset_transaction(self);
    /* Large messages: give the memory back between transactions. */
    if (self->message.cap > (1u << 20))
        buf_free(&self->message);
}

bool lmtp_session_output_full(lmtp_session_t *self)
{
    return self->output.len >= LMTP_OUTPUT_LIMIT;
}

const char *lmtp_session_output(lmtp_session_t *self, size_t *len)
{
    *len = self->output.len;
    return self->output.data ? self->output.data : "";
}

void lmtp_session_output_sent(lmtp_session_t *self, size_t n)
{
    if (n >= self->output.len) {
        self->output.len = 0;
        if (self->output.cap > 65536)
            buf_free(&self->output);
        return;
    }
    memmove(self->output.data, self->output.data + n, self->output.len - n);
    self->output.len -= n;
}
