/* deliver.c -- parse, store, hand on (see deliver.h). */
#include "deliver.h"
#include "agencies.h"
#include "log.h"
#include "pipeline.h"
#include "wire.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The case id is derived from what identifies the message, so that a
 * redelivery computes the same id: the Message-ID, or the content hash
 * when there is none. */
static void derive_case_id(const request_t *req, const char *sha256, char id[CASE_ID_LEN])
{
    gchar *key = req && req->message_id && *req->message_id
                     ? g_strconcat("mid:", req->message_id, NULL)
                     : g_strconcat("sha:", sha256, NULL);
    gchar *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key, -1);
    snprintf(id, CASE_ID_LEN, "c%.16s", digest);
    g_free(digest);
    g_free(key);
}

/* The id of a message that reuses an earlier case's Message-ID with other
 * bytes: derived from both, so its redelivery computes it again. */
static void derive_variant_id(const char *message_id, const char *sha256,
                              char id[CASE_ID_LEN])
{
    gchar *key = g_strconcat("variant:", message_id, ":", sha256, NULL);
    gchar *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key, -1);
    snprintf(id, CASE_ID_LEN, "c%.16s", digest);
    g_free(digest);
    g_free(key);
}

/* A case whose record cannot be encoded (should not happen once the
 * parser enforces its limits) must still be kept: keep an empty request
 * and send it to review, rather than answer 451 for ever. *record
 * receives the encoded record (once: Redis and the bus share it), or NULL
 * for the bare case, which the store encodes. */
static case_t *keep_recordable(case_t *c, char **record, size_t *len)
{
    if (wire_encode_case(c, record, len) == 0)
        return c;
    *record = NULL;
    *len = 0;
    case_t *bare = case_new(c->id);
    case_set_request(bare, request_new());
    case_set_review(bare, "the extracted request could not be recorded; "
                          "a person must read the original message");
    case_destroy(&c);
    log_warn(bare->id, "extracted request not recordable: kept for review");
    return bare;
}

/* One message between parsing and storing. */
typedef struct {
    gchar *sha;
    case_t *c;
    char *record; /* c encoded, or NULL */
    size_t record_len;
    bool not_mail, review;
    char duplicate_of[CASE_ID_LEN]; /* a variant: the case whose
                                         Message-ID it reuses ("" if not) */
    bool documents;                 /* goes to extract, not jurisdiction */
    char err[256];
} prepared_t;

static void prepare(intake_t *in, const delivery_t *d, prepared_t *p)
{
    p->sha =
        g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)d->raw, d->len);
    request_t *req = request_new();
    parse_status_t ps =
        parse_message(in->parse, d->raw, d->len, req, p->err, sizeof p->err);
    char id[CASE_ID_LEN];
    derive_case_id(ps == PARSE_OK ? req : NULL, p->sha, id);
    case_t *c = case_new(id);
    case_set_request(c, req);
    p->not_mail = ps != PARSE_OK;
    if (p->not_mail) {
        char why[300];
        snprintf(why, sizeof why, "not a mail message: %s", p->err);
        case_set_review(c, why);
    } else if (c->request->over_limits)
        case_set_review(c, "the request exceeds writ's limits (over 1000 "
                           "accounts or an oversized field); what fits was "
                           "kept, a person must read the original");
    else if (in->verify_requester && !c->request->auth.verified) {
        char why[sizeof c->request->auth.why];
        agencies_unverified_reason(c->request, why, sizeof why);
        c->verify_requester = true;
        c->verify_reason = strdup(why);
    }
    p->c = keep_recordable(c, &p->record, &p->record_len);
    p->review = p->c->review_reason != NULL;
    /* Documents are read by writ-extract: OCR costs seconds a page and
     * the gateway's 250 must not wait for it. */
    p->documents = !p->review && p->c->request && p->c->request->documents > 0;
}

static const char *next_stage(const prepared_t *p)
{
    return p->review ? NULL : p->documents ? STAGE_EXTRACT : STAGE_JURISDICTION;
}

/* The outcome of one stored (or refused) message: status, reply text,
 * log line, and the hand-off to jurisdiction for a new case. */
