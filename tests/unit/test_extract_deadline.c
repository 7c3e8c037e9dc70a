/* test_extract_deadline.c -- extraction unit tests: response deadlines:
 * dates after cues, "within N days", appearance dates. Small example
 * messages written for these tests (not the labelled samples); shared
 * helpers in extract_test.h. The code under test: common/extract/
 * (README.md there).
 */
#include "extract_test.h"

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

static void deadline_more_phrasings(void **state)
{
    (void)state;
    deadline_check("Records must be produced by the 14th day of March, 2025.\n", false,
                   "2025-03-14");
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
    deadline_check("Date: May 5, 2025\nThe deadline is tight: 2 days matter.\n", false,
                   "");
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
    deadline_check("Les donn\xc3\xa9"
                   "es doivent \xc3\xaatre transmises au plus "
                   "tard le 1er juin 2025.\n",
                   true, "2025-06-01");
    deadline_check("Madrid, 7 de abril de 2025\nLe rogamos remita la informaci"
                   "\xc3\xb3n antes del 30 de mayo de 2025.\n",
                   true, "2025-05-30");
    deadline_check("Madrid, 7 de abril de 2025\nLe rogamos env\xc3\xad"
                   "e la "
                   "respuesta dentro de 10 d\xc3\xad"
                   "as a partir de la "
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
    deadline_check("Wiesbaden, 3. M\xc3\xa4rz 2025\nBitte \xc3\xbc"
                   "bermitteln Sie "
                   "die Daten bis 31. M\xc3\xa4rz 2025.\n",
                   true, "2025-03-31");
    /* the end of a period asked for is no deadline */
    deadline_check("Bitte \xc3\xbc"
                   "bermitteln Sie die Verkehrsdaten vom 1. Januar "
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

/* "required by <date>" / "needed by <date>" is a deadline without a
 * verb of producing; a bare "by <date>" in an unrelated sentence is not. */
static void deadline_need_word_before_by(void **state)
{
    (void)state;
    deadline_check("Date: 30 May 2025\n4. Timescale. The material is "
                   "required by 15 July 2025 for a preliminary hearing.\n",
                   true, "2025-07-15");
    deadline_check("The information is needed by March 3, 2025.\n", false, "2025-03-03");
    deadline_check("The suspect moved to Ohio by March 3, 2025.\n", false, "");
}

/* "by 5:00 p.m. on" with the date on the next line. */
static void deadline_time_of_day_across_line_break(void **state)
{
    (void)state;
    deadline_check("The Provider shall disclose the information above by "
                   "5:00 p.m. on\nJune 16, 2025.\n",
                   false, "2025-06-16");
    deadline_check("Produce the records by noon\non Friday, May 2, 2025.\n", false,
                   "2025-05-02");
}

/* "is due <date>" and "before <date>" (after the letter's date) are
 * deadlines; a period asked for that ends before the letter is not. */
static void deadline_due_and_before(void **state)
{
    (void)state;
    deadline_check("Date: March 3, 2025\nProduction is due March 20, 2025.\n", false,
                   "2025-03-20");
    deadline_check("Date: 2025-03-03\nPlease send the records before March "
                   "20, 2025.\n",
                   false, "2025-03-20");
    deadline_check("Date: 2025-03-03\nProduce all records created before "
                   "January 1, 2025.\n",
                   false, "");
    deadline_check("Dated: 3-Mar-2025\nDeliver the records by 20-Mar-2025.\n", false,
                   "2025-03-20");
    /* "records created before <date>" describes the records, not a reply */
    deadline_check("Date: March 3, 2025\nPlease preserve all records created "
                   "before March 30, 2025.\n",
                   false, "");
}

/* A subpoena's appearance date as the deadline: "commanded to appear on
 * <date>", and a form whose "Date and Time:" value is on the next line. */
static void deadline_appearance_wording_and_layout(void **state)
{
    (void)state;
    deadline_check("Date: 08/19/2024\nGrand jury subpoena. You are commanded "
                   "to appear on September 12, 2024 at 9:00 a.m. Produce the "
                   "records in lieu of appearance.\n",
                   false, "2024-09-12");
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
                   "upon receipt.\n",
                   false, "2025-03-13");
    deadline_check("Date: March 3, 2025\nProduce the records within 10 days "
                   "from the date on this letter.\n",
                   false, "2025-03-13");
    deadline_check("Date: March 3, 2025\nProduce the records within 10 days "
                   "of being served.\n",
                   false, "2025-03-13");
    deadline_check("Date: March 3, 2025\nProduce the records within 10 days "
                   "on a CD.\n",
                   false, "");
}

/* "within a period of / the next N days", "within ten days hereof", "in no
 * event later than N days after receipt". */
static void deadline_within_fillers_and_hereof(void **state)
{
    (void)state;
    deadline_check("Date: March 3, 2025\nProduce the records within a period "
                   "of 10 days from the date of this letter.\n",
                   false, "2025-03-13");
    deadline_check("Date: March 3, 2025\nProduce the records within the next "
                   "10 days.\n",
                   false, "2025-03-13");
    deadline_check("Date: March 3, 2025\nProduce the records within ten days "
                   "hereof.\n",
                   false, "2025-03-13");
    deadline_check("Date: March 3, 2025\nProduce the records in no event later "
                   "than 10 days after receipt.\n",
                   false, "2025-03-13");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deadline_rules),
        cmocka_unit_test(deadline_weekday_and_bare_within),
        cmocka_unit_test(deadline_more_phrasings),
        cmocka_unit_test(deadline_and_letter_date_non_english),
        cmocka_unit_test(deadline_within_after_non_date_event),
        cmocka_unit_test(deadline_need_word_before_by),
        cmocka_unit_test(deadline_time_of_day_across_line_break),
        cmocka_unit_test(deadline_due_and_before),
        cmocka_unit_test(deadline_appearance_wording_and_layout),
        cmocka_unit_test(deadline_within_upon_receipt),
        cmocka_unit_test(deadline_within_fillers_and_hereof),
    };
    parse_global_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    parse_global_shutdown();
    return rc;
}
