/* wire_seeds.c -- writes the seed corpus (and a libFuzzer dictionary) for
 * fuzz_wire: a handful of valid encoded cases covering every request type,
 * decision, notice status and category, nil and present optional fields,
 * zero, one, several and many accounts.
 *
 *   wire_seeds OUTDIR [DICT]
 *
 * Generated at test time by tests/fuzz/run.sh, so no binary corpus is
 * kept in the repository.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "wire.h"

static void cp(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

static int seed_no;

static int write_seed(const char *dir, case_t *c)
{
    char *buf = NULL;
    size_t len = 0;
    if (!c || wire_encode_case(c, &buf, &len) != 0) {
        fprintf(stderr, "wire_seeds: cannot encode seed %d\n", seed_no);
        case_destroy(&c);
        return -1;
    }
    char err[256];
    case_t *back = wire_decode_case(buf, len, err, sizeof err);
    if (!back) {
        fprintf(stderr, "wire_seeds: seed %d does not decode: %s\n", seed_no, err);
        free(buf);
        case_destroy(&c);
        return -1;
    }
    case_destroy(&back);
    char path[4096];
    snprintf(path, sizeof path, "%s/seed-%02d.msgpack", dir, seed_no++);
    FILE *f = fopen(path, "wb");
    int rc = f && fwrite(buf, 1, len, f) == len ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "wire_seeds: cannot write %s\n", path);
    free(buf);
    case_destroy(&c);
    return rc;
}

/* A request of the given type with n accounts; every optional field set
 * when full is true, left null otherwise. */
static case_t *make_case(const char *id, request_type_t type, size_t n, int full)
{
    request_t *r = request_new();
    if (!r)
        return NULL;
    r->type = type;
    for (size_t i = 0; i < n; i++) {
        char acct[64];
        snprintf(acct, sizeof acct, "user%zu@tenant%zu.example", i, i % 7);
        request_add_account(r, acct);
    }
    if (full) {
        request_set_string(&r->message_id, "CH3PR09MB8890@namprd09.example");
        request_set_string(&r->from, "agent@fbi.example.gov");
        request_set_string(&r->subject, "Search Warrant \xe2\x80\x94 25 MJ 4418");
        request_set_string(&r->issuing_agency, "FBI");
        request_set_string(&r->issuing_country, "US");
        request_set_string(&r->reference, "25 MJ 4418");
        r->categories = CAT_ALL;
        r->nondisclosure = 1;
        cp(r->nondisclosure_until, sizeof r->nondisclosure_until, "2026-03-31");
        cp(r->deadline, sizeof r->deadline, "2025-10-10");
        r->emergency = type == REQ_EMERGENCY_REQUEST;
        cp(r->auth.spf, sizeof r->auth.spf, "pass");
        cp(r->auth.dkim, sizeof r->auth.dkim, "pass");
        cp(r->auth.dmarc, sizeof r->auth.dmarc, "fail");
        r->auth.known_agency = 1;
    } else {
        r->categories = CAT_SUBSCRIBER;
    }
    case_t *c = case_new(id);
    if (!c) {
        request_destroy(&r);
        return NULL;
    }
    case_set_request(c, r);
    for (size_t i = 0; i < c->account_count; i++) {
        account_decision_t *a = &c->accounts[i];
        a->decision = (decision_t)(i % DEC_COUNT);
        a->notice = (notice_status_t)(i % NOTICE_COUNT);
        a->granted = (unsigned)i & CAT_ALL;
        a->refused = CAT_ALL & ~a->granted;
        a->comity_review = i % 2;
        if (full) {
            a->location = (location_t){ .found = 1,
                                        .enterprise = i % 2,
                                        .tenant = "t-1003",
                                        .tenant_name = "Rheinwerk GmbH",
                                        .admin_contact = "edv@rheinwerk.example",
                                        .region = "de-frankfurt-1",
                                        .country = "DE" };
            a->reason = strdup("US process does not reach data stored in DE");
            a->notice_to = strdup("edv@rheinwerk.example");
            a->notice_path = strdup("/var/spool/writ/outbox/c0123.eml");
            cp(a->release_on, sizeof a->release_on, "2026-03-31");
        }
    }
    if (full) {
        c->challenge_recommended = 1;
        c->verify_requester = 1;
        case_set_review(c, "dkim=fail from a known agency");
    }
    return c;
}

