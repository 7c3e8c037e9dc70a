/* wire.c -- the msgpack encoding of a case (bus messages, Redis records).
 *
 * Layout, version 1 (every key a str):
 *   {"v":1, "id":str, "request":{...}, "accounts":[{...}, ...],
 *    "challenge":bool, "verify":bool, "review":str|nil,
 *    "verify_reason":str|nil (optional)}
 * request: message_id, from, subject, issuing_agency, issuing_country,
 *   requesting_country, reference (str|nil); request_type (contract name);
 *   accounts [str]; data_categories [category name]; nondisclosure (bool);
 *   nondisclosure_until, deadline ("YYYY-MM-DD"|nil); emergency (bool);
 *   auth {spf, dkim, dmarc (str), known_agency, verified (bool),
 *   agency_country (str)}.
 * account: account (str), location {found, enterprise (bool), tenant,
 *   tenant_name, admin_contact, region, country (str)}, decision and
 *   notice (contract names), reason, notice_to, notice_path (str|nil),
 *   granted, refused ([category name]), comity_review (bool),
 *   release_on ("YYYY-MM-DD"|nil).
 * Required keys: v, id, request, accounts, challenge, verify; in request:
 * request_type, accounts, data_categories; in an account: account,
 * location, decision, notice. Other keys may be absent (null / false / "")
 * and unknown keys are skipped, so a later version can add fields.
 *
 * Decoding treats the bytes as hostile. msgpack-c allocates an array's or
 * map's elements as soon as it reads the header, so a 5-byte "array of 4
 * billion" would cost gigabytes: a validating pre-pass (walk()) first checks
 * every declared length against the bytes actually left, the nesting depth
 * and the total number of objects, and only then is msgpack's unpacker run.
 * Every field is then type-checked and bounded before it is copied.
 */
#include "wire.h"

#include <ctype.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIRE_MAX_DEPTH 8            /* the layout itself needs 4 */
#define WIRE_MAX_OBJECTS (1u << 18) /* bounds msgpack's zone allocations */

/* ======================================================================
 * Encoding
 * ====================================================================== */

typedef struct {
    msgpack_packer pk;
    int rc; /* non-zero once anything failed */
} enc_t;

static void key(enc_t *e, const char *k)
{
    size_t n = strlen(k);
    e->rc |= msgpack_pack_str(&e->pk, n);
    e->rc |= msgpack_pack_str_body(&e->pk, k, n);
}

static void str_or_nil(enc_t *e, const char *s)
{
    if (!s) {
        e->rc |= msgpack_pack_nil(&e->pk);
        return;
    }
    size_t n = strlen(s);
    if (n > WIRE_MAX_STR)
        e->rc = -1; /* the decoder would refuse the record */
    e->rc |= msgpack_pack_str(&e->pk, n);
    e->rc |= msgpack_pack_str_body(&e->pk, s, n);
}

static void kv_str(enc_t *e, const char *k, const char *s)
{
    key(e, k);
    str_or_nil(e, s);
}

/* Dates: "" is the contract's null. */
static void kv_date(enc_t *e, const char *k, const char *s)
{
    kv_str(e, k, (s && *s) ? s : NULL);
}

static void kv_bool(enc_t *e, const char *k, bool v)
{
    key(e, k);
    e->rc |= v ? msgpack_pack_true(&e->pk) : msgpack_pack_false(&e->pk);
}

static void kv_cats(enc_t *e, const char *k, unsigned cats)
{
    static const unsigned bits[] = { CAT_CONTENT, CAT_SUBSCRIBER, CAT_TRANSACTIONAL };
    size_t n = 0;
    for (size_t i = 0; i < 3; i++)
        n += (cats & bits[i]) != 0;
    key(e, k);
    e->rc |= msgpack_pack_array(&e->pk, n);
    for (size_t i = 0; i < 3; i++)
        if (cats & bits[i])
            str_or_nil(e, request_category_name(bits[i]));
}

static void enc_auth(enc_t *e, const request_auth_t *a)
{
    key(e, "auth");
    e->rc |= msgpack_pack_map(&e->pk, 6);
    kv_str(e, "spf", a->spf);
    kv_str(e, "dkim", a->dkim);
    kv_str(e, "dmarc", a->dmarc);
    kv_bool(e, "known_agency", a->known_agency);
    kv_bool(e, "verified", a->verified);
    kv_str(e, "agency_country", a->agency_country);
}

