/* test_infra.c -- small pure pieces: registry CSV reader, config
 * environment overrides, case-level state rules, Maildir outbox. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <sys/stat.h>
#include "config.h"
#include "outbox.h"
#include "pipeline.h"
#include "registry.h"

static void test_csv_quoting(void **state)
{
    (void)state;
    const char *p = "tenant,name,admin\r\nt-1,\"Bellwether Shipping, LLC\",a@b\n"
                    "t-2,\"Say \"\"hi\"\"\",\n\n";
    csv_row_t row;
    assert_int_equal(csv_next_row(&p, &row), 1);
    assert_int_equal(row.count, 3);
    csv_row_clear(&row);
    assert_int_equal(csv_next_row(&p, &row), 1);
    assert_string_equal(row.fields[1], "Bellwether Shipping, LLC");
    csv_row_clear(&row);
    assert_int_equal(csv_next_row(&p, &row), 1);
    assert_string_equal(row.fields[1], "Say \"hi\"");
    assert_string_equal(row.fields[2], "");
    csv_row_clear(&row);
    assert_int_equal(csv_next_row(&p, &row), 0);
    const char *bad = "a,\"unterminated\n";
    assert_int_equal(csv_next_row(&bad, &row), -1);
}

/* Writes zpl to a new file under /tmp; path must hold the mkstemp
 * template (its six Xs are replaced by the file's unique name). */
static void write_temp_config(char *path, const char *zpl)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, zpl, strlen(zpl)), (ssize_t)strlen(zpl));
    close(fd);
}

