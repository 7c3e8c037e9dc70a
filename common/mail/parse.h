/* parse.h -- from the raw bytes of one mail message to a request_t.
 *
 * This is the single entry point intake and `writctl parse` share: MIME
 * decoding with GMime (mail.c), then extraction of the contract's fields
 * from the decoded text (extract.c). Pure with respect to the outside
 * world: no sockets, no Redis, no files beyond what the settings name.
 */
#ifndef WRIT_PARSE_H
#define WRIT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include "document.h"
#include "request.h"

typedef struct agencies_t agencies_t;

#define PARSE_MAX_DOMAINS 32

/* Where the provider's gateway writes its Authentication-Results (RFC 8601
 * section 5). Either way only the topmost run of results carrying the
 * trusted authserv-id is read, above every field the author wrote; every
 * other such field, wherever it sits, is ignored. */
typedef enum {
    /* Within the trace fields at the top, with a Received line of the
     * provider's own (by a host under the authserv-id) among them: fits
     * gateways that write their results below their Received line. */
    PARSE_RESULTS_TRACE_BLOCK = 0,
    /* Above the topmost Received line, which must be the provider's: what
     * Postfix with OpenDKIM/OpenDMARC (config/postfix/) writes. A sender's
     * copy can never be there. */
    PARSE_RESULTS_ABOVE_RECEIVED,
} parse_results_position_t;

typedef struct {
    /* The provider's own mail domains: addresses there are never targets. */
    char provider_domains[PARSE_MAX_DOMAINS][128];
    size_t provider_domain_count;
    /* authserv-id of the provider's own gateway, standing for itself and
     * every host under it: only Authentication-Results carrying it are
     * believed, and only where the gateway writes them (results_position).
     * "" trusts none. */
    char trusted_authserv_id[128];
    parse_results_position_t results_position;
    /* Known agencies (not owned); NULL: no sender counts as known. */
    const agencies_t *agencies;
    /* Limits and OCR languages for documents (parse_message_documents). */
    document_settings_t documents;
} parse_settings_t;

/* Defaults matching config/writ.zpl (provider northwind-cloud.example). */
void parse_settings_default(parse_settings_t *self);

typedef enum {
    PARSE_OK = 0,       /* the message was read (even if little was found) */
    PARSE_NOT_MAIL = 1, /* not a mail message at all: err says why */
} parse_status_t;

/* Fills out (which must be zeroed or freshly request_new'ed). */
parse_status_t parse_message(const parse_settings_t *settings, const char *raw,
                             size_t len, request_t *out, char *err, size_t errlen);

/* One document attachment as read by parse_message_documents(). */
typedef struct {
    char *name;                /* declared file name; NULL if none */
    char *declared_type;       /* Content-Type as declared */
    const char *detected_type; /* document_kind_name() of its content */
    char sha256[65];           /* hex of its bytes */
    size_t size;
    bool forwarded; /* inside a forwarded message */
    int pages;
    const char *method; /* document_method_name() */
    int confidence;     /* mean OCR confidence, -1: no OCR */
    char *error;        /* NULL, or why it could not be read (names
                                  the document) */
} parse_document_t;

typedef struct {
    parse_document_t *items;
    size_t count;
    size_t dropped; /* documents beyond MAIL_MAX_DOCUMENTS */
    char *text;     /* the documents' text, pages and documents
                                  separated by form feeds; never NULL */
    size_t text_len;
} parse_documents_t;

void parse_documents_clear(parse_documents_t *self);

/* The documents as a JSON array (name, declared_type, detected_type,
 * sha256, size, pages, method, ocr_confidence, error). Caller frees. */
char *parse_documents_json(const parse_documents_t *docs);

/* request_to_json(req, true) with a "documents" array added (writctl
 * parse). Caller frees. */
char *parse_json_with_documents(const request_t *req, const parse_documents_t *docs);

/* parse_message, and every document attachment converted (each in a
 * sandboxed child, document_convert_isolated) and read with the same
 * extraction rules: a field the documents state wins over the cover
 * mail's; message_id / from / subject stay the outer message's. docs
 * (zeroed by the caller) receives what each document was. Costs seconds
 * a scanned page: the extract stage and writctl parse call it, intake
 * does not. */
parse_status_t parse_message_documents(const parse_settings_t *settings, const char *raw,
                                       size_t len, request_t *out,
                                       parse_documents_t *docs, char *err, size_t errlen);

/* Once per process, before any parse (wraps g_mime_init). Idempotent. */
void parse_global_init(void);
void parse_global_shutdown(void);

#endif
