/* document_ocr.c -- OCR with Tesseract's C API after a Leptonica deskew:
 * rendered image-only PDF pages (document_pdf.c) and image attachments
 * (PNG, JPEG, TIFF pages). Every page's mean confidence is kept; the
 * document's is their mean.
 */
#include "document_impl.h"

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>
#include <stdlib.h>
#include <string.h>

struct document_ocr_t {
    TessBaseAPI *api;
};

document_ocr_t *document_ocr_new(const document_settings_t *s, char *err, size_t errlen)
{
    setMsgSeverity(L_SEVERITY_NONE); /* Leptonica's chatter on stderr */
    document_ocr_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->api = TessBaseAPICreate();
    if (!self->api || TessBaseAPIInit3(self->api, s->tessdata[0] ? s->tessdata : NULL,
                                       s->languages) != 0) {
        snprintf(err, errlen, "OCR languages \"%s\" are not installed", s->languages);
        document_ocr_destroy(&self);
        return NULL;
    }
    /* Letters: automatic page segmentation, no orientation detection
     * (osd data is not a dependency). */
    TessBaseAPISetPageSegMode(self->api, PSM_AUTO);
    return self;
}

void document_ocr_destroy(document_ocr_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    document_ocr_t *self = *self_p;
    if (self->api) {
        TessBaseAPIEnd(self->api);
        TessBaseAPIDelete(self->api);
    }
    free(self);
    *self_p = NULL;
}

static bool local_char(char c)
{
    return g_ascii_isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+';
}

/* Whether an e-mail address (local@domain) starts at p. */
static bool address_at(const char *p)
{
    const char *q = p;
    while (local_char(*q))
        q++;
    return q > p && *q == '@' && g_ascii_isalnum(q[1]);
}

/* OCR splits addresses at their punctuation ("blue. heron.22@x.example",
 * "name @ x.example", "name@x. example"): a single space next to a '.',
 * '_', '-' or '@' inside what is otherwise one address is dropped. Only
 * where the join makes an address and the part after the space starts in
 * lower case or a digit, as addresses do and sentences do not. */
static void join_split_addresses(GString *t, size_t from)
{
    for (size_t i = from + 1; i + 2 < t->len; i++) {
        if (t->str[i] != ' ')
            continue;
        char before = t->str[i - 1], after = t->str[i + 1];
        bool lower_next = g_ascii_islower(after) || g_ascii_isdigit(after);
        bool join = false;
        if ((before == '.' || before == '_' || before == '-') && lower_next &&
            address_at(t->str + i + 1)) {
            size_t k = i - 1; /* the fragment must be one word */
            while (k > from && local_char(t->str[k - 1]))
                k--;
            join = k < i - 1;
        } else if (after == '@' && local_char(before) && t->str[i + 2] != ' ') {
            join = true;
        } else if (before == '@' && g_ascii_isalnum(after)) {
            join = true;
        } else if (before == '.' && lower_next && i >= 2) {
            /* "x@domain. example": inside the domain of an address */
            size_t k = i - 1;
            while (k > from && (g_ascii_isalnum(t->str[k - 1]) || t->str[k - 1] == '.' ||
                                t->str[k - 1] == '-'))
                k--;
            join =
                k > from && t->str[k - 1] == '@' && k < i - 1 && g_ascii_isalpha(after);
        }
        if (join) {
            g_string_erase(t, (gssize)i, 1);
            i--;
        }
    }
}

/* OCRs an 8-bit grey Pix: deskewed first (scans come in a few degrees
 * off, which costs Tesseract whole lines). */
static int ocr_pix(document_ocr_t *self, PIX *grey, int dpi, GString *out)
{
    l_float32 angle = 0, conf = 0;
    PIX *straight = pixFindSkewAndDeskew(grey, 0, &angle, &conf);
    PIX *use = straight ? straight : grey;
    if (dpi > 0)
        pixSetResolution(use, dpi, dpi);
    TessBaseAPISetImage2(self->api, use);
    if (dpi >= 70 && dpi <= 2400)
        TessBaseAPISetSourceResolution(self->api, dpi);
    char *text = TessBaseAPIGetUTF8Text(self->api);
    int mean = text ? TessBaseAPIMeanTextConf(self->api) : -1;
    if (text) {
        if (out->len)
            g_string_append_c(out, '\n');
        size_t from = out->len;
        g_string_append(out, text);
        TessDeleteText(text);
        join_split_addresses(out, from);
    }
    TessBaseAPIClear(self->api);
    if (straight)
        pixDestroy(&straight);
    return mean;
}

