/* fuzz_document.c -- libFuzzer target for the document path: the input is
 * a document (kind by its content; when it has none, the first byte picks
 * one, so every decoder sees bytes that do not look like its format) and
 * runs through document_convert() in-process: poppler (open, page count,
 * sizes, text layer), Leptonica's image decoders, libzip + libxml2 and the
 * docx / odt walkers.
 *
 * OCR is off (settings.ocr = false): Tesseract on noise costs seconds an
 * input and is not what crafted files attack; the pixels still decode.
 * The production path runs the same code in a sandboxed child
 * (document_isolate.c), so a crash found here is a denial of review, not
 * of the worker -- but it is still a bug to fix. Seeds: the documents in
 * tests/fixtures/documents/ and the PDFs of tests/fixtures/pdf-requests/.
 */
#include <stddef.h>
#include <stdint.h>

#include "document.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static document_settings_t s;
    static int ready;
    if (!ready) {
        document_settings_default(&s);
        s.ocr = false;
        s.max_pages = 8;
        s.max_pixels = 4L * 1000 * 1000;
        s.max_text = 1u << 20;
        s.max_xml = 8u << 20;
        ready = 1;
    }
    doc_kind_t kind = document_detect(data, size);
    if (kind == DOC_KIND_NONE) {
        if (size < 1)
            return 0;
        kind = (doc_kind_t)(1 + data[0] % 6);
        data++;
        size--;
    }
    document_result_t res;
    document_convert(&s, kind, data, size, &res);
    document_result_clear(&res);
    return 0;
}
