/* test_extract_emergency.c -- extraction unit tests: emergency claims:
 * present danger, denials, hypotheticals. Small example messages written
 * for these tests (not the labelled samples); shared helpers in
 * extract_test.h. The code under test: common/extract/ (README.md there).
 */
#include "extract_test.h"

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
               "donn\xc3\xa9"
               "es d'identification du compte v.w@northmail.example.\n",
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
               " Please provide the subscriber information now.\n",
               &r);
    assert_true(r.emergency);
    request_clear(&r);
    parse_mail("ofc@elmpd.org", "Request",
               "We have a kidnapping. The kidnapper wrote from "
               "a@northmail.example and threatened to kill the victim by "
               "midnight. Please disclose the subscriber name.\n",
               &r);
    assert_true(r.emergency);
    assert_int_equal(r.type, REQ_EMERGENCY_REQUEST);
    request_clear(&r);
    parse_mail("agent@fbi.gov", "Subpoena 25-1",
               "Grand jury subpoena. The target threatened to kill a witness in "
               "2019 and is currently in custody. Produce subscriber records of "
               "a@northmail.example.\n",
               &r);
    assert_false(r.emergency);
    request_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(emergency_claims),
        cmocka_unit_test(emergency_claim_without_the_word),
        cmocka_unit_test(emergency_self_harm_and_present_threats),
    };
    parse_global_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    parse_global_shutdown();
    return rc;
}
