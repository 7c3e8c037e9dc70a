/* test_extract_agency.c -- extraction unit tests: issuing agency
 * (national, local, by mail domain, by label) and the issuing and
 * requesting countries. Small example messages written for these tests
 * (not the labelled samples); shared helpers in extract_test.h. The code
 * under test: common/extract/ (README.md there).
 */
#include "extract_test.h"
#include "agencies.h"

#include <czmq.h>

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
               "I am a detective with the Lake Orion Police Department.\n", &r);
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
               "that this request be executed in the United States.\n",
               &r);
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
               "records of ana@northmail.example.\n",
               &r);
    assert_string_equal(r.requesting_country, "PT");
    request_clear(&r);

    /* Where it is to be executed decides the requested state, even when
     * the foreign central authority is named first. */
    parse_mail("mla@justicia.example.es", "Mutual legal assistance request",
               "The Central Authority of Spain requests that this mutual "
               "legal assistance request be executed in the United States "
               "for the records of x@northmail.example.\n",
               &r);
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
               "x@northmail.example.\n",
               &r);
    assert_string_equal(r.requesting_country, "CH");
    request_clear(&r);

    /* Only the sender's national domain says who asked. */
    parse_mail("rechtshilfe@justiz.example.at", "Rechtshilfeersuchen / MLAT",
               "Mutual legal assistance request for x@northmail.example.\n", &r);
    assert_int_equal(r.type, REQ_MLAT_REQUEST);
    assert_string_equal(r.requesting_country, "AT");
    request_clear(&r);

    /* Nothing says which state asked: null, never the requested state. */
    parse_mail("someone@mail.example.com", "MLAT request",
               "Mutual legal assistance request for x@northmail.example.\n", &r);
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
    static const char *const offices[] = { "Cook County Prosecutor's Office",
                                           "Kings County District Attorney's Office",
                                           "Maricopa County Attorney's Office",
                                           "Palm Beach State Attorney's Office", NULL };
    for (int i = 0; offices[i]; i++) {
        request_t r;
        char body[512];
        snprintf(body, sizeof body,
                 "The %s requests, by the attached grand "
                 "jury subpoena, the subscriber information of "
                 "x@northmail.example.\n",
                 offices[i]);
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
               "x@northmail.example under the attached subpoena.\n",
               &r);
    assert_non_null(r.issuing_agency);
    assert_string_equal(r.issuing_agency, "Riverbend PD");
    request_clear(&r);
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
               "The Kansas City Police Department (KCPD) requests production.\n", &r);
    assert_string_equal(r.issuing_agency, "KCPD");
    assert_string_equal(r.issuing_country, "US");
    request_clear(&r);

    /* No agency named, no US statute: the sender's national domain. */
    parse_mail("det@tps.on.ca", "Production order",
               "The Toronto Police Service asks for the subscriber information.\n", &r);
    assert_string_equal(r.issuing_agency, "Toronto Police Service");
    assert_string_equal(r.issuing_country, "CA");
    request_clear(&r);

    /* A known agency's mail domain when the letter names nobody. */
    parse_mail("x@usss.dhs.gov", "Subpoena", "Please produce the records.\n", &r);
    assert_string_equal(r.issuing_agency, "USSS");
    request_clear(&r);
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

/* State investigative agencies and other local forms, named as written;
 * an all-capitals heading keeps "of" small. */
static void agency_state_investigative_forms(void **state)
{
    (void)state;
    request_t r;
    parse_mail("d@city.example.org", "Preservation",
               "Florida Department of Law Enforcement\nPreservation request "
               "under 18 U.S.C. 2703(f) for a@northmail.example.\n",
               &r);
    assert_string_equal(r.issuing_agency, "Florida Department of Law Enforcement");
    request_clear(&r);
    parse_mail("d@city.example.org", "Preservation",
               "MINNESOTA BUREAU OF CRIMINAL APPREHENSION\nPreservation request "
               "under 18 U.S.C. 2703(f) for a@northmail.example.\n",
               &r);
    assert_string_equal(r.issuing_agency, "Minnesota Bureau of Criminal Apprehension");
    request_clear(&r);
    parse_mail("d@city.example.org", "Preservation",
               "Fort Collins Police Services\nPreservation request under 18 "
               "U.S.C. 2703(f) for a@northmail.example.\n",
               &r);
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
               "a@northmail.example.\n",
               &r);
    assert_string_equal(r.issuing_agency, "Riverside Police Department");
    request_clear(&r);
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
               "Ortiz\nRiverbend PD\n",
               &r);
    assert_string_equal(r.issuing_agency, "Riverbend PD");
    request_clear(&r);
    parse_mail("det.x@gmail.com", "Emergency",
               "This is an emergency: a child is in danger of death. Riverbend "
               "PD dispatch can verify me. Please provide the subscriber name "
               "of a@northmail.example.\n\nRiverbend Police Department\n",
               &r);
    assert_string_equal(r.issuing_agency, "Riverbend Police Department");
    request_clear(&r);
}

