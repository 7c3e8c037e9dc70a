/* fuzz_parse.c -- libFuzzer target for parse_message(): GMime decoding of
 * arbitrary bytes (mail.c) and extraction of the request from the decoded
 * text (extract.c), the path every message the gateway hands over takes.
 *
 * Every input must be either refused as not mail (with a reason) or parsed
 * into a request that keeps the contract's invariants; never a crash, a
 * leak, a hang or unbounded memory. The JSON rendering `writctl parse`
 * prints is exercised too, and so is what intake does next: the request,
 * made into a case, must encode for Redis and the bus and decode again in
 * the next stage -- a parsed message the store cannot take would be
 * answered 451 and retried by the gateway for ever.
 *
 * Built by tests/fuzz/CMakeLists.txt (WRIT_FUZZ=ON, clang), run by
 * tests/fuzz/run.sh with the fixtures' .eml files as seeds.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "parse.h"
#include "request.h"
#include "wire.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static parse_settings_t settings;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    parse_global_init();
    parse_settings_default(&settings);
    return 0;
}

static void die(const char *what)
{
    fprintf(stderr, "fuzz_parse: invariant broken: %s\n", what);
    abort();
}

static void check_date(const char *d, const char *what)
{
    if (!d[0])
        return;
    for (int i = 0; i < 10; i++) {
        int dash = i == 4 || i == 7;
        if (dash ? d[i] != '-' : !isdigit((unsigned char)d[i]))
            die(what);
    }
    if (d[10])
        die(what);
}

/* Intake's next step (workers/intake/deliver.c): case, record, and the
 * jurisdiction stage decoding that record. Takes ownership of r. */
static void check_storable(request_t *r)
{
    case_t *c = case_new("c0123456789abcdef");
    if (!c)
        die("case_new failed");
    case_set_request(c, r);
    char *rec = NULL;
    size_t len = 0;
    if (wire_encode_case(c, &rec, &len) != 0)
        die("parsed request cannot be encoded (intake would answer 451 for ever)");
    char err[256];
    case_t *back = wire_decode_case(rec, len, err, sizeof err);
    if (!back) {
        fprintf(stderr, "fuzz_parse: wire_decode_case: %s\n", err);
        die("parsed request's record is refused by the next stage");
    }
    case_destroy(&back);
    free(rec);
    case_destroy(&c);
}

/* What the rest of the pipeline relies on (parse-output.md). */
static void check_request(const request_t *r)
{
    if ((unsigned)r->type >= REQ_TYPE_COUNT)
        die("request type out of range");
    if (r->categories & ~(unsigned)CAT_ALL)
        die("unknown category bit");
    if (r->account_count && !r->accounts)
        die("accounts missing");
    for (size_t i = 0; i < r->account_count; i++) {
        const char *a = r->accounts[i];
        if (!a || !a[0])
            die("empty account");
        for (const char *p = a; *p; p++)
            if (isupper((unsigned char)*p))
                die("account not lower-cased");
        if (i && strcmp(r->accounts[i - 1], a) >= 0)
            die("accounts not sorted and unique");
    }
    check_date(r->nondisclosure_until, "nondisclosure_until not YYYY-MM-DD");
    check_date(r->deadline, "deadline not YYYY-MM-DD");
    if (r->issuing_country && strlen(r->issuing_country) != 2)
        die("issuing_country not ISO 3166-1 alpha-2");
    if (memchr(r->auth.spf, '\0', sizeof r->auth.spf) == NULL ||
        memchr(r->auth.dkim, '\0', sizeof r->auth.dkim) == NULL ||
        memchr(r->auth.dmarc, '\0', sizeof r->auth.dmarc) == NULL)
        die("auth result not terminated");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size heap copy, no terminator: the parser gets a length
     * and must not read past it. */
    char *raw = malloc(size ? size : 1);
    if (!raw)
        return 0;
    if (size)
        memcpy(raw, data, size);

    char err[256] = "";
    request_t *req = request_new();
    if (!req) {
        free(raw);
        return 0;
    }
    parse_status_t st = parse_message(&settings, raw, size, req, err, sizeof err);
    if (st == PARSE_OK) {
        check_request(req);
        char *json = request_to_json(req, true);
        if (!json)
            die("request_to_json failed");
        free(json);
    } else if (st == PARSE_NOT_MAIL) {
        if (!err[0])
            die("not mail, but no reason given");
    } else {
        die("unknown parse status");
    }
    /* Intake stores what it got either way (not mail: for review). */
    check_storable(req); /* takes req */
    free(raw);
    return 0;
}