static void enc_request(enc_t *e, const request_t *r)
{
    key(e, "request");
    e->rc |= msgpack_pack_map(&e->pk, 15);
    kv_str(e, "message_id", r->message_id);
    kv_str(e, "from", r->from);
    kv_str(e, "subject", r->subject);
    kv_str(e, "request_type", request_type_name(r->type));
    kv_str(e, "issuing_agency", r->issuing_agency);
    kv_str(e, "issuing_country", r->issuing_country);
    kv_str(e, "requesting_country", r->requesting_country);
    kv_str(e, "reference", r->reference);
    key(e, "accounts");
    e->rc |= msgpack_pack_array(&e->pk, r->account_count);
    for (size_t i = 0; i < r->account_count; i++)
        str_or_nil(e, r->accounts[i]);
    kv_cats(e, "data_categories", r->categories);
    kv_bool(e, "nondisclosure", r->nondisclosure);
    kv_date(e, "nondisclosure_until", r->nondisclosure_until);
    kv_date(e, "deadline", r->deadline);
    kv_bool(e, "emergency", r->emergency);
    enc_auth(e, &r->auth);
}

static void enc_location(enc_t *e, const location_t *l)
{
    key(e, "location");
    e->rc |= msgpack_pack_map(&e->pk, 7);
    kv_bool(e, "found", l->found);
    kv_bool(e, "enterprise", l->enterprise);
    kv_str(e, "tenant", l->tenant);
    kv_str(e, "tenant_name", l->tenant_name);
    kv_str(e, "admin_contact", l->admin_contact);
    kv_str(e, "region", l->region);
    kv_str(e, "country", l->country);
}

static void enc_account(enc_t *e, const account_decision_t *d)
{
    e->rc |= msgpack_pack_map(&e->pk, 11);
    kv_str(e, "account", d->account);
    enc_location(e, &d->location);
    kv_str(e, "decision", decision_name(d->decision));
    kv_str(e, "reason", d->reason);
    kv_cats(e, "granted", d->granted);
    kv_cats(e, "refused", d->refused);
    kv_bool(e, "comity_review", d->comity_review);
    kv_str(e, "notice", notice_status_name(d->notice));
    kv_str(e, "notice_to", d->notice_to);
    kv_date(e, "release_on", d->release_on);
    kv_str(e, "notice_path", d->notice_path);
}

int wire_encode_case(const case_t *c, char **buf, size_t *len)
{
    if (!c || !c->request || !buf || !len ||
        c->account_count != c->request->account_count ||
        c->account_count > WIRE_MAX_ACCOUNTS)
        return -1; /* the decoder would refuse it anyway */
    msgpack_sbuffer sbuf;
    msgpack_sbuffer_init(&sbuf);
    enc_t e = { .rc = 0 };
    msgpack_packer_init(&e.pk, &sbuf, msgpack_sbuffer_write);
    e.rc |= msgpack_pack_map(&e.pk, 8);
    key(&e, "v");
    e.rc |= msgpack_pack_unsigned_int(&e.pk, WIRE_VERSION);
    kv_str(&e, "id", c->id);
    enc_request(&e, c->request);
    key(&e, "accounts");
    e.rc |= msgpack_pack_array(&e.pk, c->account_count);
    for (size_t i = 0; i < c->account_count; i++)
        enc_account(&e, &c->accounts[i]);
    kv_bool(&e, "challenge", c->challenge_recommended);
    kv_bool(&e, "verify", c->verify_requester);
    kv_str(&e, "review", c->review_reason);
    kv_str(&e, "verify_reason", c->verify_reason);
    if (e.rc != 0 || sbuf.size > WIRE_MAX_BYTES) {
        msgpack_sbuffer_destroy(&sbuf);
        return -1;
    }
    *len = sbuf.size;
    *buf = msgpack_sbuffer_release(&sbuf);
    return 0;
}

/* ======================================================================
 * Validating pre-pass
 * ====================================================================== */

typedef struct {
    const unsigned char *p;
    size_t len, pos;
    size_t objects;
    const char *why; /* set on the first failure */
} walk_t;