static void dict_entry(FILE *f, const char *s)
{
    size_t n = strlen(s);
    if (n > 31)
        return;
    fprintf(f, "\"\\x%02x", 0xa0u | (unsigned)n); /* msgpack fixstr */
    for (const char *p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\')
            fprintf(f, "\\x%02x", ch);
        else
            fputc(ch, f);
    }
    fputs("\"\n", f);
}

static int write_dict(const char *path)
{
    static const char *const keys[] = {
        "v",
        "id",
        "request",
        "accounts",
        "challenge",
        "verify",
        "review",
        "message_id",
        "from",
        "subject",
        "request_type",
        "issuing_agency",
        "issuing_country",
        "reference",
        "data_categories",
        "nondisclosure",
        "nondisclosure_until",
        "deadline",
        "emergency",
        "auth",
        "spf",
        "dkim",
        "dmarc",
        "known_agency",
        "verified",
        "account",
        "location",
        "found",
        "enterprise",
        "tenant",
        "tenant_name",
        "admin_contact",
        "region",
        "country",
        "decision",
        "reason",
        "granted",
        "refused",
        "comity_review",
        "notice",
        "notice_to",
        "release_on",
        "notice_path",
        "2025-10-10",
    };
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        dict_entry(f, keys[i]);
    for (int t = 0; t < REQ_TYPE_COUNT; t++)
        dict_entry(f, request_type_name((request_type_t)t));
    for (int d = 0; d < DEC_COUNT; d++)
        dict_entry(f, decision_name((decision_t)d));
    for (int n = 0; n < NOTICE_COUNT; n++)
        dict_entry(f, notice_status_name((notice_status_t)n));
    for (unsigned b = 1; b & CAT_ALL; b <<= 1)
        dict_entry(f, request_category_name(b));
    /* Lying length headers: array16/32, map16/32, str8/16/32. */
    fputs("\"\\xdc\\xff\\xff\"\n\"\\xdd\\xff\\xff\\xff\\xff\"\n"
          "\"\\xde\\xff\\xff\"\n\"\\xdf\\xff\\xff\\xff\\xff\"\n"
          "\"\\xd9\\xff\"\n\"\\xda\\xff\\xff\"\n\"\\xdb\\xff\\xff\\xff\\xff\"\n",
          f);
    return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: wire_seeds OUTDIR [DICT]\n");
        return 2;
    }
    const char *dir = argv[1];
    int rc = 0;
    rc |= write_seed(dir, make_case("c0123456789abcdef", REQ_SEARCH_WARRANT, 3, 1));
    rc |= write_seed(dir, make_case("c0000000000000000", REQ_UNKNOWN, 0, 0));
    for (int t = 0; t < REQ_TYPE_COUNT; t++) {
        char id[CASE_ID_LEN];
        snprintf(id, sizeof id, "c%016x", (unsigned)t);
        rc |= write_seed(dir, make_case(id, (request_type_t)t, 1 + (size_t)t, t % 2));
    }
    rc |= write_seed(dir, make_case("c-many.accounts_1:x", REQ_SUBPOENA, 40, 1));
    if (argc == 3 && write_dict(argv[2]) != 0) {
        fprintf(stderr, "wire_seeds: cannot write %s\n", argv[2]);
        rc = -1;
    }
    if (rc == 0)
        printf("wire_seeds: %d seeds in %s\n", seed_no, dir);
    return rc == 0 ? 0 : 1;
}