static void finish(intake_t *in, delivery_t *d, prepared_t *p, int rc,
                   const char *existing)
{
    const char *id = p->c->id;
    char *reason = d->reason;
    size_t reason_len = sizeof d->reason;
    if (rc == 2) {
        snprintf(reason, reason_len, "%s", case_store_error(in->store));
        log_warn(id, "backlog limit reached: the gateway will retry");
        d->status = DELIVER_BUSY;
    } else if (rc < 0) {
        snprintf(reason, reason_len, "cannot store the case now: %s",
                 case_store_error(in->store));
        log_warn(id, "store failed: the gateway will retry");
        d->status = DELIVER_TEMPFAIL;
    } else if (rc == 1) {
        snprintf(reason, reason_len, "already received as case %s", existing);
        log_info(existing, "redelivered message mapped to the existing case");
        d->status = DELIVER_DUPLICATE;
    } else if (p->duplicate_of[0]) {
        snprintf(reason, reason_len,
                 "accepted as case %s (for review: same "
                 "Message-ID as case %s, different content)",
                 id, p->duplicate_of);
        log_warn(id,
                 "same Message-ID as case %s, different content: kept "
                 "for review",
                 p->duplicate_of);
        d->status = DELIVER_ACCEPTED;
    } else if (p->review && !p->not_mail) {
        snprintf(reason, reason_len, "accepted as case %s (for review)", id);
        log_warn(id, "received, but a person must review it");
        d->status = DELIVER_ACCEPTED;
    } else if (p->not_mail) {
        snprintf(reason, reason_len,
                 "not a mail message (%s); kept as "
                 "case %s for review",
                 p->err, id);
        log_warn(id, "not a mail message: kept for review");
        d->status = DELIVER_NOT_MAIL;
    } else {
        snprintf(reason, reason_len, "accepted as case %s", id);
        log_info(id, "received (%zu bytes, %zu account(s))", d->len, p->c->account_count);
        if (p->record &&
            bus_submit_send(in->submit, next_stage(p), id, p->record, p->record_len) != 0)
            log_warn(id, "bus busy: left to the %s sweeper", next_stage(p));
        d->status = DELIVER_ACCEPTED;
    }
    d->case_id[0] = '\0';
    if (rc == 0 || rc == 1)
        snprintf(d->case_id, CASE_ID_LEN, "%s", rc == 1 ? existing : id);
}

struct intake_batch_t {
    delivery_t *ds;
    size_t n;
    prepared_t *ps;
    case_create_t *creates;
    int *rcs;
    char (*existing)[CASE_ID_LEN];
    bool prepared;              /* parsed (false: out of memory) */
    case_store_creates_t *sent; /* NULL: nothing was sent */
};

static void batch_free(intake_batch_t *b)
{
    for (size_t i = 0; b->ps && i < b->n; i++) {
        case_destroy(&b->ps[i].c);
        free(b->ps[i].record);
        g_free(b->ps[i].sha);
    }
    free(b->ps);
    free(b->creates);
    free(b->rcs);
    free(b->existing);
    free(b);
}

/* Out of memory: each message gets 451 and the gateway retries it. */
static void tempfail_all(delivery_t *ds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ds[i].status = DELIVER_TEMPFAIL;
        snprintf(ds[i].reason, sizeof ds[i].reason, "out of memory");
        ds[i].case_id[0] = '\0';
    }
}

intake_batch_t *intake_batch_prepare(intake_t *in, delivery_t *ds, size_t n)
{
    intake_batch_t *b = calloc(1, sizeof *b);
    if (!b) {
        tempfail_all(ds, n);
        return NULL;
    }
    b->ds = ds;
    b->n = n;
    b->ps = calloc(n ? n : 1, sizeof *b->ps);
    b->creates = calloc(n ? n : 1, sizeof *b->creates);
    b->rcs = calloc(n ? n : 1, sizeof *b->rcs);
    b->existing = calloc(n ? n : 1, sizeof *b->existing);
    if (!b->ps || !b->creates || !b->rcs || !b->existing)
        return b; /* finishes as out of memory */
    for (size_t i = 0; i < n; i++) {
        prepare(in, &ds[i], &b->ps[i]);
        prepared_t *p = &b->ps[i];
        b->creates[i] = (case_create_t){
            .c = p->c,
            .raw = ds[i].raw,
            .raw_len = ds[i].len,
            .sha256 = p->sha,
            .state = p->review      ? STATE_REVIEW
                     : p->documents ? STATE_DOCUMENTS
                                    : STATE_RECEIVED,
            .next_stage = next_stage(p),
            .lease_ms = p->documents ? in->extract_lease_ms : in->lease_ms,
            .worker = in->worker,
            .note = p->not_mail ? "kept for review: not a mail message"
                                : "received from the gateway",
            .max_pending = in->max_pending,
            .envelope = ds[i].envelope,
            .record = p->record,
            .record_len = p->record_len,
        };
    }
    b->prepared = true;
    return b;
}

