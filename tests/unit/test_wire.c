/* test_wire.c -- the msgpack encoding of a case (wire.c): a full round
 * trip, and hostile input of every kind -- lying length headers, deep
 * nesting, every truncation of a valid record, random and mutated bytes,
 * wrong types, bad names, missing and duplicate keys -- all refused with a
 * reason, and refused by the validating pre-pass before msgpack's unpacker
 * could allocate anything on the strength of a length field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "wire.h"

/* ---- a full case ------------------------------------------------------------- */

static void cp(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static case_t *full_case(void)
{
    request_t *r = request_new();
    request_set_string(&r->message_id, "CH3PR09MB8890@namprd09.prod.outlook.com");
    request_set_string(&r->from, "jhartigan@usss.dhs.gov");
    request_set_string(&r->subject, "Search Warrant — Case 25 MJ 4418");
    r->type = REQ_SEARCH_WARRANT;
    request_set_string(&r->issuing_agency, "USSS");
    request_set_string(&r->issuing_country, "US");
    request_set_string(&r->requesting_country, "US");
    request_set_string(&r->reference, "25 MJ 4418");
    request_add_account(r, "billing@rheinwerk-mb.example");
    request_add_account(r, "escrow@copperline-title.example");
    request_add_account(r, "v.sokolova2@northmail.example");
    r->categories = CAT_ALL;
    r->nondisclosure = true;
    cp(r->nondisclosure_until, sizeof r->nondisclosure_until, "2026-03-31");
    cp(r->deadline, sizeof r->deadline, "2025-10-10");
    r->emergency = false;
    cp(r->auth.spf, sizeof r->auth.spf, "pass");
    cp(r->auth.dkim, sizeof r->auth.dkim, "pass");
    cp(r->auth.dmarc, sizeof r->auth.dmarc, "fail");
    r->auth.known_agency = true;
    r->auth.verified = false;
    cp(r->auth.agency_country, sizeof r->auth.agency_country, "US");

    case_t *c = case_new("c0123456789abcdef");
    case_set_request(c, r);
    account_decision_t *a = &c->accounts[0];
    a->location = (location_t){ .found = true,
                                .enterprise = true,
                                .tenant = "t-1003",
                                .tenant_name = "Rheinwerk Maschinenbau GmbH",
                                .admin_contact = "edv@rheinwerk-mb.example",
                                .region = "de-frankfurt-1",
                                .country = "DE" };
    a->decision = DEC_REJECT_OUT_OF_JURISDICTION;
    a->reason = strdup("US search_warrant does not reach data stored in DE");
    a->notice = NOTICE_HELD;
    a->notice_to = strdup("edv@rheinwerk-mb.example");
    cp(a->release_on, sizeof a->release_on, "2026-03-31");
    a = &c->accounts[1];
    a->location = (location_t){
        .found = true, .enterprise = false, .region = "gb-london-1", .country = "GB"
    };
    a->decision = DEC_PARTIAL;
    a->reason = strdup("partial ✓");
    a->granted = CAT_SUBSCRIBER | CAT_TRANSACTIONAL;
    a->refused = CAT_CONTENT;
    a->comity_review = true;
    a->notice = NOTICE_PREPARED;
    a->notice_to = strdup("escrow@copperline-title.example");
    a->notice_path = strdup("/var/spool/writ/outbox/c0123.eml");
    a = &c->accounts[2];
    a->decision = DEC_NO_DATA;
    a->reason = strdup("not registered");
    a->notice = NOTICE_NOT_REQUIRED;
    c->challenge_recommended = true;
    c->verify_requester = true;
    case_set_review(c, "dkim=fail from a known agency");
    return c;
}

static void str_eq(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_request_equal(const request_t *a, const request_t *b)
{
    str_eq(a->message_id, b->message_id);
    str_eq(a->from, b->from);
    str_eq(a->subject, b->subject);
    assert_int_equal(a->type, b->type);
    str_eq(a->issuing_agency, b->issuing_agency);
    str_eq(a->issuing_country, b->issuing_country);
    str_eq(a->requesting_country, b->requesting_country);
    str_eq(a->reference, b->reference);
    assert_int_equal(a->account_count, b->account_count);
    for (size_t i = 0; i < a->account_count; i++)
        assert_string_equal(a->accounts[i], b->accounts[i]);
    assert_int_equal(a->categories, b->categories);
    assert_int_equal(a->nondisclosure, b->nondisclosure);
    assert_string_equal(a->nondisclosure_until, b->nondisclosure_until);
    assert_string_equal(a->deadline, b->deadline);
    assert_int_equal(a->emergency, b->emergency);
    assert_memory_equal(&a->auth, &b->auth, sizeof a->auth);
}

static void assert_case_equal(const case_t *a, const case_t *b)
{
    assert_string_equal(a->id, b->id);
    assert_request_equal(a->request, b->request);
    assert_int_equal(a->account_count, b->account_count);
    for (size_t i = 0; i < a->account_count; i++) {
        const account_decision_t *x = &a->accounts[i], *y = &b->accounts[i];
        str_eq(x->account, y->account);
        assert_memory_equal(&x->location, &y->location, sizeof x->location);
        assert_int_equal(x->decision, y->decision);
        str_eq(x->reason, y->reason);
        assert_int_equal(x->granted, y->granted);
        assert_int_equal(x->refused, y->refused);
        assert_int_equal(x->comity_review, y->comity_review);
        assert_int_equal(x->notice, y->notice);
        str_eq(x->notice_to, y->notice_to);
        assert_string_equal(x->release_on, y->release_on);
        str_eq(x->notice_path, y->notice_path);
    }
    assert_int_equal(a->challenge_recommended, b->challenge_recommended);
    assert_int_equal(a->verify_requester, b->verify_requester);
    str_eq(a->review_reason, b->review_reason);
}

/* The full case, encoded once for all the tests that mutate it. */
static char *valid;
static size_t valid_len;

static int setup(void **state)
{
    (void)state;
    case_t *c = full_case();
    int rc = wire_encode_case(c, &valid, &valid_len);
    case_destroy(&c);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    free(valid);
    return 0;
}

/* Decoding must fail, with a reason containing want. */
static void expect_reject(const char *buf, size_t len, const char *want)
{
    char err[256] = "unset";
    case_t *c = wire_decode_case(buf, len, err, sizeof err);
    if (c) {
        case_destroy(&c);
        fail_msg("accepted, expected \"%s\"", want);
    }
    assert_null(strchr(err, '\n'));
    if (!strstr(err, want))
        fail_msg("reason \"%s\" does not contain \"%s\"", err, want);
}

/* ---- round trips ---------------------------------------------------------------- */

static void test_round_trip(void **state)
{
    (void)state;
    case_t *c = full_case();
    char err[256] = "";
    case_t *back = wire_decode_case(valid, valid_len, err, sizeof err);
    if (!back)
        fail_msg("decode: %s", err);
    assert_case_equal(c, back);
    /* Encoding is deterministic: the decoded case encodes to the same. */
    char *again;
    size_t again_len;
    assert_int_equal(wire_encode_case(back, &again, &again_len), 0);
    assert_int_equal(again_len, valid_len);
    assert_memory_equal(again, valid, valid_len);
    free(again);
    case_destroy(&back);
    case_destroy(&c);
}

static void test_round_trip_minimal(void **state)
{
    (void)state;
    case_t *c = case_new("c1");
    case_set_request(c, request_new()); /* all null, no accounts */
    char *buf;
    size_t len;
    assert_int_equal(wire_encode_case(c, &buf, &len), 0);
    char err[256];
    case_t *back = wire_decode_case(buf, len, err, sizeof err);
    if (!back)
        fail_msg("decode: %s", err);
    assert_case_equal(c, back);
    assert_null(back->request->subject);
    assert_null(back->review_reason);
    free(buf);
    case_destroy(&back);
    case_destroy(&c);

    /* Nothing to encode without a request. */
    c = case_new("c2");
    assert_int_equal(wire_encode_case(c, &buf, &len), -1);
    case_destroy(&c);
}

/* The largest case the decoder accepts: 1000 accounts, all decided. */
static void test_round_trip_max_accounts(void **state)
{
    (void)state;
    request_t *r = request_new();
    r->type = REQ_SUBPOENA;
    for (int i = 0; i < 1000; i++) {
        char acct[40];
        snprintf(acct, sizeof acct, "user%04d@northmail.example", i);
        assert_int_equal(request_add_account(r, acct), 0);
    }
    case_t *c = case_new("cffffffffffffffff");
    case_set_request(c, r);
    for (size_t i = 0; i < c->account_count; i++) {
        c->accounts[i].decision = DEC_DISCLOSE;
        c->accounts[i].reason = strdup("US subpoena suffices for subscriber "
                                       "of data stored in US (us-east-1); "
                                       "disclose");
        c->accounts[i].granted = CAT_SUBSCRIBER;
        c->accounts[i].notice = NOTICE_PREPARED;
        c->accounts[i].notice_to = strdup(c->accounts[i].account);
    }
    char *buf;
    size_t len;
    assert_int_equal(wire_encode_case(c, &buf, &len), 0);
    char err[256];
    case_t *back = wire_decode_case(buf, len, err, sizeof err);
    if (!back)
        fail_msg("decode: %s", err);
    assert_case_equal(c, back);
    free(buf);
    case_destroy(&back);
    case_destroy(&c);
}

/* ---- hostile bytes ---------------------------------------------------------------- */

static void test_lying_headers(void **state)
{
    (void)state;
    /* 5 bytes claiming 4 billion elements / bytes. */
    expect_reject("\xdd\xff\xff\xff\xff", 5, "bad msgpack: declared element");
    expect_reject("\xdf\xff\xff\xff\xff", 5, "bad msgpack: declared element");
    expect_reject("\xdb\xff\xff\xff\xff", 5, "bad msgpack: declared length");
    expect_reject("\xc6\xff\xff\xff\xff", 5, "bad msgpack: declared length");
    expect_reject("\xc9\xff\xff\xff\xff\x01", 6, "bad msgpack: declared length");
    expect_reject("\xdc\xff\xff\xc0\xc0", 5, "bad msgpack: declared element");
    /* A map of 3 entries has room for at most 1.5 of them. */
    expect_reject("\x83\xc0\xc0\xc0", 4, "bad msgpack: declared element");
    /* The same inside a valid-looking map. */
    expect_reject("\x81\xa1v\xdd\x7f\xff\xff\xff", 8, "bad msgpack: declared");
    expect_reject("\xdd\xff\xff", 3, "bad msgpack: truncated header");
    expect_reject("\xc1", 1, "bad msgpack: invalid type byte");
    expect_reject("", 0, "empty input");
    expect_reject(NULL, 10, "empty input");
}

static void test_too_many_objects(void **state)
{
    (void)state;
    /* 300000 nils are honest bytes but too many objects to unpack. */
    size_t n = 300000;
    char *buf = malloc(n + 5);
    memcpy(buf, "\xdd\x00\x04\x93\xe0", 5);
    memset(buf + 5, 0xc0, n);
    expect_reject(buf, n + 5, "bad msgpack: too many objects");
    free(buf);

    buf = calloc(1, WIRE_MAX_BYTES + 1);
    expect_reject(buf, WIRE_MAX_BYTES + 1, "larger than WIRE_MAX_BYTES");
    free(buf);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    char buf[400];
    size_t n = 0;
    for (int i = 0; i < 100; i++) {
        buf[n++] = (char)0x81;
        buf[n++] = (char)0xa1;
        buf[n++] = 'a';
    }
    buf[n++] = (char)0xc0;
    expect_reject(buf, n, "bad msgpack: nesting too deep");
    memset(buf, 0x91, 300);
    buf[300] = (char)0xc0;
    expect_reject(buf, 301, "bad msgpack: nesting too deep");
}

static void test_trailing_bytes(void **state)
{
    (void)state;
    char *buf = malloc(valid_len + 1);
    memcpy(buf, valid, valid_len);
    buf[valid_len] = (char)0xc0;
    expect_reject(buf, valid_len + 1, "trailing bytes");
    free(buf);
}

static void test_every_truncation(void **state)
{
    (void)state;
    for (size_t len = 0; len < valid_len; len++) {
        /* An exact-size copy, so ASan sees any read past the end. */
        char *buf = malloc(len ? len : 1);
        memcpy(buf, valid, len);
        char err[256];
        case_t *c = wire_decode_case(buf, len, err, sizeof err);
        if (c)
            fail_msg("prefix of %zu bytes accepted", len);
        assert_non_null(strstr(err, "bad msgpack"));
        free(buf);
    }
}

static void test_random_bytes(void **state)
{
    (void)state;
    srand(20240716);
    for (int i = 0; i < 5000; i++) {
        size_t len = 1 + (size_t)rand() % 96;
        char *buf = malloc(len);
        for (size_t j = 0; j < len; j++)
            buf[j] = (char)(rand() & 0xff);
        case_t *c = wire_decode_case(buf, len, NULL, 0);
        assert_null(c);
        free(buf);
    }
}

/* A valid record with a few bytes changed: may decode or not, never crash;
 * what decodes must encode again. */
static void test_mutated_bytes(void **state)
{
    (void)state;
    srand(77);
    char *buf = malloc(valid_len);
    int accepted = 0;
    for (int i = 0; i < 5000; i++) {
        memcpy(buf, valid, valid_len);
        int flips = 1 + rand() % 4;
        for (int k = 0; k < flips; k++)
            buf[(size_t)rand() % valid_len] = (char)(rand() & 0xff);
        char err[256];
        case_t *c = wire_decode_case(buf, valid_len, err, sizeof err);
        if (!c)
            continue;
        accepted++;
        char *out;
        size_t out_len;
        assert_int_equal(wire_encode_case(c, &out, &out_len), 0);
        free(out);
        case_destroy(&c);
    }
    print_message("mutated records still accepted: %d of 5000\n", accepted);
    free(buf);
}

/* ---- structural mutation of the valid record ------------------------------------ */

typedef enum { M_REPLACE, M_DELETE, M_DUP, M_ADD } mode_t_;
typedef void (*packfn)(msgpack_packer *pk);

static bool key_is(const msgpack_object *k, const char *s)
{
    return k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(s) &&
           memcmp(k->via.str.ptr, s, k->via.str.size) == 0;
}

/* Re-packs o; at the dotted path ("request.accounts.0") applies mode. */
static void repack(msgpack_packer *pk, const msgpack_object *o, const char *path,
                   mode_t_ mode, packfn fn)
{
    if (!path) {
        msgpack_pack_object(pk, *o);
        return;
    }
    char head[32];
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    memcpy(head, path, n);
    head[n] = '\0';
    const char *rest = dot ? dot + 1 : NULL;
    if (o->type == MSGPACK_OBJECT_ARRAY) {
        uint32_t idx = (uint32_t)atoi(head);
        msgpack_pack_array(pk, o->via.array.size);
        for (uint32_t i = 0; i < o->via.array.size; i++) {
            if (i == idx && !rest)
                fn(pk);
            else
                repack(pk, &o->via.array.ptr[i], i == idx ? rest : NULL, mode, fn);
        }
        return;
    }
    assert_int_equal(o->type, MSGPACK_OBJECT_MAP);
    uint32_t size = o->via.map.size;
    if (!rest)
        size += mode == M_DELETE ? -1u : (mode == M_DUP || mode == M_ADD);
    msgpack_pack_map(pk, size);
    for (uint32_t i = 0; i < o->via.map.size; i++) {
        const msgpack_object_kv *kv = &o->via.map.ptr[i];
        bool hit = key_is(&kv->key, head);
        if (hit && !rest && mode == M_DELETE)
            continue;
        msgpack_pack_object(pk, kv->key);
        if (hit && !rest && mode == M_REPLACE)
            fn(pk);
        else
            repack(pk, &kv->val, hit ? rest : NULL, mode, fn);
        if (hit && !rest && mode == M_DUP) {
            msgpack_pack_object(pk, kv->key);
            msgpack_pack_object(pk, kv->val);
        }
    }
    if (!rest && mode == M_ADD) {
        msgpack_pack_str(pk, n);
        msgpack_pack_str_body(pk, head, n);
        fn(pk);
    }
}

static char *mutate(const char *path, mode_t_ mode, packfn fn, size_t *len)
{
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    assert_int_equal(msgpack_unpack_next(&u, valid, valid_len, &off),
                     MSGPACK_UNPACK_SUCCESS);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    repack(&pk, &u.data, path, mode, fn);
    msgpack_unpacked_destroy(&u);
    *len = sb.size;
    return msgpack_sbuffer_release(&sb);
}

static void reject_mutation(const char *path, mode_t_ mode, packfn fn, const char *want)
{
    size_t len;
    char *buf = mutate(path, mode, fn, &len);
    expect_reject(buf, len, want);
    free(buf);
}

static void pk_str(msgpack_packer *pk, const char *s, size_t n)
{
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

/* clang-format off */
static void p_nil(msgpack_packer *pk) { msgpack_pack_nil(pk); }
static void p_one(msgpack_packer *pk) { msgpack_pack_int(pk, 1); }
static void p_two(msgpack_packer *pk) { msgpack_pack_int(pk, 2); }
static void p_str1(msgpack_packer *pk) { pk_str(pk, "1", 1); }
static void p_yes(msgpack_packer *pk) { pk_str(pk, "yes", 3); }
static void p_dotdot(msgpack_packer *pk) { pk_str(pk, "../../etc", 9); }
static void p_longid(msgpack_packer *pk) { pk_str(pk, "c0123456789abcdef0123456789", 27); }
static void p_warrant(msgpack_packer *pk) { pk_str(pk, "warrant", 7); }
static void p_approve(msgpack_packer *pk) { pk_str(pk, "approve", 7); }
static void p_sent(msgpack_packer *pk) { pk_str(pk, "sent", 4); }
static void p_other(msgpack_packer *pk) { pk_str(pk, "x@y.example", 11); }
static void p_irl(msgpack_packer *pk) { pk_str(pk, "IRL", 3); }
static void p_usdate(msgpack_packer *pk) { pk_str(pk, "07/31/2014", 10); }
static void p_longdate(msgpack_packer *pk) { pk_str(pk, "31 July 2014", 12); }
static void p_nul(msgpack_packer *pk) { pk_str(pk, "ab\0cd", 5); }
static void p_longspf(msgpack_packer *pk) { pk_str(pk, "pass-pass-pass-pass", 19); }
static void p_map(msgpack_packer *pk) { msgpack_pack_map(pk, 0); }
/* clang-format on */
static void p_metadata(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 1);
    pk_str(pk, "metadata", 8);
}
static void p_one_account(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 1);
    pk_str(pk, "a@b.example", 11);
}
static void p_dup_accounts(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 3);
    pk_str(pk, "a@b.example", 11);
    pk_str(pk, "c@b.example", 11);
    pk_str(pk, "a@b.example", 11);
}
static void p_many_accounts(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 1001);
    for (int i = 0; i < 1001; i++) {
        char s[32];
        int n = snprintf(s, sizeof s, "u%04d@b.example", i);
        pk_str(pk, s, (size_t)n);
    }
}
static void p_huge_str(msgpack_packer *pk)
{
    static char big[70000];
    memset(big, 'x', sizeof big);
    pk_str(pk, big, sizeof big);
}
static void nested(msgpack_packer *pk, int levels)
{
    for (int i = 0; i < levels; i++) {
        msgpack_pack_map(pk, 1);
        pk_str(pk, "k", 1);
    }
    msgpack_pack_nil(pk);
}
/* The root map is level 1: 7 more levels fit the limit of 8, 8 do not. */
static void p_nest7(msgpack_packer *pk)
{
    nested(pk, 7);
}
static void p_nest8(msgpack_packer *pk)
{
    nested(pk, 8);
}

