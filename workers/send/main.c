/* writ-send -- sends the prepared customer notices through the
 * provider's mail relay, and alerts the on-call person when a case needs
 * one (an emergency request, any case entering review).
 *
 * Its own daemon, off the bus: it works from notify's Maildir outbox (a
 * file in new/ is a complete, committed notice) and from Redis (each
 * message's delivery state, delivery_store.c; the review index). The
 * stages that decide never wait for a relay. Wiring only: the pure part
 * is common/core/delivery.c, the relay is smtp.c (libcurl).
 *
 * One message at a time, per replica: claim (Lua: sending, with a lease)
 * -> SMTP transaction -> just before the end of the data, "committing"
 * (Lua) -> the relay's answer -> record (Lua: sent | deferred | failed |
 * unconfirmed). See README "Sending notices".
 */
#define _GNU_SOURCE
#include "case_store.h"
#include "case_view.h"
#include "config.h"
#include "daemon_start.h"
#include "delivery.h"
#include "delivery_store.h"
#include "keys.h"
#include "letter.h"
#include "log.h"
#include "parse.h"
#include "pipeline.h"
#include "redis_login.h"
#include "smtp.h"
#include "stage_runner.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sysexits.h>

#define MAX_MESSAGE_BYTES (4 * 1024 * 1024)

/* A place in writ:cases from which cases are looked at once a second
 * (delivery_store_cursor_*): it moves past a case only once that case's
 * message is finished, so one deferred is tried again after a restart. */
typedef struct {
    const char *name; /* "ack" | "letter" */
    uint64_t at, next_scan_ms;
    bool loaded;
} case_cursor_t;

typedef struct {
    case_store_t *store;
    smtp_t *smtp;
    const char *worker;
    const char *new_dir;       /* outbox/new */
    const char *envelope_from; /* MAIL FROM */
    const char *reply_to;
    const char *sender; /* header From of alerts */
    const char *domain; /* Message-ID domain of alerts */
    const char *alerts_to, *alerts_emergency_to;
    uint64_t lease_ms, retry_base_ms, retry_max_ms;
    unsigned attention_after;
    bool debug_kill_after_data; /* testing only: die in the crash window */
    /* Notices seen in new/: id -> next time to look (0: finished). */
    GHashTable *notices;
    GHashTable *alerted; /* alert ids finished by this process */
    /* Acknowledgements to verified requesters: the template (NULL: off),
     * the arrival time (ms, writ:cases) from which cases are looked at,
     * and the acks finished by this process. */
    char *ack_template;
    const char *contact;
    case_cursor_t ack_cursor;
    GHashTable *acked;
    /* Decision letters to verified requesters (rejections, redirects):
     * the templates by letter_kind_t (NULL: off), whether they go without
     * a person's approval (letters/auto_send), the arrival time from
     * which cases are looked at (writ:delivery:letter_cursor). */
    char *letter_templates[LETTER_COUNT];
    bool letters_on, letters_auto_send;
    case_cursor_t letter_cursor;
    GHashTable *lettered; /* cases whose letter this process prepared */
    /* The daily digest of what is due: its address ("" off), the time
     * of day it goes (minutes after 00:00 UTC, -1 off), how many days
     * ahead it looks, the fixed today of tests (casework/today, NULL: the
     * clock), the day this process finished it. */
    const char *digest_to, *today_fixed;
    int digest_at_min;
    long digest_days;
    char digest_done_day[11];
    uint64_t next_digest_ms;
    struct timespec new_mtime;
    uint64_t next_rescan_ms, next_alert_scan_ms, next_watch_scan_ms;
    unsigned long sent, deferred, failed;
} sender_t;

static volatile sig_atomic_t s_stop;
static void on_stop(int sig)
{
    (void)sig;
    s_stop = 1;
}

typedef struct {
    sender_t *s;
    const char *id;
} commit_arg_t;

/* Called by smtp.c just before the end of the data goes out. */
static int before_end(void *arg)
{
    commit_arg_t *a = arg;
    return delivery_store_committing(a->s->store, a->id, a->s->worker, a->s->lease_ms);
}

static void rfc5322_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

/* One message, claimed: the transaction and its record. Returns the
 * time to look at it again (0: finished). */
