/* test_extract_gag.c -- extraction unit tests: nondisclosure: gag wording,
 * negation, stated ends and durations. Small example messages written for
 * these tests (not the labelled samples); shared helpers in
 * extract_test.h. The code under test: common/extract/ (README.md there).
 */
#include "extract_test.h"

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

static void gag_end_in_following_sentence(void **state)
{
    (void)state;
    gag_check("The Provider shall not disclose the existence of this warrant to "
              "the subscriber. This prohibition remains in effect until November "
              "8, 2025.\n",
              REQ_SEARCH_WARRANT, true, "2025-11-08");
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

/* A delay of notice stated as "not ... before <date>" / "prior to <date>"
 * ends on that date. */
static void gag_end_before_date(void **state)
{
    (void)state;
    request_t r;
    parse_mail("agent@fbi.gov", "Subpoena 25-1",
               "Date: March 3, 2025\nNondisclosure: Northwind shall not notify "
               "the account holder before June 1, 2025.\n",
               &r);
    assert_true(r.nondisclosure);
    assert_string_equal(r.nondisclosure_until, "2025-06-01");
    request_clear(&r);
    parse_mail("agent@fbi.gov", "Subpoena 25-1",
               "Date: March 3, 2025\nDo not disclose this subpoena to the "
               "subscriber prior to 09/30/2025.\n",
               &r);
    assert_string_equal(r.nondisclosure_until, "2025-09-30");
    request_clear(&r);
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
               "period not to exceed 90 days.\n",
               &r);
    assert_string_equal(r.nondisclosure_until, "2025-06-01");
    request_clear(&r);
    parse_mail("agent@fbi.gov", "2703(d) order",
               "Date: March 3, 2025\nNorthwind shall not notify the subscriber "
               "for no longer than one year.\n",
               &r);
    assert_string_equal(r.nondisclosure_until, "2026-03-03");
    request_clear(&r);
    /* a response deadline in the gag's sentence is not the gag's end */
    parse_mail("agent@fbi.gov", "2703(d) order",
               "Date: March 3, 2025\nIT IS ORDERED that Northwind shall, no "
               "later than 10 days after receipt, disclose the records and "
               "shall not disclose the existence of this Order until further "
               "order of the Court.\n",
               &r);
    assert_true(r.nondisclosure);
    assert_string_equal(r.nondisclosure_until, "");
    assert_string_equal(r.deadline, "2025-03-13");
    request_clear(&r);
}

/* More ways to ask that the customer not learn of a request. */
static void gag_not_made_aware_and_no_notice(void **state)
{
    (void)state;
    request_t r;
    parse_mail("x@nca.gov.uk", "Request",
               "Preservation request. Please ensure that the subscriber is not "
               "made aware of this request.\n",
               &r);
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
               "request that no notice be given to the subscriber.\n",
               &r);
    assert_true(r.nondisclosure);
    request_clear(&r);
}

/* German: "darf nicht in Kenntnis gesetzt werden", "nicht zu unterrichten". */
static void gag_german_kenntnis_unterrichten(void **state)
{
    (void)state;
    request_t r;
    parse_mail("x@bka.bund.de", "Rechtshilfeersuchen",
               "Bundeskriminalamt\nRechtshilfeersuchen. Der Kontoinhaber darf "
               "\xc3\xbc"
               "ber dieses Ersuchen nicht in Kenntnis gesetzt "
               "werden.\n",
               &r);
    assert_true(r.nondisclosure);
    request_clear(&r);
    parse_mail("x@bka.bund.de", "Rechtshilfeersuchen",
               "Bundeskriminalamt\nWir bitten, den Nutzer nicht zu "
               "unterrichten.\n",
               &r);
    assert_true(r.nondisclosure);
    request_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nondisclosure_rules),
        cmocka_unit_test(gag_end_in_following_sentence),
        cmocka_unit_test(gag_wording_and_inclusive_end),
        cmocka_unit_test(gag_date_or_further_order),
        cmocka_unit_test(gag_end_before_date),
        cmocka_unit_test(gag_not_to_exceed_duration),
        cmocka_unit_test(gag_not_made_aware_and_no_notice),
        cmocka_unit_test(gag_german_kenntnis_unterrichten),
    };
    parse_global_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    parse_global_shutdown();
    return rc;
}
