/* test_extract_categories.c -- extraction unit tests: data categories:
 * phrases, negations, narrative wording. Small example messages written
 * for these tests (not the labelled samples); shared helpers in
 * extract_test.h. The code under test: common/extract/ (README.md there).
 */
#include "extract_test.h"

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
    assert_int_equal(cats_of("all e-mails, attachments, photos and files"), CAT_CONTENT);
    assert_int_equal(cats_of("IP addresses used to access the account and the "
                             "address book"),
                     CAT_TRANSACTIONAL);
    assert_int_equal(cats_of("the IP address used at sign-up and billing details"),
                     CAT_SUBSCRIBER);
    assert_int_equal(cats_of("subscriber name and local and long distance toll "
                             "billing records"),
                     CAT_SUBSCRIBER | CAT_TRANSACTIONAL);
    assert_int_equal(cats_of("Dear colleagues, please find the letter attached."), 0);
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

/* German data kinds: stored messages, mailbox contents, log data. */
static void categories_german_more_wording(void **state)
{
    (void)state;
    assert_int_equal(cats_of("Wir bitten um die gespeicherten Nachrichten des "
                             "Kontos.\n"),
                     CAT_CONTENT);
    assert_int_equal(cats_of("Wir bitten um den Inhalt des Postfachs.\n"), CAT_CONTENT);
    assert_int_equal(cats_of("Wir bitten um die Protokolldaten (Logdateien).\n"),
                     CAT_TRANSACTIONAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(categories_phrases),
        cmocka_unit_test(categories_negations),
        cmocka_unit_test(categories_narrative_and_negation_wording),
        cmocka_unit_test(categories_logged_in_wording),
        cmocka_unit_test(categories_folders_registration_ip_wording),
        cmocka_unit_test(categories_outside_the_scope),
        cmocka_unit_test(categories_german_more_wording),
    };
    parse_global_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    parse_global_shutdown();
    return rc;
}
