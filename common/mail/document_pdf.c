/* document_pdf.c -- a PDF's text with poppler-glib: the text layer of
 * every page in poppler's reading order, pages separated by a form feed;
 * pages without a text layer (scans) rendered with cairo at the settings'
 * resolution and OCR'd (document_ocr.c).
 *
 * Limits checked before any page is rendered: page count, and each page's
 * pixels at the rendering resolution. An encrypted PDF is refused (writ
 * has no password to open it with).
 */
#include "document_impl.h"

#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <poppler.h>
#include <string.h>

static int visible_chars(const char *t)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)t; p && *p; p++)
        if (*p > ' ')
            n++;
    return n;
}

/* Renders page at dpi into an 8-bit grey buffer and OCRs it. */
static int ocr_page(const document_settings_t *s, document_ocr_t *ocr, PopplerPage *page,
                    int w, int h, GString *out)
{
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return -1;
    }
    cairo_t *cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, s->dpi / 72.0, s->dpi / 72.0);
    poppler_page_render_for_printing(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(surface);

    int stride = cairo_image_surface_get_stride(surface);
    const unsigned char *px = cairo_image_surface_get_data(surface);
    unsigned char *grey = g_try_malloc((size_t)w * h);
    int conf = -1;
    if (grey && px) {
        for (int y = 0; y < h; y++) {
            const uint32_t *row = (const uint32_t *)(px + (size_t)y * stride);
            unsigned char *g = grey + (size_t)y * w;
            for (int x = 0; x < w; x++) {
                uint32_t v = row[x];
                unsigned r = (v >> 16) & 0xff, gr = (v >> 8) & 0xff, b = v & 0xff;
                g[x] = (unsigned char)((r * 299 + gr * 587 + b * 114) / 1000);
            }
        }
        conf = document_ocr_grey(ocr, grey, w, h, w, s->dpi, out);
    }
    g_free(grey);
    cairo_surface_destroy(surface);
    return conf;
}

static PopplerDocument *open_pdf(const void *data, size_t len, document_result_t *res)
{
    GBytes *bytes = g_bytes_new_static(data, len);
    GError *e = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &e);
    g_bytes_unref(bytes);
    if (!doc) {
        if (e && g_error_matches(e, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
            document_fail(res, "encrypted PDF (needs a password)");
        else
            document_fail(res, "not a readable PDF%s%s", e ? ": " : "",
                          e ? e->message : "");
    }
    if (e)
        g_error_free(e);
    return doc;
}

/* Pixels of page i at the rendering resolution; -1 when over the limit. */
static int page_size(const document_settings_t *s, PopplerPage *page, int i, int *w,
                     int *h, document_result_t *res)
{
    double pw = 0, ph = 0;
    poppler_page_get_size(page, &pw, &ph);
    double W = ceil(pw * s->dpi / 72.0), H = ceil(ph * s->dpi / 72.0);
    if (!(W >= 1 && H >= 1) || W * H > (double)s->max_pixels || W > 1e6 || H > 1e6) {
        document_fail(res,
                      "page %d is %.0f x %.0f pixels at %d dpi (limit %ld "
                      "pixels)",
                      i + 1, W, H, s->dpi, s->max_pixels);
        return -1;
    }
    *w = (int)W;
    *h = (int)H;
    return 0;
}

int document_pdf(const document_settings_t *s, const void *data, size_t len, GString *out,
                 document_result_t *res)
{
    PopplerDocument *doc = open_pdf(data, len, res);
    if (!doc)
        return -1;
    int n = poppler_document_get_n_pages(doc);
    if (n > s->max_pages) {
        document_fail(res, "%d pages (limit %d)", n, s->max_pages);
        g_object_unref(doc);
        return -1;
    }
    if (n <= 0) {
        document_fail(res, "a PDF without pages");
        g_object_unref(doc);
        return -1;
    }
    document_ocr_t *ocr = NULL;
    long conf_sum = 0;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        int w = 0, h = 0;
        if (!page) {
            document_fail(res, "page %d cannot be read", i + 1);
            rc = -1;
            break;
        }
        if (page_size(s, page, i, &w, &h, res) != 0) {
            rc = -1;
        } else {
            if (i > 0)
                g_string_append(out, "\n\f\n");
            char *layer = poppler_page_get_text(page);
            if (visible_chars(layer) >= s->min_layer_chars || !s->ocr) {
                g_string_append(out, layer ? layer : "");
            } else {
                if (!ocr)
                    ocr = document_ocr_new(s, res->error, sizeof res->error);
                int conf = ocr ? ocr_page(s, ocr, page, w, h, out) : -1;
                if (conf < 0) {
                    if (ocr)
                        document_fail(res, "OCR failed on page %d", i + 1);
                    rc = -1;
                } else {
                    conf_sum += conf;
                    res->ocr_pages++;
                }
            }
            g_free(layer);
            res->pages++;
        }
        g_object_unref(page);
        if (out->len > s->max_text) {
            document_fail(res, "its text exceeds %zu bytes", s->max_text);
            rc = -1;
        }
    }
    document_ocr_destroy(&ocr);
    g_object_unref(doc);
    if (rc == 0) {
        res->method = res->ocr_pages == 0            ? DOC_METHOD_TEXT_LAYER
                      : res->ocr_pages == res->pages ? DOC_METHOD_OCR
                                                     : DOC_METHOD_MIXED;
        if (res->ocr_pages)
            res->confidence = (int)(conf_sum / res->ocr_pages);
    }
    return rc;
}
