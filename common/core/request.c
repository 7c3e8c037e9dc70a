/* request.c -- the parsed legal request record (request.h): lifetime,
 * enum <-> name tables, the sorted account set, and the contract's JSON
 * rendering (tests/fixtures/contracts/parse-output.md) via jansson.
 */
#include "request.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

static const char *const type_names[REQ_TYPE_COUNT] = {
    [REQ_UNKNOWN] = "unknown",
    [REQ_SEARCH_WARRANT] = "search_warrant",
    [REQ_SUBPOENA] = "subpoena",
    [REQ_COURT_ORDER] = "court_order",
    [REQ_NATIONAL_SECURITY_LETTER] = "national_security_letter",
    [REQ_PRESERVATION_REQUEST] = "preservation_request",
    [REQ_EMERGENCY_REQUEST] = "emergency_request",
    [REQ_MLAT_REQUEST] = "mlat_request",
};

/* In the contract's (alphabetical) output order. */
static const struct {
    unsigned bit;
    const char *name;
} cat_names[] = {
    { CAT_CONTENT, "content" },
    { CAT_SUBSCRIBER, "subscriber" },
    { CAT_TRANSACTIONAL, "transactional" },
};
#define CAT_NAME_COUNT (sizeof cat_names / sizeof cat_names[0])

request_t *request_new(void)
{
    return calloc(1, sizeof(request_t));
}

void request_clear(request_t *self)
{
    if (!self)
        return;
    free(self->message_id);
    free(self->from);
    free(self->subject);
    free(self->issuing_agency);
    free(self->issuing_country);
    free(self->requesting_country);
    free(self->reference);
    for (size_t i = 0; i < self->account_count; i++)
        free(self->accounts[i]);
    free(self->accounts);
    memset(self, 0, sizeof *self);
}

void request_destroy(request_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    request_clear(*self_p);
    free(*self_p);
    *self_p = NULL;
}

const char *request_type_name(request_type_t type)
{
    if ((int)type < 0 || type >= REQ_TYPE_COUNT)
        return type_names[REQ_UNKNOWN];
    return type_names[type];
}

request_type_t request_type_from_name(const char *name)
{
    if (!name)
        return REQ_TYPE_COUNT;
    for (int i = 0; i < REQ_TYPE_COUNT; i++)
        if (strcmp(type_names[i], name) == 0)
            return (request_type_t)i;
    return REQ_TYPE_COUNT;
}

const char *request_category_name(unsigned cat_bit)
{
    for (size_t i = 0; i < CAT_NAME_COUNT; i++)
        if (cat_names[i].bit == cat_bit)
            return cat_names[i].name;
    return NULL;
}

unsigned request_category_from_name(const char *name)
{
    if (!name)
        return 0;
    for (size_t i = 0; i < CAT_NAME_COUNT; i++)
        if (strcmp(cat_names[i].name, name) == 0)
            return cat_names[i].bit;
    return 0;
}

int request_add_account(request_t *self, const char *account)
{
    if (!self || !account || !*account)
        return 0;
    char *lower = strdup(account);
    if (!lower)
        return -1;
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);

    /* Binary search for the insertion point; byte order is the contract's
     * "sorted" (it is what the labels use: "a2@x" < "a@x"). */
    size_t lo = 0, hi = self->account_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(self->accounts[mid], lower);
        if (c == 0) {
            free(lower);
            return 0;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    char **grown = realloc(self->accounts, (self->account_count + 1) * sizeof *grown);
    if (!grown) {
        free(lower);
        return -1;
    }
    self->accounts = grown;
    memmove(&grown[lo + 1], &grown[lo], (self->account_count - lo) * sizeof *grown);
    grown[lo] = lower;
    self->account_count++;
    return 0;
}

void request_set_string(char **field, const char *value)
{
    if (!field)
        return;
    char *copy = value ? strdup(value) : NULL;
    free(*field);
    *field = copy;
}

/* A JSON string, or null for NULL / "" (the contract's "absent"). */
static json_t *str_or_null(const char *s)
{
    if (!s || !*s)
        return json_null();
    json_t *j = json_string(s);
    /* json_string refuses invalid UTF-8; never lose the key because of it. */
    return j ? j : json_null();
}

static json_t *auth_json(const request_auth_t *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "spf", str_or_null(a->spf));
    json_object_set_new(o, "dkim", str_or_null(a->dkim));
    json_object_set_new(o, "dmarc", str_or_null(a->dmarc));
    json_object_set_new(o, "known_agency", json_boolean(a->known_agency));
    json_object_set_new(o, "verified", json_boolean(a->verified));
    json_object_set_new(o, "agency_country", str_or_null(a->agency_country));
    return o;
}

