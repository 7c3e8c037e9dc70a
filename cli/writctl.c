/* writctl -- the operator's command line: parse a message offline, import
 * the data-location registry, list and show cases, fetch a case's
 * original bytes, check the pipeline's health, apply retention (purge,
 * legal hold).
 *
 * Exit statuses: 0 ok, 1 not found / unhealthy, 64 usage, 65 not a mail
 * message, 66 cannot open input, 69 Redis unavailable.
 */
#include "bus_auth.h"
#include "case_query.h"
#include "case_store.h"
#include "config.h"
#include "log.h"
#include "case_documents.h"
#include "parse.h"
#include "parse_config.h"
#include "pipeline.h"
#include "redis_login.h"
#include "registry.h"
#include "retention.h"
#include "writctl.h"
#include "delivery_store.h"
#include "keys.h"

#include <glib.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sysexits.h>

static const char *USAGE =
    "usage: writctl [--config FILE] COMMAND ...\n"
    "  parse FILE|-                     print what intake extracts, as JSON\n"
    "  registry import LOCATIONS.csv TENANTS.csv\n"
    "  case list [--state S] [--json]   cases, oldest first\n"
    "  case show ID [--json]            one case with decisions and audit\n"
    "  case raw ID                      the original message bytes\n"
    "  case delivery ID DELIVERY resend|sent --reason TEXT --as NAME\n"
    "                                   a notice/alert writ-send could not finish: send "
    "it\n"
    "                                   again, or record it sent (found in the relay's "
    "log)\n"
    "  case letter ID send|discard --reason TEXT --as NAME\n"
    "                                   the decision letter writ-send prepared for the\n"
    "                                   requester (a rejection or redirect): approve it\n"
    "                                   (it is sent, once) or discard it (never sent)\n"
    "  case hold ID set|release --reason TEXT --as NAME\n"
    "                                   legal hold: a held case is never purged\n"
    "  purge [--older-than AGE] [--dry-run] [--as NAME]\n"
    "                                   remove the original message and text of\n"
    "                                   final cases unchanged for AGE (N[smhd],\n"
    "                                   default retention/raw_days); audited\n"
    "  case text ID [--json]            the text writ read from the case's documents\n"
    "                                   (--json: with what each document was)\n"
    "  health [--json] [--max-age SECONDS] [--stage S]\n"
    "                                   live replicas and pending work; exit 1 if "
    "unhealthy\n"
    "                                   (no replica, or oldest pending older than "
    "--max-age,\n"
    "                                   by default 3 leases)\n"
    "  keys init DIR                    make the bus's missing key pairs (broker, "
    "intake,\n"
    "                                   each stage); secret files 0600, existing ones "
    "kept\n"
    "  queue [--json]                   cases that need a person, most urgent first\n"
    "  due [--days N] [--json]          deadlines, gag ends, preservation expiries\n"
    "  case search [--account A] [--agency X] [--reference R] [--state S] [--since D] "
    "[--json]\n"
    "  case export ID --out FILE [--reason TEXT]\n"
    "                                   archive for counsel (tar.gz, manifest with "
    "sha256;\n"
    "                                   an act: names its operator, audited)\n"
    "  acts (each: --as NAME or WRIT_OPERATOR, --reason TEXT, [--json] [--act-id ID]):\n"
    "  case verify ID                   requester confirmed out of band\n"
    "  case wait ID [--until DATE]      waiting on the requester\n"
    "  case decide ID [--account A] (--accept | --decision D)\n"
    "  case notice ID [--account A] release|withhold\n"
    "  case gag ID [--account A] lifted|set-aside|extended [--until DATE]\n"
    "  case challenge ID filed|granted|denied|withdrawn [--court C] [--docket N]\n"
    "  case produce ID --account A --categories LIST [--date D] [--override]\n"
    "  case close ID | case reopen ID   | case note ID TEXT\n";

int writctl_usage(void)
{
    fputs(USAGE, stderr);
    return EX_USAGE;
}

static int usage(void)
{
    return writctl_usage();
}