int document_ocr_grey(document_ocr_t *self, const unsigned char *grey, int w, int h,
                      int stride, int dpi, GString *out)
{
    PIX *pix = pixCreate(w, h, 8);
    if (!pix)
        return -1;
    l_uint32 *data = pixGetData(pix);
    int wpl = pixGetWpl(pix);
    for (int y = 0; y < h; y++) {
        l_uint32 *line = data + (size_t)y * wpl;
        const unsigned char *row = grey + (size_t)y * stride;
        for (int x = 0; x < w; x++)
            SET_DATA_BYTE(line, x, row[x]);
    }
    int conf = ocr_pix(self, pix, dpi, out);
    pixDestroy(&pix);
    return conf;
}

/* One decoded frame of an image attachment. */
static int ocr_frame(document_ocr_t *ocr, PIX *pix, GString *out)
{
    PIX *grey = pixConvertTo8(pix, 0);
    if (!grey)
        return -1;
    int dpi = pixGetXRes(pix);
    int conf = ocr_pix(ocr, grey, dpi, out);
    pixDestroy(&grey);
    return conf;
}

static bool frame_too_large(const document_settings_t *s, int w, int h,
                            document_result_t *res)
{
    if (w > 0 && h > 0 && (long long)w * h <= s->max_pixels)
        return false;
    document_fail(res, "image of %d x %d pixels (limit %ld pixels)", w, h, s->max_pixels);
    return true;
}

int document_image(const document_settings_t *s, doc_kind_t kind, const void *data,
                   size_t len, GString *out, document_result_t *res)
{
    const l_uint8 *d = data;
    l_int32 fmt = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0, xres = 0;
    /* The size is read from the header before anything is decoded: a
     * 20000 x 20000 image is refused without allocating 400 MB. */
    if (pixReadHeaderMem(d, len, &fmt, &w, &h, &bps, &spp, &cmap) != 0) {
        document_fail(res, "not a readable %s image", document_kind_name(kind));
        return -1;
    }
    if (frame_too_large(s, w, h, res))
        return -1;
    document_ocr_t *ocr = NULL;
    if (s->ocr && !(ocr = document_ocr_new(s, res->error, sizeof res->error)))
        return -1;
    long conf_sum = 0;
    int frames = kind == DOC_KIND_TIFF ? s->max_pages + 1 : 1;
    int rc = 0;
    for (int n = 0; n < frames; n++) {
        PIX *pix = NULL;
        if (kind == DOC_KIND_TIFF) {
            if (readHeaderMemTiff(d, len, n, &w, &h, &bps, &spp, &xres, &cmap, &fmt) != 0)
                break; /* no frame n: done */
            if (n >= s->max_pages) {
                document_fail(res, "more than %d pages (limit)", s->max_pages);
                rc = -1;
                break;
            }
            if (frame_too_large(s, w, h, res)) {
                rc = -1;
                break;
            }
            pix = pixReadMemTiff(d, len, n);
        } else {
            pix = pixReadMem(d, len);
        }
        if (!pix) {
            document_fail(res, "not a readable %s image (page %d)",
                          document_kind_name(kind), n + 1);
            rc = -1;
            break;
        }
        int conf = ocr ? ocr_frame(ocr, pix, out) : 0;
        pixDestroy(&pix);
        if (conf < 0) {
            document_fail(res, "OCR failed on page %d", n + 1);
            rc = -1;
            break;
        }
        conf_sum += conf;
        res->pages++;
        res->ocr_pages++;
    }
    document_ocr_destroy(&ocr);
    if (rc == 0 && !s->ocr) {
        document_fail(res, "an image, and OCR is disabled");
        rc = -1;
    }
    if (rc == 0 && res->pages == 0) {
        document_fail(res, "not a readable %s image", document_kind_name(kind));
        rc = -1;
    }
    if (rc == 0) {
        res->method = DOC_METHOD_OCR;
        res->confidence = (int)(conf_sum / res->pages);
    }
    return rc;
}
