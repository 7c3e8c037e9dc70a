/* test_extract_type.c -- extraction unit tests: request types by citation
 * and wording; announced or denied process. Small example messages written
 * for these tests (not the labelled samples); shared helpers in
 * extract_test.h. The code under test: common/extract/ (README.md there).
 */
#include "extract_test.h"

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
    assert_type("Search and Seizure Warrant 25-MJ-77", "Please see the attached order.\n",
                REQ_SEARCH_WARRANT);
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
    assert_type("Rechtshilfeersuchen", "Die Staatsanwaltschaft bittet um Rechtshilfe.\n",
                REQ_MLAT_REQUEST);
    assert_type("Request",
                "Pursuant to the Treaty on Mutual Legal Assistance in Criminal "
                "Matters, a search warrant was obtained for the account.\n",
                REQ_MLAT_REQUEST);
}

static void type_subpoena(void **state)
{
    (void)state;
    assert_type("Records", "SUBPOENA TO TESTIFY BEFORE A GRAND JURY\n", REQ_SUBPOENA);
    assert_type("Records",
                "YOU ARE HEREBY REQUIRED, pursuant to 21 U.S.C. \xc2\xa7 876, to "
                "produce the records described below.\n",
                REQ_SUBPOENA);
    assert_type("Administrative subpoena 2025-114", "Please produce the records.\n",
                REQ_SUBPOENA);
}

static void type_unknown(void **state)
{
    (void)state;
    assert_type("quick question",
                "Hi, could you tell us who owns this account? In order to "
                "follow up we need a name.\n",
                REQ_UNKNOWN);
}

static void type_announced_process_is_not_the_type(void **state)
{
    (void)state;
    /* A preservation letter announcing an MLAT is still a preservation. */
    request_t r;
    parse_mail("k.walsh@garda.ie", "Preservation request",
               "An Garda S\xc3\xad"
               "och\xc3\xa1na\nOur ref: GN-25-0031\n"
               "Date: 07/02/2025\nPlease preserve all data for the account "
               "c.b@northmail.example for 90 days pending a request through the "
               "mutual legal assistance channel.\n",
               &r);
    assert_int_equal(r.type, REQ_PRESERVATION_REQUEST);
    assert_string_equal(r.issuing_agency, "Garda S\xc3\xad"
                                          "och\xc3\xa1na");
    assert_string_equal(r.issuing_country, "IE");
    assert_string_equal(r.reference, "GN-25-0031");
    assert_string_equal(r.deadline, "");
    request_clear(&r);
    assert_type("Records",
                "Pursuant to 18 U.S.C. 2703(f), please preserve the records. A "
                "search warrant will follow.\n",
                REQ_PRESERVATION_REQUEST);
}

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
                "donn\xc3\xa9"
                "es du compte pendant 90 jours, dans l'attente "
                "d'une demande d'entraide p\xc3\xa9nale internationale.\n",
                REQ_PRESERVATION_REQUEST);
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
        cmocka_unit_test(type_announced_process_is_not_the_type),
        cmocka_unit_test(type_announced_mlat_far_back_in_sentence),
        cmocka_unit_test(type_production_order_and_more_labels),
        cmocka_unit_test(type_denied_process_is_not_the_type),
        cmocka_unit_test(type_2703_c_and_d),
    };
    parse_global_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    parse_global_shutdown();
    return rc;
}
