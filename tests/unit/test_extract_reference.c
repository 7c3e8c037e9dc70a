/* test_extract_reference.c -- extraction unit tests: the request's own
 * reference: labels, tables, own file against docket. Small example
 * messages written for these tests (not the labelled samples); shared
 * helpers in extract_test.h. The code under test: common/extract/
 * (README.md there).
 */
#include "extract_test.h"

static void reference_labels(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        { "Case No. 2:25-mj-00412\n", "2:25-mj-00412" },
        { "In re Case No. 14 Mag. 2211 (S.D.N.Y.)\n", "14 Mag. 2211" },
        { "Case Number: 25 MJ 118\n", "25 MJ 118" },
        { "Case #: 25-33801.\n", "25-33801" },
        { "Please reference the case number. Ref: LE/2025/0091\n", "LE/2025/0091" },
        { "Aktenzeichen: 7 Js 1234/24\n", "7 Js 1234/24" },
        { "Az.: 7Js1234/24\n", "7Js1234/24" },
        { "Gesch\xc3\xa4"
          "ftszeichen (reference): ST-25-0912\n",
          "ST-25-0912" },
        { "Your reference: NWC-LE-5521\nOur reference: MLA/25/0331\n", "MLA/25/0331" },
        { "Our case number is 25-004411.\n", "25-004411" },
        { "We do not have a case number yet.\n", NULL },
        { "Docket No. CR 25-1187\n", "CR 25-1187" },
        { "Agency case number:   HCSO-25-1001\n", "HCSO-25-1001" },
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

static void reference_french_and_file_labels(void **state)
{
    (void)state;
    request_t r;
    parse_mail("c3n@gendarmerie.interieur.gouv.fr", "Demande MLAT",
               "R\xc3\xa9"
               "f\xc3\xa9rence : PV 2025/0417\nObjet : entraide "
               "judiciaire. Le contenu des courriers du compte "
               "l.m@northmail.example et les donn\xc3\xa9"
               "es d'identification de "
               "l'abonn\xc3\xa9.\n",
               &r);
    assert_string_equal(r.reference, "PV 2025/0417");
    assert_int_equal(r.categories, CAT_CONTENT | CAT_SUBSCRIBER);
    request_clear(&r);
    /* "V/R\xc3\xa9""f." is the provider's own. */
    parse_mail("x@interieur.gouv.fr", "Demande",
               "V/R\xc3\xa9"
               "f. : NWC-123-45\nN/R\xc3\xa9"
               "f. : OFAC-2025-1187\n",
               &r);
    assert_string_equal(r.reference, "OFAC-2025-1187");
    request_clear(&r);
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

/* Police report numbers: "DR# 25-1234", "Occurrence No.", "Event #". */
static void reference_police_report_labels(void **state)
{
    (void)state;
    request_t r;
    parse_mail("det@elmwoodpd.org", "Records request",
               "DR# 25-1234\nPlease produce the subscriber records for "
               "a@northmail.example.\n",
               &r);
    assert_string_equal(r.reference, "25-1234");
    request_clear(&r);
    parse_mail("det@elmwoodpd.org", "Records request",
               "Occurrence No. OCC-25-88120\nPlease produce the subscriber "
               "records for a@northmail.example.\n",
               &r);
    assert_string_equal(r.reference, "OCC-25-88120");
    request_clear(&r);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_labels),
        cmocka_unit_test(reference_french_and_file_labels),
        cmocka_unit_test(reference_own_file_over_docket),
        cmocka_unit_test(reference_police_report_labels),
        cmocka_unit_test(reference_from_column_table),
    };
    parse_global_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    parse_global_shutdown();
    return rc;
}