static uint64_t transact(sender_t *s, const char *id, const char *case_id,
                         const char *kind, const char *to, const char *text, size_t len,
                         unsigned attempt)
{
    size_t wire_len = 0;
    char *wire = delivery_wire_text(text, len, s->reply_to, &wire_len);
    smtp_result_t res;
    delivery_outcome_t outcome;
    if (!wire) {
        memset(&res, 0, sizeof res);
        outcome = DELIVERY_DEFERRED;
    } else {
        commit_arg_t arg = { s, id };
        smtp_send(s->smtp, s->envelope_from, to, wire, wire_len, before_end, &arg, &res);
        free(wire);
        outcome = delivery_classify(res.transport_ok, res.code, res.data_ended);
    }
    if (s->debug_kill_after_data && res.data_ended)
        raise(SIGKILL); /* testing only: the crash window */
    uint64_t next = outcome == DELIVERY_DEFERRED
                        ? writ_now_ms() + delivery_backoff_ms(attempt, s->retry_base_ms,
                                                              s->retry_max_ms)
                        : 0;
    char reply[300];
    snprintf(reply, sizeof reply, "%s",
             res.reply[0]   ? res.reply
             : res.error[0] ? res.error
                            : "no answer");
    delivery_record_args_t rec = {
        .id = id,
        .case_id = case_id,
        .kind = kind,
        .worker = s->worker,
        .outcome = outcome,
        .code = res.code,
        .reply = reply,
        .next_at = next,
        .attention_after = s->attention_after,
    };
    /* The record must not be lost to a Redis hiccup: retry a while (the
     * lease protects the message meanwhile). */
    int rc;
    for (int i = 0; (rc = delivery_store_record(s->store, &rec)) < 0 && i < 50 && !s_stop;
         i++)
        usleep(100 * 1000);
    switch (outcome) {
    case DELIVERY_SENT:
        s->sent++;
        break;
    case DELIVERY_DEFERRED:
        s->deferred++;
        break;
    default:
        s->failed++;
        break;
    }
    bool quiet =
        outcome == DELIVERY_SENT ||
        (outcome == DELIVERY_DEFERRED && attempt != 1 && attempt != s->attention_after);
    if (quiet && outcome == DELIVERY_SENT)
        writ_log(WLOG_DEBUG, case_id, "%s %s sent (%ld)", kind, id, res.code);
    else
        writ_log(quiet ? WLOG_DEBUG : WLOG_WARN, case_id,
                 "%s %s %s (attempt %u, relay code %ld%s%s)", kind, id,
                 delivery_outcome_name(outcome), attempt, res.code,
                 res.transport_ok ? "" : ", ", res.transport_ok ? "" : res.error);
    if (rc < 0) {
        log_error(case_id, "cannot record the delivery of %s: Redis failed", id);
        return writ_now_ms() + s->lease_ms;
    }
    return next;
}

/* A notice file in new/: claim it, send it, record it. */
static uint64_t send_notice(sender_t *s, const char *name, const char *id,
                            const char *case_id)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", s->new_dir, name);
    gchar *text = NULL;
    gsize len = 0;
    GError *err = NULL;
    if (!g_file_get_contents(path, &text, &len, &err)) {
        log_error(case_id, "cannot read notice %s: %s", id, err->message);
        g_error_free(err);
        return writ_now_ms() + 60000;
    }
    delivery_headers_t h;
    const char *why = NULL;
    bool usable =
        len <= MAX_MESSAGE_BYTES && delivery_headers_read(text, len, &h, &why) == 0;
    delivery_claim_args_t ca = {
        .id = id,
        .case_id = case_id,
        .kind = "notice",
        .to = usable ? h.to : "",
        .message_id = usable ? h.message_id : "",
        .worker = s->worker,
        .lease_ms = s->lease_ms,
    };
    unsigned attempt = 0;
    uint64_t next_at = 0, again = 0;
    delivery_claim_t claim = delivery_store_claim(s->store, &ca, &attempt, &next_at);
    switch (claim) {
    case DELIVERY_CLAIM_GO:
        if (!usable) {
            log_error(case_id, "notice %s cannot be sent: %s", id,
                      why ? why : "larger than 4 MiB");
            delivery_record_args_t rec = {
                .id = id,
                .case_id = case_id,
                .kind = "notice",
                .worker = s->worker,
                .outcome = DELIVERY_FAILED,
                .reply = why ? why : "larger than 4 MiB",
            };
            again = delivery_store_record(s->store, &rec) < 0 ? writ_now_ms() + 1000 : 0;
            break;
        }
        again = transact(s, id, case_id, "notice", h.to, text, len, attempt);
        break;
    case DELIVERY_CLAIM_DONE:
    case DELIVERY_CLAIM_HELD:
        again = 0;
        break;
    case DELIVERY_CLAIM_LATER:
        again = next_at;
        break;
    case DELIVERY_CLAIM_BUSY:
        again = next_at ? next_at : writ_now_ms() + 1000;
        break;
    case DELIVERY_CLAIM_NOT_YET:
        again = writ_now_ms() + 500;
        break;
    case DELIVERY_CLAIM_ERROR:
        log_warn(case_id, "cannot claim notice %s: %s", id, case_store_error(s->store));
        again = writ_now_ms() + 1000;
        break;
    }
    if (usable)
        delivery_headers_clear(&h);
    g_free(text);
    return again;
}