static void test_config_env_overrides_file(void **state)
{
    (void)state;
    char path[] = "/tmp/writ-config-XXXXXX";
    write_temp_config(path, "writ\n    redis_url = \"redis://10.0.0.1:1\"\n"
                            "intake\n    lmtp_listen = \"127.0.0.1:9\"\n");
    char err[128];
    writ_config_t *cfg = writ_config_load(path, err, sizeof err);
    assert_non_null(cfg);
    unsetenv("WRIT_REDIS_URL");
    assert_string_equal(writ_config_get(cfg, "writ/redis_url", "x"),
                        "redis://10.0.0.1:1");
    setenv("WRIT_REDIS_URL", "redis://127.0.0.1:7", 1);
    assert_string_equal(writ_config_get(cfg, "writ/redis_url", "x"),
                        "redis://127.0.0.1:7");
    setenv("WRIT_INTAKE_LMTP_LISTEN", "127.0.0.1:8", 1);
    assert_string_equal(writ_config_get(cfg, "intake/lmtp_listen", "x"), "127.0.0.1:8");
    assert_string_equal(writ_config_get(cfg, "notify/outbox", "dflt"), "dflt");
    setenv("WRIT_NOTIFY_CREDIT", "7", 1);
    assert_int_equal(writ_config_get_long(cfg, "notify/credit", 2), 7);
    setenv("WRIT_JURISDICTION_REDIRECT_ENTERPRISE", "off", 1);
    assert_false(writ_config_get_bool(cfg, "jurisdiction/redirect_enterprise", true));
    char env[64];
    writ_config_env_name("bus/workers_bind", env, sizeof env);
    assert_string_equal(env, "WRIT_BUS_WORKERS_BIND");
    unsetenv("WRIT_REDIS_URL");
    unsetenv("WRIT_INTAKE_LMTP_LISTEN");
    writ_config_destroy(&cfg);
    assert_null(cfg);
    unlink(path);
    assert_null(writ_config_load("/nonexistent/writ.zpl", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/writ.zpl"));
}

/* File names in the config file are taken beside it (pipe(8) runs the
 * intake in Postfix's queue directory); env and defaults are not moved. */
static void test_config_file_names_beside_the_file(void **state)
{
    (void)state;
    char path[] = "/tmp/writ-config-XXXXXX";
    write_temp_config(path, "intake\n    agencies = \"agencies.zpl\"\n"
                            "notify\n    template = \"/abs/notice.tmpl\"\n");
    char err[128];
    writ_config_t *cfg = writ_config_load(path, err, sizeof err);
    assert_non_null(cfg);
    unsetenv("WRIT_INTAKE_AGENCIES");
    unsetenv("WRIT_NOTIFY_TEMPLATE");
    assert_string_equal(writ_config_get_file(cfg, "intake/agencies", "d"),
                        "/tmp/agencies.zpl");
    assert_string_equal(writ_config_get_file(cfg, "notify/template", "d"),
                        "/abs/notice.tmpl");
    assert_string_equal(writ_config_get_file(cfg, "notify/outbox", "run/x"), "run/x");
    setenv("WRIT_INTAKE_AGENCIES", "rel/a.zpl", 1);
    assert_string_equal(writ_config_get_file(cfg, "intake/agencies", "d"), "rel/a.zpl");
    unsetenv("WRIT_INTAKE_AGENCIES");
    writ_config_destroy(&cfg);
    unlink(path);
}

static void test_final_state_rules(void **state)
{
    (void)state;
    case_t *c = case_new("c1");
    request_t *r = request_new();
    request_add_account(r, "a@x.example");
    request_add_account(r, "b@x.example");
    case_set_request(c, r);
    c->accounts[0].notice = NOTICE_PREPARED;
    c->accounts[1].notice = NOTICE_NOT_REQUIRED;
    assert_string_equal(pipeline_final_state(c), STATE_NOTIFIED);
    c->accounts[1].notice = NOTICE_HELD;
    assert_string_equal(pipeline_final_state(c), STATE_HELD);
    c->accounts[0].notice = NOTICE_DEFERRED;
    assert_string_equal(pipeline_final_state(c), STATE_REVIEW);
    case_destroy(&c);
}

/* A case that ends in review says why (issue 11: review_reason was null
 * for the emergencies, the unknown request and unverified senders). */
static void test_review_says_why(void **state)
{
    (void)state;
    case_t *c = case_new("c3");
    request_t *r = request_new();
    r->type = REQ_EMERGENCY_REQUEST;
    request_add_account(r, "a@x.example");
    case_set_request(c, r);
    c->accounts[0].decision = DEC_EMERGENCY_REVIEW;
    c->accounts[0].notice = NOTICE_DEFERRED;
    assert_string_equal(pipeline_finish(c), STATE_REVIEW);
    assert_non_null(c->review_reason);
    assert_non_null(strstr(c->review_reason, "emergency request"));
    /* Deciding again keeps the one reason (idempotent). */
    char *first = strdup(c->review_reason);
    assert_string_equal(pipeline_finish(c), STATE_REVIEW);
    assert_string_equal(c->review_reason, first);
    free(first);
    case_destroy(&c);

    /* Unknown request from an unverified sender: both reasons. */
    c = case_new("c4");
    r = request_new();
    r->type = REQ_UNKNOWN;
    request_add_account(r, "a@x.example");
    case_set_request(c, r);
    c->verify_requester = true;
    c->verify_reason = strdup("requester not verified: DMARC fail");
    c->accounts[0].decision = DEC_NEEDS_REVIEW;
    c->accounts[0].notice = NOTICE_DEFERRED;
    assert_string_equal(pipeline_finish(c), STATE_REVIEW);
    assert_non_null(strstr(c->review_reason, "requester not verified: DMARC fail"));
    assert_non_null(strstr(c->review_reason, "no recognisable legal process"));
    case_destroy(&c);

    /* A case that does not end in review gets no reason. */
    c = case_new("c5");
    r = request_new();
    request_add_account(r, "a@x.example");
    case_set_request(c, r);
    c->accounts[0].decision = DEC_DISCLOSE;
    c->accounts[0].notice = NOTICE_PREPARED;
    assert_string_equal(pipeline_finish(c), STATE_NOTIFIED);
    assert_null(c->review_reason);
    case_destroy(&c);
}

/* Releasing held notices one by one: the case stays held until the last,
 * then the challenge flag goes (no gag is left to challenge); each note
 * names the account and the date. */
static void test_release_held(void **state)
{
    (void)state;
    case_t *c = case_new("c6");
    request_t *r = request_new();
    request_add_account(r, "a@x.example");
    request_add_account(r, "b@x.example");
    case_set_request(c, r);
    for (size_t i = 0; i < 2; i++) {
        c->accounts[i].decision = DEC_REDIRECT_TO_CUSTOMER;
        c->accounts[i].notice = NOTICE_HELD;
        snprintf(c->accounts[i].release_on, sizeof c->accounts[i].release_on,
                 "2026-03-31");
    }
    c->challenge_recommended = true;
    char note[256];
    assert_int_equal(pipeline_release_held(c, &c->accounts[0]), 1);
    assert_true(c->challenge_recommended);
    assert_string_equal(pipeline_finish(c), STATE_HELD);
    pipeline_release_note(&c->accounts[0], 1, note, sizeof note);
    assert_string_equal(note, "gag on a@x.example ended 2026-03-31: notice "
                              "prepared; 1 notice(s) still held");
    assert_int_equal(pipeline_release_held(c, &c->accounts[1]), 0);
    assert_false(c->challenge_recommended);
    assert_string_equal(pipeline_finish(c), STATE_NOTIFIED);
    c->accounts[1].release_on[0] = '\0'; /* lifted by a person */
    pipeline_release_note(&c->accounts[1], 0, note, sizeof note);
    assert_string_equal(note, "gag on b@x.example lifted: notice prepared");
    case_destroy(&c);
}

static void test_no_accounts_goes_to_review(void **state)
{
    (void)state;
    policy_settings_t ps;
    policy_settings_default(&ps);
    case_t *c = case_new("c2");
    case_set_request(c, request_new());
    assert_string_equal(pipeline_decide_case(&ps, c, NULL), STATE_REVIEW);
    assert_non_null(c->review_reason);
    case_destroy(&c);
    assert_int_equal(pipeline_date_number("2026-03-31"), 20260331);
    assert_int_equal(pipeline_date_number(""), 0);
    assert_int_equal(pipeline_date_number("2026-3-31"), 0);
}

static void remove_maildir(const char *dir)
{
    char sub[4200];
    const char *names[] = { "tmp", "new", "cur" };
    for (int i = 0; i < 3; i++) {
        snprintf(sub, sizeof sub, "%s/%s", dir, names[i]);
        rmdir(sub);
    }
    rmdir(dir);
}

static size_t files_in(const char *dir, const char *sub)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    DIR *d = opendir(path);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void test_outbox_writes_once(void **state)
{
    (void)state;
    char dir[] = "/tmp/writ-outbox-XXXXXX";
    assert_non_null(mkdtemp(dir));
    outbox_t *ob = outbox_new(dir);
    assert_non_null(ob);
    char path[4096], path2[4096];
    assert_int_equal(
        outbox_write(ob, "c1", "a@x.example", "hello\n", 6, path, sizeof path), 0);
    assert_non_null(strstr(path, "/new/c1."));
    assert_null(strstr(path, "a@x.example")); /* no personal data in names */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 6);
    assert_int_equal(
        outbox_write(ob, "c1", "a@x.example", "hello\n", 6, path2, sizeof path2), 1);
    assert_string_equal(path, path2);
    /* A reader moved it to cur/: still not written again. */
    char cur[4200];
    snprintf(cur, sizeof cur, "%s/cur/%s:2,S", dir, strrchr(path, '/') + 1);
    assert_int_equal(rename(path, cur), 0);
    assert_int_equal(
        outbox_write(ob, "c1", "a@x.example", "hello\n", 6, path2, sizeof path2), 1);
    unlink(cur);
    outbox_destroy(&ob);
    assert_null(ob);
    remove_maildir(dir);
}

static void empty_sub(const char *dir, const char *sub)
{
    char path[4200], file[4600];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(file, sizeof file, "%s/%s", path, e->d_name);
            unlink(file);
        }
    if (d)
        closedir(d);
}

