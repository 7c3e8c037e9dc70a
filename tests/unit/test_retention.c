/* test_retention.c -- the pure rules of retention (which cases may lose
 * their original message, ages) and the Redis password file checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "redis_login.h"
#include "retention.h"

static void test_parse_age(void **state)
{
    (void)state;
    assert_int_equal(retention_parse_age("0"), 0);
    assert_int_equal(retention_parse_age("365"), 365LL * 86400000);
    assert_int_equal(retention_parse_age("30d"), 30LL * 86400000);
    assert_int_equal(retention_parse_age("12h"), 12LL * 3600000);
    assert_int_equal(retention_parse_age("5m"), 300000);
    assert_int_equal(retention_parse_age("90s"), 90000);
    assert_int_equal(retention_parse_age(""), -1);
    assert_int_equal(retention_parse_age("-1"), -1);
    assert_int_equal(retention_parse_age("d"), -1);
    assert_int_equal(retention_parse_age("3w"), -1);
    assert_int_equal(retention_parse_age("3dd"), -1);
    assert_int_equal(retention_parse_age(" 3"), -1);
    assert_int_equal(retention_parse_age("99999999999999999999"), -1);
    assert_int_equal(retention_parse_age("9999999999999999d"), -1);
    assert_int_equal(retention_parse_age(NULL), -1);
}

static void test_judge(void **state)
{
    (void)state;
    const uint64_t cutoff = 1000000;
    assert_int_equal(retention_judge("notified", 999999, NULL, NULL, cutoff), PURGE_DONE);
    assert_int_equal(retention_judge("closed", cutoff, "", "", cutoff), PURGE_DONE);
    assert_int_equal(retention_judge("notified", cutoff + 1, NULL, NULL, cutoff),
                     PURGE_TOO_RECENT);
    assert_int_equal(retention_judge("notified", 1, "court order 17", NULL, cutoff),
                     PURGE_HELD);
    assert_int_equal(retention_judge("notified", 1, NULL, "123", cutoff), PURGE_ALREADY);
    /* A purged case that is held later stays purged (nothing to do). */
    assert_int_equal(retention_judge("notified", 1, "hold", "123", cutoff),
                     PURGE_ALREADY);
    for (const char **s =
             (const char *[]){ "received", "decided", "held", "review", "", NULL };
         *s; s++)
        assert_int_equal(retention_judge(*s, 1, NULL, NULL, cutoff), PURGE_NOT_FINAL);
    assert_int_equal(retention_judge(NULL, 1, NULL, NULL, cutoff), PURGE_NO_CASE);
    assert_true(retention_final_state("notified"));
    assert_true(retention_final_state("closed"));
    assert_false(retention_final_state("held"));
    assert_false(retention_final_state(NULL));
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_password_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/writ-login.XXXXXX", path[64], pw[80], err[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/p", dir);

    write_file(path, "s3cret-s3cret\n", 0600);
    assert_int_equal(redis_login_read_password(path, pw, sizeof pw, err, sizeof err), 0);
    assert_string_equal(pw, "s3cret-s3cret");
    write_file(path, "no-newline", 0400);
    assert_int_equal(redis_login_read_password(path, pw, sizeof pw, err, sizeof err), 0);
    assert_string_equal(pw, "no-newline");

    write_file(path, "s3cret\n", 0644);
    assert_int_equal(redis_login_read_password(path, pw, sizeof pw, err, sizeof err), -1);
    assert_non_null(strstr(err, "mode 644"));
    assert_string_equal(pw, "");
    write_file(path, "s3cret\n", 0620);
    assert_int_equal(redis_login_read_password(path, pw, sizeof pw, err, sizeof err), -1);
    write_file(path, "\n", 0600);
    assert_int_equal(redis_login_read_password(path, pw, sizeof pw, err, sizeof err), -1);
    assert_non_null(strstr(err, "empty"));
    write_file(path, "", 0600);
    assert_int_equal(redis_login_read_password(path, pw, sizeof pw, err, sizeof err), -1);
    char longer[200];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    write_file(path, longer, 0600);
    assert_int_equal(redis_login_read_password(path, pw, sizeof pw, err, sizeof err), -1);
    assert_non_null(strstr(err, "too long"));
    unlink(path);
    assert_int_equal(redis_login_read_password(path, pw, sizeof pw, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot read"));
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_age),
        cmocka_unit_test(test_judge),
        cmocka_unit_test(test_password_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