/* Reads new/ when it changed (or every 30 s, against a coarse mtime):
 * new notices are due now. */
static void rescan(sender_t *s)
{
    struct stat st;
    uint64_t now = writ_now_ms();
    if (stat(s->new_dir, &st) != 0)
        return;
    if (st.st_mtim.tv_sec == s->new_mtime.tv_sec &&
        st.st_mtim.tv_nsec == s->new_mtime.tv_nsec && now < s->next_rescan_ms)
        return;
    DIR *d = opendir(s->new_dir);
    if (!d)
        return;
    s->new_mtime = st.st_mtim;
    /* a change within the same clock tick would not move the mtime */
    s->next_rescan_ms = now + (time(NULL) - st.st_mtim.tv_sec < 3 ? 200 : 30000);
    struct dirent *e;
    char id[DELIVERY_ID_LEN], case_id[32];
    while ((e = readdir(d))) {
        if (!delivery_id_from_name(e->d_name, id, case_id) ||
            g_hash_table_contains(s->notices, e->d_name))
            continue;
        uint64_t *due = g_new(uint64_t, 1);
        *due = 1;
        g_hash_table_insert(s->notices, g_strdup(e->d_name), due);
    }
    closedir(d);
}

/* Every notice whose time has come; returns how many were tried. */
static size_t send_due(sender_t *s)
{
    uint64_t now = writ_now_ms();
    GPtrArray *due = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, s->notices);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        uint64_t at = *(uint64_t *)v;
        if (at != 0 && at <= now)
            g_ptr_array_add(due, g_strdup(k));
    }
    /* oldest case first is not known here; by name keeps runs repeatable */
    g_ptr_array_sort(due, (GCompareFunc)g_strcmp0);
    size_t tried = 0;
    for (guint i = 0; i < due->len && !s_stop; i++) {
        const char *name = g_ptr_array_index(due, i);
        char id[DELIVERY_ID_LEN], case_id[32];
        if (!delivery_id_from_name(name, id, case_id))
            continue;
        uint64_t again = send_notice(s, name, id, case_id);
        uint64_t *slot = g_hash_table_lookup(s->notices, name);
        if (slot)
            *slot = again;
        tried++;
    }
    g_ptr_array_free(due, TRUE);
    return tried;
}

/* A message writ-send renders itself (alert, acknowledgement, letter):
 * claimed, then sent and recorded. True when it is finished (sent,
 * refused, or done before), false when to be tried again. */
static bool send_rendered(sender_t *s, const char *id, const char *case_id,
                          const char *kind, const char *to, const char *msgid,
                          const char *text)
{
    delivery_claim_args_t ca = { .id = id,
                                 .case_id = case_id,
                                 .kind = kind,
                                 .to = to,
                                 .message_id = msgid,
                                 .worker = s->worker,
                                 .lease_ms = s->lease_ms };
    unsigned attempt = 0;
    uint64_t next_at = 0;
    delivery_claim_t claim = delivery_store_claim(s->store, &ca, &attempt, &next_at);
    if (claim == DELIVERY_CLAIM_GO)
        return transact(s, id, case_id, kind, to, text, strlen(text), attempt) == 0;
    return claim == DELIVERY_CLAIM_DONE;
}

/* Alerts: each case in review (writ:idx:state:review), once per reason. */
static void alert_one(sender_t *s, const char *case_id)
{
    redisReply *r = redis_conn_command(
        case_store_conn(s->store), "HMGET " KEY_CASE "%s state review_reason", case_id);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[0]->type != REDIS_REPLY_STRING ||
        strcmp(r->element[0]->str, "review") != 0) {
        if (r)
            freeReplyObject(r);
        return;
    }
    const char *reason =
        r->element[1]->type == REDIS_REPLY_STRING ? r->element[1]->str : "";
    bool emergency = delivery_reason_is_emergency(reason);
    const char *to =
        emergency && *s->alerts_emergency_to ? s->alerts_emergency_to : s->alerts_to;
    char id[DELIVERY_ID_LEN];
    delivery_alert_id(case_id, reason, id);
    if (g_hash_table_contains(s->alerted, id)) {
        freeReplyObject(r);
        return;
    }
    char date[64], msgid[192];
    rfc5322_now(date, sizeof date);
    snprintf(msgid, sizeof msgid, "%s@%s", id, s->domain);
    delivery_alert_t a = { .from = s->sender,
                           .to = to,
                           .date = date,
                           .message_id = msgid,
                           .case_id = case_id,
                           .reason = reason,
                           .emergency = emergency };
    char *text = delivery_alert_render(&a);
    if (text && send_rendered(s, id, case_id, "alert", to, msgid, text))
        g_hash_table_add(s->alerted, g_strdup(id));
    free(text);
    freeReplyObject(r);
}

