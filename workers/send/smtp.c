/* smtp.c -- libcurl SMTP transactions (see smtp.h). */
#include "smtp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct smtp_t {
    CURL *curl;
    smtp_settings_t s;
};

typedef struct {
    const char *data;
    size_t len, pos;
    int (*before_end)(void *arg);
    void *arg;
    smtp_result_t *out;
    bool aborted;
} upload_t;

/* Hands curl the message. Before its last bytes go (curl sends the end
 * of the data only after them, whether or not it asks again for more),
 * before_end is asked; if it fails, the transfer is aborted. */
static size_t read_data(char *buf, size_t size, size_t nitems, void *userp)
{
    upload_t *u = userp;
    size_t room = size * nitems;
    size_t n = u->len - u->pos < room ? u->len - u->pos : room;
    if (u->aborted)
        return CURL_READFUNC_ABORT;
    if (!u->out->data_ended && u->pos + n == u->len) {
        if (u->before_end && u->before_end(u->arg) != 0) {
            u->aborted = true;
            return CURL_READFUNC_ABORT;
        }
        u->out->data_ended = true;
    }
    memcpy(buf, u->data + u->pos, n);
    u->pos += n;
    return n;
}

/* Every reply line of the relay comes here: keep the last one. */
static size_t reply_line(char *buf, size_t size, size_t nitems, void *userp)
{
    smtp_result_t *out = userp;
    size_t n = size * nitems;
    size_t keep = n < sizeof out->reply - 1 ? n : sizeof out->reply - 1;
    while (keep && (buf[keep - 1] == '\n' || buf[keep - 1] == '\r'))
        keep--;
    if (keep) {
        memcpy(out->reply, buf, keep);
        out->reply[keep] = '\0';
    }
    return n;
}

smtp_t *smtp_new(const smtp_settings_t *settings)
{
    smtp_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->s = *settings;
    self->curl = curl_easy_init();
    if (!self->curl) {
        free(self);
        return NULL;
    }
    return self;
}

void smtp_destroy(smtp_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    curl_easy_cleanup((*self_p)->curl);
    free(*self_p);
    *self_p = NULL;
}

static long use_ssl(const char *starttls)
{
    if (starttls && !strcmp(starttls, "required"))
        return (long)CURLUSESSL_ALL;
    if (starttls && !strcmp(starttls, "none"))
        return (long)CURLUSESSL_NONE;
    return (long)CURLUSESSL_TRY;
}

void smtp_send(smtp_t *self, const char *from, const char *rcpt, const char *data,
               size_t len, int (*before_end)(void *arg), void *arg, smtp_result_t *out)
{
    memset(out, 0, sizeof *out);
    CURL *c = self->curl;
    upload_t u = {
        .data = data, .len = len, .before_end = before_end, .arg = arg, .out = out
    };
    char errbuf[CURL_ERROR_SIZE] = "";
    char mail_from[512];
    snprintf(mail_from, sizeof mail_from, "<%s>", from);
    struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
    if (!rcpts) {
        snprintf(out->error, sizeof out->error, "out of memory");
        return;
    }
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, self->s.url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_data);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, reply_line);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl(self->s.starttls));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     self->s.timeout_ms < 10000 ? self->s.timeout_ms : 10000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, self->s.timeout_ms);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    if (self->s.user && *self->s.user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, self->s.user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, self->s.password ? self->s.password : "");
    }
    if (self->s.ca_file && *self->s.ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, self->s.ca_file);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    out->transport_ok = rc == CURLE_OK;
    out->code = code;
    if (rc != CURLE_OK)
        snprintf(out->error, sizeof out->error, "%s",
                 errbuf[0] ? errbuf : curl_easy_strerror(rc));
    curl_slist_free_all(rcpts);
}
