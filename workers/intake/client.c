/* client.c -- one gateway connection of the LMTP server (see client.h). */
#include "client.h"
#include "case_store.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

void client_flush(client_t *c)
{
    size_t len;
    const char *out = lmtp_session_output(c->session, &len);
    while (len > 0) {
        ssize_t n = send(c->fd, out, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                c->closing = true;
            break;
        }
        lmtp_session_output_sent(c->session, (size_t)n);
        out = lmtp_session_output(c->session, &len);
    }
}

void client_reply_delivered(client_t *c, const delivery_t *d)
{
    switch (d->status) {
    case DELIVER_ACCEPTED:
    case DELIVER_DUPLICATE:
        lmtp_session_delivered(c->session, 250, "2.0.0", d->reason);
        break;
    case DELIVER_NOT_MAIL:
        lmtp_session_delivered(c->session, 554, "5.6.0", d->reason);
        break;
    case DELIVER_BUSY:
        lmtp_session_delivered(c->session, 451, "4.3.2",
                               "system busy: too many cases waiting, try again later");
        break;
    case DELIVER_TEMPFAIL:
        lmtp_session_delivered(
            c->session, 451, "4.3.0",
            "requested action aborted: case store unavailable, try again later");
        break;
    }
}

void client_process(client_t *c)
{
    while (c->in_len > 0 && !c->closing && !c->awaiting) {
        size_t used = 0;
        lmtp_event_t ev = lmtp_session_feed(c->session, c->in, c->in_len, &used);
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
        if (ev == LMTP_MESSAGE)
            c->awaiting = true;
        else if (ev == LMTP_CLOSE)
            c->closing = true;
        else
            break;
    }
    client_flush(c);
}

bool client_takes_input(client_t *c)
{
    return !c->in_flight && c->in_len < sizeof c->in &&
           !lmtp_session_output_full(c->session);
}

void client_read(client_t *c)
{
    if (c->in_len == sizeof c->in)
        return; /* full: the session takes it first */
    ssize_t n = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        c->closing = true;
        return;
    }
    c->in_len += (size_t)n;
    c->last_activity = writ_now_ms();
    client_process(c);
}

void client_close(client_t *c)
{
    client_flush(c);
    close(c->fd);
    lmtp_session_destroy(&c->session);
    c->fd = -1;
}