static void alert_scan(sender_t *s)
{
    uint64_t now = writ_now_ms();
    if (!*s->alerts_to || now < s->next_alert_scan_ms)
        return;
    s->next_alert_scan_ms = now + 1000;
    redisReply *r = redis_conn_command(case_store_conn(s->store),
                                       "SMEMBERS " KEY_IDX_STATE STATE_REVIEW);
    if (!r)
        return;
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements && !s_stop; i++)
        if (r->element[i]->type == REDIS_REPLY_STRING && r->element[i]->len < 32)
            alert_one(s, r->element[i]->str);
    freeReplyObject(r);
}

/* One case's acknowledgement: 1 finished (sent, refused, not due), 0 not
 * yet (deferred, busy, Redis). */
static int ack_one(sender_t *s, const char *case_id)
{
    char id[DELIVERY_ID_LEN];
    snprintf(id, sizeof id, "%.17s.ack", case_id);
    if (g_hash_table_contains(s->acked, id))
        return 1;
    case_t *c = case_store_load(s->store, case_id, NULL, 0);
    if (!c)
        return 0;
    int done = 1;
    if (letter_ack_due(c)) {
        char date[64], msgid[192];
        rfc5322_now(date, sizeof date);
        snprintf(msgid, sizeof msgid, "%s@%s", id, s->domain);
        notice_envelope_t env = {
            .from = s->sender, .date = date, .message_id = msgid, .contact = s->contact
        };
        char *text = letter_render_ack(s->ack_template, c, &env);
        if (text)
            done = send_rendered(s, id, case_id, "ack", c->request->from, msgid, text);
        free(text);
    }
    if (done)
        g_hash_table_add(s->acked, g_strdup(id));
    case_destroy(&c);
    return done;
}

/* Once a second: the cases that arrived since the cursor, each through
 * one (1 finished, 0 not yet); the cursor moves up to the first not
 * finished. True when it looked (its second had come, Redis answered). */
static bool cursor_scan(sender_t *s, case_cursor_t *cur,
                        int (*one)(sender_t *, const char *))
{
    uint64_t now = writ_now_ms();
    if (now < cur->next_scan_ms)
        return false;
    cur->next_scan_ms = now + 1000;
    if (!cur->loaded) {
        if (delivery_store_cursor_get(s->store, cur->name, &cur->at) != 0)
            return false;
        cur->loaded = true;
    }
    delivery_case_ref_t *refs = NULL;
    int n = delivery_store_cases_since(s->store, cur->at, 200, &refs);
    if (n < 0)
        return false;
    uint64_t at = cur->at;
    bool blocked = false;
    for (int i = 0; i < n && !s_stop; i++) {
        if (!one(s, refs[i].id))
            blocked = true;
        if (!blocked)
            at = refs[i].at; /* cases at this time are finished up to here */
    }
    free(refs);
    if (at != cur->at && delivery_store_cursor_set(s->store, cur->name, at) == 0)
        cur->at = at;
    return true;
}

/* Letters approved by a person (or by letters/auto_send) wait in
 * writ:delivery:letters:approved until their delivery is final; each
 * goes through the same claim/committing/record as a notice, so it is
 * never sent twice. 1 finished (sent, failed, unconfirmed, discarded,
 * no longer due), 0 not yet. */
static int letter_send(sender_t *s, const char *case_id)
{
    char id[DELIVERY_ID_LEN];
    delivery_letter_id(case_id, id);
    case_t *c = case_store_load(s->store, case_id, NULL, 0);
    if (!c)
        return 0;
    letter_kind_t k = letter_decision_due(c);
    int done = 1;
    if (k == LETTER_NONE)
        log_error(case_id, "an approved letter is no longer due (decision or requester "
                           "changed): not sent");
    else {
        char date[64], msgid[192];
        rfc5322_now(date, sizeof date);
        snprintf(msgid, sizeof msgid, "%s@%s", id, s->domain);
        notice_envelope_t env = {
            .from = s->sender, .date = date, .message_id = msgid, .contact = s->contact
        };
        char *text = letter_render_decision(s->letter_templates[k], c, k, &env);
        if (!text)
            log_error(case_id, "the %s template does not render: letter not sent",
                      letter_kind_name(k));
        else
            done = send_rendered(s, id, case_id, "letter", c->request->from, msgid, text);
        free(text);
    }
    case_destroy(&c);
    return done;
}