static void test_wrong_fields(void **state)
{
    (void)state;
    reject_mutation("v", M_REPLACE, p_str1, "unsupported version");
    reject_mutation("v", M_REPLACE, p_two, "unsupported version");
    reject_mutation("v", M_DELETE, NULL, "missing required key \"v\"");
    reject_mutation("id", M_DELETE, NULL, "missing or malformed id");
    reject_mutation("id", M_REPLACE, p_dotdot, "missing or malformed id");
    reject_mutation("id", M_REPLACE, p_longid, "\"id\" is too long");
    reject_mutation("id", M_REPLACE, p_one, "\"id\" is not a string");
    reject_mutation("request", M_DELETE, NULL, "missing required key \"request\"");
    reject_mutation("request", M_REPLACE, p_nil, "request: not a map");
    reject_mutation("request.request_type", M_REPLACE, p_warrant,
                    "unknown request_type \"warrant\"");
    reject_mutation("request.request_type", M_REPLACE, p_one, "not a string");
    reject_mutation("request.request_type", M_DELETE, NULL, "missing required");
    reject_mutation("request.accounts", M_REPLACE, p_one_account,
                    "3 account decisions for 1 requested accounts");
    reject_mutation("request.accounts", M_REPLACE, p_dup_accounts, "listed twice");
    reject_mutation("request.accounts", M_REPLACE, p_many_accounts,
                    "more than 1000 accounts");
    reject_mutation("request.accounts", M_REPLACE, p_map, "not a list");
    reject_mutation("request.accounts.1", M_REPLACE, p_one,
                    "\"accounts\" is not a string");
    reject_mutation("request.data_categories", M_REPLACE, p_metadata,
                    "unknown category \"metadata\"");
    reject_mutation("request.data_categories", M_DELETE, NULL,
                    "missing required key \"data_categories\"");
    reject_mutation("request.deadline", M_REPLACE, p_usdate, "YYYY-MM-DD");
    reject_mutation("request.deadline", M_REPLACE, p_longdate, "too long");
    reject_mutation("request.subject", M_REPLACE, p_nul, "NUL byte");
    reject_mutation("request.subject", M_REPLACE, p_huge_str, "too long");
    reject_mutation("request.subject", M_REPLACE, p_one, "not a string");
    reject_mutation("request.reference", M_DUP, NULL, "appears twice");
    reject_mutation("request.emergency", M_REPLACE, p_yes, "not a boolean");
    reject_mutation("request.auth", M_REPLACE, p_one, "request.auth: not a map");
    reject_mutation("request.auth.spf", M_REPLACE, p_longspf, "too long");
    reject_mutation("request.auth.verified", M_REPLACE, p_yes, "not a boolean");
    reject_mutation("accounts", M_REPLACE, p_map, "not a list");
    reject_mutation("accounts", M_DELETE, NULL, "missing required key \"accounts\"");
    reject_mutation("accounts.0", M_REPLACE, p_nil, "accounts[0]: not a map");
    reject_mutation("accounts.0.decision", M_REPLACE, p_approve,
                    "accounts[0]: unknown decision \"approve\"");
    reject_mutation("accounts.1.notice", M_REPLACE, p_sent,
                    "accounts[1]: unknown notice status \"sent\"");
    reject_mutation("accounts.2.account", M_REPLACE, p_other, "does not match");
    reject_mutation("accounts.0.location", M_DELETE, NULL,
                    "missing required key \"location\"");
    reject_mutation("accounts.0.location.country", M_REPLACE, p_irl, "too long");
    reject_mutation("accounts.0.location.found", M_REPLACE, p_one, "not a boolean");
    reject_mutation("accounts.1.granted", M_REPLACE, p_metadata, "unknown category");
    reject_mutation("accounts.0.release_on", M_REPLACE, p_usdate, "YYYY-MM-DD");
    reject_mutation("challenge", M_DELETE, NULL, "missing required key \"challenge\"");
    reject_mutation("challenge", M_REPLACE, p_one, "not a boolean");
    reject_mutation("verify", M_REPLACE, p_nil, "not a boolean");
    reject_mutation("review", M_REPLACE, p_one, "not a string");
    reject_mutation("x-future", M_ADD, p_nest8, "nesting too deep");
    expect_reject("\x91\xc0", 2, "case: not a map");
}