char *request_to_json(const request_t *self, bool include_auth)
{
    if (!self)
        return NULL;
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "message_id", str_or_null(self->message_id));
    json_object_set_new(o, "from", str_or_null(self->from));
    json_object_set_new(o, "subject", str_or_null(self->subject));
    json_object_set_new(o, "request_type", json_string(request_type_name(self->type)));
    json_object_set_new(o, "issuing_agency", str_or_null(self->issuing_agency));
    json_object_set_new(o, "issuing_country", str_or_null(self->issuing_country));
    json_object_set_new(o, "requesting_country", str_or_null(self->requesting_country));
    json_object_set_new(o, "reference", str_or_null(self->reference));

    json_t *acc = json_array();
    for (size_t i = 0; i < self->account_count; i++)
        json_array_append_new(acc, str_or_null(self->accounts[i]));
    json_object_set_new(o, "accounts", acc);

    json_t *cats = json_array();
    for (size_t i = 0; i < CAT_NAME_COUNT; i++)
        if (self->categories & cat_names[i].bit)
            json_array_append_new(cats, json_string(cat_names[i].name));
    json_object_set_new(o, "data_categories", cats);

    json_t *nd = json_object();
    json_object_set_new(nd, "present", json_boolean(self->nondisclosure));
    json_object_set_new(nd, "until", str_or_null(self->nondisclosure_until));
    json_object_set_new(o, "nondisclosure", nd);

    json_object_set_new(o, "deadline", str_or_null(self->deadline));
    json_object_set_new(o, "emergency", json_boolean(self->emergency));
    if (include_auth)
        json_object_set_new(o, "authenticity", auth_json(&self->auth));

    char *out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return out;
}

char *request_requester_text(const request_t *self)
{
    const char *agency = self && self->issuing_agency && *self->issuing_agency
                             ? self->issuing_agency
                             : "agency unknown";
    const char *serving = self && self->issuing_country && *self->issuing_country
                              ? self->issuing_country
                              : NULL;
    const char *asking = self && self->requesting_country && *self->requesting_country
                             ? self->requesting_country
                             : NULL;
    /* A treaty request recorded before requesting_country existed: the
     * serving state is not the agency's, so it is only ever "via". */
    bool foreign = asking ? (serving && strcmp(asking, serving) != 0)
                          : (self && self->type == REQ_MLAT_REQUEST);
    size_t need = strlen(agency) + 32;
    char *out = malloc(need);
    if (!out)
        return NULL;
    if (foreign && asking)
        snprintf(out, need, "%s, %s, via %s", agency, asking, serving ? serving : "?");
    else if (foreign)
        snprintf(out, need, "%s, via %s", agency, serving ? serving : "?");
    else if (asking || serving)
        snprintf(out, need, "%s, %s", agency, asking ? asking : serving);
    else
        snprintf(out, need, "%s", agency);
    return out;
}

/* Cuts *field to at most max bytes without splitting a UTF-8 sequence. */
static bool cut_string(char *field, size_t max)
{
    if (!field || strlen(field) <= max)
        return false;
    size_t n = max;
    while (n > 0 && ((unsigned char)field[n] & 0xC0) == 0x80)
        n--;
    field[n] = '\0';
    return true;
}

bool request_enforce_limits(request_t *self)
{
    bool cut = false;
    /* RFC 5322 lines are at most 998 bytes: no real id or address is
     * longer; a subject can be, so it gets the general field limit. */
    cut |= cut_string(self->message_id, 998);
    cut |= cut_string(self->from, 320);
    cut |= cut_string(self->subject, REQUEST_MAX_FIELD);
    cut |= cut_string(self->issuing_agency, 256);
    cut |= cut_string(self->reference, 256);
    if (self->issuing_country && strlen(self->issuing_country) != 2) {
        request_set_string(&self->issuing_country, NULL);
        cut = true;
    }
    if (self->requesting_country && strlen(self->requesting_country) != 2) {
        request_set_string(&self->requesting_country, NULL);
        cut = true;
    }
    /* No address is longer than 254 bytes (RFC 5321): drop, don't cut,
     * so the list stays unique. */
    size_t kept = 0;
    for (size_t i = 0; i < self->account_count; i++) {
        if (strlen(self->accounts[i]) > 254) {
            free(self->accounts[i]);
            cut = true;
        } else
            self->accounts[kept++] = self->accounts[i];
    }
    self->account_count = kept;
    if (self->account_count > REQUEST_MAX_ACCOUNTS) {
        for (size_t i = REQUEST_MAX_ACCOUNTS; i < self->account_count; i++)
            free(self->accounts[i]);
        self->account_count = REQUEST_MAX_ACCOUNTS;
        cut = true;
    }
    self->over_limits |= cut;
    return cut;
}
