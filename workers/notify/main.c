/* writ-notify -- decides what each customer is told and prepares the
 * notices (tests/fixtures/contracts/default-policy.md, notice table).
 *
 * Wiring only: the notice table and renderer (common/core/notice.c), a
 * person's withheld notices (common/core/casework.c: never prepared), the
 * Maildir outbox (workers/notify/outbox.c) and the shared replica loop.
 */
#include "casework_store.h"
#include "config.h"
#include "daemon_start.h"
#include "log.h"
#include "notice.h"
#include "outbox.h"
#include "pipeline.h"
#include "stage_runner.h"

#include <czmq.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sysexits.h>

typedef struct {
    char *templates[NOTICE_LETTER_COUNT]; /* config/notices/<letter>.txt */
    outbox_t *outbox;
    const char *sender;
    const char *contact;
    const char *domain;
    const char *today; /* "YYYY-MM-DD" override, or NULL */
    const char *worker;
} notify_ctx_t;

static void rfc5322_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

/* Renders one prepared notice and stages it in the outbox (the runner
 * commits the batch's notices before recording it; see commit_notices). */
static int prepare_notice(notify_ctx_t *n, case_t *c, account_decision_t *d)
{
    char date[64], msgid[192], path[4096];
    rfc5322_now(date, sizeof date);
    gchar *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, d->account, -1);
    snprintf(msgid, sizeof msgid, "%s.%.12s@%s", c->id, digest, n->domain);
    g_free(digest);
    notice_envelope_t env = {
        .from = n->sender, .date = date, .message_id = msgid, .contact = n->contact
    };
    char *text = notice_render(n->templates[notice_letter_for(c, d)], c, d, &env);
    if (!text) {
        log_error(c->id, "notice template failed to render");
        return -1;
    }
    int rc =
        outbox_stage(n->outbox, c->id, d->account, text, strlen(text), path, sizeof path);
    free(text);
    if (rc < 0) {
        log_error(c->id, "cannot write notice to outbox: %s", strerror(errno));
        return -1;
    }
    free(d->notice_path);
    d->notice_path = strdup(path);
    return 0;
}

static int notify(void *ctx, case_store_t *store, case_t *c, stage_result_t *out)
{
    notify_ctx_t *n = ctx;
    /* What a person did to the case (a decision by writctl comes here
     * too): read before anything is prepared. The case is "decided", so
     * no act can change it until it is recorded (casework.c gate_open). */
    json_t *cw = casework_store_load(store, c->id);
    if (!cw) {
        log_warn(c->id, "cannot read what a person did to the case "
                        "(casework): no notice prepared yet");
        return -1;
    }
    notice_decide_case(c);
    casework_keep_withheld(c, cw);
    size_t prepared = 0;
    for (size_t i = 0; i < c->account_count; i++) {
        account_decision_t *d = &c->accounts[i];
        if (d->notice == NOTICE_PREPARED && !d->notice_to) {
            /* An enterprise with no admin contact: the notice must not go
             * to the individual user, so a person decides where it goes. */
            d->notice = NOTICE_DEFERRED;
            case_set_review(c, "a notice is due but the tenant has no admin "
                               "contact in the registry");
        } else if (d->notice == NOTICE_PREPARED) {
            if (prepare_notice(n, c, d) != 0) {
                json_decref(cw);
                return -1;
            }
            prepared++;
        } else if (d->notice == NOTICE_HELD && out->held_count < STAGE_MAX_HELD &&
                   !casework_notice_withheld(cw, d->account)) {
            char *member = g_strdup_printf("%s %s", c->id, d->account);
            out->held_members[out->held_count] = member;
            out->held_release[out->held_count++] = pipeline_date_number(d->release_on);
        }
    }
    json_decref(cw);
    out->new_state = pipeline_finish(c);
    out->next_stage = NULL;
    snprintf(out->note, sizeof out->note, "%zu notice(s) prepared, %zu held", prepared,
             out->held_count);
    return 0;
}

static long today_number(const notify_ctx_t *n)
{
    char buf[WRIT_DATE_LEN];
    if (n->today && *n->today)
        return pipeline_date_number(n->today);
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return pipeline_date_number(buf);
}

/* Prepares the notice of one held account whose gag has ended. */
static void release_one(notify_ctx_t *n, case_store_t *store, const char *member)
{
    const char *space = strchr(member, ' ');
    if (!space || space - member >= CASE_ID_LEN)
        return;
    char id[CASE_ID_LEN];
    snprintf(id, sizeof id, "%.*s", (int)(space - member), member);
    case_t *c = case_store_load(store, id, NULL, 0);
    if (!c)
        return;
    json_t *cw = casework_store_load(store, id);
    for (size_t i = 0; cw && i < c->account_count; i++) {
        account_decision_t *d = &c->accounts[i];
        if (strcmp(d->account, space + 1) || d->notice != NOTICE_HELD)
            continue;
        if (casework_notice_withheld(cw, d->account)) {
            /* A person keeps it back: the gag's end does not send it. */
            writ_log(WLOG_DEBUG, c->id, "gag ended but the notice is withheld");
            break;
        }
        size_t still_held = pipeline_release_held(c, d);
        if (!d->notice_to || prepare_notice(n, c, d) != 0 ||
            outbox_commit(n->outbox) != 0) {
            log_warn(c->id, "gag ended but the notice cannot be prepared yet");
            break;
        }
        char note[512];
        pipeline_release_note(d, still_held, note, sizeof note);
        if (case_store_release_held(store, c, member, pipeline_finish(c), n->worker,
                                    note) == 0)
            log_info(c->id, "gag ended: notice released");
        break;
    }
    json_decref(cw);
    case_destroy(&c);
}