/* How case list / case show name who asked: the requesting state, and
 * the serving one only as "via". */
static void test_requester_text(void **state)
{
    (void)state;
    request_t *r = request_new();
    r->type = REQ_MLAT_REQUEST;
    request_set_string(&r->issuing_agency, "Garda Síochána");
    request_set_string(&r->issuing_country, "US");
    request_set_string(&r->requesting_country, "IE");
    char *t = request_requester_text(r);
    assert_string_equal(t, "Garda Síochána, IE, via US");
    free(t);
    /* A record from before requesting_country: never a bare "US". */
    request_set_string(&r->requesting_country, NULL);
    t = request_requester_text(r);
    assert_string_equal(t, "Garda Síochána, via US");
    free(t);
    r->type = REQ_SEARCH_WARRANT;
    request_set_string(&r->issuing_agency, "FBI");
    request_set_string(&r->requesting_country, "US");
    t = request_requester_text(r);
    assert_string_equal(t, "FBI, US");
    free(t);
    request_set_string(&r->issuing_agency, NULL);
    request_set_string(&r->issuing_country, NULL);
    request_set_string(&r->requesting_country, NULL);
    t = request_requester_text(r);
    assert_string_equal(t, "agency unknown");
    free(t);
    request_destroy(&r);
}

static void test_unknown_keys_skipped(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        packfn fn;
    } adds[] = {
        { "x-future", p_nest7 },
        { "request.x-note", p_huge_str },
        { "accounts.1.x-flag", p_one },
        { "accounts.0.location.x", p_map },
    };
    case_t *want = full_case();
    for (size_t i = 0; i < sizeof adds / sizeof adds[0]; i++) {
        size_t len;
        char *buf = mutate(adds[i].path, M_ADD, adds[i].fn, &len);
        char err[256];
        case_t *c = wire_decode_case(buf, len, err, sizeof err);
        if (!c)
            fail_msg("%s: %s", adds[i].path, err);
        assert_case_equal(want, c);
        case_destroy(&c);
        free(buf);
    }
    /* Optional keys may be absent or nil. */
    size_t len;
    char *buf = mutate("review", M_DELETE, NULL, &len);
    case_t *c = wire_decode_case(buf, len, NULL, 0);
    assert_non_null(c);
    assert_null(c->review_reason);
    case_destroy(&c);
    free(buf);
    buf = mutate("accounts.1.notice_path", M_REPLACE, p_nil, &len);
    c = wire_decode_case(buf, len, NULL, 0);
    assert_non_null(c);
    assert_null(c->accounts[1].notice_path);
    case_destroy(&c);
    free(buf);
    case_destroy(&want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_round_trip_minimal),
        cmocka_unit_test(test_round_trip_max_accounts),
        cmocka_unit_test(test_lying_headers),
        cmocka_unit_test(test_too_many_objects),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_trailing_bytes),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_mutated_bytes),
        cmocka_unit_test(test_wrong_fields),
        cmocka_unit_test(test_unknown_keys_skipped),
        cmocka_unit_test(test_requester_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