/* Moves new/NAME of path to cur/NAME:2,S, as a mail reader does. */
static void consume(const char *dir, const char *path)
{
    char cur[4200];
    snprintf(cur, sizeof cur, "%s/cur/%s:2,S", dir, strrchr(path, '/') + 1);
    assert_int_equal(rename(path, cur), 0);
}

static void age_cur(const char *dir, time_t seconds_ago)
{
    char cur[4200];
    snprintf(cur, sizeof cur, "%s/cur", dir);
    struct timespec t[2];
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= seconds_ago;
    t[1] = t[0];
    assert_int_equal(utimensat(AT_FDCWD, cur, t, 0), 0);
}

/* cur/ is read again only after it changed (or while its mtime is too
 * recent to trust), and a notice moved there is never written again. */
static void test_outbox_cur_cache(void **state)
{
    (void)state;
    char dir[] = "/tmp/writ-outbox-XXXXXX";
    assert_non_null(mkdtemp(dir));
    outbox_t *ob = outbox_new(dir);
    assert_non_null(ob);
    char p1[4096], p2[4096], p3[4096], again[4096];
    assert_int_equal(outbox_write(ob, "c1", "a@x.example", "1\n", 2, p1, sizeof p1), 0);
    consume(dir, p1);
    /* Just changed: read, and c1 found there. */
    unsigned long reads = outbox_cur_reads(ob);
    assert_int_equal(outbox_write(ob, "c1", "a@x.example", "1\n", 2, again, sizeof again),
                     1);
    assert_true(outbox_cur_reads(ob) > reads);
    /* Settled: one more read for the new mtime, then none. */
    age_cur(dir, 60);
    assert_int_equal(outbox_write(ob, "c2", "b@x.example", "2\n", 2, p2, sizeof p2), 0);
    reads = outbox_cur_reads(ob);
    assert_int_equal(outbox_write(ob, "c3", "c@x.example", "3\n", 2, p3, sizeof p3), 0);
    assert_int_equal(outbox_write(ob, "c1", "a@x.example", "1\n", 2, again, sizeof again),
                     1);
    assert_int_equal(outbox_cur_reads(ob), reads);
    /* A reader takes c2: cur/ changed, so it is read again and c2 is not
     * written a second time. */
    consume(dir, p2);
    assert_int_equal(outbox_write(ob, "c2", "b@x.example", "2\n", 2, again, sizeof again),
                     1);
    assert_true(outbox_cur_reads(ob) > reads);
    /* Even once the change is old news. */
    consume(dir, p3);
    age_cur(dir, 30);
    assert_int_equal(outbox_write(ob, "c3", "c@x.example", "3\n", 2, again, sizeof again),
                     1);
    assert_int_equal(files_in(dir, "new"), 0);
    assert_int_equal(files_in(dir, "cur"), 3);
    outbox_destroy(&ob);
    empty_sub(dir, "cur");
    remove_maildir(dir);
}

