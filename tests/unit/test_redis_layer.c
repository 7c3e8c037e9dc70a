/* test_redis_layer.c -- the Redis layer's conventions, checked on the
 * embedded scripts themselves (common/store/lua/NAME.lua, redis_conn.h):
 * every key a script builds is one keys.h names; each ARGV position is
 * named once (a local) and documented in the script's header; no stage
 * name is written into a script (callers pass it); no C file outside
 * redis_conn.c sends a command with hiredis itself; and the argument
 * vector builder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "keys.h"
#include "lua_scripts.h"
#include "pipeline.h"

static const char *const KEY_NAMES[] = {
    KEY_CASE,
    KEY_RAW,
    KEY_DOCUMENTS,
    KEY_TEXT,
    KEY_AUDIT,
    KEY_MSGID,
    KEY_SHA256,
    KEY_ACTS,
    KEY_PENDING,
    KEY_WORKERS,
    KEY_IDX_STATE,
    KEY_IDX_ACCOUNT,
    KEY_IDX_AGENCY,
    KEY_IDX_REF,
    KEY_DELIVERY,
    KEY_DELIVERY_CASE,
    KEY_REGISTRY_ACCT,
    KEY_REGISTRY_TENANT,
    KEY_CASES,
    KEY_HELD,
    KEY_HOLDS,
    KEY_IDX_DATED,
    KEY_DELIVERY_REARM,
    KEY_DELIVERY_APPROVED,
    KEY_DELIVERY_WATCHED,
    KEY_DELIVERY_ATTENTION,
    KEY_REGISTRY_ACCOUNTS,
    KEY_REGISTRY_TENANTS,
    KEY_REGISTRY_VERSION,
    NULL,
};

/* The script's code: its lines that are not comments, joined. */
static char *code_of(const char *body)
{
    char *out = calloc(strlen(body) + 1, 1);
    assert_non_null(out);
    for (const char *p = body; *p;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p + 1) : strlen(p);
        const char *q = p;
        while (q < p + len && (*q == ' ' || *q == '\t'))
            q++;
        if (strncmp(q, "--", 2) != 0)
            strncat(out, p, len);
        p += len;
    }
    return out;
}

static void test_keys_are_named_in_keys_h(void **state)
{
    (void)state;
    for (redis_script_t *const *sc = lua_all; *sc; sc++) {
        char *code = code_of((*sc)->body);
        for (const char *p = code; (p = strstr(p, "'writ:")); p++) {
            size_t len = strcspn(p + 1, "'");
            bool known = false;
            for (const char *const *k = KEY_NAMES; *k; k++)
                known |= strlen(*k) == len && !strncmp(*k, p + 1, len);
            if (!known)
                fail_msg("%s.lua: key '%.*s' is not in keys.h", (*sc)->name, (int)len,
                         p + 1);
        }
        free(code);
    }
}

static void test_argv_named_once_and_documented(void **state)
{
    (void)state;
    for (redis_script_t *const *sc = lua_all; *sc; sc++) {
        char *code = code_of((*sc)->body);
        int uses[64] = { 0 };
        for (const char *p = code; (p = strstr(p, "ARGV[")); p++) {
            char *end;
            long n = strtol(p + 5, &end, 10);
            if (end != p + 5 && *end == ']' && n > 0 && n < 64)
                uses[n]++;
        }
        for (int n = 1; n < 64; n++) {
            if (uses[n] > 1)
                fail_msg("%s.lua: ARGV[%d] used %d times: name it once (a local)",
                         (*sc)->name, n, uses[n]);
            char doc[32];
            snprintf(doc, sizeof doc, "-- ARGV[%d] ", n);
            if (uses[n] && !strstr((*sc)->body, doc))
                fail_msg("%s.lua: ARGV[%d] is not documented in its header", (*sc)->name,
                         n);
        }
        free(code);
    }
}