static uint64_t be(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* Reads an n-byte big-endian length field; false if it is not all there. */
static bool take_len(walk_t *w, size_t n, uint64_t *out)
{
    if (w->len - w->pos < n) {
        w->why = "truncated header";
        return false;
    }
    *out = be(w->p + w->pos, n);
    w->pos += n;
    return true;
}

/* Skips a payload of n bytes that must be present. */
static bool skip(walk_t *w, uint64_t n)
{
    if (n > w->len - w->pos) {
        w->why = "declared length exceeds the data";
        return false;
    }
    w->pos += (size_t)n;
    return true;
}

static bool walk(walk_t *w, int depth);

/* n elements (per_entry objects each): each needs at least one byte. */
static bool walk_items(walk_t *w, uint64_t n, unsigned per_entry, int depth)
{
    if (depth >= WIRE_MAX_DEPTH) {
        w->why = "nesting too deep";
        return false;
    }
    if (n > (w->len - w->pos) / per_entry) {
        w->why = "declared element count exceeds the data";
        return false;
    }
    for (uint64_t i = 0; i < n * per_entry; i++)
        if (!walk(w, depth + 1))
            return false;
    return true;
}

/* For a fixed-size scalar type byte: 1 + the bytes that follow it; 0 for
 * every other type (handled by the caller). */
static size_t fixed_payload(unsigned char t)
{
    switch (t) {
    case 0xc0:
    case 0xc2:
    case 0xc3:
        return 0 + 1; /* nil, bool */
    case 0xcc:
    case 0xd0:
        return 1 + 1;
    case 0xcd:
    case 0xd1:
        return 2 + 1;
    case 0xca:
    case 0xce:
    case 0xd2:
        return 4 + 1;
    case 0xcb:
    case 0xcf:
    case 0xd3:
        return 8 + 1;
    case 0xd4:
        return 2 + 1; /* fixext 1: type + 1 */
    case 0xd5:
        return 3 + 1;
    case 0xd6:
        return 5 + 1;
    case 0xd7:
        return 9 + 1;
    case 0xd8:
        return 17 + 1;
    default:
        return 0;
    }
}

/* str/bin/ext with a 1-, 2- or 4-byte length field. */
static bool walk_sized(walk_t *w, unsigned char t)
{
    static const struct {
        unsigned char t;
        unsigned char lenlen, ext;
    } k[] = {
        { 0xd9, 1, 0 }, { 0xda, 2, 0 }, { 0xdb, 4, 0 }, /* str */
        { 0xc4, 1, 0 }, { 0xc5, 2, 0 }, { 0xc6, 4, 0 }, /* bin */
        { 0xc7, 1, 1 }, { 0xc8, 2, 1 }, { 0xc9, 4, 1 }, /* ext */
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        if (k[i].t != t)
            continue;
        uint64_t n;
        return take_len(w, k[i].lenlen, &n) && skip(w, n + k[i].ext);
    }
    w->why = "invalid type byte";
    return false;
}

static bool walk(walk_t *w, int depth)
{
    if (w->pos >= w->len) {
        w->why = "truncated";
        return false;
    }
    if (++w->objects > WIRE_MAX_OBJECTS) {
        w->why = "too many objects";
        return false;
    }
    unsigned char t = w->p[w->pos++];
    uint64_t n;
    if (t <= 0x7f || t >= 0xe0)
        return true; /* fixint */
    if (t <= 0x8f)
        return walk_items(w, t & 0x0f, 2, depth); /* fixmap */
    if (t <= 0x9f)
        return walk_items(w, t & 0x0f, 1, depth); /* fixarray */
    if (t <= 0xbf)
        return skip(w, t & 0x1f); /* fixstr */
    if (t == 0xdc || t == 0xdd)
        return take_len(w, t == 0xdc ? 2 : 4, &n) && walk_items(w, n, 1, depth);
    if (t == 0xde || t == 0xdf)
        return take_len(w, t == 0xde ? 2 : 4, &n) && walk_items(w, n, 2, depth);
    size_t fixed = fixed_payload(t);
    if (fixed)
        return skip(w, fixed - 1);
    return walk_sized(w, t); /* str, bin, ext, or 0xc1 */
}

/* One complete object, nothing after it, every length honest. */
static const char *validate(const char *buf, size_t len)
{
    if (!buf || len == 0)
        return "empty input";
    if (len > WIRE_MAX_BYTES)
        return "record larger than WIRE_MAX_BYTES";
    walk_t w = { .p = (const unsigned char *)buf, .len = len };
    if (!walk(&w, 0))
        return w.why;
    if (w.pos != len)
        return "trailing bytes after the record";
    return NULL;
}

/* ======================================================================
 * Decoding of the validated object tree
 * ====================================================================== */

typedef struct {
    char *err;
    size_t errlen;
    bool failed;
} dec_t;

static bool fail(dec_t *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first failure only: it is the one that explains. */
static bool fail(dec_t *d, const char *fmt, ...)
{
    if (!d->failed && d->err && d->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->err, d->errlen, fmt, ap);
        va_end(ap);
    }
    d->failed = true;
    return false;
}

static bool str_is(const msgpack_object *o, const char *s)
{
    size_t n = strlen(s);
    return o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
           memcmp(o->via.str.ptr, s, n) == 0;
}

/* Looks key up in map. A key present twice is refused: two readers might
 * otherwise act on different values of the same field. */
static bool get(dec_t *d, const msgpack_object *map, const char *where, const char *k,
                bool required, const msgpack_object **out)
{
    *out = NULL;
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object_kv *kv = &map->via.map.ptr[i];
        if (!str_is(&kv->key, k))
            continue;
        if (*out)
            return fail(d, "%s: key \"%s\" appears twice", where, k);
        *out = &kv->val;
    }
    if (!*out && required)
        return fail(d, "%s: missing required key \"%s\"", where, k);
    return true;
}

