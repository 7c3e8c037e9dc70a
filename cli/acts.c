/* acts.c -- writctl's acts on a case: a person decides, verifies, waits,
 * releases or withholds a notice, records a gag's change, a challenge, a
 * production, closes, reopens or adds a note.
 *
 * Each act: read the case (one round trip), let the state machine
 * (common/core/casework.c) allow or refuse it, then apply it with one Lua script
 * that checks the case is still as read (common/store/casework_store.c). A
 * second operator who acted in between wins; this one is told "case
 * changed since you looked" and nothing is written. A retry after a lost
 * reply sends the same act id, which the script applies at most once.
 *
 * Exit: 0 done (or already done), 1 refused / changed / no such case,
 * 64 bad input, 69 Redis unavailable.
 */
#include "casework_store.h"
#include "redis_login.h"
#include "writctl.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sysexits.h>

void writctl_today(writ_config_t *cfg, char out[11])
{
    const char *fixed = writ_config_str(cfg, "casework/today");
    if (fixed && casework_date_ok(fixed)) {
        snprintf(out, 11, "%s", fixed);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void now_iso(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

typedef struct {
    const char *name;         /* as typed after `case` */
    const char *const *verbs; /* sub-verbs (NULL: none) */
    cw_act_t first;           /* act of verbs[0]; verbs[i] -> first + i */
} act_spec_t;

static const char *const notice_verbs[] = { "release", "withhold", NULL };
static const char *const gag_verbs[] = { "lifted", "set-aside", "extended", NULL };
static const char *const challenge_verbs[] = { "filed", "granted", "denied", "withdrawn",
                                               NULL };
static const act_spec_t specs[] = {
    { "verify", NULL, CW_VERIFY },
    { "wait", NULL, CW_WAIT },
    { "decide", NULL, CW_DECIDE },
    { "notice", notice_verbs, CW_NOTICE_RELEASE },
    { "gag", gag_verbs, CW_GAG_LIFTED },
    { "challenge", challenge_verbs, CW_CHALLENGE_FILED },
    { "produce", NULL, CW_PRODUCE },
    { "close", NULL, CW_CLOSE },
    { "reopen", NULL, CW_REOPEN },
    { "note", NULL, CW_NOTE },
};

typedef struct {
    const char *id;
    cw_request_t rq;
    bool json;
    const char *act_id;
    const char *categories;
    bool quiet; /* the caller says what happened */
} act_args_t;

static int bad(const char *fmt, const char *arg)
{
    fprintf(stderr, "writctl: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return EX_USAGE;
}

static int parse_categories(const char *list, unsigned *out)
{
    *out = 0;
    gchar **parts = g_strsplit_set(list, ", ", -1);
    int rc = 0;
    for (gchar **p = parts; *p; p++) {
        if (!**p)
            continue;
        unsigned bit = request_category_from_name(*p);
        if (!bit)
            rc = -1;
        *out |= bit;
    }
    g_strfreev(parts);
    return rc == 0 && *out ? 0 : -1;
}

/* Once every argument is read: the act the sub-verb names, the note's
 * words as its text, and the checks that need several options at once.
 * Takes text (the note's words, or NULL). 0, or EX_USAGE. */
static int complete_args(const act_spec_t *spec, const char *verb, GString *text,
                         act_args_t *a)
{
    if (!a->id)
        return bad("%s needs the case id", spec->name);
    a->rq.act = spec->first;
    if (spec->verbs) {
        int k = -1;
        for (int i = 0; verb && spec->verbs[i]; i++)
            if (!strcmp(verb, spec->verbs[i]))
                k = i;
        if (k < 0)
            return bad("case %s needs one of its verbs (see writctl's usage)",
                       spec->name);
        a->rq.act = (cw_act_t)(spec->first + k);
    }
    if (text) {
        static char note[4096];
        snprintf(note, sizeof note, "%s", text->str);
        g_string_free(text, TRUE);
        a->rq.reason = note;
    }
    if (a->rq.act == CW_DECIDE && a->rq.accept == (a->rq.decision != NULL))
        return bad("%s", "case decide needs --accept or --decision D (one of them)");
    if (a->categories && parse_categories(a->categories, &a->rq.categories) != 0)
        return bad("bad --categories '%s': a list of subscriber, transactional, content",
                   a->categories);
    if (!a->rq.operator_name)
        a->rq.operator_name = getenv("WRIT_OPERATOR");
    return 0;
}

/* Options of every act; positional: the case id, then the sub-verb or the
 * note's text. */
static int parse_args(const act_spec_t *spec, int argc, char **argv, act_args_t *a)
{
    const char *verb = NULL;
    GString *text = NULL;
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(o, "--json"))
            a->json = true;
        else if (!strcmp(o, "--accept"))
            a->rq.accept = true;
        else if (!strcmp(o, "--override"))
            a->rq.override = true;
        else if (!strncmp(o, "--", 2) && !has)
            return bad("%s needs a value", o);
        else if (!strcmp(o, "--as"))
            a->rq.operator_name = argv[++i];
        else if (!strcmp(o, "--reason"))
            a->rq.reason = argv[++i];
        else if (!strcmp(o, "--account"))
            a->rq.account = argv[++i];
        else if (!strcmp(o, "--decision"))
            a->rq.decision = argv[++i];
        else if (!strcmp(o, "--until"))
            a->rq.until = argv[++i];
        else if (!strcmp(o, "--court"))
            a->rq.court = argv[++i];
        else if (!strcmp(o, "--docket"))
            a->rq.docket = argv[++i];
        else if (!strcmp(o, "--categories"))
            a->categories = argv[++i];
        else if (!strcmp(o, "--date"))
            a->rq.date = argv[++i];
        else if (!strcmp(o, "--act-id"))
            a->act_id = argv[++i];
        else if (!strncmp(o, "--", 2))
            return bad("unknown option %s", o);
        else if (!a->id)
            a->id = o;
        else if (spec->verbs && !verb)
            verb = o;
        else if (spec->first == CW_NOTE) {
            if (!text)
                text = g_string_new(o);
            else
                g_string_append_printf(text, " %s", o);
        } else
            return bad("unexpected argument '%s'", o);
    }
    return complete_args(spec, verb, text, a);
}

/* The act's id unless given: the same act by the same person on the same
 * version of the case, so only a retry of this very act repeats it. */
static void default_act_id(const act_args_t *a, const cw_case_t *before, int argc,
                           char **argv, char out[41])
{
    GChecksum *h = g_checksum_new(G_CHECKSUM_SHA1);
    g_checksum_update(h, (const guchar *)a->rq.operator_name, -1);
    g_checksum_update(h, (const guchar *)casework_act_name(a->rq.act), -1);
    for (int i = 0; i < argc; i++) {
        g_checksum_update(h, (const guchar *)"\0", 1);
        g_checksum_update(h, (const guchar *)argv[i], -1);
    }
    g_checksum_update(h, (const guchar *)before->rev, -1);
    g_checksum_update(h, (const guchar *)before->updated_at, -1);
    snprintf(out, 41, "%s", g_checksum_get_string(h));
    g_checksum_free(h);
}

static void print_outcome(const act_args_t *a, const cw_case_t *before,
                          const cw_result_t *res, const char *to, bool repeated,
                          const char *act_id)
{
    const char *account = res->account ? res->account : a->rq.account;
    if (a->json) {
        json_t *j =
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?,s:s,s:b,s:s}", "case", before->id, "act",
                      casework_act_name(a->rq.act), "operator", a->rq.operator_name,
                      "from", before->state, "to", to, "account", account, "changed",
                      res->message, "repeated", repeated, "act_id", act_id);
        writctl_print_json(j);
        json_decref(j);
        return;
    }
    if (repeated)
        printf("case %s: %s by %s was already recorded (a retry): nothing changed\n",
               before->id, casework_act_name(a->rq.act), a->rq.operator_name);
    else if (strcmp(before->state, to))
        printf("case %s: %s -> %s: %s\n", before->id, before->state, to, res->message);
    else
        printf("case %s (%s): %s\n", before->id, to, res->message);
}

