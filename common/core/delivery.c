/* delivery.c -- the pure part of sending notices and alerts (see
 * delivery.h): names, headers, wire text, outcomes, backoff, alerts. */
#include "delivery.h"

#include <ctype.h>
#include <glib.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
            return false;
    return true;
}

bool delivery_id_from_name(const char *name, char id[DELIVERY_ID_LEN], char case_id[32])
{
    /* c + 16 hex, '.', 16 hex, ".writ", then nothing or ":2,FLAGS" */
    size_t n = strlen(name);
    if (n < 17 + 1 + 16 + 5 || name[0] != 'c' || !all_hex(name + 1, 16) ||
        name[17] != '.' || !all_hex(name + 18, 16) ||
        strncmp(name + 34, ".writ", 5) != 0 || (name[39] != '\0' && name[39] != ':'))
        return false;
    snprintf(id, DELIVERY_ID_LEN, "%.34s", name);
    snprintf(case_id, 32, "%.17s", name);
    return true;
}

/* The value of the first header field called name in the header section
 * (unfolded, trimmed), or NULL. */
static char *header_value(const char *text, size_t len, const char *name)
{
    size_t nlen = strlen(name);
    const char *p = text, *end = text + len;
    while (p < end && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n')) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if ((size_t)(eol - p) > nlen && strncasecmp(p, name, nlen) == 0 &&
            p[nlen] == ':') {
            GString *v = g_string_new_len(p + nlen + 1, eol - (p + nlen + 1));
            const char *q = eol < end ? eol + 1 : end;
            while (q < end && (*q == ' ' || *q == '\t')) { /* folded */
                const char *e2 = memchr(q, '\n', (size_t)(end - q));
                if (!e2)
                    e2 = end;
                g_string_append_len(v, q, e2 - q);
                q = e2 < end ? e2 + 1 : end;
            }
            char *raw = g_string_free(v, FALSE);
            char *out = strdup(g_strstrip(raw));
            g_free(raw);
            return out;
        }
        p = eol < end ? eol + 1 : end;
    }
    return NULL;
}

int delivery_headers_read(const char *text, size_t len, delivery_headers_t *out,
                          const char **why)
{
    memset(out, 0, sizeof *out);
    char *to = header_value(text, len, "To");
    char *mid = header_value(text, len, "Message-ID");
    int rc = -1;
    *why = NULL;
    if (!to) {
        *why = "no To: header";
        goto done;
    }
    if (!mid || mid[0] != '<' || strlen(mid) < 3 || mid[strlen(mid) - 1] != '>' ||
        strchr(mid + 1, '<') || strpbrk(mid, " \t\r\n")) {
        *why = "no Message-ID: header";
        goto done;
    }
    InternetAddressList *list = internet_address_list_parse(NULL, to);
    if (!list || internet_address_list_length(list) != 1 ||
        !INTERNET_ADDRESS_IS_MAILBOX(internet_address_list_get_address(list, 0))) {
        *why = "To: is not one address";
        if (list)
            g_object_unref(list);
        goto done;
    }
    const char *addr = internet_address_mailbox_get_addr(
        INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(list, 0)));
    if (!addr || !strchr(addr, '@') || strpbrk(addr, " \t\r\n<>")) {
        *why = "To: is not one address";
        g_object_unref(list);
        goto done;
    }
    out->to = strdup(addr);
    g_object_unref(list);
    out->message_id = strndup(mid + 1, strlen(mid) - 2);
    rc = out->to && out->message_id ? 0 : -1;
    if (rc)
        *why = "out of memory";
done:
    free(to);
    free(mid);
    if (rc)
        delivery_headers_clear(out);
    return rc;
}

void delivery_headers_clear(delivery_headers_t *h)
{
    free(h->to);
    free(h->message_id);
    h->to = h->message_id = NULL;
}

