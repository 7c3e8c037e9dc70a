/* test_config_defaults.c -- the one table of built-in defaults
 * (common/util/config_defaults.c): every setting in it is documented in
 * config/writ.zpl, every setting read by path alone has a row, and the
 * table's default is what a daemon gets when nothing else sets it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "config_defaults.h"

static const char *source_dir(void)
{
    const char *dir = getenv("WRIT_SOURCE_DIR");
    return dir ? dir : ".";
}

static gchar *read_source(const char *relative)
{
    gchar *path = g_build_filename(source_dir(), relative, NULL);
    gchar *text = NULL;
    assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_free(path);
    return text;
}

/* The "section/key" paths config/writ.zpl sets or shows in a comment
 * ("#   today = ..."): a section is an unindented line, a key an indented
 * "name =" (commented out or not). */
static GHashTable *documented_paths(void)
{
    GHashTable *paths = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gchar *text = read_source("config/writ.zpl");
    gchar **lines = g_strsplit(text, "\n", -1);
    char section[64] = "";
    GRegex *key = g_regex_new("^\\s+(?:#\\s*)?([a-z_]+)\\s*=", 0, 0, NULL);
    for (gchar **l = lines; *l; l++) {
        if (**l && **l != ' ' && **l != '#') {
            snprintf(section, sizeof section, "%s", g_strstrip(*l));
            continue;
        }
        GMatchInfo *m = NULL;
        if (*section && g_regex_match(key, *l, 0, &m)) {
            gchar *name = g_match_info_fetch(m, 1);
            g_hash_table_add(paths, g_strdup_printf("%s/%s", section, name));
            g_free(name);
        }
        g_match_info_free(m);
    }
    g_regex_unref(key);
    g_strfreev(lines);
    g_free(text);
    return paths;
}

static void test_every_default_is_documented(void **state)
{
    (void)state;
    GHashTable *documented = documented_paths();
    assert_true(g_hash_table_size(documented) > 50);
    size_t rows = 0;
    for (const config_default_t *d = CONFIG_DEFAULTS; d->path; d++, rows++) {
        if (!g_hash_table_contains(documented, d->path))
            fail_msg("%s has a default but config/writ.zpl does not document it",
                     d->path);
        assert_non_null(d->doc);
        assert_true(*d->doc);
        assert_ptr_equal(config_default_find(d->path), d);
    }
    assert_true(rows > 20);
    assert_null(config_default_find("no/such_setting"));
    g_hash_table_destroy(documented);
}

/* Every writ_config_str/_long/_bool/_file(cfg, "path") in the sources of
 * dir (relative to the source tree) names a row of the table. */
static size_t check_sources_in(const char *dir, GRegex *call)
{
    gchar *full = g_build_filename(source_dir(), dir, NULL);
    DIR *d = opendir(full);
    assert_non_null(d);
    size_t found = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!g_str_has_suffix(e->d_name, ".c"))
            continue;
        gchar *relative = g_build_filename(dir, e->d_name, NULL);
        gchar *text = read_source(relative);
        GMatchInfo *m = NULL;
        g_regex_match(call, text, 0, &m);
        while (g_match_info_matches(m)) {
            gchar *path = g_match_info_fetch(m, 1);
            if (!config_default_find(path))
                fail_msg("%s reads %s by path alone, but the table has no row "
                         "for it",
                         relative, path);
            found++;
            g_free(path);
            g_match_info_next(m, NULL);
        }
        g_match_info_free(m);
        g_free(text);
        g_free(relative);
    }
    closedir(d);
    g_free(full);
    return found;
}

static void test_every_setting_read_has_a_row(void **state)
{
    (void)state;
    GRegex *call = g_regex_new(
        "writ_config_(?:str|long|bool|file)\\(\\s*\\w+,\\s*\"([^\"]+)\"", 0, 0, NULL);
    static const char *const dirs[] = {
        "common/util",
        "common/mail",
        "common/extract",
        "common/core",
        "common/store",
        "common/bus",
        "cli",
        "workers/intake",
        "workers/extract",
        "workers/jurisdiction",
        "workers/notify",
        "workers/broker",
        "workers/send",
    };
    size_t found = 0;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        found += check_sources_in(dirs[i], call);
    assert_true(found > 20);
    g_regex_unref(call);
}

/* Nothing set: the table's value; the environment wins over it. */
static void test_table_default_and_override(void **state)
{
    (void)state;
    char err[128];
    char path[] = "/tmp/writ-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd); /* empty: no setting in the file */
    writ_config_t *cfg = writ_config_load(path, err, sizeof err);
    assert_non_null(cfg);
    unsetenv("WRIT_REDIS_URL");
    unsetenv("WRIT_PIPELINE_LEASE_MS");
    unsetenv("WRIT_INTAKE_VERIFY_REQUESTER");
    unsetenv("WRIT_NOTIFY_TODAY");
    assert_string_equal(writ_config_str(cfg, "writ/redis_url"), "redis://127.0.0.1:6379");
    assert_int_equal(writ_config_long(cfg, "pipeline/lease_ms"), 10000);
    assert_int_equal(writ_config_long(cfg, "intake/max_message_size"), 25L * 1024 * 1024);
    assert_true(writ_config_bool(cfg, "intake/verify_requester"));
    assert_null(writ_config_str(cfg, "notify/today"));
    setenv("WRIT_PIPELINE_LEASE_MS", "2500", 1);
    setenv("WRIT_INTAKE_VERIFY_REQUESTER", "false", 1);
    assert_int_equal(writ_config_long(cfg, "pipeline/lease_ms"), 2500);
    assert_false(writ_config_bool(cfg, "intake/verify_requester"));
    setenv("WRIT_PIPELINE_LEASE_MS", "soon", 1); /* not a number: the default */
    assert_int_equal(writ_config_long(cfg, "pipeline/lease_ms"), 10000);
    unsetenv("WRIT_PIPELINE_LEASE_MS");
    unsetenv("WRIT_INTAKE_VERIFY_REQUESTER");
    writ_config_destroy(&cfg);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_default_is_documented),
        cmocka_unit_test(test_every_setting_read_has_a_row),
        cmocka_unit_test(test_table_default_and_override),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