/* Applies the act, retrying with the same act id while Redis is
 * unreachable (a reply lost after the script ran is then "already
 * recorded"). */
static int commit_with_retry(case_store_t *store, const cw_commit_t *p,
                             char now_state[32])
{
    int rc = -1;
    for (int attempt = 0; attempt < 20; attempt++) {
        rc = casework_store_commit(store, p, now_state);
        if (rc != -1)
            return rc;
        if (strncmp(case_store_error(store), "ERR", 3) == 0 ||
            strncmp(case_store_error(store), "NOPERM", 6) == 0)
            return rc; /* refused by Redis: retrying won't help */
        usleep(250 * 1000);
    }
    return rc;
}

/* What every act needs before Redis is asked: who did it, and why (a
 * note is its own text). 0, or EX_USAGE. */
static int check_acting(const act_args_t *a)
{
    if (!a->rq.operator_name || !*a->rq.operator_name) {
        fprintf(stderr,
                "writctl: every act names who did it: --as NAME or WRIT_OPERATOR\n");
        return EX_USAGE;
    }
    if (a->rq.act != CW_NOTE && (!a->rq.reason || !*a->rq.reason)) {
        fprintf(stderr, "writctl: %s needs --reason TEXT (it goes on the record)\n",
                casework_act_name(a->rq.act));
        return EX_USAGE;
    }
    return 0;
}

/* The case as it is now, which the act is judged against and which the
 * script checks is unchanged when it records. 0, or the exit status
 * (nothing to clear then). */