/* Once a second: notices whose gag has ended are prepared that day. */
static void release_due(void *ctx, case_store_t *store)
{
    notify_ctx_t *n = ctx;
    char **members = NULL;
    int count = case_store_due_held(store, today_number(n), 50, &members);
    for (int i = 0; i < count; i++) {
        release_one(n, store, members[i]);
        free(members[i]);
    }
    free(members);
}

/* Before a batch is recorded: its notices are on disk, complete, and
 * visible in new/ -- Redis never says "prepared" for a notice a crash
 * could still lose. */
static int commit_notices(void *ctx)
{
    notify_ctx_t *n = ctx;
    if (outbox_commit(n->outbox) != 0) {
        log_error(NULL, "cannot commit notices to the outbox: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static void release(void *ctx, stage_result_t *out)
{
    (void)ctx;
    for (size_t i = 0; i < out->held_count; i++)
        g_free((char *)out->held_members[i]);
    out->held_count = 0;
}

/* Reads every letter's template from dir; each must render (a typo in a
 * placeholder stops notify at start, not at the first notice). */
static int load_templates(notify_ctx_t *n, const char *dir)
{
    case_t *probe = case_new("c0000000000000000");
    request_t *r = request_new();
    if (!probe || !r || request_add_account(r, "probe@example.invalid") != 0) {
        request_destroy(&r);
        case_destroy(&probe);
        return -1;
    }
    case_set_request(probe, r);
    account_decision_t *d = &probe->accounts[0];
    d->notice_to = strdup("probe@example.invalid");
    notice_envelope_t env = {
        .from = n->sender, .date = "", .message_id = "", .contact = n->contact
    };
    int rc = 0;
    for (int i = 0; i < NOTICE_LETTER_COUNT && rc == 0; i++) {
        char *path =
            g_strdup_printf("%s/%s.txt", dir, notice_letter_name((notice_letter_t)i));
        GError *gerr = NULL;
        if (!g_file_get_contents(path, &n->templates[i], NULL, &gerr)) {
            log_error(NULL, "cannot read notice template %s: %s", path, gerr->message);
            g_error_free(gerr);
            rc = -1;
        } else {
            char *text = notice_render(n->templates[i], probe, d, &env);
            if (!text) {
                log_error(NULL,
                          "notice template %s: unknown or malformed "
                          "{{placeholder}}",
                          path);
                rc = -1;
            }
            free(text);
        }
        g_free(path);
    }
    case_destroy(&probe);
    return rc;
}

static void free_templates(notify_ctx_t *n)
{
    for (int i = 0; i < NOTICE_LETTER_COUNT; i++)
        g_free(n->templates[i]);
}

int main(int argc, char **argv)
{
    char worker[96];
    writ_config_t *cfg =
        daemon_start(STAGE_NOTIFY, daemon_config_arg(argc, argv), worker, sizeof worker);
    if (!cfg)
        return EX_CONFIG;
    const char *outbox_dir = writ_config_str(cfg, "notify/outbox");
    notify_ctx_t n = {
        .sender = writ_config_str(cfg, "notify/sender"),
        .domain = writ_config_str(cfg, "notify/message_id_domain"),
        .contact = writ_config_str(cfg, "notify/contact"),
        .today = writ_config_str(cfg, "notify/today"),
        .worker = worker,
    };
    const char *dir = writ_config_file(cfg, "notify/templates");
    if (load_templates(&n, dir) != 0) {
        free_templates(&n);
        writ_config_destroy(&cfg);
        return EX_CONFIG;
    }
    n.outbox = outbox_new(outbox_dir);
    if (!n.outbox) {
        log_error(NULL, "cannot create outbox %s: %s", outbox_dir, strerror(errno));
        free_templates(&n);
        writ_config_destroy(&cfg);
        return EX_CANTCREAT;
    }
    stage_def_t def = {
        .stage = STAGE_NOTIFY,
        .input_state = STATE_DECIDED,
        .process = notify,
        .commit = commit_notices,
        .release = release,
        .tick = release_due,
        .ctx = &n,
    };
    int rc = stage_runner_run(cfg, &def, worker);
    outbox_destroy(&n.outbox);
    free_templates(&n);
    writ_config_destroy(&cfg);
    return rc;
}
