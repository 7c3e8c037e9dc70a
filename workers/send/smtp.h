/* smtp.h -- one SMTP transaction with the provider's relay, by libcurl
 * (its SMTP support: MAIL FROM, RCPT TO, DATA; STARTTLS; AUTH). The
 * connection is kept between messages (curl's connection cache).
 *
 * The caller is told, through before_end, the moment before the end of
 * the data would go out: that is when the relay could start to accept
 * the message, so writ-send records "committing" there first (see
 * delivery_store.h). If before_end fails, the transfer is aborted and the
 * relay never sees the end of the data.
 */
#ifndef WRIT_SEND_SMTP_H
#define WRIT_SEND_SMTP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct smtp_t smtp_t;

typedef struct {
    const char *url;      /* smtp://host:port or smtps://host:port */
    const char *starttls; /* "none" | "try" | "required" */
    const char *user;     /* AUTH user, NULL/"": no AUTH */
    const char *password;
    const char *ca_file; /* NULL/"": the system's CAs */
    long timeout_ms;     /* a whole transaction at most this long */
} smtp_settings_t;

smtp_t *smtp_new(const smtp_settings_t *settings);
void smtp_destroy(smtp_t **self_p);

typedef struct {
    bool transport_ok; /* curl reported no error */
    long code;         /* the relay's last reply code, 0 none */
    bool data_ended;   /* the end of the data was handed on */
    char reply[256];   /* the relay's last reply line */
    char error[256];   /* curl's error text, if any */
} smtp_result_t;

/* Sends data (CRLF lines) from envelope sender `from` to `rcpt`. */
void smtp_send(smtp_t *self, const char *from, const char *rcpt, const char *data,
               size_t len, int (*before_end)(void *arg), void *arg, smtp_result_t *out);

#endif