static int read_before(case_store_t *store, const char *id, cw_case_t *before)
{
    int rc = casework_store_read(store, id, before);
    if (rc == 0)
        return 0;
    if (rc > 0)
        fprintf(stderr, "writctl: no such case %s\n", id);
    else
        fprintf(stderr, "writctl: cannot read case %s: %s\n", id,
                case_store_error(store));
    return rc > 0 ? EXIT_REFUSED : EX_UNAVAILABLE;
}

/* The name this writctl process writes on the audit trail, as the daemons
 * write their worker id. */
static void operator_worker(char *buf, size_t len)
{
    char host[64] = "host";
    gethostname(host, sizeof host);
    host[sizeof host - 1] = '\0';
    snprintf(buf, len, "writctl-%s-%d", host, (int)getpid());
}

/* Records an allowed act and says what came of it: done, already done (a
 * retry), or refused because the case changed since it was read. The exit
 * status. */
static int record_act(case_store_t *store, const act_args_t *a, const cw_case_t *before,
                      const cw_result_t *res, int argc, char **argv)
{
    char act_id[41], worker[128], now_state[32];
    if (a->act_id)
        snprintf(act_id, sizeof act_id, "%.40s", a->act_id);
    else
        default_act_id(a, before, argc, argv, act_id);
    operator_worker(worker, sizeof worker);
    /* A note and an export add to the record without changing the case:
     * another operator's act in between does not make them wrong. */
    cw_commit_t commit = { .before = before,
                           .rq = &a->rq,
                           .res = res,
                           .act_id = act_id,
                           .worker = worker,
                           .unguarded = a->rq.act == CW_NOTE || a->rq.act == CW_EXPORT };
    int rc = commit_with_retry(store, &commit, now_state);
    if (rc == 0 || rc == 2) {
        if (!a->quiet)
            print_outcome(a, before, res, rc == 0 ? now_state : before->state, rc == 2,
                          act_id);
        return 0;
    }
    if (rc == 1) {
        fprintf(stderr,
                "writctl: case changed since you looked: now %s; "
                "nothing was recorded (look again: writctl case show %s)\n",
                now_state, before->id);
        return EXIT_REFUSED;
    }
    if (rc == 3) {
        fprintf(stderr, "writctl: no such case %s\n", before->id);
        return EXIT_REFUSED;
    }
    fprintf(stderr, "writctl: cannot record the act: %s\n", case_store_error(store));
    return EX_UNAVAILABLE;
}

static int run_act(writ_config_t *cfg, act_args_t *a, int argc, char **argv)
{
    int status = check_acting(a);
    if (status != 0)
        return status;
    char today[11], now[32];
    writctl_today(cfg, today);
    now_iso(now, sizeof now);
    a->rq.today = today;
    a->rq.now = now;
    /* No PING first: the read is the first round trip, and says so when
     * Redis is unavailable. An act costs two round trips (read, script). */
    char err[256];
    case_store_t *store = redis_login_open(cfg, "writctl", "operator", err, sizeof err);
    if (!store) {
        fprintf(stderr, "writctl: %s\n", err);
        return EX_CONFIG; /* no password to log in with */
    }
    cw_case_t before;
    status = read_before(store, a->id, &before);
    if (status != 0) {
        case_store_destroy(&store);
        return status;
    }
    cw_result_t res;
    casework_apply(before.state, before.c, before.cw, &a->rq, &res);
    /* Tests widen the window between reading and recording (two operators
     * racing, a kill mid-act). */
    long delay_ms = writ_config_long(cfg, "casework/debug_delay_ms");
    if (delay_ms > 0 && res.status == CW_OK)
        usleep((useconds_t)delay_ms * 1000);
    status = res.status;
    if (status != CW_OK && a->act_id &&
        casework_store_act_known(store, before.id, a->act_id) == 1) {
        status = 0;
        print_outcome(a, &before, &res, before.state, true, a->act_id);
    } else if (status != CW_OK)
        fprintf(stderr, "writctl: case %s: %s\n", before.id, res.message);
    else
        status = record_act(store, a, &before, &res, argc, argv);
    cw_case_clear(&before);
    case_store_destroy(&store);
    return status;
}

int writctl_record_export(writ_config_t *cfg, const char *id, const char *operator_name,
                          const char *reason, int argc, char **argv)
{
    act_args_t a = {
        .id = id,
        .quiet = true,
        .rq = { .act = CW_EXPORT, .operator_name = operator_name, .reason = reason }
    };
    return run_act(cfg, &a, argc, argv);
}

int writctl_case_act(writ_config_t *cfg, const char *act, int argc, char **argv)
{
    const act_spec_t *spec = NULL;
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        if (!strcmp(act, specs[i].name))
            spec = &specs[i];
    if (!spec)
        return -1;
    act_args_t a = { 0 };
    int rc = parse_args(spec, argc, argv, &a);
    return rc != 0 ? rc : run_act(cfg, &a, argc, argv);
}
