/* document.c -- document.h: detection by content and by declaration, the
 * settings' defaults, and document_convert() dispatching to the format's
 * converter (document_pdf.c, document_ocr.c, document_office.c).
 */
#include "document.h"
#include "document_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void document_settings_default(document_settings_t *self)
{
    memset(self, 0, sizeof *self);
    snprintf(self->languages, sizeof self->languages, "eng+deu");
    /* 300 dpi is what Tesseract is trained for; letters scanned at 200
     * come out better upsampled to it than read at their own. */
    self->dpi = 300;
    self->max_pages = 100;
    self->max_pixels = 40L * 1000 * 1000; /* A3 at 300 dpi is 17.5 M */
    self->max_text = 4u * 1024 * 1024;
    self->max_xml = 64u * 1024 * 1024;
    self->cpu_seconds = 120;
    self->timeout_seconds = 240;
    self->nice = 10;
    self->memory_mb = 2048;
    self->min_layer_chars = 16;
    self->ocr = true;
}

void document_fail(document_result_t *res, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->error, sizeof res->error, fmt, ap);
    va_end(ap);
}

static bool starts(const unsigned char *d, size_t len, const char *magic, size_t n)
{
    return len >= n && memcmp(d, magic, n) == 0;
}

doc_kind_t document_detect(const void *data, size_t len)
{
    const unsigned char *d = data;
    if (!d || len < 4)
        return DOC_KIND_NONE;
    /* Readers accept "%PDF-" after leading junk (within the first 1 KiB,
     * as Acrobat does), so writ must too: a header-shifted PDF is a PDF. */
    size_t scan = len < 1024 ? len : 1024;
    for (size_t i = 0; i + 5 <= scan; i++)
        if (d[i] == '%' && memcmp(d + i, "%PDF-", 5) == 0)
            return DOC_KIND_PDF;
    if (starts(d, len, "\x89PNG\r\n\x1a\n", 8))
        return DOC_KIND_PNG;
    if (starts(d, len, "\xff\xd8\xff", 3))
        return DOC_KIND_JPEG;
    if (starts(d, len, "II*\0", 4) || starts(d, len, "MM\0*", 4))
        return DOC_KIND_TIFF;
    if (starts(d, len, "PK\x03\x04", 4))
        return document_zip_kind(data, len);
    return DOC_KIND_NONE;
}

static const char *extension(const char *filename)
{
    const char *dot = filename ? strrchr(filename, '.') : NULL;
    return dot ? dot + 1 : "";
}

doc_kind_t document_declared_kind(const char *content_type, const char *filename)
{
    static const struct {
        const char *type, *ext1, *ext2;
        doc_kind_t kind;
    } table[] = {
        { "application/pdf", "pdf", NULL, DOC_KIND_PDF },
        { "application/x-pdf", "pdf", NULL, DOC_KIND_PDF },
        { "image/png", "png", NULL, DOC_KIND_PNG },
        { "image/jpeg", "jpg", "jpeg", DOC_KIND_JPEG },
        { "image/tiff", "tif", "tiff", DOC_KIND_TIFF },
        { "application/vnd.openxmlformats-officedocument.wordprocessingml."
          "document",
          "docx", NULL, DOC_KIND_DOCX },
        { "application/vnd.oasis.opendocument.text", "odt", NULL, DOC_KIND_ODT },
    };
    const char *ext = extension(filename);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (content_type && !strcasecmp(content_type, table[i].type))
            return table[i].kind;
        if (*ext && (!strcasecmp(ext, table[i].ext1) ||
                     (table[i].ext2 && !strcasecmp(ext, table[i].ext2))))
            return table[i].kind;
    }
    return DOC_KIND_NONE;
}

const char *document_kind_name(doc_kind_t kind)
{
    switch (kind) {
    case DOC_KIND_PDF:
        return "pdf";
    case DOC_KIND_PNG:
        return "png";
    case DOC_KIND_JPEG:
        return "jpeg";
    case DOC_KIND_TIFF:
        return "tiff";
    case DOC_KIND_DOCX:
        return "docx";
    case DOC_KIND_ODT:
        return "odt";
    default:
        return "unknown";
    }
}

const char *document_method_name(doc_method_t m)
{
    switch (m) {
    case DOC_METHOD_TEXT_LAYER:
        return "text-layer";
    case DOC_METHOD_OCR:
        return "ocr";
    case DOC_METHOD_MIXED:
        return "text-layer+ocr";
    case DOC_METHOD_DOCX:
        return "docx";
    case DOC_METHOD_ODT:
        return "odt";
    default:
        return "none";
    }
}

const document_settings_t *document_begin(const document_settings_t *settings,
                                          document_settings_t *defaults,
                                          document_result_t *out)
{
    memset(out, 0, sizeof *out);
    out->confidence = -1;
    if (settings)
        return settings;
    document_settings_default(defaults);
    return defaults;
}

int document_convert(const document_settings_t *settings, doc_kind_t kind,
                     const void *data, size_t len, document_result_t *out)
{
    document_settings_t defaults;
    settings = document_begin(settings, &defaults, out);
    GString *text = g_string_new(NULL);
    int rc;
    switch (kind) {
    case DOC_KIND_PDF:
        rc = document_pdf(settings, data, len, text, out);
        break;
    case DOC_KIND_PNG:
    case DOC_KIND_JPEG:
    case DOC_KIND_TIFF:
        rc = document_image(settings, kind, data, len, text, out);
        break;
    case DOC_KIND_DOCX:
    case DOC_KIND_ODT:
        rc = document_office(settings, kind, data, len, text, out);
        break;
    default:
        document_fail(out, "not a document type writ reads");
        rc = -1;
    }
    if (rc == 0 && text->len > settings->max_text) {
        document_fail(out, "its text exceeds %zu bytes", settings->max_text);
        rc = -1;
    }
    if (rc == 0) {
        char *valid = g_utf8_make_valid(text->str, (gssize)text->len);
        out->text = valid ? strdup(valid) : NULL;
        g_free(valid);
        if (!out->text) {
            document_fail(out, "out of memory");
            rc = -1;
        } else {
            out->text_len = strlen(out->text);
        }
    }
    g_string_free(text, TRUE);
    if (rc != 0 && !out->error[0])
        document_fail(out, "could not be read");
    return rc;
}

void document_result_clear(document_result_t *self)
{
    if (!self)
        return;
    free(self->text);
    memset(self, 0, sizeof *self);
    self->confidence = -1;
}