char *delivery_wire_text(const char *text, size_t len, const char *reply_to,
                         size_t *out_len)
{
    GString *out = g_string_sized_new(len + len / 40 + 128);
    char *existing = header_value(text, len, "Reply-To");
    bool add = reply_to && *reply_to && !existing && !strpbrk(reply_to, "\r\n");
    free(existing);
    bool first_line = true;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (ch == '\r' && i + 1 < len && text[i + 1] == '\n')
            continue; /* CRLF: the LF adds it back */
        if (ch == '\n') {
            g_string_append(out, "\r\n");
            /* after the first header line, unless it is folded on */
            if (first_line && add &&
                !(i + 1 < len && (text[i + 1] == ' ' || text[i + 1] == '\t'))) {
                g_string_append_printf(out, "Reply-To: %s\r\n", reply_to);
                first_line = false;
            }
            continue;
        }
        g_string_append_c(out, ch);
    }
    if (len && text[len - 1] != '\n')
        g_string_append(out, "\r\n");
    *out_len = out->len;
    char *s = g_string_free(out, FALSE);
    char *copy = malloc(*out_len + 1);
    if (copy)
        memcpy(copy, s, *out_len + 1);
    g_free(s);
    return copy;
}

delivery_outcome_t delivery_classify(bool transport_ok, long code, bool data_ended)
{
    if (code >= 200 && code < 300 && transport_ok && data_ended)
        return DELIVERY_SENT;
    if (code >= 500 && code < 600)
        return DELIVERY_FAILED;
    if (code >= 400 && code < 500)
        return DELIVERY_DEFERRED;
    /* No verdict from the relay. Before the end of the data it cannot have
     * taken the message (SMTP: a message is accepted only by the reply to
     * its end); after it, it may have. */
    return data_ended ? DELIVERY_UNCONFIRMED : DELIVERY_DEFERRED;
}

const char *delivery_outcome_name(delivery_outcome_t o)
{
    static const char *names[] = { "sent", "deferred", "failed", "unconfirmed" };
    return (unsigned)o < 4 ? names[o] : "unknown";
}

uint64_t delivery_backoff_ms(unsigned attempts, uint64_t base_ms, uint64_t max_ms)
{
    uint64_t wait = base_ms ? base_ms : 1;
    for (unsigned i = 1; i < attempts && wait < max_ms; i++)
        wait *= 2;
    return wait < max_ms ? wait : max_ms;
}

bool delivery_reason_is_emergency(const char *review_reason)
{
    return review_reason && strstr(review_reason, "emergency request") != NULL;
}

void delivery_alert_id(const char *case_id, const char *reason, char id[DELIVERY_ID_LEN])
{
    gchar *digest =
        g_compute_checksum_for_string(G_CHECKSUM_SHA256, reason ? reason : "", -1);
    snprintf(id, DELIVERY_ID_LEN, "%.17s.alert.%.8s", case_id, digest);
    g_free(digest);
}

/* A header value on one line (no CR/LF injection from a reason). */
static void append_clean(GString *s, const char *v)
{
    for (; *v; v++)
        g_string_append_c(s, (*v == '\r' || *v == '\n') ? ' ' : *v);
}

/* Wraps text at 72 columns as one paragraph. */
static void append_wrapped(GString *s, const char *text)
{
    size_t col = 0;
    gchar **words = g_strsplit_set(text, " \r\n\t", -1);
    for (gchar **w = words; *w; w++) {
        if (!**w)
            continue;
        size_t wl = g_utf8_strlen(*w, -1);
        if (col && col + 1 + wl > 72) {
            g_string_append_c(s, '\n');
            col = 0;
        } else if (col) {
            g_string_append_c(s, ' ');
            col++;
        }
        g_string_append(s, *w);
        col += wl;
    }
    g_strfreev(words);
    g_string_append_c(s, '\n');
}

/* The headers of a message writ writes to the people who run it: one
 * line each, no CR/LF from a value; Auto-Submitted: auto-generated. */
static void append_auto_headers(GString *s, const char *from, const char *to,
                                const char *subject, const char *date,
                                const char *message_id)
{
    g_string_append(s, "From: ");
    append_clean(s, from);
    g_string_append(s, "\nTo: ");
    append_clean(s, to);
    g_string_append(s, "\nSubject: ");
    append_clean(s, subject);
    g_string_append(s, "\nDate: ");
    append_clean(s, date);
    g_string_append(s, "\nMessage-ID: <");
    append_clean(s, message_id);
    g_string_append(s, ">\nAuto-Submitted: auto-generated\n"
                       "X-Auto-Response-Suppress: All\n"
                       "MIME-Version: 1.0\n"
                       "Content-Type: text/plain; charset=utf-8\n"
                       "Content-Transfer-Encoding: 8bit\n\n");
}

