/* test_dispatch.c -- the broker's bookkeeping: credit, readiness order,
 * bounded queues, expiry of silent replicas. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "dispatch.h"

static const char *const STAGES[] = { "jurisdiction", "notify", "s", NULL };

static zmsg_t *job(const char *id)
{
    zmsg_t *m = zmsg_new();
    zmsg_addstr(m, id);
    return m;
}

static zframe_t *ident(const char *name)
{
    return zframe_new(name, strlen(name));
}

/* Pops the next assignment; returns the replica name, job id in *id. */
static char *next(dispatch_t *d, char **id)
{
    zframe_t *who = NULL;
    zmsg_t *m = NULL;
    if (!dispatch_next(d, &who, &m))
        return NULL;
    char *name = zframe_strdup(who);
    *id = zmsg_popstr(m);
    zframe_destroy(&who);
    zmsg_destroy(&m);
    return name;
}

static void test_credit_limits_what_a_replica_gets(void **state)
{
    (void)state;
    dispatch_t *d = dispatch_new(STAGES, 100, 1u << 30);
    zframe_t *a = ident("A"), *b = ident("B");
    dispatch_ready(d, a, "jurisdiction", 1, 0);
    dispatch_ready(d, b, "jurisdiction", 1, 0);
    for (int i = 0; i < 5; i++) {
        zmsg_t *m = job("x");
        assert_int_equal(dispatch_enqueue(d, "jurisdiction", &m), 0);
    }
    char *id, *who1 = next(d, &id), *who2;
    free(id);
    who2 = next(d, &id);
    free(id);
    assert_string_not_equal(who1, who2); /* one each */
    assert_null(next(d, &id));           /* no credit left */
    assert_int_equal(dispatch_queued(d, "jurisdiction"), 3);
    /* A finishes: only A gets the next one. */
    dispatch_done(d, a, 1, 1);
    char *who3 = next(d, &id);
    free(id);
    assert_string_equal(who3, "A");
    free(who1);
    free(who2);
    free(who3);
    zframe_destroy(&a);
    zframe_destroy(&b);
    dispatch_destroy(&d);
}

static void test_stages_are_separate_and_queue_bounded(void **state)
{
    (void)state;
    dispatch_t *d = dispatch_new(STAGES, 2, 1u << 30);
    zframe_t *n = ident("N");
    dispatch_ready(d, n, "notify", 5, 0);
    zmsg_t *m = job("j1");
    dispatch_enqueue(d, "jurisdiction", &m);
    char *id;
    assert_null(next(d, &id)); /* no jurisdiction replica */
    m = job("j2");
    assert_int_equal(dispatch_enqueue(d, "jurisdiction", &m), 0);
    m = job("j3");
    assert_int_equal(dispatch_enqueue(d, "jurisdiction", &m), -1);
    assert_null(m);
    m = job("n1");
    dispatch_enqueue(d, "notify", &m);
    char *who = next(d, &id);
    assert_string_equal(who, "N");
    assert_string_equal(id, "n1");
    free(who);
    free(id);
    zframe_destroy(&n);
    dispatch_destroy(&d);
}

static void test_silent_replica_expires_and_heartbeat_reregisters(void **state)
{
    (void)state;
    dispatch_t *d = dispatch_new(STAGES, 10, 1u << 30);
    zframe_t *a = ident("A");
    dispatch_ready(d, a, "notify", 2, 1000);
    assert_int_equal(dispatch_replicas(d, "notify"), 1);
    assert_int_equal(dispatch_expire(d, 2000, 3500), 0);
    assert_int_equal(dispatch_expire(d, 5000, 3500), 1);
    assert_int_equal(dispatch_replicas(d, "notify"), 0);
    zmsg_t *m = job("x");
    dispatch_enqueue(d, "notify", &m);
    char *id;
    assert_null(next(d, &id));
    /* After a broker restart a replica's heartbeat brings its credit back. */
    dispatch_heartbeat(d, a, "notify", 1, 6000);
    char *who = next(d, &id);
    assert_string_equal(who, "A");
    free(who);
    free(id);
    zframe_destroy(&a);
    dispatch_destroy(&d);
}

