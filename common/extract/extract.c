/* extract.c -- extract_request(): normalizes the text once, builds the
 * text view once and runs every field's extractor over it (fields.h).
 */
#include "extract.h"
#include "fields.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    request_t *req;
    int rc;
} add_ctx_t;

static void add_to_request(void *ctx, const char *account)
{
    add_ctx_t *a = ctx;
    if (request_add_account(a->req, account) != 0)
        a->rc = -1;
}

static bool parse_iso(const char *s, date_t *d)
{
    return s && strlen(s) == 10 && date_parse_at(s, 10, d) == 10 && date_valid(d);
}

int extract_request(const extract_input_t *in, request_t *out)
{
    if (!in || !out)
        return -1;
    size_t n;
    char *t = extract_normalize(in->text, in->text ? in->len : 0, &n);
    if (!t)
        return -1;
    text_view_t v;
    if (!text_view_init(&v, t, n)) {
        free(t);
        return -1;
    }
    out->type = type_of(&v, in->subject);

    char cc[3] = "";
    char *agency =
        agency_of(&v, in->subject, in->sender, known_agencies(in->agencies), cc);
    free(out->issuing_agency);
    out->issuing_agency = agency;
    free(out->issuing_country);
    out->issuing_country = country_of(&v, out->type, cc, in->sender);
    free(out->requesting_country);
    out->requesting_country = requesting_country_of(&v, in->subject, out->type,
                                                    out->issuing_country, cc, in->sender);
    free(out->reference);
    out->reference = reference_of(&v, in->subject);

    add_ctx_t a = { .req = out, .rc = 0 };
    extract_accounts(in, t, n, add_to_request, &a);
    out->categories = categories_of(&v);

    /* Numeric dates read month-first in US requests, day-first in those
     * from agencies abroad ("Date: 03/02/2025" from the NCA). */
    bool day_first = cc[0] && strcmp(cc, "US") != 0;
    date_t letter;
    bool have_letter =
        letter_date_of(&v, day_first, &letter) || parse_iso(in->mail_date, &letter);
    const date_t *ld = have_letter ? &letter : NULL;
    out->nondisclosure =
        nondisclosure_of(&v, out->type, ld, day_first, out->nondisclosure_until);
    deadline_of(&v, ld, day_first, out->deadline);
    out->emergency = emergency_of(&v, out->type);
    text_view_free(&v);
    free(t);
    return a.rc;
}