static char *read_input(const char *path, size_t *len)
{
    GError *err = NULL;
    gchar *data = NULL;
    gsize n = 0;
    if (!strcmp(path, "-")) {
        GString *s = g_string_new(NULL);
        char buf[65536];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, stdin)) > 0)
            g_string_append_len(s, buf, (gssize)got);
        *len = s->len;
        return g_string_free(s, FALSE);
    }
    if (!g_file_get_contents(path, &data, &n, &err)) {
        fprintf(stderr, "writctl: cannot read %s: %s\n", path, err->message);
        g_error_free(err);
        return NULL;
    }
    *len = n;
    return data;
}

static int cmd_parse(writ_config_t *cfg, int argc, char **argv)
{
    if (argc != 1)
        return usage();
    size_t len;
    char *raw = read_input(argv[0], &len);
    if (!raw)
        return EX_NOINPUT;
    parse_global_init();
    parse_settings_t ps;
    agencies_t *agencies = NULL;
    char cfg_err[256];
    if (parse_settings_load(cfg, &ps, &agencies, cfg_err, sizeof cfg_err) != 0) {
        fprintf(stderr, "writctl: %s\n", cfg_err);
        g_free(raw);
        return EX_CONFIG;
    }
    request_t *req = request_new();
    char err[256] = "";
    int rc = 0;
    parse_documents_t docs = { 0 };
    if (parse_message_documents(&ps, raw, len, req, &docs, err, sizeof err) != PARSE_OK) {
        fprintf(stderr, "writctl: not a mail message: %s\n", err);
        rc = EX_DATAERR;
    } else {
        char *json = parse_json_with_documents(req, &docs);
        puts(json ? json : "null");
        free(json);
    }
    parse_documents_clear(&docs);
    request_destroy(&req);
    agencies_destroy(&agencies);
    g_free(raw);
    parse_global_shutdown();
    return rc;
}

case_store_t *writctl_open_store(writ_config_t *cfg)
{
    char err[256];
    case_store_t *store = redis_login_open(cfg, "writctl", "operator", err, sizeof err);
    if (!store) {
        fprintf(stderr, "writctl: %s\n", err);
        return NULL;
    }
    if (case_store_ping(store) == 0)
        return store;
    fprintf(stderr, "writctl: redis unavailable: %s\n", case_store_error(store));
    case_store_destroy(&store);
    return NULL;
}

/* keys init DIR: quiet when nothing was missing (scripts call it on every
 * start); says what it made otherwise. */
static int cmd_keys(int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[0], "init"))
        return usage();
    char err[512];
    int made = bus_keys_init(argv[1], err, sizeof err);
    if (made < 0) {
        fprintf(stderr, "writctl: %s\n", err);
        return EX_CANTCREAT;
    }
    if (made > 0)
        printf("%d key pair(s) made in %s\n", made, argv[1]);
    return 0;
}

static int cmd_registry(writ_config_t *cfg, int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[0], "import"))
        return usage();
    size_t l1, l2;
    char *loc = read_input(argv[1], &l1);
    char *ten = loc ? read_input(argv[2], &l2) : NULL;
    if (!loc || !ten) {
        g_free(loc);
        return EX_NOINPUT;
    }
    case_store_t *store = writctl_open_store(cfg);
    int rc = EX_UNAVAILABLE;
    if (store) {
        char err[256];
        long n = registry_import(store, loc, ten, err, sizeof err);
        if (n < 0) {
            fprintf(stderr, "writctl: registry import failed: %s\n", err);
            rc = EX_DATAERR;
        } else {
            printf("imported %ld account(s)\n", n);
            rc = 0;
        }
    }
    case_store_destroy(&store);
    g_free(loc);
    g_free(ten);
    return rc;
}

void writctl_print_json(json_t *j)
{
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text)
        puts(text);
    free(text);
}

static const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "-";
}

/* A state name a case can be in; a typo must not look like "no cases". */
static bool known_state(const char *state)
{
    static const char *const states[] = { STATE_RECEIVED, STATE_DECIDED, STATE_NOTIFIED,
                                          STATE_HELD, STATE_REVIEW };
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (!strcmp(state, states[i]))
            return true;
    return false;
}

