/* test_bus_auth.c -- the bus's keys and rules: who may hand work to whom
 * (from the stage list), the key files `writctl keys init` makes, the
 * allow-list the broker builds from them, a secret others can read
 * refused, the refusal log's rate limit, and the record hash a stage
 * compares with Redis's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "bus_auth.h"
#include "case_store.h"
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_roles_follow_the_stage_list(void **state)
{
    (void)state;
    assert_string_equal(pipeline_role(0), "intake");
    size_t n = 0;
    while (PIPELINE_STAGES[n]) {
        assert_string_equal(pipeline_role(n), PIPELINE_STAGES[n]);
        n++;
    }
    assert_null(pipeline_role(n));
}

static void test_who_may_hand_work_to_whom(void **state)
{
    (void)state;
    /* The role before a stage, and the stage itself (its sweeper). */
    const char *const *bus = PIPELINE_BUS_STAGES;
    assert_true(pipeline_may_submit("intake", bus[0]));
    for (size_t i = 0; bus[i]; i++) {
        assert_true(pipeline_may_submit(bus[i], bus[i]));
        if (bus[i + 1]) {
            assert_true(pipeline_may_submit(bus[i], bus[i + 1]));
            assert_false(pipeline_may_submit(bus[i + 1], bus[i]));
        }
    }
    assert_false(pipeline_may_submit("intake", "notify"));
    /* extract is optional: a message without documents goes from intake
     * straight to jurisdiction; extract hands on to jurisdiction only. */
    assert_true(pipeline_may_submit("intake", "extract"));
    assert_true(pipeline_may_submit("intake", "jurisdiction"));
    assert_true(pipeline_may_submit("extract", "jurisdiction"));
    assert_false(pipeline_may_submit("extract", "notify"));
    assert_false(pipeline_may_submit("jurisdiction", "extract"));
    assert_false(pipeline_may_submit("notify", "jurisdiction"));
    assert_false(pipeline_may_submit("intake", "intake")); /* not a stage */
    assert_false(pipeline_may_submit("notify", "nonsense"));
    assert_false(pipeline_may_submit(NULL, "notify"));
}

static char *temp_dir(void)
{
    char *dir = strdup("/tmp/writ-test-keys.XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void remove_dir(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_keys_init_makes_private_pairs_once(void **state)
{
    (void)state;
    char *base = temp_dir(), dir[600], path[700], err[512];
    snprintf(dir, sizeof dir, "%s/keys", base);
    size_t roles = 0;
    while (pipeline_role(roles))
        roles++;
    assert_int_equal(bus_keys_init(dir, err, sizeof err), (int)roles + 1);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(path, sizeof path, "%s/notify.cert_secret", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* Again: nothing is replaced (running peers keep their keys). */
    assert_int_equal(bus_keys_init(dir, err, sizeof err), 0);

    /* Each process loads its own pair; the broker knows every role. */
    bus_keys_t *keys = bus_keys_load(dir, "notify", err, sizeof err);
    assert_non_null(keys);
    bus_keys_destroy(&keys);
    char missing[256];
    bus_allow_t *allow = bus_allow_load(dir, missing, sizeof missing, err, sizeof err);
    assert_non_null(allow);
    assert_int_equal(bus_allow_size(allow), roles);
    assert_string_equal(missing, "");
    snprintf(path, sizeof path, "%s/jurisdiction.cert", dir);
    zcert_t *cert = zcert_load(path);
    assert_string_equal(bus_allow_role(allow, zcert_public_key(cert), 32),
                        "jurisdiction");
    zcert_t *stranger = zcert_new();
    assert_null(bus_allow_role(allow, zcert_public_key(stranger), 32));
    assert_null(bus_allow_role(allow, zcert_public_key(cert), 31));
    zcert_destroy(&cert);
    zcert_destroy(&stranger);
    bus_allow_destroy(&allow);

    /* A secret others can read is refused, as is a missing one. */
    snprintf(path, sizeof path, "%s/notify.cert_secret", dir);
    assert_int_equal(chmod(path, 0640), 0);
    assert_null(bus_keys_load(dir, "notify", err, sizeof err));
    assert_non_null(strstr(err, "readable by its owner only"));
    assert_int_equal(unlink(path), 0);
    assert_null(bus_keys_load(dir, "notify", err, sizeof err));
    assert_non_null(strstr(err, "writctl keys init"));
    /* A role without a public key cannot connect; the broker says which. */
    snprintf(path, sizeof path, "%s/notify.cert", dir);
    assert_int_equal(unlink(path), 0);
    allow = bus_allow_load(dir, missing, sizeof missing, err, sizeof err);
    assert_non_null(allow);
    assert_int_equal(bus_allow_size(allow), roles - 1);
    assert_string_equal(missing, "notify");
    bus_allow_destroy(&allow);
    remove_dir(base);
    free(base);
}

static void test_refusals_are_logged_rate_limited(void **state)
{
    (void)state;
    bus_refusals_t r = { 0 };
    unsigned long before;
    uint64_t t = 1000000;
    for (int i = 0; i < BUS_REFUSALS_BURST; i++) {
        assert_true(bus_refusals_admit(&r, t + (uint64_t)i, &before));
        assert_int_equal(before, 0);
    }
    for (int i = 0; i < 100; i++)
        assert_false(bus_refusals_admit(&r, t + 10 + (uint64_t)i, &before));
    /* The next window logs again, and says how many went unlogged. */
    assert_true(bus_refusals_admit(&r, t + BUS_REFUSALS_WINDOW_MS, &before));
    assert_int_equal(before, 100);
    assert_true(bus_refusals_admit(&r, t + BUS_REFUSALS_WINDOW_MS + 1, &before));
    assert_int_equal(before, 0);
}

static void test_record_sha1_is_redis_sha1hex(void **state)
{
    (void)state;
    char hex[41];
    /* redis.sha1hex('abc') */
    case_store_record_sha1("abc", 3, hex);
    assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
    case_store_record_sha1("", 0, hex);
    assert_string_equal(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles_follow_the_stage_list),
        cmocka_unit_test(test_who_may_hand_work_to_whom),
        cmocka_unit_test(test_keys_init_makes_private_pairs_once),
        cmocka_unit_test(test_refusals_are_logged_rate_limited),
        cmocka_unit_test(test_record_sha1_is_redis_sha1hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
