/* writ-extract -- reads the documents a request arrived with (PDF, scans,
 * images, .docx / .odt), between intake and jurisdiction.
 *
 * Intake stores the raw message and what the mail text says, and hands a
 * case whose message carries documents here (state "documents"), so the
 * gateway's 250 never waits for OCR. This stage reads the raw message
 * again with every document converted in a sandboxed child
 * (parse_message_documents, document_isolate.c), keeps each document's
 * metadata and the text writ read beside the case (case_documents.h),
 * and hands the case on to jurisdiction -- or to review, with the
 * extracted request kept as the proposal, when a document could not be
 * read or its OCR confidence is below extract/min_confidence.
 *
 * Wiring only: parse (common/mail/parse.c), the store, the replica loop.
 */
#include "agencies.h"
#include "case_documents.h"
#include "config.h"
#include "daemon_start.h"
#include "log.h"
#include "mail.h"
#include "parse.h"
#include "parse_config.h"
#include "pipeline.h"
#include "stage_runner.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

typedef struct {
    parse_settings_t parse;
    agencies_t *agencies;
    bool verify_requester;
    int min_confidence;
} extract_ctx_t;

/* Why the documents need a person, or NULL (caller g_free's). */
static char *documents_problem(const extract_ctx_t *x, const parse_documents_t *docs)
{
    GString *why = g_string_new(NULL);
    for (size_t i = 0; i < docs->count; i++) {
        const parse_document_t *d = &docs->items[i];
        bool low = d->confidence >= 0 && d->confidence < x->min_confidence;
        if (!d->error && !low)
            continue;
        if (why->len)
            g_string_append(why, "; ");
        if (d->error)
            g_string_append(why, d->error);
        else
            g_string_append_printf(why,
                                   "document \"%s\": OCR confidence %d "
                                   "is below %d",
                                   d->name ? d->name : "unnamed", d->confidence,
                                   x->min_confidence);
    }
    if (docs->dropped)
        g_string_append_printf(why,
                               "%s%zu document(s) beyond the limit of %d "
                               "not read",
                               why->len ? "; " : "", docs->dropped, MAIL_MAX_DOCUMENTS);
    if (!why->len) {
        g_string_free(why, TRUE);
        return NULL;
    }
    g_string_append(why, "; a person must read the document (what writ "
                         "extracted is kept as the proposal)");
    return g_string_free(why, FALSE);
}

/* The case's request as read with its documents; verification as intake
 * does it (the agency may only be named in the document). */
static void set_request(extract_ctx_t *x, case_t *c, request_t *req)
{
    case_set_request(c, req);
    free(c->verify_reason);
    c->verify_reason = NULL;
    c->verify_requester = false;
    if (req->over_limits)
        case_set_review(c, "the request exceeds writ's limits (over 1000 "
                           "accounts or an oversized field); what fits was "
                           "kept, a person must read the original");
    else if (x->verify_requester && !req->auth.verified) {
        char why[256];
        agencies_unverified_reason(req, why, sizeof why);
        c->verify_requester = true;
        c->verify_reason = strdup(why);
    }
}

static int extract(void *ctx, case_store_t *store, case_t *c, stage_result_t *out)
{
    extract_ctx_t *x = ctx;
    char *raw = NULL;
    size_t len = 0;
    int got = case_store_raw(store, c->id, &raw, &len);
    if (got < 0)
        return -1; /* Redis: retried after the lease */
    if (got == 1) {
        case_set_review(c, "the original message is missing; a person must "
                           "read what was received");
        out->new_state = STATE_REVIEW;
        snprintf(out->note, sizeof out->note, "raw message missing");
        return 0;
    }
    request_t *req = request_new();
    parse_documents_t docs = { 0 };
    char err[256];
    parse_status_t ps =
        parse_message_documents(&x->parse, raw, len, req, &docs, err, sizeof err);
    free(raw);
    if (ps != PARSE_OK || !req) {
        /* Intake read it; this cannot happen unless Redis holds other
         * bytes than intake stored. */
        request_destroy(&req);
        parse_documents_clear(&docs);
        case_set_review(c, "the stored message can no longer be read");
        out->new_state = STATE_REVIEW;
        snprintf(out->note, sizeof out->note, "stored message unreadable");
        return 0;
    }
    char *json = parse_documents_json(&docs);
    if (!json || case_documents_put(store, c->id, json, docs.text, docs.text_len) != 0) {
        free(json);
        request_destroy(&req);
        parse_documents_clear(&docs);
        return -1;
    }
    free(json);
    set_request(x, c, req);
    char *problem = documents_problem(x, &docs);
    if (problem && !c->review_reason)
        case_set_review(c, problem);
    g_free(problem);
    out->new_state = c->review_reason ? STATE_REVIEW : STATE_RECEIVED;
    out->next_stage = c->review_reason ? NULL : STAGE_JURISDICTION;
    snprintf(out->note, sizeof out->note, "%zu document(s) read%s", docs.count,
             c->review_reason ? "; needs review" : "");
    parse_documents_clear(&docs);
    return 0;
}

int main(int argc, char **argv)
{
    char worker[96];
    writ_config_t *cfg =
        daemon_start(STAGE_EXTRACT, daemon_config_arg(argc, argv), worker, sizeof worker);
    if (!cfg)
        return EX_CONFIG;
    parse_global_init();
    extract_ctx_t x = {
        .verify_requester = writ_config_bool(cfg, "intake/verify_requester"),
        .min_confidence = (int)writ_config_long(cfg, "extract/min_confidence"),
    };
    char err[256];
    if (parse_settings_load(cfg, &x.parse, &x.agencies, err, sizeof err) != 0) {
        log_error(NULL, "%s", err);
        writ_config_destroy(&cfg);
        return EX_CONFIG;
    }
    stage_def_t def = {
        .stage = STAGE_EXTRACT,
        .input_state = STATE_DOCUMENTS,
        .process = extract,
        .ctx = &x,
    };
    int rc = stage_runner_run(cfg, &def, worker);
    agencies_destroy(&x.agencies);
    writ_config_destroy(&cfg);
    parse_global_shutdown();
    return rc;
}