static int cmd_case_list(case_store_t *store, int argc, char **argv)
{
    const char *state = NULL;
    bool as_json = false;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            as_json = true;
        else if (!strcmp(argv[i], "--state") && i + 1 < argc)
            state = argv[++i];
        else
            return usage();
    }
    if (state && !known_state(state)) {
        fprintf(stderr,
                "writctl: unknown state '%s' (states: %s, %s, %s, "
                "%s, %s)\n",
                state, STATE_RECEIVED, STATE_DECIDED, STATE_NOTIFIED, STATE_HELD,
                STATE_REVIEW);
        return EX_USAGE;
    }
    json_t *list = case_query_list(store, state);
    if (!list) {
        fprintf(stderr, "writctl: redis: %s\n", case_store_error(store));
        return EX_UNAVAILABLE;
    }
    if (as_json)
        writctl_print_json(list);
    else {
        printf("%-18s %-9s %-26s %-25s %s\n", "CASE", "STATE", "TYPE", "RECEIVED",
               "REQUESTER");
        size_t i;
        json_t *c;
        json_array_foreach(list, i, c)
            printf("%-18s %-9s %-26s %-25s %s\n", jstr(c, "id"), jstr(c, "state"),
                   jstr(c, "request_type"), jstr(c, "received_at"), jstr(c, "requester"));
    }
    json_decref(list);
    return 0;
}

static void print_case_text(json_t *c)
{
    json_t *req = json_object_get(c, "request");
    printf("case %s  state %s  received %s\n", jstr(c, "id"), jstr(c, "state"),
           jstr(c, "received_at"));
    printf("  request  %s from %s, reference %s\n", jstr(req, "request_type"),
           jstr(c, "requester"), jstr(req, "reference"));
    if (json_is_string(json_object_get(c, "envelope")) && *jstr(c, "envelope"))
        printf("  envelope %s\n", jstr(c, "envelope"));
    if (json_is_string(json_object_get(c, "review_reason")))
        printf("  REVIEW   %s\n", jstr(c, "review_reason"));
    if (json_is_string(json_object_get(c, "duplicate_of")))
        printf("  RELATED  same Message-ID as case %s, different content\n",
               jstr(c, "duplicate_of"));
    if (json_is_true(json_object_get(c, "challenge_recommended")))
        printf("  CHALLENGE recommended: gag on enterprise data\n");
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(c, "accounts"), i, a)
    {
        printf("  %-42s %-28s notice %-12s %s\n", jstr(a, "account"), jstr(a, "decision"),
               jstr(a, "notice"),
               json_is_string(json_object_get(a, "notice_path")) ? jstr(a, "notice_path")
                                                                 : "");
        printf("      %s\n", jstr(a, "reason"));
    }
    writctl_print_casework(c);
    writctl_print_deliveries(c);
    printf("  audit:\n");
    json_array_foreach(json_object_get(c, "audit"), i, a)
    {
        printf("    %s %-12s %-10s %s -> %s  %s\n", jstr(a, "time"), jstr(a, "stage"),
               jstr(a, "event"), jstr(a, "from"), jstr(a, "to"), jstr(a, "note"));
        if (json_is_string(json_object_get(a, "operator")))
            printf("        by %s%s%s: %s\n", jstr(a, "operator"),
                   *jstr(a, "account") && strcmp(jstr(a, "account"), "-") ? ", account "
                                                                          : "",
                   *jstr(a, "account") && strcmp(jstr(a, "account"), "-")
                       ? jstr(a, "account")
                       : "",
                   jstr(a, "reason"));
    }
}

static int cmd_case_show(case_store_t *store, int argc, char **argv)
{
    if (argc < 1 || argc > 2 || (argc == 2 && strcmp(argv[1], "--json")))
        return usage();
    bool missing;
    json_t *c = case_query_show(store, argv[0], &missing);
    if (!c) {
        fprintf(stderr, "writctl: %s\n",
                missing ? "no such case" : case_store_error(store));
        return missing ? 1 : EX_UNAVAILABLE;
    }
    /* What writ-send did with the case's notices and alerts. */
    json_t *deliveries = delivery_store_case(store, argv[0]);
    if (deliveries && json_array_size(deliveries))
        json_object_set_new(c, "deliveries", deliveries);
    else
        json_decref(deliveries);
    if (argc == 2)
        writctl_print_json(c);
    else
        print_case_text(c);
    json_decref(c);
    return 0;
}

