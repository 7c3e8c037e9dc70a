/* test_parse_samples.c -- every labelled sample in
 * tests/fixtures/samples/requests/NNN.eml (and every further labelled letter
 * in tests/fixtures/extra/) must parse to the contract fields
 * of its NNN.json label (the label's "expected" and "notes" keys are for
 * later stages and are ignored here). One cmocka test per sample; a failure
 * names each differing field with both values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "parse.h"
#include "request.h"

#define MAX_SAMPLES 512

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *g = realloc(buf, cap);
            if (!g) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = g;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void test_sample(void **state)
{
    const char *eml = *state;
    size_t len = 0;
    char *raw = read_file(eml, &len);
    assert_non_null(raw);

    char label_path[4096];
    snprintf(label_path, sizeof label_path, "%.*s.json", (int)(strlen(eml) - 4), eml);
    json_error_t jerr;
    json_t *label = json_load_file(label_path, 0, &jerr);
    if (!label)
        fail_msg("cannot load %s: %s", label_path, jerr.text);
    json_object_del(label, "expected");
    json_object_del(label, "notes");

    parse_settings_t settings;
    parse_settings_default(&settings);
    request_t req = { 0 };
    char err[256];
    assert_int_equal(parse_message(&settings, raw, len, &req, err, sizeof err), PARSE_OK);
    char *out = request_to_json(&req, false);
    assert_non_null(out);
    json_t *got = json_loads(out, 0, &jerr);
    assert_non_null(got);

    int bad = 0;
    const char *key;
    json_t *want;
    json_object_foreach(label, key, want)
    {
        json_t *have = json_object_get(got, key);
        if (have && json_equal(want, have))
            continue;
        char *w = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
        char *h = have ? json_dumps(have, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        print_error("%s: field \"%s\": want %s, got %s\n", eml, key, w,
                    h ? h : "(missing)");
        free(w);
        free(h);
        bad++;
    }
    /* The output has exactly the contract's fields, no more. */
    if (json_object_size(got) != json_object_size(label)) {
        print_error("%s: %zu fields, label has %zu\n", eml, json_object_size(got),
                    json_object_size(label));
        bad++;
    }
    json_decref(got);
    json_decref(label);
    free(out);
    request_clear(&req);
    free(raw);
    assert_int_equal(bad, 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    const char *root = getenv("WRIT_SOURCE_DIR");
    if (!root || !*root)
        root = ".";
    /* The public samples, then further labelled letters written for the
     * extraction rules (tests/fixtures/extra, same format). */
    static const char *const subdirs[] = { "tests/fixtures/samples/requests",
                                           "tests/fixtures/extra" };
    char *paths[MAX_SAMPLES];
    size_t n = 0;
    for (size_t k = 0; k < sizeof subdirs / sizeof subdirs[0]; k++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", root, subdirs[k]);
        DIR *d = opendir(dir);
        if (!d) {
            if (k == 0) {
                fprintf(stderr, "cannot open %s\n", dir);
                return 1;
            }
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d)) && n < MAX_SAMPLES) {
            size_t l = strlen(e->d_name);
            if (l > 4 && strcmp(e->d_name + l - 4, ".eml") == 0) {
                size_t need = strlen(dir) + l + 2;
                paths[n] = malloc(need);
                snprintf(paths[n], need, "%s/%s", dir, e->d_name);
                n++;
            }
        }
        closedir(d);
    }
    if (n == 0) {
        fprintf(stderr, "no samples under %s\n", root);
        return 1;
    }
    qsort(paths, n, sizeof paths[0], cmp_str);

    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    for (size_t i = 0; i < n; i++) {
        /* "requests/001.eml", "extra/x01.eml" */
        const char *slash = strrchr(paths[i], '/');
        while (slash > paths[i] && slash[-1] != '/')
            slash--;
        tests[i].name = slash;
        tests[i].test_func = test_sample;
        tests[i].initial_state = paths[i];
    }
    parse_global_init();
    int rc = _cmocka_run_group_tests("parse_samples", tests, n, NULL, NULL);
    parse_global_shutdown();
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(tests);
    return rc;
}