static void test_no_stage_names_in_scripts(void **state)
{
    (void)state;
    for (redis_script_t *const *sc = lua_all; *sc; sc++) {
        char *code = code_of((*sc)->body);
        for (const char *const *stage = PIPELINE_STAGES; *stage; stage++) {
            char quoted[64];
            snprintf(quoted, sizeof quoted, "'%s'", *stage);
            if (strstr(code, quoted))
                fail_msg("%s.lua: the stage name %s is written in the script",
                         (*sc)->name, quoted);
        }
        free(code);
    }
}

static void test_scripts_embedded_whole(void **state)
{
    (void)state;
    size_t n = 0;
    for (redis_script_t *const *sc = lua_all; *sc; sc++, n++) {
        assert_true(strlen((*sc)->body) > 40);
        assert_string_equal((*sc)->sha, ""); /* computed on first use */
        assert_non_null(strstr((*sc)->body, "return"));
        /* a library's functions were put in where it was included */
        assert_null(strstr((*sc)->body, "\n--@include "));
    }
    assert_true(n >= 19); /* the scripts of common/store/lua at this writing */
    assert_non_null(strstr(lua_advance.body, "local function waiting_state"));
}

/* hiredis's functions that send, read or connect: only redis_conn.c. */
static const char *const RAW_HIREDIS[] = {
    "redisCommand",  "redisvCommand",    "redisAppendCommand", "redisvAppendCommand",
    "redisGetReply", "redisBufferWrite", "redisConnect",       NULL,
};

static void check_sources(const char *dir, const char *rel, int *files)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    assert_non_null(d);
    const char *name;
    while ((name = g_dir_read_name(d))) {
        gchar *path = g_build_filename(dir, name, NULL);
        gchar *relpath = g_build_filename(rel, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            check_sources(path, relpath, files);
        else if ((g_str_has_suffix(name, ".c") || g_str_has_suffix(name, ".h")) &&
                 strcmp(relpath, "common/store/redis_conn.c") != 0) {
            gchar *text = NULL;
            assert_true(g_file_get_contents(path, &text, NULL, NULL));
            for (const char *const *f = RAW_HIREDIS; *f; f++)
                if (strstr(text, *f))
                    fail_msg("%s calls %s: use redis_conn.h", relpath, *f);
            g_free(text);
            (*files)++;
        }
        g_free(path);
        g_free(relpath);
    }
    g_dir_close(d);
}

static void test_hiredis_only_in_redis_conn(void **state)
{
    (void)state;
    const char *root = getenv("WRIT_SOURCE_DIR");
    if (!root)
        root = ".";
    int files = 0;
    static const char *const trees[] = { "common", "cli", "workers", NULL };
    for (const char *const *t = trees; *t; t++) {
        gchar *dir = g_build_filename(root, *t, NULL);
        check_sources(dir, *t, &files);
        g_free(dir);
    }
    assert_true(files > 50);
}

static void test_args_builder(void **state)
{
    (void)state;
    redis_args_t a;
    assert_int_equal(redis_args_init_script(&a, 3), 0);
    assert_int_equal(a.argc, 3); /* EVALSHA sha 0 reserved */
    redis_args_str(&a, "id");
    redis_args_num(&a, 18446744073709551615ULL);
    redis_args_bin(&a, "a\0b", 3);
    redis_args_str(&a, "one too many"); /* ignored: no room */
    assert_int_equal(a.argc, 6);
    assert_string_equal(a.argv[3], "id");
    assert_string_equal(a.argv[4], "18446744073709551615");
    assert_int_equal(a.lens[4], 20);
    assert_int_equal(a.lens[5], 3);
    assert_memory_equal(a.argv[5], "a\0b", 3);
    redis_args_free(&a);
    assert_int_equal(redis_args_init(&a, 1), 0);
    redis_args_str(&a, NULL);
    assert_int_equal(a.argc, 1);
    assert_string_equal(a.argv[0], "");
    assert_int_equal(a.lens[0], 0);
    redis_args_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_are_named_in_keys_h),
        cmocka_unit_test(test_argv_named_once_and_documented),
        cmocka_unit_test(test_no_stage_names_in_scripts),
        cmocka_unit_test(test_scripts_embedded_whole),
        cmocka_unit_test(test_hiredis_only_in_redis_conn),
        cmocka_unit_test(test_args_builder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