static bool want_map(dec_t *d, const msgpack_object *o, const char *where)
{
    if (o->type != MSGPACK_OBJECT_MAP)
        return fail(d, "%s: not a map", where);
    return true;
}

/* A str that fits the bounds and has no NUL inside (C strings follow). */
static bool check_str(dec_t *d, const msgpack_object *o, const char *where, const char *k,
                      size_t max)
{
    if (o->type != MSGPACK_OBJECT_STR)
        return fail(d, "%s: \"%s\" is not a string", where, k);
    if (o->via.str.size > max)
        return fail(d, "%s: \"%s\" is too long (%u bytes, at most %zu)", where, k,
                    (unsigned)o->via.str.size, max);
    if (memchr(o->via.str.ptr, '\0', o->via.str.size))
        return fail(d, "%s: \"%s\" contains a NUL byte", where, k);
    return true;
}

/* str|nil into a newly allocated string (NULL for nil or absent). */
static bool get_str(dec_t *d, const msgpack_object *map, const char *where, const char *k,
                    bool required, char **out)
{
    const msgpack_object *o;
    if (!get(d, map, where, k, required, &o))
        return false;
    if (!o || o->type == MSGPACK_OBJECT_NIL)
        return true;
    if (!check_str(d, o, where, k, WIRE_MAX_STR))
        return false;
    char *s = strndup(o->via.str.ptr, o->via.str.size);
    if (!s)
        return fail(d, "%s: out of memory", where);
    free(*out);
    *out = s;
    return true;
}

/* str|nil into a fixed array, which it must fit ("" for nil or absent). */
static bool get_fixed(dec_t *d, const msgpack_object *map, const char *where,
                      const char *k, char *dst, size_t cap)
{
    const msgpack_object *o;
    dst[0] = '\0';
    if (!get(d, map, where, k, false, &o))
        return false;
    if (!o || o->type == MSGPACK_OBJECT_NIL)
        return true;
    if (!check_str(d, o, where, k, cap - 1))
        return false;
    memcpy(dst, o->via.str.ptr, o->via.str.size);
    dst[o->via.str.size] = '\0';
    return true;
}

/* A date is "" or exactly YYYY-MM-DD: release_on drives a scheduled job. */
static bool get_date(dec_t *d, const msgpack_object *map, const char *where,
                     const char *k, char dst[WRIT_DATE_LEN])
{
    if (!get_fixed(d, map, where, k, dst, WRIT_DATE_LEN))
        return false;
    if (!dst[0])
        return true;
    for (int i = 0; i < 10; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? dst[i] != '-' : !isdigit((unsigned char)dst[i]))
            return fail(d, "%s: \"%s\" is not a YYYY-MM-DD date", where, k);
    }
    return true;
}