char *delivery_alert_render(const delivery_alert_t *a)
{
    if (!a->from || !a->to || !a->date || !a->message_id || !a->case_id || !a->reason ||
        !*a->to)
        return NULL;
    GString *s = g_string_new(NULL);
    gchar *subject =
        g_strdup_printf("[writ] %s: case %s needs a person",
                        a->emergency ? "EMERGENCY request" : "review", a->case_id);
    append_auto_headers(s, a->from, a->to, subject, a->date, a->message_id);
    g_free(subject);
    if (a->emergency)
        append_wrapped(s, "An emergency request has arrived. A person must "
                          "decide at once whether to disclose voluntarily.");
    else
        append_wrapped(s, "A case has entered review: a person must look at "
                          "it before anything more happens.");
    g_string_append_printf(s, "\nCase: %s\nWhy: ", a->case_id);
    GString *why = g_string_new(NULL);
    append_clean(why, a->reason);
    append_wrapped(s, why->str);
    g_string_free(why, TRUE);
    g_string_append_printf(s,
                           "\nSee it with: writctl case show %s\n"
                           "\nThis message was sent automatically by writ; "
                           "it carries no customer data.\n",
                           a->case_id);
    return g_string_free(s, FALSE);
}

void delivery_digest_id(const char *day, char id[DELIVERY_ID_LEN])
{
    char compact[9] = "";
    size_t n = 0;
    for (const char *p = day ? day : ""; *p && n < 8; p++)
        if (*p >= '0' && *p <= '9')
            compact[n++] = *p;
    compact[n] = '\0';
    snprintf(id, DELIVERY_ID_LEN, "digest.%s", compact);
}

/* One line of the digest: date, when, case, kind, and what it is -- the
 * request's type and agency, never the account the date is about. */
static void append_digest_item(GString *s, const delivery_digest_item_t *it)
{
    GString *line = g_string_new(NULL);
    g_string_append_printf(line, "%-10s  %-18s %-18s %-12s ", it->date, it->status,
                           it->case_id, it->kind);
    if (it->what)
        append_clean(line, it->what);
    else {
        append_clean(line, it->type);
        g_string_append(line, " from ");
        append_clean(line, it->agency);
    }
    g_string_append(s, line->str);
    g_string_append_c(s, '\n');
    g_string_free(line, TRUE);
}

char *delivery_digest_render(const delivery_digest_t *d)
{
    if (!d->from || !d->to || !*d->to || !d->date || !d->message_id || !d->day ||
        (d->count && !d->items))
        return NULL;
    for (size_t i = 0; i < d->count; i++) {
        const delivery_digest_item_t *it = &d->items[i];
        if (!it->date || !it->status || !it->case_id || !it->kind ||
            (!it->what && (!it->type || !it->agency)))
            return NULL;
    }
    GString *s = g_string_new(NULL);
    gchar *subject = g_strdup_printf("[writ] due on %s: %zu date%s", d->day, d->count,
                                     d->count == 1 ? "" : "s");
    append_auto_headers(s, d->from, d->to, subject, d->date, d->message_id);
    g_free(subject);
    gchar *intro = g_strdup_printf("What writctl due lists on %s: the dates of the "
                                   "next %ld days and every date passed that a "
                                   "case still owes.",
                                   d->day, d->days);
    append_wrapped(s, intro);
    g_free(intro);
    g_string_append_c(s, '\n');
    if (d->count == 0)
        g_string_append(s, "Nothing is due.\n");
    for (size_t i = 0; i < d->count; i++)
        append_digest_item(s, &d->items[i]);
    g_string_append_printf(s, "\nSee them with: writctl due --days %ld\n\n", d->days);
    append_wrapped(s, "This message was sent automatically by writ once a day; "
                      "it carries no customer data (writctl due names the "
                      "accounts a date is about).");
    return g_string_free(s, FALSE);
}

void delivery_letter_id(const char *case_id, char id[DELIVERY_ID_LEN])
{
    snprintf(id, DELIVERY_ID_LEN, "%.17s.letter", case_id ? case_id : "");
}