static int cmd_case_raw(case_store_t *store, int argc, char **argv)
{
    if (argc != 1)
        return usage();
    char *buf = NULL;
    size_t len = 0;
    int rc = case_store_raw(store, argv[0], &buf, &len);
    if (rc != 0) {
        fprintf(stderr, "writctl: %s\n",
                rc > 0 ? "no such case" : case_store_error(store));
        return rc > 0 ? 1 : EX_UNAVAILABLE;
    }
    fwrite(buf, 1, len, stdout);
    free(buf);
    return 0;
}

static int cmd_case_text(case_store_t *store, int argc, char **argv)
{
    if (argc < 1 || argc > 2 || (argc == 2 && strcmp(argv[1], "--json")))
        return usage();
    char *docs = NULL, *text = NULL;
    size_t len = 0;
    int rc = case_documents_get(store, argv[0], &docs, &text, &len);
    if (rc != 0) {
        fprintf(stderr, "writctl: %s\n",
                rc > 0 ? "no documents recorded for this case (none attached, or "
                         "not read yet)"
                       : case_store_error(store));
        free(docs);
        free(text);
        return rc > 0 ? 1 : EX_UNAVAILABLE;
    }
    if (argc == 2) {
        json_t *o = json_object();
        json_t *arr = json_loads(docs, 0, NULL);
        json_object_set_new(o, "documents", arr ? arr : json_array());
        json_object_set_new(o, "text", json_stringn(text ? text : "", text ? len : 0));
        writctl_print_json(o);
        json_decref(o);
    } else if (text) {
        fwrite(text, 1, len, stdout);
        if (len && text[len - 1] != '\n')
            putchar('\n');
    }
    free(docs);
    free(text);
    return 0;
}

/* A stage whose oldest pending case waited this many leases is not
 * keeping up, or is stuck: one lease is a case's normal worst delay (a
 * replica died holding it), a second the sweep that brings it back. */
#define HEALTH_MAX_AGE_LEASES 3

static int cmd_health(writ_config_t *cfg, int argc, char **argv)
{
    bool as_json = false;
    double max_age = HEALTH_MAX_AGE_LEASES *
                     (double)writ_config_long(cfg, "pipeline/lease_ms") / 1000.0;
    const char *stage = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            as_json = true;
        else if (!strcmp(argv[i], "--max-age") && i + 1 < argc)
            max_age = atof(argv[++i]);
        else if (!strcmp(argv[i], "--stage") && i + 1 < argc)
            stage = argv[++i];
        else
            return usage();
    }
    case_store_t *store = writctl_open_store(cfg);
    if (!store)
        return EX_UNAVAILABLE;
    json_t *h = case_query_health(store, 5000, max_age, stage);
    if (!h) {
        fprintf(stderr, "writctl: redis: %s\n", case_store_error(store));
        case_store_destroy(&store);
        return EX_UNAVAILABLE;
    }
    case_store_destroy(&store);
    if (as_json)
        writctl_print_json(h);
    else {
        const char *stage;
        json_t *s;
        json_object_foreach(json_object_get(h, "stages"), stage, s)
            printf("%-13s %-4s live %zu  pending %lld  oldest %.1fs\n", stage,
                   json_is_true(json_object_get(s, "ok")) ? "ok" : "FAIL",
                   json_array_size(json_object_get(s, "live_workers")),
                   (long long)json_integer_value(json_object_get(s, "pending")),
                   json_real_value(json_object_get(s, "oldest_pending_age_s")));
    }
    int rc = json_is_true(json_object_get(h, "ok")) ? 0 : 1;
    json_decref(h);
    return rc;
}