static bool get_bool(dec_t *d, const msgpack_object *map, const char *where,
                     const char *k, bool required, bool *out)
{
    const msgpack_object *o;
    if (!get(d, map, where, k, required, &o))
        return false;
    if (!o)
        return true;
    if (o->type != MSGPACK_OBJECT_BOOLEAN)
        return fail(d, "%s: \"%s\" is not a boolean", where, k);
    *out = o->via.boolean;
    return true;
}

static bool get_cats(dec_t *d, const msgpack_object *map, const char *where,
                     const char *k, bool required, unsigned *out)
{
    const msgpack_object *o;
    *out = 0;
    if (!get(d, map, where, k, required, &o))
        return false;
    if (!o)
        return true;
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size > 3)
        return fail(d, "%s: \"%s\" is not a list of categories", where, k);
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        char name[16];
        const msgpack_object *e = &o->via.array.ptr[i];
        if (!check_str(d, e, where, k, sizeof name - 1))
            return false;
        memcpy(name, e->via.str.ptr, e->via.str.size);
        name[e->via.str.size] = '\0';
        unsigned bit = request_category_from_name(name);
        if (!(bit & CAT_ALL))
            return fail(d, "%s: \"%s\" has unknown category \"%s\"", where, k, name);
        *out |= bit;
    }
    return true;
}

/* A contract name (request type, decision, notice) as a short C string. */
static bool get_name(dec_t *d, const msgpack_object *map, const char *where,
                     const char *k, char *dst, size_t cap)
{
    const msgpack_object *o;
    if (!get(d, map, where, k, true, &o))
        return false;
    if (!check_str(d, o, where, k, cap - 1))
        return false;
    memcpy(dst, o->via.str.ptr, o->via.str.size);
    dst[o->via.str.size] = '\0';
    return true;
}

/* ---- request ----------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each account at most once: a duplicate would get two decisions. */
static bool accounts_unique(dec_t *d, const request_t *r)
{
    if (r->account_count < 2)
        return true;
    char **copy = malloc(r->account_count * sizeof *copy);
    if (!copy)
        return fail(d, "request: out of memory");
    memcpy(copy, r->accounts, r->account_count * sizeof *copy);
    qsort(copy, r->account_count, sizeof *copy, cmp_str);
    bool dup = false;
    for (size_t i = 1; i < r->account_count && !dup; i++)
        dup = strcmp(copy[i - 1], copy[i]) == 0;
    free(copy);
    return dup ? fail(d, "request: an account is listed twice") : true;
}

static bool dec_request_accounts(dec_t *d, const msgpack_object *map, request_t *r)
{
    const msgpack_object *o;
    if (!get(d, map, "request", "accounts", true, &o))
        return false;
    if (o->type != MSGPACK_OBJECT_ARRAY)
        return fail(d, "request: \"accounts\" is not a list");
    if (o->via.array.size > WIRE_MAX_ACCOUNTS)
        return fail(d, "request: more than %u accounts", WIRE_MAX_ACCOUNTS);
    if (o->via.array.size == 0)
        return true;
    r->accounts = calloc(o->via.array.size, sizeof *r->accounts);
    if (!r->accounts)
        return fail(d, "request: out of memory");
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        const msgpack_object *e = &o->via.array.ptr[i];
        if (!check_str(d, e, "request", "accounts", WIRE_MAX_STR))
            return false;
        if (e->via.str.size == 0)
            return fail(d, "request: an account is empty");
        r->accounts[i] = strndup(e->via.str.ptr, e->via.str.size);
        if (!r->accounts[i])
            return fail(d, "request: out of memory");
        r->account_count = i + 1;
    }
    return accounts_unique(d, r);
}

