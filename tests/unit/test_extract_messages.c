/* test_extract_messages.c -- extraction unit tests: whole messages: German
 * / ISO-8859-1 and French mail, forwards, HTML, authentication results,
 * JSON, inputs that are not mail, hostile inputs, fuzz reproducers. Small
 * example messages written for these tests (not the labelled samples);
 * shared helpers in extract_test.h. The code under test: common/extract/
 * (README.md there).
 */
#include "extract_test.h"

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
    assert_string_equal(r.subject, "Rechtshilfeersuchen Gesch\xc3\xa4"
                                   "ftszeichen LKA-25-17");
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
        "within 10 days of receipt. Questions to my partner "
        "b.ray@springvalepd.example.\n";
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
        "Received: from mail.x.gov by mx2.northwind-cloud.example; Tue, 1 Apr 2025 "
        "09:00:01 +0000\n"
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
    const char *raw2 = "Authentication-Results: evil-northwind-cloud.example; dkim=pass\n"
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
    request_t r = { 0 };
    request_set_string(&r.issuing_agency, "Garda S\xc3\xad"
                                          "och\xc3\xa1na");
    char *j = request_to_json(&r, false);
    assert_non_null(strstr(j, "\"Garda S\xc3\xad"
                              "och\xc3\xa1na\""));
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

static void not_mail_inputs(void **state)
{
    (void)state;
    request_t r;
    static const unsigned char garbage[] = { 0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01,
                                             0x00, 0x00, 0xff, 0xfe, 0x0a };
    static const char nuls[16] = { 0 };
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
    const char *raw = "From: a@b.example\nSubject: s\nMIME-Version: 1.0\n"
                      "Content-Type: multipart/mixed; boundary=\"never\"\n\n"
                      "--never\nContent-Type: text/plain\n\nsubpoena for t@x.example\n"
                      "--never\nContent-Type: text/html\n\n<p>unclosed <a href=\"mailto:";
    request_t r;
    assert_int_equal(parse_raw(raw, strlen(raw), &r), PARSE_OK);
    assert_true(has_account(&r, "t@x.example"));
    request_clear(&r);

    const char *bad_cs = "From: a@b.example\nSubject: =?bogus-cs?Q?=FF=FE?=\n"
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
    k += (size_t)sprintf(raw + k, "Content-Type: text/plain\n\ndeep@x.example\n");
    for (int i = depth - 1; i >= 0; i--)
        k += (size_t)sprintf(raw + k, "--b%d--\n", i);
    request_t r;
    assert_int_equal(parse_raw(raw, k, &r), PARSE_OK);
    /* Beyond MAIL_MAX_DEPTH the text is ignored, but nothing breaks. */
    request_clear(&r);
    free(raw);
}

static void inline_forward_other_languages(void **state)
{
    (void)state;
    static const char raw[] = "From: Kollege <k@northwind-cloud.example>\n"
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
                              "Bundeskriminalamt, Gesch\xc3\xa4"
                              "ftszeichen: SO41-1. Konto "
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
        "R\xe9"
        "f\xe9"
        "rence : OFAC-2025-0311\n"
        "Merci de nous communiquer les donn\xe9"
        "es d'identification du compte "
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
               "POLIC\xc3\x8d"
               "A NACIONAL\nComisar\xc3\xad"
               "a General de "
               "Polic\xc3\xad"
               "a Judicial\nREFERENCIA: UDEF-2025-118\nSe solicitan "
               "los datos del abonado de la cuenta j.g@northmail.example.\n",
               &r);
    assert_string_equal(r.issuing_agency, "Polic\xc3\xad"
                                          "a Nacional");
    assert_string_equal(r.issuing_country, "ES");
    assert_string_equal(r.reference, "UDEF-2025-118");
    request_clear(&r);
    parse_mail("ofac@interieur.gouv.fr", "Demande",
               "R\xc3\x89"
               "F\xc3\x89RENCE : OFAC-2025-0420\nLes DONN\xc3\x89"
               "ES DE "
               "CONNEXION du compte x.y@northmail.example.\n",
               &r);
    assert_string_equal(r.reference, "OFAC-2025-0420");
    assert_int_equal(r.categories, CAT_TRANSACTIONAL);
    request_clear(&r);
    parse_mail("lka@polizei.bayern.de", "Ersuchen",
               "LANDESKRIMINALAMT BAYERN\nGESCH\xc3\x84"
               "FTSZEICHEN: LKA-25-0099\n"
               "Bestandsdaten zum Konto a.b@northmail.example.\n",
               &r);
    assert_string_equal(r.issuing_agency, "LKA");
    assert_string_equal(r.reference, "LKA-25-0099");
    request_clear(&r);
    parse_mail("x@garda.ie", "Request",
               "AN GARDA S\xc3\x8d"
               "OCH\xc3\x81"
               "NA\nPlease preserve the account "
               "c.d@northmail.example.\n",
               &r);
    assert_string_equal(r.issuing_agency, "Garda S\xc3\xad"
                                          "och\xc3\xa1na");
    request_clear(&r);
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

    static const char pt[] = "From: Colega <c@northwind-cloud.example>\n"
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
                             "Pol\xc3\xad"
                             "cia Judici\xc3\xa1ria. Conta f.g@northmail.example.\n";
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
    static const char prose[] = "From: A <a@example.org>\n"
                                "Subject: question\n\n"
                                "I lost the original message, sorry.\nFrom: memory\n";
    assert_int_equal(mail_decode(prose, sizeof prose - 1, &doc, NULL, 0), 0);
    assert_false(doc.forwarded);
    mail_doc_clear(&doc);
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
    assert_int_equal(parse_raw(with_attachment, sizeof with_attachment - 1, &r),
                     PARSE_OK);
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
    (void)state;
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
        char *raw = malloc((size_t)len + 1);
        assert_non_null(raw);
        assert_int_equal(fread(raw, 1, (size_t)len, f), (size_t)len);
        fclose(f);
        request_t r;
        parse_raw(raw, (size_t)len, &r);
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
        cmocka_unit_test(inline_forward_other_languages),
        cmocka_unit_test(french_latin1_message),
        cmocka_unit_test(case_folding_beyond_ascii),
        cmocka_unit_test(inline_forward_dutch_portuguese_and_bare_original),
        cmocka_unit_test(reply_quoting_the_provider_is_not_a_forward),
        cmocka_unit_test(fuzz_reproducers_parse),
    };
    parse_global_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    parse_global_shutdown();
    return rc;
}
