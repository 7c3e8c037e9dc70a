/* document_impl.h -- the per-format converters behind document_convert()
 * (document.c). Internal to common/mail/document*.c.
 *
 * Each appends its text to out (a GString) and fills pages / ocr_pages /
 * confidence / method of res; returns 0, or -1 with res->error set.
 */
#ifndef WRIT_DOCUMENT_IMPL_H
#define WRIT_DOCUMENT_IMPL_H

#include "document.h"
#include <glib.h>

typedef struct document_ocr_t document_ocr_t;

/* Tesseract with the settings' languages; NULL with err set when the
 * languages are not installed. */
document_ocr_t *document_ocr_new(const document_settings_t *s, char *err, size_t errlen);
void document_ocr_destroy(document_ocr_t **self_p);

/* OCRs one 8-bit grey page (w x h bytes, stride bytes a row) rendered or
 * scanned at dpi (0: unknown): deskews it, appends the text, returns the
 * page's mean confidence (0..100) or -1 on failure. */
int document_ocr_grey(document_ocr_t *self, const unsigned char *grey, int w, int h,
                      int stride, int dpi, GString *out);

int document_pdf(const document_settings_t *s, const void *data, size_t len, GString *out,
                 document_result_t *res);
int document_image(const document_settings_t *s, doc_kind_t kind, const void *data,
                   size_t len, GString *out, document_result_t *res);
int document_office(const document_settings_t *s, doc_kind_t kind, const void *data,
                    size_t len, GString *out, document_result_t *res);

/* Whether a docx / odt zip: the member that holds the text, else NULL. */
doc_kind_t document_zip_kind(const void *data, size_t len);

/* Where a conversion (in this process or isolated) starts: out emptied
 * (no confidence yet), and the settings to use: settings, or the defaults
 * written into *defaults when it is NULL. */
const document_settings_t *document_begin(const document_settings_t *settings,
                                          document_settings_t *defaults,
                                          document_result_t *out);

void document_fail(document_result_t *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