static int cmd_case_hold(case_store_t *store, int argc, char **argv)
{
    const char *reason = NULL, *name = NULL;
    if (argc < 2 || (strcmp(argv[1], "set") && strcmp(argv[1], "release")))
        return usage();
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--reason") && i + 1 < argc)
            reason = argv[++i];
        else if (!strcmp(argv[i], "--as") && i + 1 < argc)
            name = argv[++i];
        else
            return usage();
    }
    if (!reason || !*reason || !name || !*name) {
        fprintf(stderr,
                "writctl: case hold needs --reason TEXT and --as NAME (for the audit)\n");
        return EX_USAGE;
    }
    bool set = !strcmp(argv[1], "set");
    int rc = set ? retention_hold_set(store, argv[0], reason, name)
                 : retention_hold_release(store, argv[0], reason, name);
    switch (rc) {
    case 0:
        printf("case %s: legal hold %s\n", argv[0], set ? "set" : "released");
        return 0;
    case 1:
        printf("case %s: legal hold was already %s\n", argv[0], set ? "set" : "released");
        return 0;
    case 2:
        fprintf(stderr, "writctl: no such case\n");
        return 1;
    default:
        fprintf(stderr, "writctl: redis: %s\n", case_store_error(store));
        return EX_UNAVAILABLE;
    }
}

/* The options of a person's act on a delivery: --reason TEXT and --as
 * NAME (or WRIT_OPERATOR), both required (they go on the audit). 0, or
 * the exit status of the usage error. */
static int reason_and_operator(const char *what, int argc, char **argv,
                               const char **reason, const char **name)
{
    *reason = NULL;
    *name = getenv("WRIT_OPERATOR");
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--reason") && i + 1 < argc)
            *reason = argv[++i];
        else if (!strcmp(argv[i], "--as") && i + 1 < argc)
            *name = argv[++i];
        else
            return usage();
    }
    if (!*reason || !**reason || !*name || !**name) {
        fprintf(stderr, "writctl: %s needs --reason TEXT and --as NAME (for the audit)\n",
                what);
        return EX_USAGE;
    }
    return 0;
}

/* case delivery ID DELIVERY resend|sent --reason TEXT --as NAME: a
 * person resolves a notice, alert or acknowledgement writ-send could not
 * finish (failed, unconfirmed, deferred). */
static int cmd_case_delivery(case_store_t *store, int argc, char **argv)
{
    const char *reason, *name;
    if (argc < 3 || (strcmp(argv[2], "resend") && strcmp(argv[2], "sent")))
        return usage();
    int rc = reason_and_operator("case delivery", argc - 3, argv + 3, &reason, &name);
    if (rc != 0)
        return rc;
    switch (delivery_store_resolve(store, argv[0], argv[1], argv[2], reason, name)) {
    case 0:
        printf("case %s: %s %s\n", argv[0], argv[1],
               !strcmp(argv[2], "sent") ? "recorded as sent" : "will be sent again");
        return 0;
    case 1:
        fprintf(stderr,
                "writctl: %s is not failed, unconfirmed or deferred: nothing to do\n",
                argv[1]);
        return 1;
    case 2:
        fprintf(stderr, "writctl: case %s has no delivery %s (see case show)\n", argv[0],
                argv[1]);
        return 1;
    default:
        fprintf(stderr, "writctl: redis: %s\n", case_store_error(store));
        return EX_UNAVAILABLE;
    }
}

/* case letter ID send|discard --reason TEXT --as NAME: a person approves
 * or discards the decision letter held for the case's requester. */
static int cmd_case_letter(case_store_t *store, int argc, char **argv)
{
    const char *reason, *name;
    if (argc < 2 || (strcmp(argv[1], "send") && strcmp(argv[1], "discard")))
        return usage();
    int rc = reason_and_operator("case letter", argc - 2, argv + 2, &reason, &name);
    if (rc != 0)
        return rc;
    switch (delivery_store_letter(store, argv[0], argv[1], reason, name)) {
    case 0:
        printf("case %s: the letter %s\n", argv[0],
               !strcmp(argv[1], "send") ? "is approved and will be sent"
                                        : "is discarded");
        return 0;
    case 1:
        fprintf(stderr,
                "writctl: case %s's letter does not wait for approval "
                "(already approved, sent or discarded: see case show)\n",
                argv[0]);
        return 1;
    case 2:
        fprintf(stderr,
                "writctl: case %s has no letter waiting (no such case, or no "
                "letter prepared: see case show)\n",
                argv[0]);
        return 1;
    default:
        fprintf(stderr, "writctl: redis: %s\n", case_store_error(store));
        return EX_UNAVAILABLE;
    }
}