static void test_readiness_order_is_fair(void **state)
{
    (void)state;
    dispatch_t *d = dispatch_new(STAGES, 100, 1u << 30);
    zframe_t *a = ident("A"), *b = ident("B"), *c = ident("C");
    dispatch_ready(d, a, "s", 2, 0);
    dispatch_ready(d, b, "s", 2, 0);
    dispatch_ready(d, c, "s", 2, 0);
    for (int i = 0; i < 6; i++) {
        zmsg_t *m = job("x");
        dispatch_enqueue(d, "s", &m);
    }
    int count[3] = { 0 };
    char *id, *who;
    while ((who = next(d, &id))) {
        count[who[0] - 'A']++;
        free(who);
        free(id);
    }
    assert_int_equal(count[0], 2);
    assert_int_equal(count[1], 2);
    assert_int_equal(count[2], 2);
    zframe_destroy(&a);
    zframe_destroy(&b);
    zframe_destroy(&c);
    dispatch_destroy(&d);
}

/* A stage that does not exist gets no queue (and no replica): a peer
 * cannot make the broker keep one per name it invents. */
static void test_unknown_stage_is_refused(void **state)
{
    (void)state;
    dispatch_t *d = dispatch_new(STAGES, 100, 1u << 30);
    zframe_t *a = ident("A");
    dispatch_ready(d, a, "made-up", 5, 0);
    assert_int_equal(dispatch_replicas(d, "made-up"), 0);
    zmsg_t *m = job("c1");
    assert_int_equal(dispatch_enqueue(d, "made-up", &m), -2);
    assert_null(m);
    assert_int_equal(dispatch_queued(d, "made-up"), 0);
    zframe_destroy(&a);
    dispatch_destroy(&d);
}

/* Each stage's queue is bounded in bytes as well as in jobs; what is
 * dispatched frees its share. */
static void test_queue_bounded_in_bytes(void **state)
{
    (void)state;
    dispatch_t *d = dispatch_new(STAGES, 100, 3000);
    char big[1000];
    memset(big, 'x', sizeof big);
    for (int i = 0; i < 2; i++) {
        zmsg_t *m = zmsg_new();
        zmsg_addmem(m, big, sizeof big);
        assert_int_equal(dispatch_enqueue(d, "notify", &m), 0);
    }
    assert_int_equal(dispatch_queued_bytes(d, "notify"), 2000);
    zmsg_t *m = zmsg_new();
    zmsg_addmem(m, big, sizeof big);
    zmsg_addmem(m, big, 2); /* 1002: over 3000 in all */
    assert_int_equal(dispatch_enqueue(d, "notify", &m), -1);
    assert_null(m);
    assert_int_equal(dispatch_queued(d, "notify"), 2);
    zframe_t *a = ident("A");
    dispatch_ready(d, a, "notify", 1, 0);
    char *id = NULL;
    char *who = next(d, &id);
    assert_non_null(who);
    free(who);
    free(id);
    assert_int_equal(dispatch_queued_bytes(d, "notify"), 1000);
    m = zmsg_new();
    zmsg_addmem(m, big, sizeof big);
    zmsg_addmem(m, big, 2);
    assert_int_equal(dispatch_enqueue(d, "notify", &m), 0);
    zframe_destroy(&a);
    dispatch_destroy(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_credit_limits_what_a_replica_gets),
        cmocka_unit_test(test_stages_are_separate_and_queue_bounded),
        cmocka_unit_test(test_silent_replica_expires_and_heartbeat_reregisters),
        cmocka_unit_test(test_readiness_order_is_fair),
        cmocka_unit_test(test_unknown_stage_is_refused),
        cmocka_unit_test(test_queue_bounded_in_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