static void letters_approved_scan(sender_t *s)
{
    char **ids = NULL;
    int n = delivery_store_letter_set_list(s->store, DELIVERY_LETTERS_APPROVED, &ids);
    for (int i = 0; i < n; i++) {
        if (!s_stop && strlen(ids[i]) < 32 && letter_send(s, ids[i]))
            delivery_store_letter_set_remove(s->store, DELIVERY_LETTERS_APPROVED, ids[i]);
        free(ids[i]);
    }
    free(ids);
}

/* Where a case stands for its decision letter, by its state. */
typedef enum {
    LETTER_CASE_UNDECIDED, /* received, documents, decided: not yet */
    LETTER_CASE_OPEN,      /* review, waiting: a person may decide */
    LETTER_CASE_DECIDED    /* past the decision and notify */
} letter_case_t;

static letter_case_t letter_case_of(const char *state)
{
    /* the same test as a notice's claim: past the decision and notify */
    if (!strcmp(state, "received") || !strcmp(state, "documents") ||
        !strcmp(state, "decided") || !*state)
        return LETTER_CASE_UNDECIDED;
    if (!strcmp(state, "review") || !strcmp(state, "waiting"))
        return LETTER_CASE_OPEN;
    return LETTER_CASE_DECIDED;
}

/* A decided case's letter, if its decision calls for one: held for a
 * person (or, with letters/auto_send, approved at once). 1 finished
 * (held, approved, none due), 0 not (Redis). */
static int letter_hold(sender_t *s, const case_t *c, const char *case_id)
{
    letter_kind_t k = letter_decision_due(c);
    if (k == LETTER_NONE)
        return 1;
    if (s->letters_auto_send)
        return delivery_store_letter_set_add(s->store, DELIVERY_LETTERS_APPROVED,
                                             case_id) == 0;
    char id[DELIVERY_ID_LEN], msgid[192], why[256];
    delivery_letter_id(case_id, id);
    snprintf(msgid, sizeof msgid, "%s@%s", id, s->domain);
    snprintf(why, sizeof why,
             "%s waits for a person: writctl case letter %s "
             "send|discard --reason TEXT --as NAME",
             letter_kind_words(k), case_id);
    return delivery_store_hold(s->store, id, case_id, c->request->from, msgid,
                               letter_kind_name(k), why) >= 0;
}

/* One case's decision letter, through the letters' cursor. A case a
 * person may still decide is watched (letters_watched_scan) rather than
 * waited for, so the cursor never stops at a case that stays in review
 * for weeks. 1 finished (held, approved, watched, none due), 0 not yet
 * (jurisdiction has not decided, Redis). */
static int letter_prepare(sender_t *s, const char *case_id)
{
    char state[32] = "";
    case_t *c = case_store_load(s->store, case_id, state, sizeof state);
    if (!c)
        return 0;
    int done = 0;
    switch (letter_case_of(state)) {
    case LETTER_CASE_UNDECIDED:
        break;
    case LETTER_CASE_OPEN:
        done = delivery_store_letter_set_add(s->store, DELIVERY_LETTERS_WATCHED,
                                             case_id) == 0;
        break;
    case LETTER_CASE_DECIDED:
        done = letter_hold(s, c, case_id);
        break;
    }
    case_destroy(&c);
    return done;
}

/* Every two seconds: the watched cases a person has decided since (or
 * closed) get their letter if their decision calls for one, and leave
 * the set. */
static void letters_watched_scan(sender_t *s)
{
    uint64_t now = writ_now_ms();
    if (now < s->next_watch_scan_ms)
        return;
    s->next_watch_scan_ms = now + 2000;
    char **ids = NULL;
    int n = delivery_store_letter_set_list(s->store, DELIVERY_LETTERS_WATCHED, &ids);
    for (int i = 0; i < n; i++) {
        char state[32] = "";
        case_t *c = !s_stop && strlen(ids[i]) < 32
                        ? case_store_load(s->store, ids[i], state, sizeof state)
                        : NULL;
        if (c && letter_case_of(state) == LETTER_CASE_DECIDED &&
            letter_hold(s, c, ids[i]))
            delivery_store_letter_set_remove(s->store, DELIVERY_LETTERS_WATCHED, ids[i]);
        case_destroy(&c);
        free(ids[i]);
    }
    free(ids);
}

/* A case's letter through the letters' cursor: prepared once per process. */
static int letter_one(sender_t *s, const char *case_id)
{
    if (g_hash_table_contains(s->lettered, case_id))
        return 1;
    if (!letter_prepare(s, case_id))
        return 0;
    g_hash_table_add(s->lettered, g_strdup(case_id));
    return 1;
}

/* Once a second: messages a person asked to resend (writctl case
 * delivery ... resend) are looked at again now. */