/* The name purges are audited under when --as is not given: the Unix
 * user running writctl. */
static const char *login_name(void)
{
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_name ? pw->pw_name : "unknown";
}

/* One candidate for purging, judged from its fields (the purge script
 * judges again, atomically). */
static purge_result_t judge_case(redis_conn_t *conn, const char *id, uint64_t cutoff)
{
    redisReply *r = redis_conn_command(conn,
                                       "HMGET " KEY_CASE "%s state updated_at "
                                       "hold purged_at",
                                       id);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 4) {
        fprintf(stderr, "writctl: redis: %s\n",
                !r ? redis_conn_error(conn) : "unexpected reply");
        if (r)
            freeReplyObject(r);
        return PURGE_ERROR;
    }
    const char *f[4];
    for (size_t i = 0; i < 4; i++)
        f[i] = r->element[i]->type == REDIS_REPLY_STRING ? r->element[i]->str : NULL;
    purge_result_t v =
        retention_judge(f[0], f[1] ? strtoull(f[1], NULL, 10) : 0, f[2], f[3], cutoff);
    freeReplyObject(r);
    return v;
}

static int cmd_purge(writ_config_t *cfg, case_store_t *store, int argc, char **argv)
{
    const char *age_text = NULL, *name = NULL;
    bool dry_run = false;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--older-than") && i + 1 < argc)
            age_text = argv[++i];
        else if (!strcmp(argv[i], "--dry-run"))
            dry_run = true;
        else if (!strcmp(argv[i], "--as") && i + 1 < argc)
            name = argv[++i];
        else
            return usage();
    }
    char setting[40];
    if (!age_text) {
        snprintf(setting, sizeof setting, "%sd",
                 writ_config_str(cfg, "retention/raw_days"));
        age_text = setting;
    }
    int64_t age = retention_parse_age(age_text);
    if (age < 0) {
        fprintf(stderr, "writctl: age %s: want N with an optional unit s, m, h or d\n",
                age_text);
        return EX_USAGE;
    }
    if (!name || !*name)
        name = login_name();
    uint64_t now = writ_now_ms();
    uint64_t cutoff = (uint64_t)age > now ? 0 : now - (uint64_t)age;
    redis_conn_t *conn = case_store_conn(store);
    redisReply *ids = redis_conn_command(conn, "ZRANGE " KEY_CASES " 0 -1");
    if (!ids || ids->type != REDIS_REPLY_ARRAY) {
        fprintf(stderr, "writctl: redis: %s\n", case_store_error(store));
        if (ids)
            freeReplyObject(ids);
        return EX_UNAVAILABLE;
    }
    char note[200];
    snprintf(note, sizeof note,
             "original message and text purged (retention: final "
             "and unchanged for %s) by %s",
             age_text, name);
    size_t purged = 0, held = 0;
    int rc = 0;
    for (size_t i = 0; i < ids->elements && rc == 0; i++) {
        const char *id = ids->element[i]->str;
        purge_result_t v = judge_case(conn, id, cutoff);
        if (v == PURGE_DONE && !dry_run)
            v = retention_purge(store, id, cutoff, name, note);
        if (v == PURGE_DONE) {
            printf("%s %s\n", dry_run ? "would purge" : "purged", id);
            purged++;
        } else if (v == PURGE_HELD)
            held++;
        else if (v == PURGE_ERROR) {
            if (*case_store_error(store))
                fprintf(stderr, "writctl: redis: %s\n", case_store_error(store));
            rc = EX_UNAVAILABLE;
        }
    }
    freeReplyObject(ids);
    printf("%s %zu case(s); %zu on legal hold kept\n", dry_run ? "would purge" : "purged",
           purged, held);
    return rc;
}

