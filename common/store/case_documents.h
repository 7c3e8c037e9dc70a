/* case_documents.h -- what the extract stage read from a case's document
 * attachments, kept beside the case so a lawyer sees what writ read:
 *
 *   writ:documents:{id}   string  JSON array, one object per document
 *                                 (parse_documents_json: name, declared and
 *                                 detected type, sha256, pages, method,
 *                                 ocr_confidence, error)
 *   writ:text:{id}        string  the documents' text, as extracted from
 *
 * Written before the case's record moves on (one script, both keys), so a
 * case that left the extract stage always has them; a redelivery writes
 * the same again.
 */
#ifndef WRIT_CASE_DOCUMENTS_H
#define WRIT_CASE_DOCUMENTS_H

#include <stddef.h>
#include "case_store.h"

/* 0, or -1 on Redis failure. */
int case_documents_put(case_store_t *store, const char *id, const char *documents_json,
                       const char *text, size_t text_len);

/* *json / *text (malloc'ed, NUL-terminated; either may be NULL to skip).
 * Returns 0, 1 when the case has no documents recorded, -1 on error. */
int case_documents_get(case_store_t *store, const char *id, char **json, char **text,
                       size_t *text_len);

#endif
