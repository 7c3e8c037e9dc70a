/* test_document.c -- common/mail/document*.c on real files
 * (tests/fixtures/documents/, made by tests/tools/make_documents.py and
 * pdftoppm from a scanned sample): detection by content, not by name; each
 * format's text; and every hostile document ending in an error that says
 * what was wrong, from the sandboxed child, with this process unharmed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "document.h"

static char *load(const char *name, size_t *len)
{
    const char *root = getenv("WRIT_SOURCE_DIR");
    gchar *path = g_strdup_printf("%s/tests/fixtures/documents/%s",
                                  root && *root ? root : ".", name);
    gchar *data = NULL;
    gsize n = 0;
    if (!g_file_get_contents(path, &data, &n, NULL))
        fail_msg("cannot read %s", path);
    g_free(path);
    *len = n;
    return data;
}

/* Converts a fixture in the sandbox; returns rc, res filled. */
static int convert(const char *name, const document_settings_t *s, document_result_t *res)
{
    size_t len;
    char *data = load(name, &len);
    doc_kind_t kind = document_detect(data, len);
    if (kind == DOC_KIND_NONE)
        kind = document_declared_kind(NULL, name);
    int rc = document_convert_isolated(s, kind, data, len, res);
    g_free(data);
    return rc;
}

static void test_detect_by_content(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        doc_kind_t kind;
    } cases[] = {
        { "letter.pdf", DOC_KIND_PDF },    { "letter.docx", DOC_KIND_DOCX },
        { "letter.odt", DOC_KIND_ODT },    { "scan-011.png", DOC_KIND_PNG },
        { "scan-011.jpg", DOC_KIND_JPEG }, { "scan-011.tif", DOC_KIND_TIFF },
        { "corrupt.pdf", DOC_KIND_NONE },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *d = load(cases[i].file, &len);
        assert_int_equal(document_detect(d, len), cases[i].kind);
        g_free(d);
    }
    /* %PDF- after leading junk is still a PDF; a zip without the members
     * of a text document is none. */
    const char shifted[] = "\r\n\xef\xbb\xbf%PDF-1.7\n...";
    assert_int_equal(document_detect(shifted, sizeof shifted - 1), DOC_KIND_PDF);
    assert_int_equal(document_detect("PK\x03\x04junk", 8), DOC_KIND_NONE);
    assert_int_equal(document_detect("", 0), DOC_KIND_NONE);
    assert_int_equal(document_declared_kind("application/octet-stream", "Scan.PDF"),
                     DOC_KIND_PDF);
    assert_int_equal(document_declared_kind("image/jpeg", NULL), DOC_KIND_JPEG);
    assert_int_equal(document_declared_kind("text/plain", "notes.txt"), DOC_KIND_NONE);
}

static void expect_text(const char *file, doc_method_t method, const char *needle)
{
    document_result_t res;
    assert_int_equal(convert(file, NULL, &res), 0);
    assert_int_equal(res.method, method);
    if (!strstr(res.text, needle))
        fail_msg("%s: \"%s\" not in: %s", file, needle, res.text);
    if (method == DOC_METHOD_OCR)
        assert_true(res.confidence > 0 && res.confidence <= 100);
    else
        assert_int_equal(res.confidence, -1);
    assert_true(res.pages >= 1);
    document_result_clear(&res);
}

static void test_formats(void **state)
{
    (void)state;
    expect_text("letter.pdf", DOC_METHOD_TEXT_LAYER,
                "r.tanaka@northmail.example for 90 days");
    expect_text("letter.docx", DOC_METHOD_DOCX, "Reference: DEA-PRV-2025-0412\n");
    expect_text("letter.odt", DOC_METHOD_ODT, "PRESERVATION REQUEST");
    expect_text("scan-011.jpg", DOC_METHOD_OCR, "blue.heron.22@northmail.example");
    expect_text("scan-011.png", DOC_METHOD_OCR, "blue.heron.22@northmail.example");
}

static void expect_error(const char *file, const document_settings_t *s, const char *why)
{
    document_result_t res;
    assert_int_not_equal(convert(file, s, &res), 0);
    assert_null(res.text);
    if (!strstr(res.error, why))
        fail_msg("%s: want an error with \"%s\", got \"%s\"", file, why, res.error);
    document_result_clear(&res);
}

static void test_hostile(void **state)
{
    (void)state;
    document_settings_t s;
    document_settings_default(&s);
    expect_error("encrypted.pdf", &s, "encrypted PDF");
    expect_error("truncated.pdf", &s, "not a readable PDF");
    expect_error("corrupt.pdf", &s, "not a readable PDF");
    expect_error("pages-500.pdf", &s, "500 pages (limit 100)");
    expect_error("huge-image.png", &s, "20000 x 20000 pixels");
    /* The bomb inflates to 1.6 GB; with a small CPU budget the child is
     * stopped (rendering it within budget yields a blank page, which the
     * parse layer refuses as unread). */
    s.cpu_seconds = 1;
    s.timeout_seconds = 60;
    document_result_t res;
    int rc = convert("bomb.pdf", &s, &res);
    if (rc == 0) {
        size_t visible = 0;
        for (const char *p = res.text; *p; p++)
            visible += (unsigned char)*p > ' ';
        assert_true(visible < 24);
    } else {
        assert_non_null(strstr(res.error, "CPU"));
    }
    document_result_clear(&res);
}

static void test_crash_and_timeout(void **state)
{
    (void)state;
    document_settings_t s;
    document_settings_default(&s);
    setenv("WRIT_TEST_FAULTS", "1", 1);
    expect_error("crash.pdf", &s, "converter crashed (signal 11");
    unsetenv("WRIT_TEST_FAULTS");
    /* Without fault injection the same file is an ordinary letter. */
    expect_text("crash.pdf", DOC_METHOD_TEXT_LAYER, "WRIT-TEST-CRASH");
    /* A conversion that outlives the wall-clock limit is killed. */
    s.timeout_seconds = 1;
    s.cpu_seconds = 100;
    expect_error("scan-011.jpg", &s, "longer than 1 seconds");
    /* Text beyond the output limit is refused, not cut. */
    document_settings_default(&s);
    s.max_text = 100;
    expect_error("letter.pdf", &s, "exceeds 100 bytes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect_by_content),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_crash_and_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
