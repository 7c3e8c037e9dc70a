/* mail.h -- from the raw bytes of one RFC 5322 message to a plain decoded
 * document: the outer message's identity (Message-ID, From, Subject, Date),
 * the header addresses of every message involved (outer and forwarded), the
 * header facts that say where each came from (mail_origin_t), and the UTF-8 text to extract the request
 * from.
 *
 * All MIME work (GMime) lives here, so extraction (extract.h) is pure text
 * processing. Per the parse contract a forwarded request -- a message/rfc822
 * part or an inline "Forwarded message" / "Original Message" block --
 * supplies the text and the request_* fields, while message_id / from /
 * subject stay the outer message's.
 *
 * Bounded: MIME nesting beyond MAIL_MAX_DEPTH is ignored and the text is cut
 * at MAIL_MAX_TEXT bytes. Call parse_global_init() (g_mime_init) first.
 */
#ifndef WRIT_MAIL_H
#define WRIT_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#define MAIL_MAX_DEPTH 16
#define MAIL_MAX_TEXT (4u * 1024u * 1024u)
#define MAIL_MAX_ADDRESSES 512

#define MAIL_MAX_TRACE 128

typedef enum {
    MAIL_HDR_AUTH_RESULTS, /* Authentication-Results (value kept) */
    MAIL_HDR_RECEIVED,     /* Received (value kept) */
    MAIL_HDR_TRACE,        /* other fields MTAs add (Return-Path, ...) */
    MAIL_HDR_CONTENT,      /* a run of fields the author wrote */
} mail_hdr_kind_t;

typedef struct {
    mail_hdr_kind_t kind;
    char *value; /* unfolded; NULL for TRACE and CONTENT */
} mail_hdr_t;

/* One message's header facts that say who sent it: its header fields in
 * order (top first; consecutive author fields as one CONTENT entry; at
 * most MAIL_MAX_TRACE entries), and its From fields and addresses.
 * Judged by parse.c (RFC 8601 section 5). */
typedef struct {
    bool present; /* the message's own header was read */
    mail_hdr_t fields[MAIL_MAX_TRACE];
    size_t count;
    unsigned from_fields;    /* From header fields */
    unsigned from_mailboxes; /* mailboxes in them, group members included */
} mail_origin_t;

#define MAIL_MAX_DOCUMENTS 16
#define MAIL_MAX_DOCUMENT_BYTES (32u * 1024u * 1024u)

/* An attachment that is a document (document.h: by its content, or by its
 * declared type / name): kept as bytes for the extract stage, which
 * converts it in a sandboxed child. Never converted here. */
typedef struct {
    char *name;          /* declared file name; NULL if none */
    char *declared_type; /* Content-Type as declared ("type/subtype") */
    unsigned char *data; /* decoded bytes; NULL when oversized */
    size_t len;          /* decoded size (also when oversized) */
    bool oversized;      /* larger than MAIL_MAX_DOCUMENT_BYTES */
    bool forwarded;      /* inside a forwarded message/rfc822 */
} mail_document_t;

typedef struct {
    /* The outer message (what the mail gateway received). */
    char *message_id; /* without angle brackets; NULL if absent */
    char *from;       /* addr-spec, lower-cased; NULL if none */
    char *subject;    /* RFC 2047-decoded, unfolded; NULL if absent */
    char date[11];    /* Date header as YYYY-MM-DD (its own zone); "" */

    /* The request proper: the forwarded message when there is one, else the
     * outer message again. */
    bool forwarded;
    char *request_from;    /* lower-cased addr-spec; NULL if unknown */
    char *request_subject; /* decoded; NULL if unknown */
    char request_date[11]; /* YYYY-MM-DD; "" if unknown */

    /* Lower-cased addresses from From/To/Cc/Bcc/Reply-To/Sender/Return-Path
     * of the outer and every forwarded message (also inline forwards). */
    char **addresses;
    size_t address_count;

    /* Where the outer message came from (its header fields), and, for a
     * forwarded message/rfc822 part, where that came from. An inline
     * forward has no header fields of its own: request_origin.present is
     * then false (its "From:" line is text anyone could type). */
    mail_origin_t origin;
    mail_origin_t request_origin;

    /* UTF-8 text of the request: text parts decoded, HTML converted, text
     * attachments included; NUL-free and valid UTF-8. Never NULL after a
     * successful mail_decode(). */
    char *text;
    size_t text_len;

    /* Document attachments, in message order (at most MAIL_MAX_DOCUMENTS;
     * documents_dropped counts those beyond). Inline images an HTML body
     * refers to by Content-ID are not documents. */
    mail_document_t *documents;
    size_t document_count;
    size_t documents_dropped;
} mail_doc_t;

/* Decodes raw[0..len) into doc (which must be zeroed). Returns 0, or -1
 * when the input is not a mail message at all; then err (if non-NULL)
 * holds a one-line reason and doc is left empty. */
int mail_decode(const char *raw, size_t len, mail_doc_t *doc, char *err, size_t errlen);

/* Frees the members and zeroes the struct. */
void mail_doc_clear(mail_doc_t *doc);

/* HTML to plain UTF-8 text: drops tags, script/style, decodes entities,
 * turns block elements into line breaks and table cells into tabs, and
 * appends the address of a mailto: link whose text does not show it.
 * Returns a newly allocated NUL-terminated string (free()), length in
 * *outlen when non-NULL. NULL only on allocation failure. */
char *mail_html_to_text(const char *html, size_t len, size_t *outlen);

#endif