static int with_store(writ_config_t *cfg, int (*fn)(case_store_t *, int, char **),
                      int argc, char **argv)
{
    case_store_t *store = writctl_open_store(cfg);
    if (!store)
        return EX_UNAVAILABLE;
    int rc = fn(store, argc, argv);
    case_store_destroy(&store);
    return rc;
}

int main(int argc, char **argv)
{
    const char *config_path = NULL;
    int i = 1;
    if (argc > 2 && !strcmp(argv[1], "--config")) {
        config_path = argv[2];
        i = 3;
    }
    if (i >= argc)
        return usage();
    /* A command prints what was asked for: the daemons' info lines (the
     * store's round-trip count ...) only when WRIT_LOG_LEVEL asks; the
     * configuration's log_level is the daemons'. */
    const char *level = getenv("WRIT_LOG_LEVEL");
    writ_log_init("writctl", NULL, level && *level ? level : "warn");
    char err[256];
    writ_config_t *cfg = writ_config_load(config_path, err, sizeof err);
    if (!cfg) {
        fprintf(stderr, "writctl: %s\n", err);
        return EX_CONFIG;
    }
    const char *cmd = argv[i++];
    int rest = argc - i;
    char **args = argv + i;
    int rc;
    if (!strcmp(cmd, "parse"))
        rc = cmd_parse(cfg, rest, args);
    else if (!strcmp(cmd, "registry"))
        rc = cmd_registry(cfg, rest, args);
    else if (!strcmp(cmd, "keys"))
        rc = cmd_keys(rest, args);
    else if (!strcmp(cmd, "health"))
        rc = cmd_health(cfg, rest, args);
    else if (!strcmp(cmd, "case") && rest >= 1 && !strcmp(args[0], "list"))
        rc = with_store(cfg, cmd_case_list, rest - 1, args + 1);
    else if (!strcmp(cmd, "case") && rest >= 1 && !strcmp(args[0], "show"))
        rc = with_store(cfg, cmd_case_show, rest - 1, args + 1);
    else if (!strcmp(cmd, "case") && rest >= 1 && !strcmp(args[0], "raw"))
        rc = with_store(cfg, cmd_case_raw, rest - 1, args + 1);
    else if (!strcmp(cmd, "case") && rest >= 1 && !strcmp(args[0], "hold"))
        rc = with_store(cfg, cmd_case_hold, rest - 1, args + 1);
    else if (!strcmp(cmd, "case") && rest >= 1 && !strcmp(args[0], "letter"))
        rc = with_store(cfg, cmd_case_letter, rest - 1, args + 1);
    else if (!strcmp(cmd, "case") && rest >= 1 && !strcmp(args[0], "delivery"))
        rc = with_store(cfg, cmd_case_delivery, rest - 1, args + 1);
    else if (!strcmp(cmd, "purge")) {
        case_store_t *store = writctl_open_store(cfg);
        rc = store ? cmd_purge(cfg, store, rest, args) : EX_UNAVAILABLE;
        case_store_destroy(&store);
    } else if (!strcmp(cmd, "case") && rest >= 1 && !strcmp(args[0], "text"))
        rc = with_store(cfg, cmd_case_text, rest - 1, args + 1);
    else if (!strcmp(cmd, "case") && rest >= 1 && !strcmp(args[0], "search"))
        rc = writctl_case_search(cfg, rest - 1, args + 1);
    else if (!strcmp(cmd, "case") && rest >= 1 && !strcmp(args[0], "export"))
        rc = writctl_case_export(cfg, rest - 1, args + 1);
    else if (!strcmp(cmd, "case") && rest >= 1 &&
             (rc = writctl_case_act(cfg, args[0], rest - 1, args + 1)) >= 0)
        ;
    else if (!strcmp(cmd, "queue"))
        rc = writctl_queue(cfg, rest, args);
    else if (!strcmp(cmd, "due"))
        rc = writctl_due(cfg, rest, args);
    else
        rc = usage();
    writ_config_destroy(&cfg);
    return rc;
}
