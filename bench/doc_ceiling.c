/* doc_ceiling -- how fast writ reads documents, in-process and on one
 * thread (OMP_THREAD_LIMIT=1 is set by bench/documents.sh):
 *
 *   doc_ceiling ROUNDS FILE...
 *
 * converts every file ROUNDS times with document_convert() (the code the
 * sandboxed child runs; no fork, so the figure is the decoders' and
 * Tesseract's) and prints one JSON line: {"pages": N, "seconds": S,
 * "pages_per_s": R, "ocr_pages": K, "mean_confidence": C}.
 */
#include "document.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sysexits.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: doc_ceiling ROUNDS FILE...\n");
        return EX_USAGE;
    }
    int rounds = atoi(argv[1]);
    document_settings_t s;
    document_settings_default(&s);
    long pages = 0, ocr_pages = 0, conf_sum = 0, conf_n = 0;
    double t0 = now_s();
    for (int r = 0; r < rounds; r++) {
        for (int i = 2; i < argc; i++) {
            gchar *data = NULL;
            gsize len = 0;
            if (!g_file_get_contents(argv[i], &data, &len, NULL)) {
                fprintf(stderr, "doc_ceiling: cannot read %s\n", argv[i]);
                return EX_NOINPUT;
            }
            document_result_t res;
            if (document_convert(&s, document_detect(data, len), data, len, &res) != 0) {
                fprintf(stderr, "doc_ceiling: %s: %s\n", argv[i], res.error);
                return EX_DATAERR;
            }
            pages += res.pages;
            ocr_pages += res.ocr_pages;
            if (res.confidence >= 0) {
                conf_sum += res.confidence;
                conf_n++;
            }
            document_result_clear(&res);
            g_free(data);
        }
    }
    double secs = now_s() - t0;
    printf("{\"pages\": %ld, \"seconds\": %.3f, \"pages_per_s\": %.3f, "
           "\"ocr_pages\": %ld, \"mean_confidence\": %.1f}\n",
           pages, secs, pages / secs, ocr_pages,
           conf_n ? (double)conf_sum / conf_n : -1.0);
    return 0;
}
