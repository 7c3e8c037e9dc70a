/* document.h -- the text of a document attached to a request: PDF (text
 * layer with poppler, image-only pages OCR'd), PNG / JPEG / TIFF images
 * (OCR with Tesseract after a Leptonica deskew), .docx and .odt (their XML
 * read with libzip + libxml2).
 *
 * Documents arrive by e-mail from anyone, and PDF and image decoders have
 * a long history of crashes on crafted input: callers that serve requests
 * use document_convert_isolated() (document_isolate.c), which runs the
 * conversion in a forked child with hard limits and no file descriptors
 * but the pipe its result comes back on. document_convert() is the same
 * conversion in-process, for that child and for the fuzz targets.
 *
 * Detection is by content (magic bytes, zip members), the declared type or
 * file name only as a fallback, so a PDF relabelled application/
 * octet-stream by a gateway is still a PDF.
 */
#ifndef WRIT_DOCUMENT_H
#define WRIT_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    DOC_KIND_NONE = 0, /* not a document writ reads */
    DOC_KIND_PDF,
    DOC_KIND_PNG,
    DOC_KIND_JPEG,
    DOC_KIND_TIFF,
    DOC_KIND_DOCX,
    DOC_KIND_ODT,
} doc_kind_t;

typedef enum {
    DOC_METHOD_NONE = 0,
    DOC_METHOD_TEXT_LAYER, /* every page had a text layer */
    DOC_METHOD_OCR,        /* every page was OCR'd (scans, images) */
    DOC_METHOD_MIXED,      /* a PDF with both kinds of page */
    DOC_METHOD_DOCX,
    DOC_METHOD_ODT,
} doc_method_t;

/* Limits and OCR settings; document_settings_default() gives sane ones
 * (config keys extract/... in config/writ.zpl). */
typedef struct {
    char languages[64];  /* Tesseract languages, "eng+deu" */
    char tessdata[256];  /* traineddata directory, "" = Tesseract's own */
    int dpi;             /* rendering resolution of image-only pages */
    int max_pages;       /* pages of one document */
    long max_pixels;     /* pixels of one page or image (w x h) */
    size_t max_text;     /* bytes of text one document may yield */
    size_t max_xml;      /* bytes of XML a .docx / .odt may unpack to */
    int cpu_seconds;     /* CPU time of one document's conversion */
    int timeout_seconds; /* wall-clock time of one conversion */
    long memory_mb;      /* address space of the converting child */
    int nice;            /* the child's nice value (0..19): OCR takes
                               only CPU the intake and stages leave */
    int min_layer_chars; /* a PDF page with fewer visible characters in
                               its text layer is OCR'd instead */
    bool ocr;            /* false: no OCR (image-only pages yield no
                               text, images an error); the fuzz targets */
} document_settings_t;

void document_settings_default(document_settings_t *self);

/* What the content says: magic bytes (%PDF- anywhere in the first 1 KiB,
 * PNG, JPEG, TIFF), a zip with word/document.xml (docx) or an
 * OpenDocument text mimetype (odt). DOC_KIND_NONE otherwise. */
doc_kind_t document_detect(const void *data, size_t len);

/* What the declared Content-Type or the file name's extension says
 * (either may be NULL). DOC_KIND_NONE when neither names a document. */
doc_kind_t document_declared_kind(const char *content_type, const char *filename);

const char *document_kind_name(doc_kind_t kind);  /* "pdf", ... "unknown" */
const char *document_method_name(doc_method_t m); /* "text-layer", ... */

typedef struct {
    char *text; /* UTF-8, NUL-terminated; NULL on error */
    size_t text_len;
    int pages;     /* pages (images: frames) read */
    int ocr_pages; /* of which OCR'd */
    doc_method_t method;
    int confidence;  /* mean OCR confidence 0..100; -1: no OCR */
    char error[256]; /* "" on success, else why (no document name) */
} document_result_t;

/* Converts in this process. Returns 0, or -1 with out->error set. */
int document_convert(const document_settings_t *settings, doc_kind_t kind,
                     const void *data, size_t len, document_result_t *out);

/* The same in a forked child under setrlimit (CPU, address space, no
 * files, no core), every inherited descriptor closed, stdio on
 * /dev/null; the result comes back over a pipe. A crash, a limit or a
 * timeout becomes an error here; this process never runs the decoders. */
int document_convert_isolated(const document_settings_t *settings, doc_kind_t kind,
                              const void *data, size_t len, document_result_t *out);

void document_result_clear(document_result_t *self);

#endif
