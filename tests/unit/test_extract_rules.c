/* test_extract_rules.c -- one or more tests per extraction rule, on small
 * example messages written for these tests (not the labelled samples):
 * request types by citation and wording, agencies and countries,
 * references, accounts, data categories, gag provisions, deadlines,
 * emergency claims, date forms and arithmetic, German / ISO-8859-1 mail,
 * inputs that are not mail, and hostile inputs that must not crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "extract.h"
#include "mail.h"
#include "parse.h"
#include "request.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

static parse_status_t parse_raw(const char *raw, size_t len, request_t *r)
{
    parse_settings_t s;
    parse_settings_default(&s);
    char err[256];
    memset(r, 0, sizeof *r);
    return parse_message(&s, raw, len, r, err, sizeof err);
}

/* A plain-text message from `from` with `subject` and `body`. */
static void parse_mail(const char *from, const char *subject, const char *body,
                       request_t *r)
{
    size_t need = strlen(from) + strlen(subject) + strlen(body) + 512;
    char *raw = malloc(need);
    assert_non_null(raw);
    int n = snprintf(raw, need,
                     "From: Sender <%s>\n"
                     "To: legal-requests@northwind-cloud.example\n"
                     "Subject: %s\n"
                     "Date: Mon, 3 Mar 2025 10:00:00 -0500\n"
                     "Message-ID: <test-1@example.test>\n"
                     "MIME-Version: 1.0\n"
                     "Content-Type: text/plain; charset=utf-8\n"
                     "Content-Transfer-Encoding: 8bit\n"
                     "\n%s",
                     from, subject, body);
    assert_int_equal(parse_raw(raw, (size_t)n, r), PARSE_OK);
    free(raw);
}

static void assert_type(const char *subject, const char *body,
                        request_type_t want)
{
    request_t r;
    parse_mail("agent@fbi.gov", subject, body, &r);
    if (r.type != want)
        fail_msg("type %s, want %s for: %s", request_type_name(r.type),
                 request_type_name(want), body);
    request_clear(&r);
}

static bool has_account(const request_t *r, const char *a)
{
    for (size_t i = 0; i < r->account_count; i++)
        if (strcmp(r->accounts[i], a) == 0)
            return true;
    return false;
}

static unsigned cats_of(const char *text)
{
    size_t n;
    char *t = extract_normalize(text, strlen(text), &n);
    unsigned c = extract_categories(t, n);
    free(t);
    return c;
}

static date_t ymd(int y, int m, int d)
{
    return (date_t){y, m, d};
}