void intake_batch_send(intake_t *in, intake_batch_t *b)
{
    if (b->prepared)
        b->sent = case_store_create_send(in->store, b->creates, b->n);
}

bool intake_batch_awaits_redis(const intake_batch_t *b)
{
    return b->sent && case_store_create_awaits_replies(b->sent);
}

/* Turns message p, whose Message-ID case `earlier` holds with other bytes,
 * into a case of its own for review, linked to that one. */
static void make_variant(prepared_t *p, case_create_t *create, const char *earlier)
{
    char id[CASE_ID_LEN];
    const request_t *req = p->c->request;
    derive_variant_id(req && req->message_id ? req->message_id : "", p->sha, id);
    snprintf(p->c->id, sizeof p->c->id, "%s", id);
    snprintf(p->duplicate_of, sizeof p->duplicate_of, "%s", earlier);
    char *why = g_strdup_printf("same Message-ID as %s, different content%s%s", earlier,
                                p->c->review_reason ? "; " : "",
                                p->c->review_reason ? p->c->review_reason : "");
    case_set_review(p->c, why);
    g_free(why);
    free(p->record);
    p->record = NULL;
    p->c = keep_recordable(p->c, &p->record, &p->record_len);
    p->review = true;
    create->c = p->c;
    create->record = p->record;
    create->record_len = p->record_len;
    create->state = STATE_REVIEW;
    create->next_stage = NULL;
    create->note = "kept for review: same Message-ID as an earlier case, "
                   "different content";
    create->duplicate_of = p->duplicate_of;
}

/* The messages Redis answered 3 (their Message-ID names a case with other
 * bytes) are stored again, each as a case of its own for review: a second
 * round trip, only for them. Their outcomes replace the 3s. */
static void store_variants(intake_t *in, intake_batch_t *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->rcs[i] == 3)
            n++;
    if (n == 0)
        return;
    case_create_t *creates = calloc(n, sizeof *creates);
    size_t *index = calloc(n, sizeof *index);
    int *rcs = calloc(n, sizeof *rcs);
    char(*existing)[CASE_ID_LEN] = calloc(n, sizeof *existing);
    if (!creates || !index || !rcs || !existing) {
        for (size_t i = 0; i < b->n; i++)
            if (b->rcs[i] == 3)
                b->rcs[i] = -1;
    } else {
        size_t k = 0;
        for (size_t i = 0; i < b->n; i++)
            if (b->rcs[i] == 3) {
                creates[k] = b->creates[i];
                make_variant(&b->ps[i], &creates[k], b->existing[i]);
                b->creates[i] = creates[k];
                index[k++] = i;
            }
        case_store_create_batch(in->store, creates, n, rcs, existing);
        for (k = 0; k < n; k++) {
            size_t i = index[k];
            /* 3 again cannot happen (a variant is found by its bytes). */
            b->rcs[i] = rcs[k] == 3 ? -1 : rcs[k];
            snprintf(b->existing[i], CASE_ID_LEN, "%s", existing[k]);
        }
    }
    free(creates);
    free(index);
    free(rcs);
    free(existing);
}

void intake_batch_finish(intake_t *in, intake_batch_t **batch_p)
{
    intake_batch_t *b = *batch_p;
    if (!b)
        return;
    *batch_p = NULL;
    if (!b->sent)
        tempfail_all(b->ds, b->n);
    else {
        case_store_create_finish(in->store, &b->sent, b->n, b->rcs, b->existing);
        store_variants(in, b);
        for (size_t i = 0; i < b->n; i++)
            finish(in, &b->ds[i], &b->ps[i], b->rcs[i], b->existing[i]);
    }
    batch_free(b);
}

void intake_deliver_batch(intake_t *in, delivery_t *ds, size_t n)
{
    intake_batch_t *b = intake_batch_prepare(in, ds, n);
    if (b) {
        intake_batch_send(in, b);
        intake_batch_finish(in, &b);
    }
}

deliver_status_t intake_deliver(intake_t *in, const char *raw, size_t len,
                                const char *envelope, char case_id[CASE_ID_LEN],
                                char *reason, size_t reason_len)
{
    delivery_t d = { .raw = raw, .len = len, .envelope = envelope };
    intake_deliver_batch(in, &d, 1);
    snprintf(case_id, CASE_ID_LEN, "%s", d.case_id);
    snprintf(reason, reason_len, "%s", d.reason);
    return d.status;
}