static void test_outbox_batch_commit(void **state)
{
    (void)state;
    char dir[] = "/tmp/writ-outbox-XXXXXX";
    assert_non_null(mkdtemp(dir));
    outbox_t *ob = outbox_new(dir);
    assert_non_null(ob);
    char p1[4096], p2[4096], p3[4096];
    /* Staged notices are invisible in new/ until the commit. */
    assert_int_equal(outbox_stage(ob, "c1", "a@x.example", "one\n", 4, p1, sizeof p1), 0);
    assert_int_equal(outbox_stage(ob, "c2", "b@x.example", "two\n", 4, p2, sizeof p2), 0);
    /* The same notice twice in one batch (a redelivered case): one file. */
    assert_int_equal(outbox_stage(ob, "c1", "a@x.example", "one\n", 4, p3, sizeof p3), 1);
    assert_string_equal(p1, p3);
    assert_int_equal(outbox_staged(ob), 2);
    assert_int_equal(files_in(dir, "new"), 0);
    assert_int_equal(files_in(dir, "tmp"), 2);
    assert_int_equal(outbox_commit(ob), 0);
    assert_int_equal(outbox_staged(ob), 0);
    assert_int_equal(files_in(dir, "new"), 2);
    assert_int_equal(files_in(dir, "tmp"), 0);
    struct stat st;
    assert_int_equal(stat(p2, &st), 0);
    assert_int_equal(st.st_size, 4);
    /* Discarded (the batch could not be recorded): nothing is left. */
    assert_int_equal(outbox_stage(ob, "c3", "c@x.example", "three\n", 6, p3, sizeof p3),
                     0);
    outbox_discard(ob);
    assert_int_equal(files_in(dir, "tmp"), 0);
    assert_int_equal(stat(p3, &st), -1);
    /* So a later attempt writes it. */
    assert_int_equal(outbox_write(ob, "c3", "c@x.example", "three\n", 6, p3, sizeof p3),
                     0);
    assert_int_equal(files_in(dir, "new"), 3);
    /* Destroying with notices staged removes them too. */
    assert_int_equal(outbox_stage(ob, "c4", "d@x.example", "four\n", 5, p3, sizeof p3),
                     0);
    outbox_destroy(&ob);
    assert_int_equal(files_in(dir, "tmp"), 0);
    unlink(p1);
    unlink(p2);
    char c3[4200];
    snprintf(c3, sizeof c3, "%s/new/", dir);
    DIR *d = opendir(c3);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char f[4500];
        snprintf(f, sizeof f, "%s%s", c3, e->d_name);
        unlink(f);
    }
    if (d)
        closedir(d);
    remove_maildir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_quoting),
        cmocka_unit_test(test_config_env_overrides_file),
        cmocka_unit_test(test_config_file_names_beside_the_file),
        cmocka_unit_test(test_final_state_rules),
        cmocka_unit_test(test_review_says_why),
        cmocka_unit_test(test_release_held),
        cmocka_unit_test(test_no_accounts_goes_to_review),
        cmocka_unit_test(test_outbox_writes_once),
        cmocka_unit_test(test_outbox_batch_commit),
        cmocka_unit_test(test_outbox_cur_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