static bool dec_auth(dec_t *d, const msgpack_object *map, request_auth_t *a)
{
    const msgpack_object *o;
    if (!get(d, map, "request", "auth", false, &o) || !o)
        return !d->failed;
    if (!want_map(d, o, "request.auth"))
        return false;
    return get_fixed(d, o, "request.auth", "spf", a->spf, sizeof a->spf) &&
           get_fixed(d, o, "request.auth", "dkim", a->dkim, sizeof a->dkim) &&
           get_fixed(d, o, "request.auth", "dmarc", a->dmarc, sizeof a->dmarc) &&
           get_bool(d, o, "request.auth", "known_agency", false, &a->known_agency) &&
           get_bool(d, o, "request.auth", "verified", false, &a->verified) &&
           get_fixed(d, o, "request.auth", "agency_country", a->agency_country,
                     sizeof a->agency_country);
}

static bool dec_request_type(dec_t *d, const msgpack_object *map, request_t *r)
{
    char name[40];
    if (!get_name(d, map, "request", "request_type", name, sizeof name))
        return false;
    request_type_t t = request_type_from_name(name);
    if (t >= REQ_TYPE_COUNT)
        return fail(d, "request: unknown request_type \"%s\"", name);
    r->type = t;
    return true;
}

static bool dec_request(dec_t *d, const msgpack_object *o, request_t *r)
{
    const char *w = "request";
    return want_map(d, o, w) && get_str(d, o, w, "message_id", false, &r->message_id) &&
           get_str(d, o, w, "from", false, &r->from) &&
           get_str(d, o, w, "subject", false, &r->subject) && dec_request_type(d, o, r) &&
           get_str(d, o, w, "issuing_agency", false, &r->issuing_agency) &&
           get_str(d, o, w, "issuing_country", false, &r->issuing_country) &&
           get_str(d, o, w, "requesting_country", false, &r->requesting_country) &&
           get_str(d, o, w, "reference", false, &r->reference) &&
           dec_request_accounts(d, o, r) &&
           get_cats(d, o, w, "data_categories", true, &r->categories) &&
           get_bool(d, o, w, "nondisclosure", false, &r->nondisclosure) &&
           get_date(d, o, w, "nondisclosure_until", r->nondisclosure_until) &&
           get_date(d, o, w, "deadline", r->deadline) &&
           get_bool(d, o, w, "emergency", false, &r->emergency) &&
           dec_auth(d, o, &r->auth);
}

/* ---- accounts ---------------------------------------------------------- */

static bool dec_location(dec_t *d, const msgpack_object *map, const char *w,
                         location_t *l)
{
    const msgpack_object *o;
    if (!get(d, map, w, "location", true, &o) || !want_map(d, o, w))
        return false;
    return get_bool(d, o, w, "found", false, &l->found) &&
           get_bool(d, o, w, "enterprise", false, &l->enterprise) &&
           get_fixed(d, o, w, "tenant", l->tenant, sizeof l->tenant) &&
           get_fixed(d, o, w, "tenant_name", l->tenant_name, sizeof l->tenant_name) &&
           get_fixed(d, o, w, "admin_contact", l->admin_contact,
                     sizeof l->admin_contact) &&
           get_fixed(d, o, w, "region", l->region, sizeof l->region) &&
           get_fixed(d, o, w, "country", l->country, sizeof l->country);
}

static bool dec_statuses(dec_t *d, const msgpack_object *o, const char *w,
                         account_decision_t *a)
{
    char name[40];
    if (!get_name(d, o, w, "decision", name, sizeof name))
        return false;
    a->decision = decision_from_name(name);
    if (a->decision >= DEC_COUNT)
        return fail(d, "%s: unknown decision \"%s\"", w, name);
    if (!get_name(d, o, w, "notice", name, sizeof name))
        return false;
    a->notice = notice_status_from_name(name);
    if (a->notice >= NOTICE_COUNT)
        return fail(d, "%s: unknown notice status \"%s\"", w, name);
    return true;
}

/* The account must be the request's i-th: the case pairs them by index. */
static bool dec_account_name(dec_t *d, const msgpack_object *o, const char *w,
                             const account_decision_t *a)
{
    const msgpack_object *k;
    if (!get(d, o, w, "account", true, &k) ||
        !check_str(d, k, w, "account", WIRE_MAX_STR))
        return false;
    if (k->via.str.size != strlen(a->account) ||
        memcmp(k->via.str.ptr, a->account, k->via.str.size) != 0)
        return fail(d, "%s: account does not match the request's", w);
    return true;
}

