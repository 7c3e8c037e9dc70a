/* categories.c -- data_categories: subscriber, transactional and content
 * data asked for, by phrase, where the mention is not negated, a label or
 * the requester's own details.
 */
#include "extract.h"
#include "fields.h"

#include <string.h>

static const char *const subscriber_phrases[] = {
    "subscriber information", "subscriber info", "subscriber record*",
    "subscriber name*", "subscriber's name", "subscriber details",
    "subscriber data", "basic subscriber", "customers or subscribers",
    "customer information", "account holder information",
    "account holder's name", "holder name", "name and address",
    "names and addresses", "name, address", "names, addresses",
    "full name", "postal address", "physical address", "street address",
    "mailing address", "residential address", "home address",
    "billing*", "means and source of payment", "method of payment",
    "methods of payment", "payment details", "payment information",
    "source of payment", "credit card", "length of service",
    "telephone number*", "phone number*", "telephone or instrument number*",
    "account creation", "date the account was opened",
    "account was created", "date of account creation", "sign-up date",
    "signup date", "ip address used to register", "used to register",
    "at registration", "at sign-up", "at signup", "given at sign-up",
    "recorded at sign-up", "registration ip", "registration information",
    "account profile", "identification of the account", "recovery address",
    "recovery e-mail", "recovery email", "recovery phone",
    "identity of the account holder", "user names", "screen names",
    "means of payment", "payment method*", "account opened", "date of birth",
    "used to create the account", "creation ip", "customer name*",
    "bestandsdaten", "anschrift", "zahlungsinformation*", "bei der registrierung",
    /* narrative wording */
    "identifying the person", "identify the person", "identity of the person",
    "identity of the user", "who opened the account", "who registered the account",
    "who created the account", "who owns the account", "who the account belongs to",
    "account belongs to", "registered owner",
    /* French, Spanish, Portuguese, Dutch */
    "donn\xc3\xa9""es d'identification", "donn\xc3\xa9""es d'abonn\xc3\xa9",
    "identit\xc3\xa9"" de l'abonn\xc3\xa9", "informations sur l'abonn\xc3\xa9",
    "moyens de paiement", "datos de abonado", "datos del abonado",
    "datos del titular", "dados cadastrais", "dados do assinante",
    "abonneegegevens", "gebruikersgegevens", "account holder details",
    "account holder's details", "registration details", "registration data",
    "registration records", "account registration",
    NULL};

static const char *const transactional_phrases[] = {
    "transactional", "toll billing", "non-content", "log files", "logs", "log of",
    "login*", "log-in*", "log in", "logon*", "logged in", "logged into",
    "logged on", "signed in", "signed into", "sign-in*", "sign-ins",
    "session times", "ip history", "ip addresses used to access",
    "used to access", "access history", "header information", "e-mail header*",
    "email header*", "message header*", "headers", "address book",
    "contact list*", "contacts", "buddy list", "traffic data",
    "connection records", "records of user activity", "source and destination",
    "verkehrsdaten", "nutzungsdaten", "metadata", "activity logs",
    "to/from", "correspondents", "ip address history", "ip address log*",
    "history of ip addresses", "access records", "connection history",
    "session records", "account was accessed", "accessed the account",
    "from which ip address*", "ip addresses from which", "when and from where",
    "journaux de connexion", "donn\xc3\xa9""es de connexion",
    "donn\xc3\xa9""es de trafic", "registros de conexi\xc3\xb3""n",
    "datos de tr\xc3\xa1""fico", "registros de acceso", "registros de acesso",
    "dados de conex\xc3\xa3""o", "verkeersgegevens", "ip-adressen der anmeldung*",
    "protokolldaten", "logdatei*", "log-datei*", "anmeldedaten",
    "verbindungsdaten",
    "ip addresses associated with", "ip address associated with",
    NULL};