static void rearm(sender_t *s)
{
    char **ids = NULL;
    int n = delivery_store_rearmed(s->store, 100, &ids);
    for (int i = 0; i < n; i++) {
        char name[DELIVERY_ID_LEN + 8];
        snprintf(name, sizeof name, "%s.writ", ids[i]);
        uint64_t *due = g_hash_table_lookup(s->notices, name);
        if (due)
            *due = 1;
        g_hash_table_remove(s->alerted, ids[i]);
        if (g_str_has_suffix(ids[i], ".letter")) {
            char case_id[32];
            snprintf(case_id, sizeof case_id, "%.17s", ids[i]);
            delivery_store_letter_set_add(s->store, DELIVERY_LETTERS_APPROVED, case_id);
        }
        if (g_hash_table_remove(s->acked, ids[i]) && s->ack_template) {
            char case_id[32];
            snprintf(case_id, sizeof case_id, "%.17s", ids[i]);
            ack_one(s, case_id);
        }
        log_info(NULL, "%s: to be sent again, as a person asked", ids[i]);
        free(ids[i]);
    }
    free(ids);
}

/* ---- the daily digest ------------------------------------------------------ */

/* "HH:MM" -> minutes after midnight; -1 when empty or not a time. */
static int minutes_of(const char *hhmm)
{
    int h, m;
    char extra;
    if (!hhmm || sscanf(hhmm, "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || h > 23 ||
        m < 0 || m > 59)
        return -1;
    return h * 60 + m;
}

/* The messages writ-send could not deliver (writ:delivery:attention), as
 * the digest's last lines: dated from their last attempt, in their kind
 * and state only (never the recipient or the relay's reply). */
static size_t digest_deliveries(long today, json_t *stuck, delivery_digest_item_t *items,
                                char (*dates)[11], char (*status)[48], char (*what)[48])
{
    size_t i, n = 0;
    json_t *d;
    json_array_foreach(stuck, i, d)
    {
        const char *at = json_string_value(json_object_get(d, "updated_at"));
        const char *kind = json_string_value(json_object_get(d, "kind"));
        const char *state = json_string_value(json_object_get(d, "state"));
        const char *case_id = json_string_value(json_object_get(d, "case"));
        if (!case_id)
            continue;
        long day = at ? (long)(atoll(at) / 86400000LL) : today;
        case_view_date(day, dates[n]);
        case_view_relative(day, today, status[n], sizeof status[n]);
        snprintf(what[n], sizeof what[n], "%s %s", kind ? kind : "message",
                 state ? state : "");
        items[n] = (delivery_digest_item_t){ .date = dates[n],
                                             .status = status[n],
                                             .case_id = case_id,
                                             .kind = "delivery",
                                             .what = what[n] };
        n++;
    }
    return n;
}

/* The digest of one day: what writctl due lists, rendered and sent
 * (delivery id digest.YYYYMMDD, case "digest"). True when finished. */
static bool digest_send(sender_t *s, const char *day)
{
    size_t n = 0, m = 0;
    case_view_t *cases = case_view_load_due(s->store, &n);
    json_t *stuck = cases ? delivery_store_attention(s->store) : NULL;
    if (!stuck) {
        case_view_clear(cases, n);
        return false;
    }
    long today = case_view_day(day);
    case_due_t *rows = case_view_due(cases, n, today, s->digest_days, &m);
    size_t cap = m + json_array_size(stuck) + 1;
    delivery_digest_item_t *items = calloc(cap, sizeof *items);
    char(*dates)[11] = calloc(cap, sizeof *dates);
    char(*status)[48] = calloc(cap, sizeof *status);
    char(*what)[48] = calloc(cap, sizeof *what);
    bool done = false;
    if (rows && items && dates && status && what) {
        for (size_t i = 0; i < m; i++) {
            case_view_date(rows[i].day, dates[i]);
            case_view_relative(rows[i].day, today, status[i], sizeof status[i]);
            items[i] = (delivery_digest_item_t){ .date = dates[i],
                                                 .status = status[i],
                                                 .case_id = rows[i].v->id,
                                                 .kind = rows[i].kind,
                                                 .type = case_view_type(rows[i].v),
                                                 .agency = case_view_agency(rows[i].v) };
        }
        size_t count = m + digest_deliveries(today, stuck, items + m, dates + m,
                                             status + m, what + m);
        char id[DELIVERY_ID_LEN], date[64], msgid[192];
        delivery_digest_id(day, id);
        rfc5322_now(date, sizeof date);
        snprintf(msgid, sizeof msgid, "%s@%s", id, s->domain);
        delivery_digest_t d = { .from = s->sender,
                                .to = s->digest_to,
                                .date = date,
                                .message_id = msgid,
                                .day = day,
                                .days = s->digest_days,
                                .items = items,
                                .count = count };
        char *text = delivery_digest_render(&d);
        done =
            text && send_rendered(s, id, "digest", "digest", s->digest_to, msgid, text);
        free(text);
    }
    free(what);
    free(status);
    free(dates);
    free(items);
    free(rows);
    json_decref(stuck);
    case_view_clear(cases, n);
    return done;
}

/* Once a day, at alerts/digest_at (UTC): the digest, unless this
 * process finished today's. Looked at once a minute; the delivery state
 * in Redis keeps a restart or a second replica from sending it twice. */
static void digest_tick(sender_t *s)
{
    uint64_t now = writ_now_ms();
    if (s->digest_at_min < 0 || !*s->digest_to || now < s->next_digest_ms)
        return;
    s->next_digest_ms = now + 60000;
    time_t t = (time_t)(now / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (tm.tm_hour * 60 + tm.tm_min < s->digest_at_min)
        return;
    char day[11];
    if (s->today_fixed)
        snprintf(day, sizeof day, "%s", s->today_fixed);
    else
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
    if (!strcmp(day, s->digest_done_day))
        return;
    if (digest_send(s, day))
        snprintf(s->digest_done_day, sizeof s->digest_done_day, "%s", day);
}

static int read_relay_password(writ_config_t *cfg, char *buf, size_t len)
{
    const char *file = writ_config_str(cfg, "notify/smtp_password_file");
    buf[0] = '\0';
    if (!*file)
        return 0;
    char err[256];
    if (redis_login_read_password(file, buf, len, err, sizeof err) != 0) {
        log_error(NULL, "relay password: %s", err);
        return -1;
    }
    return 0;
}

/* The address inside "Name <addr>", or the value itself. */
static char *address_of(const char *v)
{
    const char *lt = strrchr(v, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    return lt && gt ? g_strndup(lt + 1, (gsize)(gt - lt - 1)) : g_strdup(v);
}

/* The sender's settings (each read once: a setting's string lives until
 * the same setting is read again; notify/from and alerts/from default to
 * other settings' values, so they are read with writ_config_get). */
static void sender_configure(sender_t *s, writ_config_t *cfg, const char *worker,
                             const char *from_default)
{
    const char *sender_hdr = writ_config_str(cfg, "notify/sender");
    const char *contact = writ_config_str(cfg, "notify/contact");
    const char *reply_to = writ_config_str(cfg, "notify/reply_to");
    *s = (sender_t){
        .worker = worker,
        .envelope_from = writ_config_get(cfg, "notify/from", from_default),
        .reply_to = *reply_to ? reply_to : contact,
        .sender = writ_config_get(cfg, "alerts/from", sender_hdr),
        .domain = writ_config_str(cfg, "notify/message_id_domain"),
        .alerts_to = writ_config_str(cfg, "alerts/to"),
        .alerts_emergency_to = writ_config_str(cfg, "alerts/emergency_to"),
        .lease_ms = (uint64_t)writ_config_long(cfg, "send/lease_ms"),
        .retry_base_ms = (uint64_t)writ_config_long(cfg, "send/retry_base_ms"),
        .retry_max_ms = (uint64_t)writ_config_long(cfg, "send/retry_max_ms"),
        .attention_after = (unsigned)writ_config_long(cfg, "send/attention_after"),
        .debug_kill_after_data = writ_config_bool(cfg, "send/debug_kill_after_data"),
        .notices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
        .alerted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        .acked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        .lettered = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        .ack_cursor = { .name = "ack" },
        .letter_cursor = { .name = "letter" },
        .contact = contact,
        .digest_days = writ_config_long(cfg, "alerts/digest_days"),
        .today_fixed = writ_config_str(cfg, "casework/today"),
        .letters_on = writ_config_bool(cfg, "letters/decisions"),
        .letters_auto_send = writ_config_bool(cfg, "letters/auto_send"),
    };
    const char *digest_to = writ_config_str(cfg, "alerts/digest_to");
    s->digest_to = *digest_to ? digest_to : s->alerts_to;
    if (s->lease_ms < 2000)
        s->lease_ms = 2000;
}

static int read_template(const char *dir, const char *name, char **out)
{
    gchar *path = g_strdup_printf("%s/%s.txt", dir, name);
    GError *gerr = NULL;
    int rc = 0;
    if (!g_file_get_contents(path, out, NULL, &gerr)) {
        log_error(NULL, "cannot read the template %s: %s", path, gerr->message);
        g_error_free(gerr);
        rc = -1;
    }
    g_free(path);
    return rc;
}

/* The acknowledgement's template (letters/acknowledge) and the decision
 * letters' (letters/decisions). 0, or -1 when one cannot be read. */
static int load_templates(sender_t *s, writ_config_t *cfg)
{
    gchar *dir = g_strdup(writ_config_file(cfg, "letters/templates"));
    int rc = 0;
    if (writ_config_bool(cfg, "letters/acknowledge"))
        rc = read_template(dir, "acknowledgement", &s->ack_template);
    for (int k = LETTER_NONE + 1; rc == 0 && s->letters_on && k < LETTER_COUNT; k++)
        rc = read_template(dir, letter_kind_name((letter_kind_t)k),
                           &s->letter_templates[k]);
    g_free(dir);
    return rc;
}

/* Until SIGTERM/SIGINT: heartbeat and re-armed messages once a second,
 * then each kind of message in turn. */
static void run(sender_t *s)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    log_notice(NULL, "ready: sending %s through the relay, lease %llums, alerts %s",
               "the outbox's notices", (unsigned long long)s->lease_ms,
               *s->alerts_to ? "on" : "off");
    uint64_t next_beat = 0;
    while (!s_stop) {
        uint64_t now = writ_now_ms();
        if (now >= next_beat) {
            case_store_heartbeat(s->store, "send", s->worker);
            rearm(s);
            next_beat = now + 1000;
        }
        rescan(s);
        size_t tried = send_due(s);
        digest_tick(s);
        alert_scan(s);
        if (s->ack_template)
            cursor_scan(s, &s->ack_cursor, ack_one);
        if (s->letters_on && cursor_scan(s, &s->letter_cursor, letter_one))
            letters_approved_scan(s);
        if (s->letters_on)
            letters_watched_scan(s);
        if (!tried && !s_stop)
            usleep(100 * 1000);
    }
    log_info(NULL, "stopping: %lu sent, %lu deferred, %lu failed or unconfirmed", s->sent,
             s->deferred, s->failed);
}

static void sender_clear(sender_t *s)
{
    smtp_destroy(&s->smtp);
    case_store_destroy(&s->store);
    g_hash_table_destroy(s->notices);
    g_hash_table_destroy(s->alerted);
    g_hash_table_destroy(s->acked);
    g_hash_table_destroy(s->lettered);
    for (int k = 0; k < LETTER_COUNT; k++)
        g_free(s->letter_templates[k]);
    g_free(s->ack_template);
}

int main(int argc, char **argv)
{
    char worker[96];
    writ_config_t *cfg =
        daemon_start("send", daemon_config_arg(argc, argv), worker, sizeof worker);
    if (!cfg)
        return EX_CONFIG;
    const char *relay = writ_config_str(cfg, "notify/smtp_relay");
    if (!*relay) {
        log_info(
            NULL,
            "notify/smtp_relay is empty: notices stay in the outbox, nothing to send");
        writ_config_destroy(&cfg);
        return 0;
    }
    char password[512];
    if (read_relay_password(cfg, password, sizeof password) != 0) {
        writ_config_destroy(&cfg);
        return EX_CONFIG;
    }
    parse_global_init();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char *from_default = address_of(writ_config_str(cfg, "notify/sender"));
    sender_t s;
    sender_configure(&s, cfg, worker, from_default);
    const char *digest_at = writ_config_str(cfg, "alerts/digest_at");
    s.digest_at_min = minutes_of(digest_at);
    gchar *new_dir = g_strdup_printf("%s/new", writ_config_str(cfg, "notify/outbox"));
    s.new_dir = new_dir;
    smtp_settings_t ss = {
        .url = relay,
        .starttls = writ_config_str(cfg, "notify/smtp_starttls"),
        .user = writ_config_str(cfg, "notify/smtp_user"),
        .password = password,
        .ca_file = writ_config_str(cfg, "notify/smtp_ca_file"),
        .timeout_ms = (long)(s.lease_ms / 2),
    };
    int rc = EX_CONFIG;
    if (*digest_at && s.digest_at_min < 0)
        log_error(NULL,
                  "alerts/digest_at '%s' is not a time of day (HH:MM, UTC; \"\" for "
                  "no digest)",
                  digest_at);
    else if (load_templates(&s, cfg) == 0) {
        char err[256];
        s.store = redis_login_open(cfg, "send", "send", err, sizeof err);
        s.smtp = smtp_new(&ss);
        if (!s.store || !s.smtp)
            log_error(NULL, "%s", s.store ? "cannot start libcurl" : err);
        else {
            run(&s);
            rc = 0;
        }
    }
    memset(password, 0, sizeof password);
    sender_clear(&s);
    g_free(new_dir);
    g_free(from_default);
    curl_global_cleanup();
    writ_config_destroy(&cfg);
    return rc;
}