/* One source of agencies' mail domains (common/mail/agencies.h): every domain
 * of config/agencies.zpl is known to extraction as the file says --
 * domains and unconfirmed_domains name the issuer of a letter that names
 * none, shared_domains do not -- and to verification (agencies_match) but
 * for unconfirmed_domains. extract_agency() reads the copy built in, so
 * this also proves the build embeds the file as it is. */
static void check_listed_domains(const agencies_t *zpl, zconfig_t *agency,
                                 const char *key, bool names, bool verifies)
{
    const char *name = zconfig_get(agency, "name", "");
    const char *country = zconfig_get(agency, "country", "");
    char *list = strdup(zconfig_get(agency, key, ""));
    assert_non_null(list);
    for (char *save = NULL, *d = strtok_r(list, ", ", &save); d;
         d = strtok_r(NULL, ", ", &save)) {
        char addr[160], cc[3];
        snprintf(addr, sizeof addr, "someone@%s", d);
        char *extracted = extract_agency("", 0, NULL, addr, cc);
        if (names) {
            if (!extracted)
                fail_msg("%s (%s): unknown to extraction", d, key);
            assert_string_equal(extracted, name);
            assert_string_equal(cc, country);
        } else if (extracted) {
            fail_msg("%s (%s): names %s in extraction", d, key, extracted);
        }
        free(extracted);
        const char *listed = agencies_match(zpl, addr);
        if (verifies) {
            assert_non_null(listed);
            assert_string_equal(listed, name);
        } else {
            assert_null(listed);
        }
    }
    free(list);
}

static void agencies_zpl_is_extractions_list(void **state)
{
    (void)state;
    char err[256];
    agencies_t *zpl = agencies_load("config/agencies.zpl", err, sizeof err);
    if (!zpl)
        fail_msg("config/agencies.zpl: %s", err);
    zconfig_t *root = zconfig_load("config/agencies.zpl");
    assert_non_null(root);
    int agencies = 0;
    for (zconfig_t *a = zconfig_child(zconfig_locate(root, "agencies")); a;
         a = zconfig_next(a), agencies++) {
        check_listed_domains(zpl, a, "domains", true, true);
        check_listed_domains(zpl, a, "shared_domains", false, true);
        check_listed_domains(zpl, a, "unconfirmed_domains", true, false);
    }
    assert_true(agencies >= 20);
    zconfig_destroy(&root);
    agencies_destroy(&zpl);
}

/* The list configured at run time is extraction's too: a domain the legal
 * team adds names the issuer of a letter from there without a rebuild,
 * and the built-in copy does not know it (a reserved .example domain, so
 * never in config/agencies.zpl). */
static void agency_domain_added_at_run_time(void **state)
{
    (void)state;
    agencies_t *list = agencies_new();
    assert_int_equal(agencies_add(list, "Example Bureau", "NL", "bureau.example"), 0);
    const char *text = "Please provide the subscriber information of "
                       "jan@mailbox.example.\n";
    extract_input_t in = { .text = text,
                           .len = strlen(text),
                           .sender = "inspecteur@bureau.example",
                           .agencies = list };
    request_t r;
    memset(&r, 0, sizeof r);
    assert_int_equal(extract_request(&in, &r), 0);
    assert_string_equal(r.issuing_agency, "Example Bureau");
    assert_string_equal(r.issuing_country, "NL");
    request_clear(&r);

    in.agencies = NULL; /* the built-in copy of config/agencies.zpl */
    memset(&r, 0, sizeof r);
    assert_int_equal(extract_request(&in, &r), 0);
    assert_null(r.issuing_agency);
    request_clear(&r);
    agencies_destroy(&list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(agency_federal_and_local),
        cmocka_unit_test(agency_by_sender_domain),
        cmocka_unit_test(country_mlat_requested_state),
        cmocka_unit_test(requesting_country_rules),
        cmocka_unit_test(agency_local_prosecutors),
        cmocka_unit_test(agency_from_mlat_subject),
        cmocka_unit_test(agency_written_acronym_and_country_fallbacks),
        cmocka_unit_test(agency_uk_force_and_country),
        cmocka_unit_test(agency_oig_state_ag_and_prosecutor_vs_sender),
        cmocka_unit_test(agency_state_investigative_forms),
        cmocka_unit_test(agency_label_names_first_agency),
        cmocka_unit_test(agency_pd_abbreviation),
        cmocka_unit_test(agencies_zpl_is_extractions_list),
        cmocka_unit_test(agency_domain_added_at_run_time),
    };
    parse_global_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    parse_global_shutdown();
    return rc;
}