static const char *const content_phrases[] = {
    "content", "contents", "message content", "stored content",
    "attachments", "drafts", "photos", "photographs", "pictures", "videos",
    "stored files", "documents and files", "stored electronic communications",
    "stored communications", "every message", "copies of e-mails",
    "copies of emails", "e-mails stored", "emails stored", "stored e-mail*",
    "stored email*", "message bodies", "message body", "body of each",
    "inhaltsdaten", "inhalte", "gespeicherte e-mails", "anh\xc3\xa4nge",
    "gespeicherte nachrichten", "gespeicherten nachrichten",
    "gespeicherten e-mails", "inhalt des postfachs", "inhalt des kontos",
    "postfachinhalt*", "nachrichteninhalt*",
    "stored messages", "messages stored", "mailbox contents", "saved messages",
    "messages themselves", "e-mails themselves", "emails themselves",
    "files stored", "images stored", "any images", "documents stored",
    "uploaded files", "cloud storage", "stored images", "stored documents",
    "contenu", "pi\xc3\xa8""ces jointes", "contenido", "archivos adjuntos",
    "conte\xc3\xba""do", "inhoud",
    /* mailbox folders: "all e-mails in the inbox and sent folder" */
    "inbox", "sent folder", "sent items", "sent mail", "deleted items",
    "trash folder", "full mailbox", "entire mailbox", "complete mailbox",
    NULL};

/* Is the match at p a usable mention? Filters labels ("Telephone:"),
 * "non-content", "the contents of this letter" and "Attachment(s) A". */
static bool category_mention_ok(const text_view_t *v, size_t p, size_t l)
{
    size_t e = skip_spaces(v->lo, v->n, p + l);
    if (e < v->n && (v->lo[e] == ':' || isdigit((unsigned char)v->lo[e])))
        return false;
    if (p >= 4 && strncmp(v->lo + p - 4, "non-", 4) == 0)
        return false;
    if (p >= 5 && strncmp(v->lo + p - 5, "toll ", 5) == 0)
        return false;   /* an NSL's "toll billing records" are not billing data */
    if (strncmp(v->lo + p, "content", 7) == 0) {
        static const char *const self[] = {
            " of this letter", " of this order", " of this request",
            " of this subpoena", " of this warrant", " of this e-mail",
            " of this email", " of this message", " of the letter", NULL};
        for (int k = 0; self[k]; k++)
            if (strncmp(v->lo + p + l, self[k], strlen(self[k])) == 0)
                return false;
    }
    if (strncmp(v->lo + p, "attachments", 11) == 0 && p + l + 2 < v->n &&
        v->lo[p + l] == ' ' && isupper((unsigned char)v->t[p + l + 1]) &&
        !isalpha((unsigned char)v->t[p + l + 2]))
        return false;
    return true;
}
static bool category_present(const text_view_t *v, const char *const *phrases)
{
    for (int k = 0; phrases[k]; k++) {
        size_t from = 0, ml, p;
        int guard = 0;
        while (guard++ < 1000 &&
               (p = find_phrase(v->lo, v->n, from, phrases[k], &ml)) != NPOS) {
            from = p + ml;
            if (category_mention_ok(v, p, ml) && !negated_in_clause(v, p, ml))
                return true;
        }
    }
    return false;
}

/* Does the text ask for data at all (a kind of data, or a disclosure
 * verb)? "Please call us" is a plea, not a disclosure request. */
bool asks_for_data(const text_view_t *v)
{
    static const char *const verbs[] = {
        "disclos*", "provide", "produce", "release", "furnish", "send us",
        "share", "communiquer", "transmettre", "proporcion*", "facilit*",
        "fornire", "fornecer", "verstrekken", "herausgabe", "\xc3\xbc""bermitt*",
        NULL};
    return category_present(v, subscriber_phrases) ||
           category_present(v, transactional_phrases) ||
           category_present(v, content_phrases) || contains_any(v->lo, v->n, verbs);
}

unsigned categories_of(const text_view_t *vp)
{
    text_view_t v = *vp;
    unsigned cats = 0;
    if (category_present(&v, subscriber_phrases))
        cats |= CAT_SUBSCRIBER;
    if (category_present(&v, transactional_phrases))
        cats |= CAT_TRANSACTIONAL;
    if (category_present(&v, content_phrases))
        cats |= CAT_CONTENT;
    return cats;
}

unsigned extract_categories(const char *text, size_t len)
{
    text_view_t v;
    if (!text_view_init(&v, text, len))
        return 0;
    unsigned r = categories_of(&v);
    text_view_free(&v);
    return r;
}