static bool dec_account(dec_t *d, const msgpack_object *o, size_t i,
                        account_decision_t *a)
{
    char w[48];
    snprintf(w, sizeof w, "accounts[%zu]", i);
    return want_map(d, o, w) && dec_account_name(d, o, w, a) &&
           dec_location(d, o, w, &a->location) && dec_statuses(d, o, w, a) &&
           get_str(d, o, w, "reason", false, &a->reason) &&
           get_cats(d, o, w, "granted", false, &a->granted) &&
           get_cats(d, o, w, "refused", false, &a->refused) &&
           get_bool(d, o, w, "comity_review", false, &a->comity_review) &&
           get_str(d, o, w, "notice_to", false, &a->notice_to) &&
           get_date(d, o, w, "release_on", a->release_on) &&
           get_str(d, o, w, "notice_path", false, &a->notice_path);
}

static bool dec_accounts(dec_t *d, const msgpack_object *map, case_t *c)
{
    const msgpack_object *o;
    if (!get(d, map, "case", "accounts", true, &o))
        return false;
    if (o->type != MSGPACK_OBJECT_ARRAY)
        return fail(d, "case: \"accounts\" is not a list");
    if (o->via.array.size != c->request->account_count)
        return fail(d, "case: %u account decisions for %zu requested accounts",
                    (unsigned)o->via.array.size, c->request->account_count);
    if (c->account_count != c->request->account_count)
        return fail(d, "case: out of memory");
    for (uint32_t i = 0; i < o->via.array.size; i++)
        if (!dec_account(d, &o->via.array.ptr[i], i, &c->accounts[i]))
            return false;
    return true;
}

/* ---- the case ------------------------------------------------------------- */

/* Ids end up in Redis keys and file names: letters, digits, - _ . : only,
 * and not starting with a dot. */
static bool id_ok(const char *id)
{
    if (!id[0] || id[0] == '.')
        return false;
    for (const char *p = id; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("-_.:", *p))
            return false;
    return true;
}

static bool dec_header(dec_t *d, const msgpack_object *root, char *id)
{
    const msgpack_object *v;
    if (!want_map(d, root, "case") || !get(d, root, "case", "v", true, &v))
        return false;
    if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER || v->via.u64 != WIRE_VERSION)
        return fail(d, "case: unsupported version (want %d)", WIRE_VERSION);
    if (!get_fixed(d, root, "case", "id", id, CASE_ID_LEN))
        return false;
    if (!id_ok(id))
        return fail(d, "case: missing or malformed id");
    return true;
}

static case_t *dec_case(dec_t *d, const msgpack_object *root)
{
    char id[CASE_ID_LEN];
    const msgpack_object *ro;
    if (!dec_header(d, root, id) || !get(d, root, "case", "request", true, &ro))
        return NULL;
    case_t *c = case_new(id);
    request_t *r = request_new();
    if (!c || !r) {
        case_destroy(&c);
        request_destroy(&r);
        fail(d, "case: out of memory");
        return NULL;
    }
    if (!dec_request(d, ro, r)) {
        request_destroy(&r);
        case_destroy(&c);
        return NULL;
    }
    case_set_request(c, r);
    bool ok = dec_accounts(d, root, c) &&
              get_bool(d, root, "case", "challenge", true, &c->challenge_recommended) &&
              get_bool(d, root, "case", "verify", true, &c->verify_requester) &&
              get_str(d, root, "case", "review", false, &c->review_reason) &&
              get_str(d, root, "case", "verify_reason", false, &c->verify_reason);
    if (!ok)
        case_destroy(&c);
    return c;
}

case_t *wire_decode_case(const char *buf, size_t len, char *err, size_t errlen)
{
    dec_t d = { .err = err, .errlen = errlen };
    if (err && errlen)
        err[0] = '\0';
    const char *why = validate(buf, len);
    if (why) {
        fail(&d, "bad msgpack: %s", why);
        return NULL;
    }
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    msgpack_unpack_return rc = msgpack_unpack_next(&u, buf, len, &off);
    case_t *c = NULL;
    if (rc != MSGPACK_UNPACK_SUCCESS || off != len)
        fail(&d, "bad msgpack: unpacker refused the record (%d)", (int)rc);
    else
        c = dec_case(&d, &u.data);
    msgpack_unpacked_destroy(&u);
    return c;
}