static void assert_date(date_t d, const char *want)
{
    char buf[11];
    date_format(&d, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void assert_parses(const char *text, const char *want)
{
    date_t d = {0, 0, 0};
    size_t n = date_parse_at(text, strlen(text), &d);
    if (!n)
        fail_msg("no date in \"%s\"", text);
    assert_date(d, want);
}

/* ------------------------------------------------------------------ */
/* request types                                                       */
/* ------------------------------------------------------------------ */

static void type_warrant_by_citation(void **state)
{
    (void)state;
    assert_type("Legal process for account",
                "Pursuant to 18 U.S.C. 2703(a), (b)(1)(A) and (c)(1)(A), the "
                "Court authorizes the search of the account.\n",
                REQ_SEARCH_WARRANT);
    assert_type("Legal process",
                "This warrant is issued under 18 U.S.C. \xc2\xa7 2703(c)(1)(A) "
                "and Federal Rule of Criminal Procedure 41.\n",
                REQ_SEARCH_WARRANT);
    assert_type("Search and Seizure Warrant 25-MJ-77",
                "Please see the attached order.\n", REQ_SEARCH_WARRANT);
}

static void type_court_order(void **state)
{
    (void)state;
    assert_type("Order",
                "ORDER PURSUANT TO 18 U.S.C. \xc2\xa7 2703(d)\n\nThe Court finds "
                "specific and articulable facts. Executive Order 12333 is not "
                "relevant here.\n",
                REQ_COURT_ORDER);
    assert_type("Sealed order",
                "The Court ORDERS, under 18 U.S.C. \xc2\xa7 2705(b), that the "
                "provider shall not notify any person of the existence of the "
                "accompanying process.\n",
                REQ_COURT_ORDER);
    assert_type("Pen register",
                "Order authorizing the installation of a pen register and trap "
                "and trace device, 18 U.S.C. \xc2\xa7 3123.\n",
                REQ_COURT_ORDER);
}

static void type_preservation(void **state)
{
    (void)state;
    assert_type("Records",
                "Pursuant to 18 U.S.C. 2703(f), please preserve all records "
                "pending the issuance of a court order or search warrant.\n",
                REQ_PRESERVATION_REQUEST);
}

static void type_nsl(void **state)
{
    (void)state;
    assert_type("Letter",
                "Under the authority of 18 U.S.C. \xc2\xa7 2709 you are directed "
                "to provide electronic communication transactional records.\n",
                REQ_NATIONAL_SECURITY_LETTER);
    assert_type("NSL-SF-2025-00017", "Please see the attached letter.\n",
                REQ_NATIONAL_SECURITY_LETTER);
}

static void type_emergency(void **state)
{
    (void)state;
    assert_type("Request",
                "Emergency disclosure under 18 U.S.C. 2702(b)(8) and 2702(c)(4): "
                "a child has been abducted.\n",
                REQ_EMERGENCY_REQUEST);
    assert_type("Request",
                "This is not an emergency request. Under 18 U.S.C. 2703(c)(2) "
                "this grand jury subpoena asks for subscriber information.\n",
                REQ_SUBPOENA);
}

static void type_mlat(void **state)
{
    (void)state;
    assert_type("Assistance",
                "Letters rogatory from the Republic of France, transmitted "
                "through the Central Authority of the United States.\n",
                REQ_MLAT_REQUEST);
    assert_type("Rechtshilfeersuchen",
                "Die Staatsanwaltschaft bittet um Rechtshilfe.\n",
                REQ_MLAT_REQUEST);
    assert_type("Request",
                "Pursuant to the Treaty on Mutual Legal Assistance in Criminal "
                "Matters, a search warrant was obtained for the account.\n",
                REQ_MLAT_REQUEST);
}

static void type_subpoena(void **state)
{
    (void)state;
    assert_type("Records", "SUBPOENA TO TESTIFY BEFORE A GRAND JURY\n",
                REQ_SUBPOENA);
    assert_type("Records",
                "YOU ARE HEREBY REQUIRED, pursuant to 21 U.S.C. \xc2\xa7 876, to "
                "produce the records described below.\n",
                REQ_SUBPOENA);
    assert_type("Administrative subpoena 2025-114",
                "Please produce the records.\n", REQ_SUBPOENA);
}

static void type_unknown(void **state)
{
    (void)state;
    assert_type("quick question",
                "Hi, could you tell us who owns this account? In order to "
                "follow up we need a name.\n",
                REQ_UNKNOWN);
}

/* ------------------------------------------------------------------ */
/* agency, country, reference                                          */
/* ------------------------------------------------------------------ */

static void agency_federal_and_local(void **state)
{
    (void)state;
    request_t r;
    parse_mail("jdoe@atf.gov", "Subpoena",
               "Bureau of Alcohol, Tobacco, Firearms and Explosives (ATF)\n"
               "Subpoena No. ATF-25-0042\n",
               &r);
    assert_string_equal(r.issuing_agency, "ATF");
    assert_string_equal(r.issuing_country, "US");
    assert_string_equal(r.reference, "ATF-25-0042");
    request_clear(&r);

    parse_mail("records@hcso.example", "Preservation",
               "HARRIS COUNTY SHERIFF'S OFFICE\n\nThe Harris County Sheriff\xe2\x80\x99s "
               "Office requests preservation under 18 U.S.C. 2703(f).\n"
               "Case Number: 25-00913\n",
               &r);
    assert_string_equal(r.issuing_agency, "Harris County Sheriff's Office");
    assert_string_equal(r.issuing_country, "US");
    assert_string_equal(r.reference, "25-00913");
    request_clear(&r);

    parse_mail("det@example.org", "Records",
               "I am a detective with the Lake Orion Police Department.\n",
               &r);
    assert_string_equal(r.issuing_agency, "Lake Orion Police Department");
    assert_string_equal(r.issuing_country, "US");
    request_clear(&r);

    /* ICE named with its component: the component asked. */
    parse_mail("a@example.org", "Subpoena",
               "U.S. Immigration and Customs Enforcement\n"
               "Homeland Security Investigations\nAdministrative subpoena\n",
               &r);
    assert_string_equal(r.issuing_agency, "HSI");
    request_clear(&r);
}

static void agency_by_sender_domain(void **state)
{
    (void)state;
    request_t r;
    /* A joint investigation: the sender's agency is the requester. */
    parse_mail("agent@dea.gov", "Subpoena",
               "Investigation by the FBI and the Drug Enforcement "
               "Administration.\nPlease produce the records.\n",
               &r);
    assert_string_equal(r.issuing_agency, "DEA");
    request_clear(&r);
}

static void country_mlat_requested_state(void **state)
{
    (void)state;
    request_t r;
    parse_mail("mla@nca.gov.uk", "Letter of Request",
               "Our reference: NCA/25/77\nThe National Crime Agency asks, via the "
               "UK Central Authority, that this request be executed in the "
               "United States.\n",
               &r);
    assert_int_equal(r.type, REQ_MLAT_REQUEST);
    assert_string_equal(r.issuing_agency, "NCA");
    assert_string_equal(r.issuing_country, "US");
    assert_string_equal(r.reference, "NCA/25/77");
    request_clear(&r);

    /* A foreign agency's direct (non-treaty) request: its own state. */
    parse_mail("x@rcmp-grc.gc.ca", "Preservation request",
               "The Royal Canadian Mounted Police requests preservation.\n", &r);
    assert_string_equal(r.issuing_agency, "RCMP");
    assert_string_equal(r.issuing_country, "CA");
    request_clear(&r);
}

/* requesting_country: for an MLAT the foreign state that asked, found
 * from the agency, from what the letter says, or from the sender's
 * national domain -- never the requested state; else issuing_country. */
static void requesting_country_rules(void **state)
{
    (void)state;
    request_t r;
    /* The agency named: its country. */
    parse_mail("mla@nca.gov.uk", "Letter of Request",
               "The National Crime Agency asks, via the UK Central Authority, "
               "that this request be executed in the United States.\n", &r);
    assert_string_equal(r.issuing_country, "US");
    assert_string_equal(r.requesting_country, "GB");
    request_clear(&r);

    /* Transmitted by the Justice Department, no agency the parser knows:
     * the state the letter names as asking. */
    parse_mail("oia.mla-service@usdoj.gov", "Mutual legal assistance",
               "Pursuant to the Treaty on Mutual Legal Assistance, the "
               "Requesting State: Republic of Korea asks the United States "
               "to obtain the subscriber records of kim@northmail.example.\n",
               &r);
    assert_int_equal(r.type, REQ_MLAT_REQUEST);
    assert_string_equal(r.issuing_country, "US");
    assert_string_equal(r.requesting_country, "KR");
    request_clear(&r);

    parse_mail("oia.mla-service@usdoj.gov", "MLAT request",
               "This Office transmits a request for mutual legal assistance "
               "made on behalf of the competent authorities of Portugal for "
               "records of ana@northmail.example.\n", &r);
    assert_string_equal(r.requesting_country, "PT");
    request_clear(&r);

    /* Where it is to be executed decides the requested state, even when
     * the foreign central authority is named first. */
    parse_mail("mla@justicia.example.es", "Mutual legal assistance request",
               "The Central Authority of Spain requests that this mutual "
               "legal assistance request be executed in the United States "
               "for the records of x@northmail.example.\n", &r);
    assert_string_equal(r.issuing_country, "US");
    assert_string_equal(r.requesting_country, "ES");
    request_clear(&r);

    /* The foreign central authority that sent it; the requested state's
     * own central authority is not the asker. */
    parse_mail("oia.mla-service@usdoj.gov", "MLAT request",
               "The Central Authority of the United States transmits this "
               "request for mutual legal assistance from the Central "
               "Authority of Spain for records of x@northmail.example.\n",
               &r);
    assert_string_equal(r.issuing_country, "US");
    assert_string_equal(r.requesting_country, "ES");
    request_clear(&r);

    /* "the Swiss authorities": a nationality before the authority. */
    parse_mail("oia.mla-service@usdoj.gov", "MLAT request",
               "The Swiss authorities are investigating fraud and ask, under "
               "the mutual legal assistance treaty, for records of "
               "x@northmail.example.\n", &r);
    assert_string_equal(r.requesting_country, "CH");
    request_clear(&r);

    /* Only the sender's national domain says who asked. */
    parse_mail("rechtshilfe@justiz.example.at", "Rechtshilfeersuchen / MLAT",
               "Mutual legal assistance request for x@northmail.example.\n",
               &r);
    assert_int_equal(r.type, REQ_MLAT_REQUEST);
    assert_string_equal(r.requesting_country, "AT");
    request_clear(&r);

    /* Nothing says which state asked: null, never the requested state. */
    parse_mail("someone@mail.example.com", "MLAT request",
               "Mutual legal assistance request for x@northmail.example.\n",
               &r);
    assert_string_equal(r.issuing_country, "US");
    assert_null(r.requesting_country);
    request_clear(&r);

    /* Any other request: the issuing state. */
    parse_mail("x@rcmp-grc.gc.ca", "Preservation request",
               "The Royal Canadian Mounted Police requests preservation.\n", &r);
    assert_string_equal(r.issuing_country, "CA");
    assert_string_equal(r.requesting_country, "CA");
    request_clear(&r);
    parse_mail("agent@fbi.gov", "Subpoena",
               "Grand jury subpoena for records of x@northmail.example.\n", &r);
    assert_string_equal(r.requesting_country, "US");
    request_clear(&r);
}

/* Local prosecutors are named as written, like police departments: the
 * "PD" abbreviation check once took "Prosecutor's Office" for one (both
 * start with "p") and dropped it. */
static void agency_local_prosecutors(void **state)
{
    (void)state;
    static const char *const offices[] = {
        "Cook County Prosecutor's Office", "Kings County District Attorney's Office",
        "Maricopa County Attorney's Office", "Palm Beach State Attorney's Office",
        NULL};
    for (int i = 0; offices[i]; i++) {
        request_t r;
        char body[512];
        snprintf(body, sizeof body, "The %s requests, by the attached grand "
                 "jury subpoena, the subscriber information of "
                 "x@northmail.example.\n", offices[i]);
        parse_mail("investigator@example-county.org", "Subpoena", body, &r);
        if (!r.issuing_agency || strcmp(r.issuing_agency, offices[i]) != 0)
            fail_msg("%s -> %s", offices[i],
                     r.issuing_agency ? r.issuing_agency : "null");
        request_clear(&r);
    }
    /* The abbreviation itself still counts only in capitals. */
    request_t r;
    parse_mail("det@example-city.org", "Subpoena",
               "Riverbend PD requests the subscriber information of "
               "x@northmail.example under the attached subpoena.\n", &r);
    assert_non_null(r.issuing_agency);
    assert_string_equal(r.issuing_agency, "Riverbend PD");
    request_clear(&r);
}

static void reference_labels(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"Case No. 2:25-mj-00412\n", "2:25-mj-00412"},
        {"In re Case No. 14 Mag. 2211 (S.D.N.Y.)\n", "14 Mag. 2211"},
        {"Case Number: 25 MJ 118\n", "25 MJ 118"},
        {"Case #: 25-33801.\n", "25-33801"},
        {"Please reference the case number. Ref: LE/2025/0091\n",
         "LE/2025/0091"},
        {"Aktenzeichen: 7 Js 1234/24\n", "7 Js 1234/24"},
        {"Az.: 7Js1234/24\n", "7Js1234/24"},
        {"Gesch\xc3\xa4""ftszeichen (reference): ST-25-0912\n", "ST-25-0912"},
        {"Your reference: NWC-LE-5521\nOur reference: MLA/25/0331\n",
         "MLA/25/0331"},
        {"Our case number is 25-004411.\n", "25-004411"},
        {"We do not have a case number yet.\n", NULL},
        {"Docket No. CR 25-1187\n", "CR 25-1187"},
        {"Agency case number:   HCSO-25-1001\n", "HCSO-25-1001"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *ref = extract_reference(cases[i].text, strlen(cases[i].text), NULL);
        if (!cases[i].want) {
            if (ref)
                fail_msg("unexpected reference \"%s\" in %s", ref, cases[i].text);
        } else if (!ref || strcmp(ref, cases[i].want) != 0) {
            fail_msg("reference \"%s\", want \"%s\" in %s", ref ? ref : "(null)",
                     cases[i].want, cases[i].text);
        }
        free(ref);
    }
    /* Nothing labelled in the text: an identifier in the subject. */
    char *ref = extract_reference("Please see below.", 17, "Fwd: NSL-LA-2025-00412");
    assert_string_equal(ref, "NSL-LA-2025-00412");
    free(ref);
}

/* ------------------------------------------------------------------ */
/* accounts                                                            */
/* ------------------------------------------------------------------ */

static void accounts_fold_dedupe_exclude(void **state)
{
    (void)state;
    request_t r;
    parse_mail("Agent.Smith@fbi.gov", "Warrant",
               "Search warrant for:\n  Target.One@ExampleMail.example\n"
               "  target.one@examplemail.example\n  b2@other.example.\n"
               "Send records to agent.smith@fbi.gov or to my colleague "
               "jane.roe@fbi.gov, cc the AUSA at john.q@usdoj.gov.\n"
               "Served on legal-requests@northwind-cloud.example and "
               "support@mail.northwind-cloud.example.\n",
               &r);
    assert_int_equal(r.account_count, 2);
    assert_string_equal(r.accounts[0], "b2@other.example");
    assert_string_equal(r.accounts[1], "target.one@examplemail.example");
    request_clear(&r);
}

static void accounts_freemail_requester(void **state)
{
    (void)state;
    request_t r;
    /* A requester on free mail does not make its other users colleagues. */
    parse_mail("officer.x@gmail.com", "Emergency",
               "Emergency disclosure request for suspect.y@gmail.com\n", &r);
    assert_int_equal(r.account_count, 1);
    assert_string_equal(r.accounts[0], "suspect.y@gmail.com");
    request_clear(&r);
}

static void accounts_html_mailto(void **state)
{
    (void)state;
    const char *raw =
        "From: a@dea.gov\nTo: legal-requests@northwind-cloud.example\n"
        "Subject: Subpoena\nDate: Tue, 1 Apr 2025 09:00:00 +0000\n"
        "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        "<html><body><p>Account: <a href=\"mailto:Hidden.Target@Example.COM\">"
        "the target</a></p><p>Also <a href=\"mailto:seen@example.com\">"
        "seen&#64;example.com</a> &amp; nothing else.</p></body></html>\n";
    request_t r;
    assert_int_equal(parse_raw(raw, strlen(raw), &r), PARSE_OK);
    assert_int_equal(r.account_count, 2);
    assert_true(has_account(&r, "hidden.target@example.com"));
    assert_true(has_account(&r, "seen@example.com"));
    request_clear(&r);
}

static void request_account_set(void **state)
{
    (void)state;
    request_t *r = request_new();
    assert_int_equal(request_add_account(r, "b@x.example"), 0);
    assert_int_equal(request_add_account(r, "A@X.example"), 0);
    assert_int_equal(request_add_account(r, "a@x.example"), 0);
    assert_int_equal(request_add_account(r, "a2@x.example"), 0);
    assert_int_equal(r->account_count, 3);
    assert_string_equal(r->accounts[0], "a2@x.example");
    assert_string_equal(r->accounts[1], "a@x.example");
    assert_string_equal(r->accounts[2], "b@x.example");
    request_destroy(&r);
    assert_null(r);
}

/* ------------------------------------------------------------------ */
/* data categories                                                     */
/* ------------------------------------------------------------------ */

static void categories_phrases(void **state)
{
    (void)state;
    assert_int_equal(cats_of("Please provide basic subscriber information."),
                     CAT_SUBSCRIBER);
    assert_int_equal(cats_of("the name, address, length of service of the user"),
                     CAT_SUBSCRIBER);
    assert_int_equal(cats_of("all electronic communication transactional records"),
                     CAT_TRANSACTIONAL);
    assert_int_equal(cats_of("the contents of communications in the account"),
                     CAT_CONTENT);
    assert_int_equal(cats_of("all e-mails, attachments, photos and files"),
                     CAT_CONTENT);
    assert_int_equal(cats_of("IP addresses used to access the account and the "
                             "address book"),
                     CAT_TRANSACTIONAL);
    assert_int_equal(cats_of("the IP address used at sign-up and billing details"),
                     CAT_SUBSCRIBER);
    assert_int_equal(cats_of("subscriber name and local and long distance toll "
                             "billing records"),
                     CAT_SUBSCRIBER | CAT_TRANSACTIONAL);
    assert_int_equal(cats_of("Dear colleagues, please find the letter attached."),
                     0);
}

static void categories_negations(void **state)
{
    (void)state;
    assert_int_equal(cats_of("All records (not including the contents of "
                             "communications), including log files."),
                     CAT_TRANSACTIONAL);
    assert_int_equal(cats_of("Subscriber information only. Do not produce the "
                             "contents of any communications."),
                     CAT_SUBSCRIBER);
    assert_int_equal(cats_of("Content of communications is not requested; "
                             "provide login history."),
                     CAT_TRANSACTIONAL);
    assert_int_equal(cats_of("Provide the account records without the contents "
                             "of messages: login history."),
                     CAT_TRANSACTIONAL);
    assert_int_equal(cats_of("We are not requesting content at this time; we "
                             "request only the subscriber information."),
                     CAT_SUBSCRIBER);
    assert_int_equal(cats_of("including, but not limited to, the contents of "
                             "all e-mails"),
                     CAT_CONTENT);
    /* The requester's own contact details are not asked-for data. */
    assert_int_equal(cats_of("The name, address, e-mail, and telephone number "
                             "of the attorney who requests this subpoena are: "
                             "AUSA Doe."),
                     0);
}

/* ------------------------------------------------------------------ */
/* nondisclosure                                                       */
/* ------------------------------------------------------------------ */

static void gag_check(const char *text, request_type_t type, bool present,
                      const char *until)
{
    size_t n;
    char *t = extract_normalize(text, strlen(text), &n);
    date_t ld;
    const date_t *lp = extract_letter_date(t, n, false, &ld) ? &ld : NULL;
    char got[11];
    bool p = extract_nondisclosure(t, n, type, lp, false, got);
    free(t);
    if (p != present || strcmp(got, until) != 0)
        fail_msg("gag %d until \"%s\", want %d \"%s\" for: %s", p, got, present,
                 until, text);
}

static void nondisclosure_rules(void **state)
{
    (void)state;
    gag_check("Dated: March 3, 2025\nPursuant to 18 U.S.C. 2705(b), the Provider "
              "shall not disclose the existence of this Order until June 30, "
              "2025.\n",
              REQ_COURT_ORDER, true, "2025-06-30");
    gag_check("Date: March 3, 2025\nThe Provider shall not notify any person of "
              "this warrant for one year from the date of this Order.\n",
              REQ_SEARCH_WARRANT, true, "2026-03-03");
    gag_check("Date: 2024-02-29\nFor a period of 180 days from the date of this "
              "Order, the provider shall not inform the subscriber.\n",
              REQ_COURT_ORDER, true, "2024-08-27");
    gag_check("Date: January 31, 2025\nThe provider is ordered not to disclose "
              "this subpoena for ninety (90) days from the date of this Order.\n",
              REQ_SUBPOENA, true, "2025-05-01");
    gag_check("Date: March 3, 2025\nThe provider shall not disclose the existence "
              "of this warrant until further order of the Court.\n",
              REQ_SEARCH_WARRANT, true, "");
    gag_check("Date: March 3, 2025\nPROHIBITION ON DISCLOSURE - 18 U.S.C. 2709(c)\n"
              "You may not tell anyone, for one year, that the FBI sought records.\n",
              REQ_NATIONAL_SECURITY_LETTER, true, "");
    gag_check("The requesting state asks that the account holder not be "
              "notified of this request.\n",
              REQ_MLAT_REQUEST, true, "");
    gag_check("This letter is not a request for disclosure; please do not send "
              "records at this time.\n",
              REQ_PRESERVATION_REQUEST, false, "");
    gag_check("There is no nondisclosure order; you may notify the subscriber.\n",
              REQ_SUBPOENA, false, "");
}

/* ------------------------------------------------------------------ */
/* deadlines                                                           */
/* ------------------------------------------------------------------ */

static void deadline_check(const char *text, bool day_first, const char *want)
{
    size_t n;
    char *t = extract_normalize(text, strlen(text), &n);
    date_t ld;
    const date_t *lp = extract_letter_date(t, n, day_first, &ld) ? &ld : NULL;
    char got[11];
    extract_deadline(t, n, lp, day_first, got);
    free(t);
    if (strcmp(got, want) != 0)
        fail_msg("deadline \"%s\", want \"%s\" for: %s", got, want, text);
}

static void deadline_rules(void **state)
{
    (void)state;
    deadline_check("Produce the records no later than April 1, 2025.\n", false,
                   "2025-04-01");
    deadline_check("Please respond on or before 2025-04-15. Thank you.\n", false,
                   "2025-04-15");
    deadline_check("Kindly provide the records by 30 April 2025, quoting our "
                   "reference.\n",
                   false, "2025-04-30");
    deadline_check("Date: March 3, 2025\nFurnish the records within ten (10) "
                   "calendar days of the date of this letter.\n",
                   false, "2025-03-13");
    deadline_check("Date of this letter: 03/28/2025\nPlease produce the records "
                   "within 14 days of receipt of this letter.\n",
                   false, "2025-04-11");
    deadline_check("Date: 03/02/2025\nPlease reply within 28 days of the date of "
                   "this letter.\n",
                   true, "2025-03-03");
    deadline_check("Wiesbaden, 2. Mai 2025\nBitte antworten Sie bis zum 30. Mai "
                   "2025.\n",
                   true, "2025-05-30");
    /* A preservation period is no deadline, an hour has no anchor. */
    deadline_check("Date: March 3, 2025\nPlease preserve these records for a "
                   "period of 90 days.\n",
                   false, "");
    deadline_check("Please respond within 1 hour of receipt.\n", false, "");
    deadline_check("Signed by the judge on March 3, 2025.\n", false, "");
    /* Grand-jury form: records due on the date of appearance. */
    deadline_check("YOU ARE COMMANDED to appear at the time, date, and place "
                   "shown below.\nDate and Time: 05/06/2025 10:00 a.m.\nYou may "
                   "comply by producing the records on or before the date of "
                   "appearance.\n\nDate: 04/01/2025\n",
                   false, "2025-05-06");
}

/* ------------------------------------------------------------------ */
/* emergency                                                           */
/* ------------------------------------------------------------------ */

static void emergency_claims(void **state)
{
    (void)state;
    request_t r;
    parse_mail("sgt@pd.example", "Urgent",
               "EMERGENCY: a hostage is held at gunpoint; there is an imminent "
               "threat of death. Please call us.\n",
               &r);
    assert_true(r.emergency);
    assert_int_equal(r.type, REQ_UNKNOWN);
    request_clear(&r);

    parse_mail("sa@fbi.gov", "National Security Letter",
               "Under 18 U.S.C. 2709(c), disclosure may endanger the life or "
               "physical safety of any person. This is not an emergency.\n",
               &r);
    assert_false(r.emergency);
    assert_true(r.nondisclosure);
    request_clear(&r);

    parse_mail("sa@fbi.gov", "Search warrant",
               "The suspect threatened to kill a witness in 2019; no emergency "
               "exists now.\n",
               &r);
    assert_false(r.emergency);
    request_clear(&r);
}

/* ------------------------------------------------------------------ */
/* dates                                                               */
/* ------------------------------------------------------------------ */

static void dates_forms(void **state)
{
    (void)state;
    assert_parses("31 July 2014", "2014-07-31");
    assert_parses("31st July, 2014", "2014-07-31");
    assert_parses("July 31, 2014", "2014-07-31");
    assert_parses("Jul. 31 2014", "2014-07-31");
    assert_parses("Sept. 30, 2025", "2025-09-30");
    assert_parses("March 31,\n   2026", "2026-03-31");
    assert_parses("2014-07-31", "2014-07-31");
    assert_parses("07/31/2024", "2024-07-31");
    assert_parses("7/4/24", "2024-07-04");
    assert_parses("31/07/2024", "2024-07-31");
    assert_parses("31.07.2014", "2014-07-31");
    assert_parses("12. September 2024", "2024-09-12");
    assert_parses("1. Mai 2024", "2024-05-01");
    assert_parses("3. M\xc3\xa4rz 2025", "2025-03-03");
    assert_parses("14. Oktober 2003", "2003-10-14");
    assert_parses("4th day of December, 2013", "2013-12-04");

    date_t d;
    assert_int_equal(date_parse_at("February 30, 2024", 17, &d), 0);
    assert_int_equal(date_parse_at("13/13/2024", 10, &d), 0);
    assert_int_equal(date_parse_at("May not", 7, &d), 0);
    assert_true(date_parse_at_style("03/02/2025", 10, true, &d) > 0);
    assert_date(d, "2025-02-03");

    size_t s, e;
    const char *t = "Case 24-1090417 dated Tuesday, July 16, 2024 at noon";
    assert_true(date_find(t, strlen(t), &d, &s, &e));
    assert_date(d, "2024-07-16");
    assert_int_equal(s, 31);
}

static void dates_arithmetic(void **state)
{
    (void)state;
    assert_date(date_add_days(ymd(2024, 10, 2), 180), "2025-03-31");
    assert_date(date_add_days(ymd(2024, 12, 25), 10), "2025-01-04");
    assert_date(date_add_years(ymd(2024, 2, 29), 1), "2025-02-28");
    assert_date(date_add_years(ymd(2013, 12, 4), 1), "2014-12-04");
    assert_date(date_add_months(ymd(2025, 1, 31), 1), "2025-02-28");
    assert_date(date_add_months(ymd(2024, 11, 15), 3), "2025-02-15");
    /* Friday + 1 business day = Monday */
    assert_date(date_add_business_days(ymd(2025, 3, 7), 1), "2025-03-10");
    date_t bad = {2025, 2, 30};
    assert_false(date_valid(&bad));
    assert_false(date_valid(&(date_t){0, 0, 0}));
}

static void numbers_and_durations(void **state)
{
    (void)state;
    long v;
    assert_true(number_parse_at("fourteen (14) days", 18, &v) > 0);
    assert_int_equal(v, 14);
    assert_true(number_parse_at("ten days", 8, &v) > 0);
    assert_int_equal(v, 10);
    assert_true(number_parse_at("twenty-eight days", 17, &v) > 0);
    assert_int_equal(v, 28);
    assert_true(number_parse_at("one hundred eighty days", 23, &v) > 0);
    assert_int_equal(v, 180);
    assert_true(number_parse_at("180", 3, &v) > 0);
    assert_int_equal(v, 180);
    assert_int_equal(number_parse_at("3rd", 3, &v), 0);

    duration_t d;
    assert_true(duration_parse_at("one year from", 13, &d) > 0);
    assert_int_equal(d.unit, DUR_YEARS);
    assert_int_equal(d.n, 1);
    assert_true(duration_parse_at("ten (10) business days", 22, &d) > 0);
    assert_int_equal(d.unit, DUR_BUSINESS_DAYS);
    assert_int_equal(d.n, 10);
    assert_true(duration_parse_at("a 90-day period", 15, &d) == 0);
    assert_true(duration_parse_at("90-day period", 13, &d) > 0);
    assert_int_equal(d.n, 90);
    assert_true(duration_parse_at("1 hour", 6, &d) > 0);
    assert_int_equal(d.unit, DUR_HOURS);
}

/* ------------------------------------------------------------------ */
/* whole messages: German / ISO-8859-1, forwards, HTML                 */
/* ------------------------------------------------------------------ */

static void german_latin1_message(void **state)
{
    (void)state;
    const char *raw =
        "From: =?ISO-8859-1?Q?LKA_Referat_M=FCnchen?= <ermittlung@polizei.bayern.de>\n"
        "To: legal-requests@northwind-cloud.example\n"
        "Subject: =?ISO-8859-1?Q?Rechtshilfeersuchen_Gesch=E4ftszeichen_LKA-25-17?=\n"
        "Date: Wed, 2 Apr 2025 09:00:00 +0200\n"
        "Message-ID: <de-1@polizei.bayern.de>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "Landeskriminalamt\n\nM=FCnchen, 1. April 2025\n\n"
        "Aktenzeichen: LKA-25-17\n\n"
        "Im Ermittlungsverfahren bittet das Landeskriminalamt um Herausgabe der\n"
        "Bestandsdaten und Inhaltsdaten (gespeicherte E-Mails einschlie=DFlich\n"
        "Anh=E4nge) zum Konto Ziel.Person@Beispiel.example.\n"
        "Der Kontoinhaber ist nicht zu informieren.\n"
        "Bitte antworten Sie bis zum 30. April 2025.\n";
    request_t r;
    assert_int_equal(parse_raw(raw, strlen(raw), &r), PARSE_OK);
    assert_string_equal(r.subject, "Rechtshilfeersuchen Gesch\xc3\xa4""ftszeichen LKA-25-17");
    assert_int_equal(r.type, REQ_MLAT_REQUEST);
    assert_string_equal(r.issuing_agency, "LKA");
    assert_string_equal(r.issuing_country, "US");
    assert_string_equal(r.reference, "LKA-25-17");
    assert_int_equal(r.account_count, 1);
    assert_string_equal(r.accounts[0], "ziel.person@beispiel.example");
    assert_int_equal(r.categories, CAT_SUBSCRIBER | CAT_CONTENT);
    assert_true(r.nondisclosure);
    assert_string_equal(r.deadline, "2025-04-30");
    request_clear(&r);
}

static void inline_forward(void **state)
{
    (void)state;
    const char *raw =
        "From: Support Agent <s.agent@northwind-cloud.example>\n"
        "To: legal-requests@northwind-cloud.example\n"
        "Subject: Fwd: records request\n"
        "Date: Thu, 10 Apr 2025 12:00:00 +0000\n"
        "Message-ID: <fwd-1@northwind-cloud.example>\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Legal, please handle. Customer ticket for other.user@northmail.example\n"
        "was unrelated.\n\n"
        "---------- Forwarded message ---------\n"
        "From: Det. Ann Lee <ann.lee@springvalepd.example>\n"
        "Date: Wed, Apr 9, 2025 at 4:12 PM\n"
        "Subject: Subpoena 25-SV-0091\n"
        "To: <support@northwind-cloud.example>\n\n"
        "Springvale Police Department\n"
        "Please produce subscriber information for suspect9@northmail.example\n"
        "within 10 days of receipt. Questions to my partner b.ray@springvalepd.example.\n";
    request_t r;
    assert_int_equal(parse_raw(raw, strlen(raw), &r), PARSE_OK);
    assert_string_equal(r.from, "s.agent@northwind-cloud.example");
    assert_string_equal(r.subject, "Fwd: records request");
    assert_string_equal(r.message_id, "fwd-1@northwind-cloud.example");
    assert_int_equal(r.type, REQ_SUBPOENA);
    assert_string_equal(r.issuing_agency, "Springvale Police Department");
    assert_string_equal(r.reference, "25-SV-0091");
    assert_int_equal(r.account_count, 1);
    assert_string_equal(r.accounts[0], "suspect9@northmail.example");
    assert_string_equal(r.deadline, "2025-04-19");
    request_clear(&r);
}

static void rfc822_forward_and_alternative(void **state)
{
    (void)state;
    const char *raw =
        "From: ops@northwind-cloud.example\n"
        "To: legal-requests@northwind-cloud.example\n"
        "Subject: FW: letter\n"
        "Date: Thu, 10 Apr 2025 12:00:00 +0000\n"
        "Message-ID: <outer@northwind-cloud.example>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
        "--outer\nContent-Type: text/plain\n\nSee attached (order from court).\n"
        "--outer\nContent-Type: message/rfc822\n\n"
        "From: clerk@uscourts.gov\nTo: support@northwind-cloud.example\n"
        "Subject: Order 1:25-ec-00077\nDate: Wed, 9 Apr 2025 08:00:00 -0400\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/alternative; boundary=\"alt\"\n\n"
        "--alt\nContent-Type: text/plain\n\nView in HTML.\n"
        "--alt\nContent-Type: text/html; charset=utf-8\n\n"
        "<html><head><style>p{color:red}</style><script>var x='2703(f)';</script>"
        "</head><body><p>ORDER under 18 U.S.C. &sect;&nbsp;2703(d).</p>"
        "<table><tr><td>Case No.</td><td>1:25-ec-00077</td></tr></table>"
        "<p>Account: <b>Who@Where.example</b>; records of IP addresses used "
        "to log in.</p><p>Produce within seven days of the date of this "
        "Order.</p></body></html>\n"
        "--alt--\n"
        "--outer--\n";
    request_t r;
    assert_int_equal(parse_raw(raw, strlen(raw), &r), PARSE_OK);
    assert_string_equal(r.subject, "FW: letter");
    assert_int_equal(r.type, REQ_COURT_ORDER);
    assert_string_equal(r.reference, "1:25-ec-00077");
    assert_int_equal(r.account_count, 1);
    assert_string_equal(r.accounts[0], "who@where.example");
    assert_int_equal(r.categories, CAT_TRANSACTIONAL);
    /* no stated date: the forwarded message's Date header anchors it */
    assert_string_equal(r.deadline, "2025-04-16");
    request_clear(&r);
}

static void html_to_text_entities(void **state)
{
    (void)state;
    const char *h = "<p>A&#64;b.example &amp; &sect;&nbsp;2705(b) &middot; "
                    "O&#39;Connor &#x2013; &bogus; &lt;x&gt;</p><br>line2";
    size_t n;
    char *t = mail_html_to_text(h, strlen(h), &n);
    assert_non_null(t);
    assert_string_equal(t, "\nA@b.example & \xc2\xa7 2705(b) \xc2\xb7 O'Connor "
                           "\xe2\x80\x93 &bogus; <x>\n\nline2");
    free(t);
}

static void authentication_results_trusted_only(void **state)
{
    (void)state;
    const char *raw =
        "Authentication-Results: mx.attacker.example; dkim=pass; spf=pass; dmarc=pass\n"
        "Authentication-Results: mx2.northwind-cloud.example;\n"
        "\tdkim=fail (body hash did not verify) header.d=x.gov;\n"
        "\tspf=pass smtp.mailfrom=a@x.gov;\n\tdmarc=none (p=NONE) header.from=x.gov\n"
        "Received: from mail.x.gov by mx2.northwind-cloud.example; Tue, 1 Apr 2025 09:00:01 +0000\n"
        "From: a@x.gov\nTo: legal-requests@northwind-cloud.example\n"
        "Subject: s\nDate: Tue, 1 Apr 2025 09:00:00 +0000\n\nhello\n";
    request_t r;
    assert_int_equal(parse_raw(raw, strlen(raw), &r), PARSE_OK);
    assert_string_equal(r.auth.dkim, "fail");
    assert_string_equal(r.auth.spf, "pass");
    assert_string_equal(r.auth.dmarc, "none");
    char *j = request_to_json(&r, true);
    assert_non_null(strstr(j, "\"authenticity\""));
    assert_null(strstr(j, "\"message_id\": \"")); /* absent -> null */
    free(j);
    request_clear(&r);

    /* No trusted header: the results stay null. */
    const char *raw2 =
        "Authentication-Results: evil-northwind-cloud.example; dkim=pass\n"
        "From: a@x.gov\nSubject: s\n\nhello\n";
    assert_int_equal(parse_raw(raw2, strlen(raw2), &r), PARSE_OK);
    assert_string_equal(r.auth.dkim, "");
    j = request_to_json(&r, true);
    assert_non_null(strstr(j, "\"dkim\": null"));
    free(j);
    request_clear(&r);
}

static void json_keeps_utf8(void **state)
{
    (void)state;
    request_t r = {0};
    request_set_string(&r.issuing_agency, "Garda S\xc3\xad""och\xc3\xa1na");
    char *j = request_to_json(&r, false);
    assert_non_null(strstr(j, "\"Garda S\xc3\xad""och\xc3\xa1na\""));
    assert_non_null(strstr(j, "\"request_type\": \"unknown\""));
    /* contract key order */
    assert_true(strstr(j, "\"message_id\"") < strstr(j, "\"from\""));
    assert_true(strstr(j, "\"deadline\"") < strstr(j, "\"emergency\""));
    free(j);
    request_clear(&r);
    assert_int_equal(request_type_from_name("mlat_request"), REQ_MLAT_REQUEST);
    assert_int_equal(request_type_from_name("nope"), REQ_TYPE_COUNT);
    assert_int_equal(request_category_from_name("content"), CAT_CONTENT);
    assert_string_equal(request_category_name(CAT_TRANSACTIONAL), "transactional");
}

/* ------------------------------------------------------------------ */
/* not mail, hostile input                                             */
/* ------------------------------------------------------------------ */

static void not_mail_inputs(void **state)
{
    (void)state;
    request_t r;
    static const unsigned char garbage[] = {0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01,
                                            0x00, 0x00, 0xff, 0xfe, 0x0a};
    static const char nuls[16] = {0};
    assert_int_equal(parse_raw("", 0, &r), PARSE_NOT_MAIL);
    assert_int_equal(parse_raw((const char *)garbage, sizeof garbage, &r),
                     PARSE_NOT_MAIL);
    assert_int_equal(parse_raw(nuls, sizeof nuls, &r), PARSE_NOT_MAIL);
    const char *prose = "Hello, this is just a note.\nNo headers here.\n";
    assert_int_equal(parse_raw(prose, strlen(prose), &r), PARSE_NOT_MAIL);
    const char *other = "X-Foo: bar\nX-Bar: baz\n\nbody\n";
    assert_int_equal(parse_raw(other, strlen(other), &r), PARSE_NOT_MAIL);
    const char *nul_hdr = "From: a@b.example\nSubject: x\0y\n\nbody";
    assert_int_equal(parse_raw(nul_hdr, 35, &r), PARSE_NOT_MAIL);

    char err[128] = "";
    parse_settings_t s;
    parse_settings_default(&s);
    assert_int_equal(parse_message(&s, "", 0, &r, err, sizeof err), PARSE_NOT_MAIL);
    assert_true(strlen(err) > 0 && !strchr(err, '\n'));
    request_clear(&r);

    /* NUL bytes in a body do not make it garbage. */
    const char body_nul[] = "From: a@b.example\nSubject: x\n\nab\0cd a@c.example\n";
    assert_int_equal(parse_raw(body_nul, sizeof body_nul - 1, &r), PARSE_OK);
    request_clear(&r);
}

static void hostile_long_header(void **state)
{
    (void)state;
    size_t n = 2u * 1024 * 1024;
    char *raw = malloc(n + 200);
    assert_non_null(raw);
    size_t k = (size_t)sprintf(raw, "From: a@b.example\nSubject: ");
    memset(raw + k, 'A', n);
    k += n;
    k += (size_t)sprintf(raw + k, "\nTo: c@d.example\n\nbody x@y.example\n");
    request_t r;
    assert_int_equal(parse_raw(raw, k, &r), PARSE_OK);
    request_clear(&r);
    free(raw);
}

static void hostile_unterminated_boundary(void **state)
{
    (void)state;
    const char *raw =
        "From: a@b.example\nSubject: s\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"never\"\n\n"
        "--never\nContent-Type: text/plain\n\nsubpoena for t@x.example\n"
        "--never\nContent-Type: text/html\n\n<p>unclosed <a href=\"mailto:";
    request_t r;
    assert_int_equal(parse_raw(raw, strlen(raw), &r), PARSE_OK);
    assert_true(has_account(&r, "t@x.example"));
    request_clear(&r);

    const char *bad_cs =
        "From: a@b.example\nSubject: =?bogus-cs?Q?=FF=FE?=\n"
        "Content-Type: text/plain; charset=x-no-such-charset\n"
        "Content-Transfer-Encoding: base64\n\n!!!not base64\xff\xfe\n";
    assert_int_equal(parse_raw(bad_cs, strlen(bad_cs), &r), PARSE_OK);
    request_clear(&r);
}

static void hostile_deep_nesting(void **state)
{
    (void)state;
    const int depth = 200;
    size_t cap = (size_t)depth * 120 + 1024;
    char *raw = malloc(cap);
    assert_non_null(raw);
    size_t k = (size_t)sprintf(raw, "From: a@b.example\nSubject: deep\n"
                                    "MIME-Version: 1.0\n");
    for (int i = 0; i < depth; i++)
        k += (size_t)sprintf(raw + k,
                             "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n"
                             "--b%d\n",
                             i, i);
    k += (size_t)sprintf(raw + k,
                         "Content-Type: text/plain\n\ndeep@x.example\n");
    for (int i = depth - 1; i >= 0; i--)
        k += (size_t)sprintf(raw + k, "--b%d--\n", i);
    request_t r;
    assert_int_equal(parse_raw(raw, k, &r), PARSE_OK);
    /* Beyond MAIL_MAX_DEPTH the text is ignored, but nothing breaks. */
    request_clear(&r);
    free(raw);
}


/* ------------------------------------------------------------------ */
/* rules added while probing with further example letters              */
/* ------------------------------------------------------------------ */

static void type_announced_process_is_not_the_type(void **state)
{
    (void)state;
    /* A preservation letter announcing an MLAT is still a preservation. */
    request_t r;
    parse_mail("k.walsh@garda.ie", "Preservation request",
               "An Garda S\xc3\xad""och\xc3\xa1na\nOur ref: GN-25-0031\n"
               "Date: 07/02/2025\nPlease preserve all data for the account "
               "c.b@northmail.example for 90 days pending a request through the "
               "mutual legal assistance channel.\n",
               &r);
    assert_int_equal(r.type, REQ_PRESERVATION_REQUEST);
    assert_string_equal(r.issuing_agency, "Garda S\xc3\xad""och\xc3\xa1na");
    assert_string_equal(r.issuing_country, "IE");
    assert_string_equal(r.reference, "GN-25-0031");
    assert_string_equal(r.deadline, "");
    request_clear(&r);
    assert_type("Records",
                "Pursuant to 18 U.S.C. 2703(f), please preserve the records. A "
                "search warrant will follow.\n",
                REQ_PRESERVATION_REQUEST);
}

static void agency_from_mlat_subject(void **state)
{
    (void)state;
    request_t r;
    parse_mail("oia@usdoj.gov",
               "Request for Mutual Legal Assistance - Portugal (Policia "
               "Judiciaria) - PJ/2025/118",
               "The Office of International Affairs, as the Central Authority of "
               "the United States, transmits this request for execution. "
               "Portuguese reference PJ/2025/118.\n",
               &r);
    assert_int_equal(r.type, REQ_MLAT_REQUEST);
    assert_string_equal(r.issuing_agency, "Policia Judiciaria");
    assert_string_equal(r.issuing_country, "US");
    assert_string_equal(r.reference, "PJ/2025/118");
    request_clear(&r);
}

static void agency_written_acronym_and_country_fallbacks(void **state)
{
    (void)state;
    request_t r;
    parse_mail("b@kcpd.example.org", "Warrant",
               "The Kansas City Police Department (KCPD) requests production.\n",
               &r);
    assert_string_equal(r.issuing_agency, "KCPD");
    assert_string_equal(r.issuing_country, "US");
    request_clear(&r);

    /* No agency named, no US statute: the sender's national domain. */
    parse_mail("det@tps.on.ca", "Production order",
               "The Toronto Police Service asks for the subscriber information.\n",
               &r);
    assert_string_equal(r.issuing_agency, "Toronto Police Service");
    assert_string_equal(r.issuing_country, "CA");
    request_clear(&r);

    /* A known agency's mail domain when the letter names nobody. */
    parse_mail("x@usss.dhs.gov", "Subpoena", "Please produce the records.\n", &r);
    assert_string_equal(r.issuing_agency, "USSS");
    request_clear(&r);
}

static void gag_end_in_following_sentence(void **state)
{
    (void)state;
    gag_check("The Provider shall not disclose the existence of this warrant to "
              "the subscriber. This prohibition remains in effect until November "
              "8, 2025.\n",
              REQ_SEARCH_WARRANT, true, "2025-11-08");
}

static void deadline_weekday_and_bare_within(void **state)
{
    (void)state;
    deadline_check("The department requests production by Friday,\nMay 23, "
                   "2025.\n",
                   false, "2025-05-23");
    deadline_check("Date: May 1, 2025\nPlease respond within 10 days.\n", false,
                   "2025-05-11");
    deadline_check("Date: May 1, 2025\nPlease respond within 5 business days "
                   "confirming preservation.\n",
                   false, "");
}

/* ------------------------------------------------------------------ */
/* robustness campaign: rules fixed after probing with new letters     */
/* ------------------------------------------------------------------ */

static void type_announced_mlat_far_back_in_sentence(void **state)
{
    (void)state;
    /* The announcing verb stands well before the MLAT words. */
    request_t r;
    parse_mail("cpl.x@rcmp-grc.gc.ca", "Request to preserve data",
               "Royal Canadian Mounted Police\nDate: 2025-02-11\nOur file: "
               "2025-0417-CYB\n\nThe RCMP requests that you preserve, for 90 days, "
               "all data for the account m.l.t@northmail.example, including "
               "stored messages, pending a request under the Treaty between "
               "Canada and the United States on Mutual Legal Assistance in "
               "Criminal Matters.\n",
               &r);
    assert_int_equal(r.type, REQ_PRESERVATION_REQUEST);
    assert_string_equal(r.issuing_country, "CA");
    assert_string_equal(r.reference, "2025-0417-CYB");
    assert_true(r.categories & CAT_CONTENT);
    request_clear(&r);
    assert_type("Preservation",
                "An Garda Siochana asks you to preserve the account data for 90 "
                "days. A formal request will follow through the mutual legal "
                "assistance process.\n",
                REQ_PRESERVATION_REQUEST);
    /* French: "dans l'attente d'une demande d'entraide". */
    assert_type("Demande",
                "Nous vous demandons de bien vouloir pr\xc3\xa9server les "
                "donn\xc3\xa9""es du compte pendant 90 jours, dans l'attente "
                "d'une demande d'entraide p\xc3\xa9nale internationale.\n",
                REQ_PRESERVATION_REQUEST);
}

static void agency_uk_force_and_country(void **state)
{
    (void)state;
    /* "<Name> Police" ends at the line; a US citation does not make a UK
     * force's request American. */
    request_t r;
    parse_mail("duty@kent.police.uk", "Urgent disclosure 44/2025",
               "Kent Police\nForce Control Room\n\nRef: 44/2025\nKent Police "
               "requests disclosure under 18 U.S.C. 2702(b)(8): a man has "
               "threatened to kill his partner. Account: k.m@northmail.example\n",
               &r);
    assert_string_equal(r.issuing_agency, "Kent Police");
    assert_string_equal(r.issuing_country, "GB");
    assert_int_equal(r.type, REQ_EMERGENCY_REQUEST);
    request_clear(&r);
    /* A dictionary agency's long name is not a second, local one. */
    parse_mail("x@politie.example", "Request",
               "The Dutch National Police (Politie) asks for the subscriber "
               "data.\n",
               &r);
    assert_string_equal(r.issuing_agency, "Politie");
    request_clear(&r);
}

static void reference_french_and_file_labels(void **state)
{
    (void)state;
    request_t r;
    parse_mail("c3n@gendarmerie.interieur.gouv.fr", "Demande MLAT",
               "R\xc3\xa9""f\xc3\xa9rence : PV 2025/0417\nObjet : entraide "
               "judiciaire. Le contenu des courriers du compte "
               "l.m@northmail.example et les donn\xc3\xa9""es d'identification de "
               "l'abonn\xc3\xa9.\n",
               &r);
    assert_string_equal(r.reference, "PV 2025/0417");
    assert_int_equal(r.categories, CAT_CONTENT | CAT_SUBSCRIBER);
    request_clear(&r);
    /* "V/R\xc3\xa9""f." is the provider's own. */
    parse_mail("x@interieur.gouv.fr", "Demande",
               "V/R\xc3\xa9""f. : NWC-123-45\nN/R\xc3\xa9""f. : OFAC-2025-1187\n",
               &r);
    assert_string_equal(r.reference, "OFAC-2025-1187");
    request_clear(&r);
}

static void categories_narrative_and_negation_wording(void **state)
{
    (void)state;
    assert_int_equal(cats_of("Please provide information identifying the person "
                             "who opened the account; records showing when and "
                             "from which IP address the account was accessed; "
                             "and the messages themselves.\n"),
                     CAT_SUBSCRIBER | CAT_TRANSACTIONAL | CAT_CONTENT);
    assert_int_equal(cats_of("Bestandsdaten und Verkehrsdaten. Inhaltsdaten "
                             "werden nicht ben\xc3\xb6tigt.\n"),
                     CAT_SUBSCRIBER | CAT_TRANSACTIONAL);
    assert_int_equal(cats_of("Message content is not needed.\n"), 0);
    /* "attorney" before the data words is not the requester's contact. */
    assert_int_equal(cats_of("On the application of the District Attorney's "
                             "Office, the Court orders disclosure of login "
                             "records for the account.\n"),
                     CAT_TRANSACTIONAL);
    assert_int_equal(cats_of("The name, address and telephone number of the "
                             "attorney who requests this subpoena are: ...\n"),
                     0);
}

static void gag_wording_and_inclusive_end(void **state)
{
    (void)state;
    gag_check("Australia asks that the account holder not be told of this "
              "request.\n",
              REQ_MLAT_REQUEST, true, "");
    gag_check("Pursuant to 18 U.S.C. 2705(b), the Provider shall not disclose "
              "this warrant to any person through and including December 31, "
              "2025.\n",
              REQ_SEARCH_WARRANT, true, "2025-12-31");
    gag_check("Entered: 06/30/2025\nThe Provider shall not notify any person of "
              "this Order for a period of two (2) years.\n",
              REQ_COURT_ORDER, true, "2027-06-30");
}

static void deadline_more_phrasings(void **state)
{
    (void)state;
    deadline_check("Records must be produced by the 14th day of March, 2025.\n",
                   false, "2025-03-14");
    deadline_check("Please provide the requested information by 5:00 p.m. on "
                   "March 21, 2025.\n",
                   false, "2025-03-21");
    deadline_check("Please produce the records by noon EST on Friday, April 4, "
                   "2025.\n",
                   false, "2025-04-04");
    deadline_check("Response requested by: 2025-04-30\n", false, "2025-04-30");
    deadline_check("Date: May 5, 2025\nDeadline for response: 21 days from the "
                   "date of this request.\n",
                   false, "2025-05-26");
    deadline_check("Date: March 3, 2025\nPlease produce the records no later "
                   "than 10 business days from the date of this letter.\n",
                   false, "2025-03-17");
    deadline_check("SIGNED on April 7, 2025.\nDisclose the records within 10 "
                   "days of the date of this Order.\n",
                   false, "2025-04-17");
    /* a duration with nothing to count from is still no deadline */
    deadline_check("Date: May 5, 2025\nThe deadline is tight: 2 days matter.\n",
                   false, "");
}

static void accounts_gov_targets_and_contacts(void **state)
{
    (void)state;
    request_t r;
    parse_mail("agent@fbi.gov", "Search warrant 25-SW-1",
               "This warrant applies to the e-mail account "
               "treasurer@millbrookvillage.gov stored by Northwind Cloud. Send "
               "the records to the case agent at agent2@fbi.gov or to the "
               "village's counsel, counsel@millbrookvillage.gov. Contact: "
               "det.x@sheriff.millcounty.gov\n",
               &r);
    assert_int_equal(r.account_count, 1);
    assert_true(has_account(&r, "treasurer@millbrookvillage.gov"));
    request_clear(&r);
    parse_mail("ofc@smallvillepd.org", "Preservation",
               "Preserve the account corn.kid@northmail.example. You can also "
               "reach me at my personal e-mail, jb.badge204@gmail.com.\n",
               &r);
    assert_int_equal(r.account_count, 1);
    assert_true(has_account(&r, "corn.kid@northmail.example"));
    request_clear(&r);
}

static void agency_oig_state_ag_and_prosecutor_vs_sender(void **state)
{
    (void)state;
    request_t r;
    parse_mail("k@oig.hhs.gov", "Subpoena OIG-25-1",
               "U.S. Department of Health and Human Services\nOffice of Inspector "
               "General (HHS-OIG)\nProduce the subscriber records.\n",
               &r);
    assert_string_equal(r.issuing_agency, "HHS-OIG");
    request_clear(&r);
    parse_mail("j@ag.ny.gov", "Subpoena 2025-AG-1",
               "New York State Office of the Attorney General\nSubpoena Duces "
               "Tecum No. 2025-AG-1\n",
               &r);
    assert_string_equal(r.issuing_agency,
                        "New York State Office of the Attorney General");
    request_clear(&r);
    /* Only the USAO's file number names a prosecutor; the FBI sent it. */
    parse_mail("sa@fbi.gov", "Search warrant",
               "USAO No. 2025R00711\nCase No. 2:25-mj-30455\nSEARCH AND SEIZURE "
               "WARRANT for all content of the account m@northmail.example.\n",
               &r);
    assert_string_equal(r.issuing_agency, "FBI");
    assert_string_equal(r.reference, "2:25-mj-30455");
    request_clear(&r);
}

static void type_production_order_and_more_labels(void **state)
{
    (void)state;
    request_t r;
    parse_mail("a@ontario.ca", "Production order",
               "Ontario Provincial Police\nFile: OPP-2025-00912\nProduction Order "
               "under s. 487.014 of the Criminal Code.\n",
               &r);
    assert_int_equal(r.type, REQ_COURT_ORDER);
    assert_string_equal(r.reference, "OPP-2025-00912");
    assert_string_equal(r.issuing_country, "CA");
    request_clear(&r);
    parse_mail("p@police.example", "MLAT request from India",
               "Letter of Request under the Mutual Legal Assistance Treaty\nCrime "
               "No. 112/2025\n",
               &r);
    assert_string_equal(r.reference, "112/2025");
    request_clear(&r);
}

static void inline_forward_other_languages(void **state)
{
    (void)state;
    static const char raw[] =
        "From: Kollege <k@northwind-cloud.example>\n"
        "To: legal-requests@northwind-cloud.example\n"
        "Subject: WG: Ersuchen\n"
        "Date: Mon, 3 Mar 2025 10:00:00 +0100\n"
        "Message-ID: <outer-de@northwind-cloud.example>\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        "Bitte bearbeiten.\n\n"
        "-------- Weitergeleitete Nachricht --------\n"
        "Betreff: Ersuchen SO41-1\n"
        "Datum: Fri, 28 Feb 2025 09:00:00 +0100\n"
        "Von: BKA <so41@bka.bund.de>\n"
        "An: k@northwind-cloud.example\n\n"
        "Bundeskriminalamt, Gesch\xc3\xa4""ftszeichen: SO41-1. Konto "
        "a.b@northmail.example.\n";
    request_t r;
    assert_int_equal(parse_raw(raw, sizeof raw - 1, &r), PARSE_OK);
    assert_string_equal(r.from, "k@northwind-cloud.example");
    assert_string_equal(r.issuing_agency, "BKA");
    assert_string_equal(r.reference, "SO41-1");
    assert_int_equal(r.account_count, 1);
    request_clear(&r);
    /* The forward itself is recognized: the BKA is the request's sender. */
    mail_doc_t doc;
    assert_int_equal(mail_decode(raw, sizeof raw - 1, &doc, NULL, 0), 0);
    assert_true(doc.forwarded);
    assert_string_equal(doc.request_from, "so41@bka.bund.de");
    assert_string_equal(doc.request_subject, "Ersuchen SO41-1");
    assert_string_equal(doc.request_date, "2025-02-28");
    mail_doc_clear(&doc);
}

/* ------------------------------------------------------------------ */
/* rules fixed in the multilingual / robustness pass                   */
/* ------------------------------------------------------------------ */

/* Month names in the languages requests arrive in, with their own day
 * forms: French "1er", Spanish / Portuguese "7 de abril de 2025", Italian
 * "1\xc2\xb0 aprile", Dutch, German "M\xc3\xa4rz" / "Maerz", and capitals. */
static void dates_non_english_months(void **state)
{
    (void)state;
    assert_parses("3 mars 2025", "2025-03-03");
    assert_parses("1er janvier 2025", "2025-01-01");
    assert_parses("30 mai 2025", "2025-05-30");
    assert_parses("15 ao\xc3\xbbt 2024", "2024-08-15");
    assert_parses("2 d\xc3\xa9""cembre 2024", "2024-12-02");
    assert_parses("7 F\xc3\x89VRIER 2025", "2025-02-07");
    assert_parses("7 de abril de 2025", "2025-04-07");
    assert_parses("30 de mayo de 2025", "2025-05-30");
    assert_parses("1 de enero del 2026", "2026-01-01");
    assert_parses("12 de mar\xc3\xa7o de 2025", "2025-03-12");
    assert_parses("5 de mar. de 2025", "2025-03-05");
    assert_parses("1\xc2\xb0 aprile 2025", "2025-04-01");
    assert_parses("21 luglio 2025", "2025-07-21");
    assert_parses("9 gennaio 2025", "2025-01-09");
    assert_parses("3 maart 2025", "2025-03-03");
    assert_parses("17 mei 2025", "2025-05-17");
    assert_parses("3 mrt 2025", "2025-03-03");
    assert_parses("4. Maerz 2025", "2025-03-04");
    assert_parses("4. M\xc3\x84RZ 2025", "2025-03-04");
    assert_parses("20. Juni 2025", "2025-06-20");
    date_t d;
    /* a docket "13 Mag. 3097" is still no date */
    assert_int_equal(date_parse_at("13 Mag. 3097", 12, &d), 0);
    assert_int_equal(date_parse_at("7 de la tarde", 13, &d), 0);
    size_t s, e;
    const char *t = "Madrid, a lunes 7 de abril de 2025";
    assert_true(date_find(t, strlen(t), &d, &s, &e));
    assert_date(d, "2025-04-07");
    duration_t du;
    assert_true(duration_parse_at("10 jours ouvrables", 18, &du) > 0);
    assert_int_equal(du.unit, DUR_BUSINESS_DAYS);
    assert_true(duration_parse_at("15 d\xc3\xad""as", 8, &du) > 0);
    assert_int_equal(du.n, 15);
    assert_int_equal(du.unit, DUR_DAYS);
}

/* The same dates as deadlines and as the letter's own date, where the
 * English forms already work ("Paris, le 3 mars 2025" is a dateline like
 * "Wiesbaden, 12. September 2024"). */
static void deadline_and_letter_date_non_english(void **state)
{
    (void)state;
    deadline_check("Paris, le 3 mars 2025\nR\xc3\xa9ponse avant le 30 mai 2025, "
                   "s'il vous pla\xc3\xaet.\n",
                   true, "2025-05-30");
    deadline_check("Les donn\xc3\xa9""es doivent \xc3\xaatre transmises au plus "
                   "tard le 1er juin 2025.\n",
                   true, "2025-06-01");
    deadline_check("Madrid, 7 de abril de 2025\nLe rogamos remita la informaci"
                   "\xc3\xb3n antes del 30 de mayo de 2025.\n",
                   true, "2025-05-30");
    deadline_check("Madrid, 7 de abril de 2025\nLe rogamos env\xc3\xad""e la "
                   "respuesta dentro de 10 d\xc3\xad""as a partir de la "
                   "recepci\xc3\xb3n.\n",
                   true, "2025-04-17");
    deadline_check("Roma, 3 marzo 2025\nSi prega di trasmettere i dati entro il "
                   "31 marzo 2025.\n",
                   true, "2025-03-31");
    deadline_check("Lisboa, 3 de mar\xc3\xa7o de 2025\nSolicita-se o envio da "
                   "resposta at\xc3\xa9 30 de abril de 2025.\n",
                   true, "2025-04-30");
    deadline_check("Den Haag, 3 maart 2025\nWij verzoeken u de gegevens uiterlijk "
                   "17 maart 2025 te verstrekken.\n",
                   true, "2025-03-17");
    deadline_check("Wiesbaden, 3. M\xc3\xa4rz 2025\nBitte \xc3\xbc""bermitteln Sie "
                   "die Daten bis 31. M\xc3\xa4rz 2025.\n",
                   true, "2025-03-31");
    /* the end of a period asked for is no deadline */
    deadline_check("Bitte \xc3\xbc""bermitteln Sie die Verkehrsdaten vom 1. Januar "
                   "2025 bis 31. M\xc3\xa4rz 2025.\n",
                   true, "");
    deadline_check("Se ruega remitir los registros de acceso desde el 1 de enero "
                   "de 2025 hasta el 31 de marzo de 2025.\n",
                   true, "");
    /* "avant le" about something else is no deadline */
    deadline_check("Le compte a \xc3\xa9t\xc3\xa9 cr\xc3\xa9\xc3\xa9 avant le 3 mars "
                   "2025.\n",
                   true, "");
    const char *t = "Madrid, 7 de abril de 2025\nAsunto: solicitud\n";
    date_t d;
    assert_true(extract_letter_date(t, strlen(t), true, &d));
    assert_date(d, "2025-04-07");
    t = "Fecha: 12 de mayo de 2025\n";
    assert_true(extract_letter_date(t, strlen(t), true, &d));
    assert_date(d, "2025-05-12");
}

/* A French request in ISO-8859-1 (mail.c converts it to UTF-8 before the
 * rules see it): capitals with accents, "1er", "avant le". */
static void french_latin1_message(void **state)
{
    (void)state;
    static const char raw[] =
        "From: OFAC <ofac@interieur.gouv.fr>\n"
        "To: legal-requests@northwind-cloud.example\n"
        "Subject: =?ISO-8859-1?Q?R=E9quisition_judiciaire?=\n"
        "Date: Mon, 3 Mar 2025 10:00:00 +0100\n"
        "Message-ID: <fr-1@interieur.gouv.fr>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        "POLICE NATIONALE\n"
        "Paris, le 1er mars 2025\n"
        "R\xe9""f\xe9""rence : OFAC-2025-0311\n"
        "Merci de nous communiquer les donn\xe9""es d'identification du compte "
        "p.durand@northmail.example. R\xe9ponse avant le 30 mai 2025.\n";
    request_t r;
    assert_int_equal(parse_raw(raw, sizeof raw - 1, &r), PARSE_OK);
    assert_string_equal(r.subject, "R\xc3\xa9quisition judiciaire");
    assert_string_equal(r.issuing_agency, "Police nationale");
    assert_string_equal(r.issuing_country, "FR");
    assert_string_equal(r.reference, "OFAC-2025-0311");
    assert_string_equal(r.deadline, "2025-05-30");
    assert_int_equal(r.categories, CAT_SUBSCRIBER);
    request_clear(&r);
}

/* Letterheads and labels in capitals with accents match the dictionaries
 * like their mixed-case forms: the matching copy folds non-ASCII capitals
 * too, keeping every byte offset. */
static void case_folding_beyond_ascii(void **state)
{
    (void)state;
    request_t r;
    parse_mail("udef@policia.es", "Solicitud",
               "POLIC\xc3\x8d""A NACIONAL\nComisar\xc3\xad""a General de "
               "Polic\xc3\xad""a Judicial\nREFERENCIA: UDEF-2025-118\nSe solicitan "
               "los datos del abonado de la cuenta j.g@northmail.example.\n",
               &r);
    assert_string_equal(r.issuing_agency, "Polic\xc3\xad""a Nacional");
    assert_string_equal(r.issuing_country, "ES");
    assert_string_equal(r.reference, "UDEF-2025-118");
    request_clear(&r);
    parse_mail("ofac@interieur.gouv.fr", "Demande",
               "R\xc3\x89""F\xc3\x89RENCE : OFAC-2025-0420\nLes DONN\xc3\x89""ES DE "
               "CONNEXION du compte x.y@northmail.example.\n",
               &r);
    assert_string_equal(r.reference, "OFAC-2025-0420");
    assert_int_equal(r.categories, CAT_TRANSACTIONAL);
    request_clear(&r);
    parse_mail("lka@polizei.bayern.de", "Ersuchen",
               "LANDESKRIMINALAMT BAYERN\nGESCH\xc3\x84""FTSZEICHEN: LKA-25-0099\n"
               "Bestandsdaten zum Konto a.b@northmail.example.\n",
               &r);
    assert_string_equal(r.issuing_agency, "LKA");
    assert_string_equal(r.reference, "LKA-25-0099");
    request_clear(&r);
    parse_mail("x@garda.ie", "Request",
               "AN GARDA S\xc3\x8d""OCH\xc3\x81""NA\nPlease preserve the account "
               "c.d@northmail.example.\n",
               &r);
    assert_string_equal(r.issuing_agency, "Garda S\xc3\xad""och\xc3\xa1na");
    request_clear(&r);
}

/* The contract: until is the date the gag ends "when the message states
 * one", null for "until further order of the Court". A gag stating a date
 * *and* "or until further order" states an end: the date (a further order
 * could change it, as it could any dated gag). Only "whichever is later"
 * makes the further order the real end, so there is none. */
static void gag_date_or_further_order(void **state)
{
    (void)state;
    gag_check("Pursuant to 18 U.S.C. 2705(b), the Provider shall not disclose "
              "the existence of this warrant until March 1, 2026, or until "
              "further order of the Court.\n",
              REQ_SEARCH_WARRANT, true, "2026-03-01");
    gag_check("Dated: April 2, 2025\nThe Provider shall not notify any person "
              "of this Order for a period of one year from the date of this "
              "Order or until further order of the Court, whichever is "
              "earlier.\n",
              REQ_COURT_ORDER, true, "2026-04-02");
    gag_check("The Provider shall not disclose this Order until further order "
              "of the Court.\n",
              REQ_COURT_ORDER, true, "");
    gag_check("The Provider shall not disclose this Order until further order "
              "of the Court or until March 1, 2026, whichever is later.\n",
              REQ_COURT_ORDER, true, "");
}

/* Contract: emergency is true where the requester claims a present danger
 * of death or serious physical injury -- the word "emergency" or a 2702
 * citation is not needed. A letter naming no process that makes such a
 * claim and asks for data is an emergency disclosure request. Conditions
 * ("if you believe ...") and past events are no claim. */
static void emergency_claim_without_the_word(void **state)
{
    (void)state;
    request_t r;
    parse_mail("sgt.k@rivertonpd.org", "Missing juvenile",
               "We believe the user of missing.teen@northmail.example is in "
               "imminent danger of death or serious bodily injury. Please "
               "disclose the subscriber information and recent login IP "
               "addresses.\n",
               &r);
    assert_true(r.emergency);
    assert_int_equal(r.type, REQ_EMERGENCY_REQUEST);
    request_clear(&r);
    parse_mail("det@cityofhale.org", "Urgent request",
               "A child is at risk of serious bodily harm. Please provide the "
               "subscriber details of kid.cam@northmail.example.\n",
               &r);
    assert_true(r.emergency);
    assert_int_equal(r.type, REQ_EMERGENCY_REQUEST);
    request_clear(&r);
    parse_mail("k11@polizei.nrw.de", "Eilt",
               "Es besteht Gefahr f\xc3\xbcr Leib und Leben. Bitte \xc3\xbc"
               "bermitteln Sie die Bestandsdaten zum Konto p.q@northmail.example."
               "\n",
               &r);
    assert_true(r.emergency);
    assert_int_equal(r.type, REQ_EMERGENCY_REQUEST);
    request_clear(&r);
    parse_mail("brigade@interieur.gouv.fr", "Demande urgente",
               "La victime est en danger de mort. Merci de communiquer les "
               "donn\xc3\xa9""es d'identification du compte v.w@northmail.example.\n",
               &r);
    assert_true(r.emergency);
    request_clear(&r);
    /* a warrant stays a warrant; the claim still counts */
    parse_mail("sa@fbi.gov", "Search warrant 25-SW-9",
               "SEARCH WARRANT. The situation is life-threatening: the hostage "
               "is still held. Produce all content of h.t@northmail.example.\n",
               &r);
    assert_true(r.emergency);
    assert_int_equal(r.type, REQ_SEARCH_WARRANT);
    request_clear(&r);
    /* an instruction for other cases is no claim */
    parse_mail("sa@fbi.gov", "Subpoena 25-1",
               "Subpoena for subscriber records of a.b@northmail.example. If you "
               "believe there is an imminent threat to life, call 911.\n",
               &r);
    assert_false(r.emergency);
    assert_int_equal(r.type, REQ_SUBPOENA);
    request_clear(&r);
    /* narrative of a past threat in process, no emergency claimed */
    parse_mail("sa@fbi.gov", "Search warrant",
               "SEARCH WARRANT. In 2019 the suspect threatened to kill a "
               "witness. Produce the content of s.t@northmail.example.\n",
               &r);
    assert_false(r.emergency);
    request_clear(&r);
}

/* "within N days of receipt / of the date of this letter" counts from the
 * letter's date (contract); a duration after some other event ("after the
 * conclusion of the hearing") has no date to count from: no deadline. A
 * date written after "from" is counted from itself. */
static void deadline_within_after_non_date_event(void **state)
{
    (void)state;
    deadline_check("Date: May 5, 2025\nProduce the records within 10 days after "
                   "the conclusion of the hearing.\n",
                   false, "");
    deadline_check("Date: May 5, 2025\nThe records shall be provided within 14 "
                   "days of the defendant's arrest.\n",
                   false, "");
    deadline_check("Date: May 5, 2025\nProduce the records within 10 days of "
                   "receipt of this subpoena.\n",
                   false, "2025-05-15");
    deadline_check("Please provide the material within 28 days from 3 February "
                   "2025.\n",
                   true, "2025-03-03");
    deadline_check("Date: May 5, 2025\nRespond no later than 7 days after the "
                   "trial ends.\n",
                   false, "");
}

/* Inline forwards from Dutch and Portuguese clients, and an Outlook
 * "-----Original Message-----" line recognised without a "Fw:" subject:
 * framed by dashes on both sides it is unmistakable. */
static void inline_forward_dutch_portuguese_and_bare_original(void **state)
{
    (void)state;
    static const char nl[] =
        "From: Collega <c@northwind-cloud.example>\n"
        "To: legal-requests@northwind-cloud.example\n"
        "Subject: Doorst: vordering\n"
        "Date: Mon, 3 Mar 2025 10:00:00 +0100\n"
        "Message-ID: <outer-nl@northwind-cloud.example>\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Graag behandelen.\n\n"
        "---------- Doorgestuurd bericht ---------\n"
        "Van: Politie <recherche@politie.nl>\n"
        "Datum: vr 28 feb 2025 om 09:00\n"
        "Onderwerp: Vordering PL0900-2025-1\n"
        "Aan: <c@northwind-cloud.example>\n\n"
        "Politie, kenmerk PL0900-2025-1. Account d.e@northmail.example.\n";
    mail_doc_t doc;
    assert_int_equal(mail_decode(nl, sizeof nl - 1, &doc, NULL, 0), 0);
    assert_true(doc.forwarded);
    assert_string_equal(doc.request_from, "recherche@politie.nl");
    assert_string_equal(doc.request_subject, "Vordering PL0900-2025-1");
    assert_string_equal(doc.request_date, "2025-02-28");
    assert_string_equal(doc.from, "c@northwind-cloud.example");
    mail_doc_clear(&doc);

    static const char pt[] =
        "From: Colega <c@northwind-cloud.example>\n"
        "To: legal-requests@northwind-cloud.example\n"
        "Subject: Pedido PJ\n"
        "Date: Mon, 3 Mar 2025 10:00:00 +0000\n"
        "Message-ID: <outer-pt@northwind-cloud.example>\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "---------- Mensagem encaminhada ---------\n"
        "De: PJ <unc3t@pj.pt>\n"
        "Data: qua., 26 de fev. de 2025 \xc3\xa0s 11:02\n"
        "Assunto: Pedido de dados\n"
        "Para: <c@northwind-cloud.example>\n\n"
        "Pol\xc3\xad""cia Judici\xc3\xa1ria. Conta f.g@northmail.example.\n";
    assert_int_equal(mail_decode(pt, sizeof pt - 1, &doc, NULL, 0), 0);
    assert_true(doc.forwarded);
    assert_string_equal(doc.request_from, "unc3t@pj.pt");
    assert_string_equal(doc.request_subject, "Pedido de dados");
    assert_string_equal(doc.request_date, "2025-02-26");
    mail_doc_clear(&doc);

    static const char ol[] =
        "From: Paralegal <p@northwind-cloud.example>\n"
        "To: legal-requests@northwind-cloud.example\n"
        "Subject: please log this one\n"
        "Date: Mon, 3 Mar 2025 10:00:00 -0500\n"
        "Message-ID: <outer-ol@northwind-cloud.example>\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "See below.\n\n"
        "-----Original Message-----\n"
        "From: Det. Ruiz <aruiz@elmwoodpd.org>\n"
        "Sent: Friday, February 28, 2025 4:12 PM\n"
        "To: p@northwind-cloud.example\n"
        "Subject: Preservation request 25-3318\n\n"
        "Please preserve the account h.i@northmail.example under 18 U.S.C. "
        "2703(f).\n";
    request_t r;
    assert_int_equal(parse_raw(ol, sizeof ol - 1, &r), PARSE_OK);
    assert_string_equal(r.subject, "please log this one");
    assert_int_equal(r.type, REQ_PRESERVATION_REQUEST);
    request_clear(&r);
    assert_int_equal(mail_decode(ol, sizeof ol - 1, &doc, NULL, 0), 0);
    assert_true(doc.forwarded);
    assert_string_equal(doc.request_from, "aruiz@elmwoodpd.org");
    assert_string_equal(doc.request_date, "2025-02-28");
    mail_doc_clear(&doc);
    /* prose mentioning an original message is no marker */
    static const char prose[] =
        "From: A <a@example.org>\n"
        "Subject: question\n\n"
        "I lost the original message, sorry.\nFrom: memory\n";
    assert_int_equal(mail_decode(prose, sizeof prose - 1, &doc, NULL, 0), 0);
    assert_false(doc.forwarded);
    mail_doc_clear(&doc);
}

/* Several labelled numbers: the subject's choice first (as before), then
 * the label naming the requester's own file ("Our reference", "Unser
 * Zeichen") over a court docket quoted alongside, earliest among equals. */
static void reference_own_file_over_docket(void **state)
{
    (void)state;
    request_t r;
    parse_mail("det@elmwoodpd.org", "Records request",
               "Docket No. 2:25-cr-00118\nOur reference: EPD-25-4471\nPlease "
               "produce the subscriber records of m.n@northmail.example.\n",
               &r);
    assert_string_equal(r.reference, "EPD-25-4471");
    request_clear(&r);
    parse_mail("det@elmwoodpd.org", "Subpoena",
               "Docket No. 2:25-cr-00118\nCase No. 25-4471\nProduce the "
               "subscriber records of m.n@northmail.example.\n",
               &r);
    assert_string_equal(r.reference, "25-4471");
    request_clear(&r);
    /* the subject names the docket: that is the request's number */
    parse_mail("det@elmwoodpd.org", "Subpoena 2:25-cr-00118",
               "Docket No. 2:25-cr-00118\nOur reference: EPD-25-4471\n", &r);
    assert_string_equal(r.reference, "2:25-cr-00118");
    request_clear(&r);
}

/* Process the writer says is absent is not the document's type: "We don't
 * have a subpoena yet", "without a warrant"; a present one still counts. */
static void type_denied_process_is_not_the_type(void **state)
{
    (void)state;
    assert_type("question about an account",
                "Hi, I am with the Oak Bend Police Department. Who owns "
                "x.y@northmail.example? We don't have a subpoena yet. Let us "
                "know what you need.\n",
                REQ_UNKNOWN);
    assert_type("account owner",
                "Can you tell us the name on q.r@northmail.example without a "
                "formal warrant? No court order has been issued.\n",
                REQ_UNKNOWN);
    assert_type("Subpoena 25-118",
                "Attached is a subpoena for q.r@northmail.example. Northwind "
                "shall not disclose the existence of this subpoena.\n",
                REQ_SUBPOENA);
}

/* "required by <date>" / "needed by <date>" is a deadline without a
 * verb of producing; a bare "by <date>" in an unrelated sentence is not. */
static void deadline_need_word_before_by(void **state)
{
    (void)state;
    deadline_check("Date: 30 May 2025\n4. Timescale. The material is "
                   "required by 15 July 2025 for a preliminary hearing.\n",
                   true, "2025-07-15");
    deadline_check("The information is needed by March 3, 2025.\n", false,
                   "2025-03-03");
    deadline_check("The suspect moved to Ohio by March 3, 2025.\n", false, "");
}

/* "what IP addresses it was logged in from", "signed in" are login
 * records. */
static void categories_logged_in_wording(void **state)
{
    (void)state;
    assert_int_equal(cats_of("Could you tell us what IP addresses it was "
                             "logged in from?\n"),
                     CAT_TRANSACTIONAL);
    assert_int_equal(cats_of("the times the user signed in during May\n"),
                     CAT_TRANSACTIONAL);
}

/* "by 5:00 p.m. on" with the date on the next line. */
static void deadline_time_of_day_across_line_break(void **state)
{
    (void)state;
    deadline_check("The Provider shall disclose the information above by "
                   "5:00 p.m. on\nJune 16, 2025.\n", false, "2025-06-16");
    deadline_check("Produce the records by noon\non Friday, May 2, 2025.\n",
                   false, "2025-05-02");
}

/* "20-Mar-2025" (form-field style) parses; a docket part does not. */
static void dates_day_month_abbrev_dashed(void **state)
{
    (void)state;
    assert_parses("20-Mar-2025", "2025-03-20");
    assert_parses("3-SEP-24", "2024-09-03");
    assert_parses("20/Mar/2025", "2025-03-20");
    date_t d;
    assert_int_equal(date_parse_at("24-mar-00318", 12, &d), 0);
}

/* "is due <date>" and "before <date>" (after the letter's date) are
 * deadlines; a period asked for that ends before the letter is not. */
static void deadline_due_and_before(void **state)
{
    (void)state;
    deadline_check("Date: March 3, 2025\nProduction is due March 20, 2025.\n",
                   false, "2025-03-20");
    deadline_check("Date: 2025-03-03\nPlease send the records before March "
                   "20, 2025.\n", false, "2025-03-20");
    deadline_check("Date: 2025-03-03\nProduce all records created before "
                   "January 1, 2025.\n", false, "");
    deadline_check("Dated: 3-Mar-2025\nDeliver the records by 20-Mar-2025.\n",
                   false, "2025-03-20");
    /* "records created before <date>" describes the records, not a reply */
    deadline_check("Date: March 3, 2025\nPlease preserve all records created "
                   "before March 30, 2025.\n", false, "");
}

/* Police report numbers: "DR# 25-1234", "Occurrence No.", "Event #". */
static void reference_police_report_labels(void **state)
{
    (void)state;
    request_t r;
    parse_mail("det@elmwoodpd.org", "Records request",
               "DR# 25-1234\nPlease produce the subscriber records for "
               "a@northmail.example.\n", &r);
    assert_string_equal(r.reference, "25-1234");
    request_clear(&r);
    parse_mail("det@elmwoodpd.org", "Records request",
               "Occurrence No. OCC-25-88120\nPlease produce the subscriber "
               "records for a@northmail.example.\n", &r);
    assert_string_equal(r.reference, "OCC-25-88120");
    request_clear(&r);
}

/* Mailbox folders are content; registration details are subscriber
 * data; IP addresses associated with an account are access records. */
static void categories_folders_registration_ip_wording(void **state)
{
    (void)state;
    assert_int_equal(cats_of("Please provide all e-mails in the inbox and sent "
                             "folder of a@northmail.example.\n"),
                     CAT_CONTENT);
    assert_int_equal(cats_of("Produce the full mailbox, including deleted "
                             "items.\n"),
                     CAT_CONTENT);
    assert_int_equal(cats_of("Provide account registration details and the "
                             "IP address of each login.\n"),
                     CAT_SUBSCRIBER | CAT_TRANSACTIONAL);
    assert_int_equal(cats_of("Please provide all IP addresses associated with "
                             "the account, with timestamps.\n"),
                     CAT_TRANSACTIONAL);
    /* a mailbox mentioned in passing is not a request for content */
    assert_int_equal(cats_of("The mailbox for this account is hosted in "
                             "Dublin.\n"),
                     0);
}

/* State investigative agencies and other local forms, named as written;
 * an all-capitals heading keeps "of" small. */
static void agency_state_investigative_forms(void **state)
{
    (void)state;
    request_t r;
    parse_mail("d@city.example.org", "Preservation",
               "Florida Department of Law Enforcement\nPreservation request "
               "under 18 U.S.C. 2703(f) for a@northmail.example.\n", &r);
    assert_string_equal(r.issuing_agency, "Florida Department of Law Enforcement");
    request_clear(&r);
    parse_mail("d@city.example.org", "Preservation",
               "MINNESOTA BUREAU OF CRIMINAL APPREHENSION\nPreservation request "
               "under 18 U.S.C. 2703(f) for a@northmail.example.\n", &r);
    assert_string_equal(r.issuing_agency,
                        "Minnesota Bureau of Criminal Apprehension");
    request_clear(&r);
    parse_mail("d@city.example.org", "Preservation",
               "Fort Collins Police Services\nPreservation request under 18 "
               "U.S.C. 2703(f) for a@northmail.example.\n", &r);
    assert_string_equal(r.issuing_agency, "Fort Collins Police Services");
    request_clear(&r);
}

/* A "Requesting agency:" line names its agency first; one mentioned after
 * it on the line ("in coordination with the FBI") is not the requester. */
static void agency_label_names_first_agency(void **state)
{
    (void)state;
    request_t r;
    parse_mail("d@city.example.org", "Emergency request",
               "Requesting agency: Riverside Police Department (in "
               "coordination with the FBI)\nEmergency disclosure under "
               "2702(c)(4): threat to kill. Subscriber info for "
               "a@northmail.example.\n", &r);
    assert_string_equal(r.issuing_agency, "Riverside Police Department");
    request_clear(&r);
}

/* "2703(c) and (d)": the (d) written apart from its section number. */
static void type_2703_c_and_d(void **state)
{
    (void)state;
    assert_type("Records request",
                "APPLICATION PURSUANT TO 18 U.S.C. 2703(c) and (d). ORDER. "
                "Northwind shall disclose subscriber records of "
                "a@northmail.example.\n",
                REQ_COURT_ORDER);
    assert_type("Records request",
                "Order under 18 U.S.C. 2703(b), (c), and (d) for login records "
                "of a@northmail.example.\n",
                REQ_COURT_ORDER);
}

/* A delay of notice stated as "not ... before <date>" / "prior to <date>"
 * ends on that date. */
static void gag_end_before_date(void **state)
{
    (void)state;
    request_t r;
    parse_mail("agent@fbi.gov", "Subpoena 25-1",
               "Date: March 3, 2025\nNondisclosure: Northwind shall not notify "
               "the account holder before June 1, 2025.\n", &r);
    assert_true(r.nondisclosure);
    assert_string_equal(r.nondisclosure_until, "2025-06-01");
    request_clear(&r);
    parse_mail("agent@fbi.gov", "Subpoena 25-1",
               "Date: March 3, 2025\nDo not disclose this subpoena to the "
               "subscriber prior to 09/30/2025.\n", &r);
    assert_string_equal(r.nondisclosure_until, "2025-09-30");
    request_clear(&r);
}

/* A police department's own domain ("elmpd.org") never hosts a target,
 * even when the colleague named is not the sender. */
static void accounts_police_department_domain(void **state)
{
    (void)state;
    request_t r;
    parse_mail("agent@fbi.gov", "Subpoena 25-1",
               "Produce subscriber records of t@northmail.example.\nQuestions: "
               "AUSA Jane Roe, jane.roe@usdoj.gov, or my partner "
               "det.kim@elmpd.org.\n", &r);
    assert_int_equal(r.account_count, 1);
    assert_true(has_account(&r, "t@northmail.example"));
    request_clear(&r);
}

/* A subpoena's appearance date as the deadline: "commanded to appear on
 * <date>", and a form whose "Date and Time:" value is on the next line. */
static void deadline_appearance_wording_and_layout(void **state)
{
    (void)state;
    deadline_check("Date: 08/19/2024\nGrand jury subpoena. You are commanded "
                   "to appear on September 12, 2024 at 9:00 a.m. Produce the "
                   "records in lieu of appearance.\n", false, "2024-09-12");
    deadline_check("Date: 09/03/2024\nYOU ARE COMMANDED to produce at the "
                   "time, date, and place set forth below the records.\n"
                   "Place: 100 Main St.          Date and Time:\n"
                   "                             10/01/2024 10:00 am\n",
                   false, "2024-10-01");
}

/* "within N days upon receipt", "on receipt", "from the date on this
 * letter", "of being served" count from the letter's date. */
static void deadline_within_upon_receipt(void **state)
{
    (void)state;
    deadline_check("Date: March 3, 2025\nProduce the records within 10 days "
                   "upon receipt.\n", false, "2025-03-13");
    deadline_check("Date: March 3, 2025\nProduce the records within 10 days "
                   "from the date on this letter.\n", false, "2025-03-13");
    deadline_check("Date: March 3, 2025\nProduce the records within 10 days "
                   "of being served.\n", false, "2025-03-13");
    deadline_check("Date: March 3, 2025\nProduce the records within 10 days "
                   "on a CD.\n", false, "");
}

/* Threats of suicide and narrative threats placed in the present ("by
 * midnight", "tonight") are emergency claims without the word; a past
 * threat is not, even in a sentence saying "currently". */
static void emergency_self_harm_and_present_threats(void **state)
{
    (void)state;
    request_t r;
    parse_mail("ofc@elmpd.org", "Request",
               "Exigent circumstances: a 14-year-old has told friends she will "
               "kill herself tonight. The extortionist uses a@northmail.example."
               " Please provide the subscriber information now.\n", &r);
    assert_true(r.emergency);
    request_clear(&r);
    parse_mail("ofc@elmpd.org", "Request",
               "We have a kidnapping. The kidnapper wrote from "
               "a@northmail.example and threatened to kill the victim by "
               "midnight. Please disclose the subscriber name.\n", &r);
    assert_true(r.emergency);
    assert_int_equal(r.type, REQ_EMERGENCY_REQUEST);
    request_clear(&r);
    parse_mail("agent@fbi.gov", "Subpoena 25-1",
               "Grand jury subpoena. The target threatened to kill a witness in "
               "2019 and is currently in custody. Produce subscriber records of "
               "a@northmail.example.\n", &r);
    assert_false(r.emergency);
    request_clear(&r);
}

/* A table with its labels in a header row: the cell under "Date" is the
 * letter's date (HTML cells become tabs, rows lines). */
static void letter_date_from_column_table(void **state)
{
    (void)state;
    const char *t = "DEA SUBPOENA\n\tDate\tSubpoena No.\n\n"
                    "\t04/08/2025\tR3-25-9\n";
    date_t d;
    assert_true(extract_letter_date(t, strlen(t), false, &d));
    assert_date(d, "2025-04-08");
    const char *u = "\tSubpoena No.\tDate issued\n\tR3-25-9\tApril 8, 2025\n";
    assert_true(extract_letter_date(u, strlen(u), false, &d));
    assert_date(d, "2025-04-08");
    const char *w = "\tPeriod\tDate\n\tJan-Mar\t\n";
    assert_false(extract_letter_date(w, strlen(w), false, &d));
}

/* A reference label heading a table column: the value is the same cell of
 * the next row; a label with its value beside it is read as before. */
static void reference_from_column_table(void **state)
{
    (void)state;
    const char *t = "DEA SUBPOENA\n\n\tSubpoena No.\tDate\n\n"
                    "\tR3-25-9\t04/08/2025\n\nProduce records.\n";
    char *r = extract_reference(t, strlen(t), "DEA administrative subpoena");
    assert_non_null(r);
    assert_string_equal(r, "R3-25-9");
    free(r);
    const char *u = "\tDate\tCase No.\n\n\t04/08/2025\t2025-CR-0042\n";
    r = extract_reference(u, strlen(u), "Subpoena");
    assert_non_null(r);
    assert_string_equal(r, "2025-CR-0042");
    free(r);
    const char *w = "\tSubpoena No.\tR3-25-7\n\tDate\t04/08/2025\n";
    r = extract_reference(w, strlen(w), "Subpoena");
    assert_non_null(r);
    assert_string_equal(r, "R3-25-7");
    free(r);
}

/* "within a period of / the next N days", "within ten days hereof", "in no
 * event later than N days after receipt". */
static void deadline_within_fillers_and_hereof(void **state)
{
    (void)state;
    deadline_check("Date: March 3, 2025\nProduce the records within a period "
                   "of 10 days from the date of this letter.\n", false,
                   "2025-03-13");
    deadline_check("Date: March 3, 2025\nProduce the records within the next "
                   "10 days.\n", false, "2025-03-13");
    deadline_check("Date: March 3, 2025\nProduce the records within ten days "
                   "hereof.\n", false, "2025-03-13");
    deadline_check("Date: March 3, 2025\nProduce the records in no event later "
                   "than 10 days after receipt.\n", false, "2025-03-13");
}

/* A gag "for a period not to exceed 90 days" / "for no longer than one
 * year" ends that long after the letter's date. */
static void gag_not_to_exceed_duration(void **state)
{
    (void)state;
    request_t r;
    parse_mail("agent@fbi.gov", "2703(d) order",
               "Date: March 3, 2025\nIT IS ORDERED that Northwind shall not "
               "disclose the existence of this Order to any person for a "
               "period not to exceed 90 days.\n", &r);
    assert_string_equal(r.nondisclosure_until, "2025-06-01");
    request_clear(&r);
    parse_mail("agent@fbi.gov", "2703(d) order",
               "Date: March 3, 2025\nNorthwind shall not notify the subscriber "
               "for no longer than one year.\n", &r);
    assert_string_equal(r.nondisclosure_until, "2026-03-03");
    request_clear(&r);
    /* a response deadline in the gag's sentence is not the gag's end */
    parse_mail("agent@fbi.gov", "2703(d) order",
               "Date: March 3, 2025\nIT IS ORDERED that Northwind shall, no "
               "later than 10 days after receipt, disclose the records and "
               "shall not disclose the existence of this Order until further "
               "order of the Court.\n", &r);
    assert_true(r.nondisclosure);
    assert_string_equal(r.nondisclosure_until, "");
    assert_string_equal(r.deadline, "2025-03-13");
    request_clear(&r);
}

/* "14JUN2025" (military style) and a dotted date ending its sentence. */
static void dates_military_and_dotted_sentence_end(void **state)
{
    (void)state;
    assert_parses("14JUN2025", "2025-06-14");
    assert_parses("03sep2024 1700 hrs", "2024-09-03");
    assert_parses("14.06.2025.", "2025-06-14");
    date_t d;
    assert_int_equal(date_parse_at("10.1.2.3", 8, &d), 0);
    deadline_check("Date: June 1, 2025\nProduce the records no later than "
                   "14.06.2025.\n", false, "2025-06-14");
}

/* More ways to ask that the customer not learn of a request. */
static void gag_not_made_aware_and_no_notice(void **state)
{
    (void)state;
    request_t r;
    parse_mail("x@nca.gov.uk", "Request",
               "Preservation request. Please ensure that the subscriber is not "
               "made aware of this request.\n", &r);
    assert_true(r.nondisclosure);
    request_clear(&r);
    parse_mail("x@nca.gov.uk", "Request",
               "MLAT request. Confidentiality is requested: the existence of "
               "this request should not be revealed to the account holder.\n",
               &r);
    assert_true(r.nondisclosure);
    request_clear(&r);
    parse_mail("agent@fbi.gov", "Subpoena 25-1",
               "Notification could jeopardize the investigation; we therefore "
               "request that no notice be given to the subscriber.\n", &r);
    assert_true(r.nondisclosure);
    request_clear(&r);
}

/* "Contents ... are outside the scope of this subpoena" asks for none. */
static void categories_outside_the_scope(void **state)
{
    (void)state;
    assert_int_equal(cats_of("Produce the subscriber name and address. Contents "
                             "of communications are outside the scope of this "
                             "subpoena.\n"),
                     CAT_SUBSCRIBER);
    assert_int_equal(cats_of("Login records are not part of this request; "
                             "produce the stored e-mails.\n"),
                     CAT_CONTENT);
}

/* German: "darf nicht in Kenntnis gesetzt werden", "nicht zu unterrichten". */
static void gag_german_kenntnis_unterrichten(void **state)
{
    (void)state;
    request_t r;
    parse_mail("x@bka.bund.de", "Rechtshilfeersuchen",
               "Bundeskriminalamt\nRechtshilfeersuchen. Der Kontoinhaber darf "
               "\xc3\xbc""ber dieses Ersuchen nicht in Kenntnis gesetzt "
               "werden.\n", &r);
    assert_true(r.nondisclosure);
    request_clear(&r);
    parse_mail("x@bka.bund.de", "Rechtshilfeersuchen",
               "Bundeskriminalamt\nWir bitten, den Nutzer nicht zu "
               "unterrichten.\n", &r);
    assert_true(r.nondisclosure);
    request_clear(&r);
}

/* German data kinds: stored messages, mailbox contents, log data. */
static void categories_german_more_wording(void **state)
{
    (void)state;
    assert_int_equal(cats_of("Wir bitten um die gespeicherten Nachrichten des "
                             "Kontos.\n"),
                     CAT_CONTENT);
    assert_int_equal(cats_of("Wir bitten um den Inhalt des Postfachs.\n"),
                     CAT_CONTENT);
    assert_int_equal(cats_of("Wir bitten um die Protokolldaten (Logdateien).\n"),
                     CAT_TRANSACTIONAL);
}

/* "Riverbend PD" names a local agency as written; where the text also
 * spells it out ("Riverbend Police Department"), the full name wins. */
static void agency_pd_abbreviation(void **state)
{
    (void)state;
    request_t r;
    parse_mail("det.x@gmail.com", "Emergency",
               "This is an emergency: a child is in danger of death. Please "
               "provide the subscriber name of a@northmail.example.\n\nDet. Alma "
               "Ortiz\nRiverbend PD\n", &r);
    assert_string_equal(r.issuing_agency, "Riverbend PD");
    request_clear(&r);
    parse_mail("det.x@gmail.com", "Emergency",
               "This is an emergency: a child is in danger of death. Riverbend "
               "PD dispatch can verify me. Please provide the subscriber name "
               "of a@northmail.example.\n\nRiverbend Police Department\n", &r);
    assert_string_equal(r.issuing_agency, "Riverbend Police Department");
    request_clear(&r);
}

/* An agency's reply ("RE:") quoting the provider's own question under an
 * "Original Message" line is the agency's request, not a forward of the
 * provider's mail; a forward ("FW:") of the same layout still is one. */
static void reply_quoting_the_provider_is_not_a_forward(void **state)
{
    (void)state;
    static const char reply[] =
        "From: Det. Lena Ortiz <lortiz@dallaspolice.gov>\n"
        "To: legal-requests@northwind-cloud.example\n"
        "Subject: RE: Your request NW-LR-2025-0417\n"
        "Date: Tue, 4 Mar 2025 09:12:00 -0600\n"
        "Message-ID: <reply-1@dallaspolice.gov>\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Attached is the signed grand jury subpoena, our case number "
        "DPD-25-118842. Please produce the subscriber information for "
        "r.kane@northmail.example.\n\n"
        "Det. Lena Ortiz\nDallas Police Department\n\n"
        "-----Original Message-----\n"
        "From: Northwind Cloud Legal <legal-requests@northwind-cloud.example>\n"
        "Sent: Monday, March 3, 2025 4:40 PM\n"
        "To: Ortiz, Lena <lortiz@dallaspolice.gov>\n"
        "Subject: Your request NW-LR-2025-0417\n\n"
        "Our reference: NW-LR-2025-0417. We need the signed subpoena before "
        "we can act on this request.\n";
    request_t r;
    assert_int_equal(parse_raw(reply, sizeof reply - 1, &r), PARSE_OK);
    assert_string_equal(r.from, "lortiz@dallaspolice.gov");
    assert_non_null(r.issuing_agency);
    assert_string_equal(r.reference, "DPD-25-118842");
    assert_int_equal(r.type, REQ_SUBPOENA);
    request_clear(&r);

    /* The quote is dropped up to the end of its part only: an attached
     * document after it is still read. */
    static const char with_attachment[] =
        "From: Det. Lena Ortiz <lortiz@dallaspolice.gov>\n"
        "To: legal-requests@northwind-cloud.example\n"
        "Subject: RE: Your request NW-LR-2025-0417\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=b1\n\n"
        "--b1\nContent-Type: text/plain; charset=utf-8\n\n"
        "The signed subpoena is attached.\n\n"
        "-----Original Message-----\n"
        "From: Northwind Cloud Legal <legal-requests@northwind-cloud.example>\n"
        "Subject: Your request NW-LR-2025-0417\n\n"
        "Which account? We hold old.one@northmail.example and others.\n"
        "--b1\nContent-Type: text/plain; name=subpoena.txt\n"
        "Content-Disposition: attachment; filename=subpoena.txt\n\n"
        "GRAND JURY SUBPOENA. Produce the subscriber information for "
        "z.q@northmail.example.\n--b1--\n";
    assert_int_equal(parse_raw(with_attachment, sizeof with_attachment - 1, &r), PARSE_OK);
    bool has_zq = false, has_old = false;
    for (size_t i = 0; i < r.account_count; i++) {
        has_zq |= !strcmp(r.accounts[i], "z.q@northmail.example");
        has_old |= !strcmp(r.accounts[i], "old.one@northmail.example");
    }
    assert_true(has_zq);
    assert_false(has_old);
    request_clear(&r);

    mail_doc_t doc;
    static const char fwd[] =
        "From: Paralegal <p@northwind-cloud.example>\n"
        "To: legal-requests@northwind-cloud.example\n"
        "Subject: FW: Subpoena DPD-25-118842\n"
        "Date: Tue, 4 Mar 2025 10:00:00 -0600\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "-----Original Message-----\n"
        "From: Det. Lena Ortiz <lortiz@dallaspolice.gov>\n"
        "Sent: Tuesday, March 4, 2025 9:12 AM\n"
        "Subject: Subpoena DPD-25-118842\n\n"
        "Please produce the subscriber information for r.kane@northmail.example.\n";
    assert_int_equal(mail_decode(fwd, sizeof fwd - 1, &doc, NULL, 0), 0);
    assert_true(doc.forwarded);
    assert_string_equal(doc.request_from, "lortiz@dallaspolice.gov");
    mail_doc_clear(&doc);
}

/* Inputs the fuzzer once broke the parser with (tests/fuzz/crashes/parse-*)
 * parse here too, so the sanitizer build's unit run catches a regression
 * even where the fuzz test does not run. A match that ran past the end of
 * its sentence made prospective_mention read beyond the text. */
static void fuzz_reproducers_parse(void **state)
{
    (void) state;
    DIR *d = opendir("tests/fuzz/crashes");
    assert_non_null(d);
    int seen = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "parse-", 6) != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "tests/fuzz/crashes/%s", e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *raw = malloc((size_t) len + 1);
        assert_non_null(raw);
        assert_int_equal(fread(raw, 1, (size_t) len, f), (size_t) len);
        fclose(f);
        request_t r;
        parse_raw(raw, (size_t) len, &r);
        request_clear(&r);
        free(raw);
        seen++;
    }
    closedir(d);
    assert_true(seen >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(type_warrant_by_citation),
        cmocka_unit_test(type_court_order),
        cmocka_unit_test(type_preservation),
        cmocka_unit_test(type_nsl),
        cmocka_unit_test(type_emergency),
        cmocka_unit_test(type_mlat),
        cmocka_unit_test(type_subpoena),
        cmocka_unit_test(type_unknown),
        cmocka_unit_test(agency_federal_and_local),
        cmocka_unit_test(agency_by_sender_domain),
        cmocka_unit_test(country_mlat_requested_state),
        cmocka_unit_test(requesting_country_rules),
        cmocka_unit_test(agency_local_prosecutors),
        cmocka_unit_test(reference_labels),
        cmocka_unit_test(accounts_fold_dedupe_exclude),
        cmocka_unit_test(accounts_freemail_requester),
        cmocka_unit_test(accounts_html_mailto),
        cmocka_unit_test(request_account_set),
        cmocka_unit_test(categories_phrases),
        cmocka_unit_test(categories_negations),
        cmocka_unit_test(nondisclosure_rules),
        cmocka_unit_test(deadline_rules),
        cmocka_unit_test(emergency_claims),
        cmocka_unit_test(dates_forms),
        cmocka_unit_test(dates_arithmetic),
        cmocka_unit_test(numbers_and_durations),
        cmocka_unit_test(german_latin1_message),
        cmocka_unit_test(inline_forward),
        cmocka_unit_test(rfc822_forward_and_alternative),
        cmocka_unit_test(html_to_text_entities),
        cmocka_unit_test(authentication_results_trusted_only),
        cmocka_unit_test(json_keeps_utf8),
        cmocka_unit_test(not_mail_inputs),
        cmocka_unit_test(hostile_long_header),
        cmocka_unit_test(hostile_unterminated_boundary),
        cmocka_unit_test(hostile_deep_nesting),
        cmocka_unit_test(type_announced_process_is_not_the_type),
        cmocka_unit_test(agency_from_mlat_subject),
        cmocka_unit_test(agency_written_acronym_and_country_fallbacks),
        cmocka_unit_test(gag_end_in_following_sentence),
        cmocka_unit_test(deadline_weekday_and_bare_within),
        cmocka_unit_test(type_announced_mlat_far_back_in_sentence),
        cmocka_unit_test(agency_uk_force_and_country),
        cmocka_unit_test(reference_french_and_file_labels),
        cmocka_unit_test(categories_narrative_and_negation_wording),
        cmocka_unit_test(gag_wording_and_inclusive_end),
        cmocka_unit_test(deadline_more_phrasings),
        cmocka_unit_test(accounts_gov_targets_and_contacts),
        cmocka_unit_test(agency_oig_state_ag_and_prosecutor_vs_sender),
        cmocka_unit_test(type_production_order_and_more_labels),
        cmocka_unit_test(inline_forward_other_languages),
        cmocka_unit_test(dates_non_english_months),
        cmocka_unit_test(deadline_and_letter_date_non_english),
        cmocka_unit_test(french_latin1_message),
        cmocka_unit_test(case_folding_beyond_ascii),
        cmocka_unit_test(gag_date_or_further_order),
        cmocka_unit_test(emergency_claim_without_the_word),
        cmocka_unit_test(deadline_within_after_non_date_event),
        cmocka_unit_test(inline_forward_dutch_portuguese_and_bare_original),
        cmocka_unit_test(reply_quoting_the_provider_is_not_a_forward),
        cmocka_unit_test(reference_own_file_over_docket),
        cmocka_unit_test(type_denied_process_is_not_the_type),
        cmocka_unit_test(deadline_need_word_before_by),
        cmocka_unit_test(categories_logged_in_wording),
        cmocka_unit_test(deadline_time_of_day_across_line_break),
        cmocka_unit_test(dates_day_month_abbrev_dashed),
        cmocka_unit_test(deadline_due_and_before),
        cmocka_unit_test(reference_police_report_labels),
        cmocka_unit_test(categories_folders_registration_ip_wording),
        cmocka_unit_test(agency_state_investigative_forms),
        cmocka_unit_test(agency_label_names_first_agency),
        cmocka_unit_test(type_2703_c_and_d),
        cmocka_unit_test(gag_end_before_date),
        cmocka_unit_test(accounts_police_department_domain),
        cmocka_unit_test(deadline_appearance_wording_and_layout),
        cmocka_unit_test(deadline_within_upon_receipt),
        cmocka_unit_test(emergency_self_harm_and_present_threats),
        cmocka_unit_test(letter_date_from_column_table),
        cmocka_unit_test(reference_from_column_table),
        cmocka_unit_test(deadline_within_fillers_and_hereof),
        cmocka_unit_test(gag_not_to_exceed_duration),
        cmocka_unit_test(dates_military_and_dotted_sentence_end),
        cmocka_unit_test(gag_not_made_aware_and_no_notice),
        cmocka_unit_test(categories_outside_the_scope),
        cmocka_unit_test(gag_german_kenntnis_unterrichten),
        cmocka_unit_test(categories_german_more_wording),
        cmocka_unit_test(agency_pd_abbreviation),
        cmocka_unit_test(fuzz_reproducers_parse),
    };
    parse_global_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    parse_global_shutdown();
    return rc;
}
