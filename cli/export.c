/* export.c -- `writctl case export ID --out FILE`: one archive for counsel
 * or a court (gzip'ed POSIX tar, written with libarchive):
 *
 *   ID/original.eml     the message exactly as the gateway handed it over
 *   ID/case.json        the case record, decisions and casework (case show)
 *   ID/audit.json       the full audit trail
 *   ID/notices/NAME     every prepared notice file still in the outbox
 *   ID/manifest.json    name, size and sha256 of each file above, the
 *                       original's sha256 as recorded at intake, and any
 *                       notice file that could not be read
 *   ID/SHA256SUMS       the same sums, for `sha256sum -c`
 *
 * The archive is written beside FILE and renamed into place once complete;
 * an existing FILE is never overwritten.
 */
#include "case_query.h"
#include "writctl.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sysexits.h>

typedef struct {
    struct archive *a;
    const char *id;
    json_t *files; /* manifest entries */
    GString *sums;
    time_t mtime;
    bool failed;
} exporter_t;

static void add_file(exporter_t *x, const char *name, const void *data, size_t len)
{
    if (x->failed)
        return;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", x->id, name);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, path);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0444);
    archive_entry_set_mtime(e, x->mtime, 0);
    if (archive_write_header(x->a, e) != ARCHIVE_OK ||
        (len > 0 && archive_write_data(x->a, data, len) != (la_ssize_t)len)) {
        fprintf(stderr, "writctl: cannot write %s to the archive: %s\n", path,
                archive_error_string(x->a));
        x->failed = true;
    }
    archive_entry_free(e);
    gchar *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
    json_array_append_new(x->files, json_pack("{s:s,s:I,s:s}", "name", name, "size",
                                              (json_int_t)len, "sha256", sha));
    g_string_append_printf(x->sums, "%s  %s\n", sha, name);
    g_free(sha);
}

static void add_json(exporter_t *x, const char *name, json_t *j)
{
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text) {
        x->failed = true;
        return;
    }
    add_file(x, name, text, strlen(text));
    free(text);
}

/* Every notice file the case names, by its base name; unreadable ones
 * are listed in missing. */
static void add_notices(exporter_t *x, json_t *c, json_t *missing)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(c, "accounts"), i, a)
    {
        const char *path = json_string_value(json_object_get(a, "notice_path"));
        if (!path)
            continue;
        gchar *data = NULL;
        gsize len = 0;
        gchar *base = g_path_get_basename(path);
        char name[512];
        snprintf(name, sizeof name, "notices/%s", base);
        if (g_file_get_contents(path, &data, &len, NULL))
            add_file(x, name, data, len);
        else
            json_array_append_new(
                missing, json_pack("{s:s,s:s}", "account",
                                   json_string_value(json_object_get(a, "account")),
                                   "path", path));
        g_free(data);
        g_free(base);
    }
}

typedef struct {
    const char *id, *out, *operator_name, *reason;
} export_args_t;

static int parse(int argc, char **argv, export_args_t *a)
{
    *a = (export_args_t){ .operator_name = getenv("WRIT_OPERATOR") };
    for (int i = 0; i < argc; i++) {
        bool has = i + 1 < argc;
        if (!strcmp(argv[i], "--out") && has)
            a->out = argv[++i];
        else if (!strcmp(argv[i], "--as") && has)
            a->operator_name = argv[++i];
        else if (!strcmp(argv[i], "--reason") && has)
            a->reason = argv[++i];
        else if (!a->id && argv[i][0] != '-')
            a->id = argv[i];
        else
            return -1;
    }
    return a->id && a->out ? 0 : -1;
}

/* sha256 of a file, hex; "" when it cannot be read. */
static void file_sha256(const char *path, char out[65])
{
    out[0] = '\0';
    gchar *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, NULL))
        return;
    gchar *hex =
        g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
    snprintf(out, 65, "%s", hex);
    g_free(hex);
    g_free(data);
}

int writctl_case_export(writ_config_t *cfg, int argc, char **argv)
{
    export_args_t args;
    if (parse(argc, argv, &args) != 0) {
        fprintf(stderr, "writctl: usage: case export ID --out FILE [--as NAME] "
                        "[--reason TEXT]\n");
        return EX_USAGE;
    }
    const char *id = args.id, *out = args.out;
    /* Handing the record out is an act on it: it names who did it. */
    if (!args.operator_name || !*args.operator_name) {
        fprintf(stderr,
                "writctl: every act names who did it: --as NAME or WRIT_OPERATOR\n");
        return EX_USAGE;
    }
    if (access(out, F_OK) == 0) {
        fprintf(stderr, "writctl: %s exists; an export never overwrites a file\n", out);
        return EXIT_REFUSED;
    }
    case_store_t *store = writctl_open_store(cfg);
    if (!store)
        return EX_UNAVAILABLE;
    bool missing_case = false;
    json_t *c = case_query_show(store, id, &missing_case);
    char *raw = NULL;
    size_t raw_len = 0;
    int rc = c ? case_store_raw(store, id, &raw, &raw_len) : -1;
    if (!c || rc != 0) {
        fprintf(stderr, "writctl: %s\n",
                missing_case || rc == 1 ? "no such case" : case_store_error(store));
        json_decref(c);
        free(raw);
        case_store_destroy(&store);
        return missing_case || rc == 1 ? EXIT_REFUSED : EX_UNAVAILABLE;
    }
    case_store_destroy(&store);

    gchar *tmp = g_strdup_printf("%s.tmp.%d", out, (int)getpid());
    exporter_t x = { .a = archive_write_new(),
                     .id = id,
                     .files = json_array(),
                     .sums = g_string_new(NULL),
                     .mtime = time(NULL) };
    int status = 0;
    if (archive_write_set_format_pax_restricted(x.a) != ARCHIVE_OK ||
        archive_write_add_filter_gzip(x.a) != ARCHIVE_OK ||
        archive_write_open_filename(x.a, tmp) != ARCHIVE_OK) {
        fprintf(stderr, "writctl: cannot create %s: %s\n", out,
                archive_error_string(x.a));
        status = EX_CANTCREAT;
    } else {
        json_t *audit = json_incref(json_object_get(c, "audit"));
        json_object_del(c, "audit");
        json_t *missing = json_array();
        add_file(&x, "original.eml", raw, raw_len);
        add_json(&x, "case.json", c);
        add_json(&x, "audit.json", audit);
        add_notices(&x, c, missing);
        char when[32];
        struct tm tm;
        gmtime_r(&x.mtime, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        json_t *manifest =
            json_pack("{s:s,s:s,s:O,s:O,s:O}", "case", id, "exported_at", when,
                      "original_sha256_at_intake", json_object_get(c, "sha256"), "files",
                      x.files, "notices_missing", missing);
        add_json(&x, "manifest.json", manifest);
        gchar *sums = g_strdup(x.sums->str);
        add_file(&x, "SHA256SUMS", sums, strlen(sums));
        g_free(sums);
        json_decref(manifest);
        json_decref(missing);
        json_decref(audit);
        if (archive_write_close(x.a) != ARCHIVE_OK && !x.failed) {
            fprintf(stderr, "writctl: cannot finish %s: %s\n", out,
                    archive_error_string(x.a));
            x.failed = true;
        }
        if (x.failed)
            status = EX_IOERR;
    }
    archive_write_free(x.a);
    /* On the record before it exists: an export the audit does not show
     * never leaves writctl. */
    if (status == 0) {
        char sum[65];
        file_sha256(tmp, sum);
        gchar *what =
            g_strdup_printf("exported to %s (%zu files, archive sha256 %s)%s%s", out,
                            json_array_size(x.files), sum, args.reason ? ": " : "",
                            args.reason ? args.reason : "");
        int rc = writctl_record_export(cfg, id, args.operator_name, what, argc, argv);
        g_free(what);
        if (rc != 0) {
            fprintf(stderr,
                    "writctl: the export of case %s was not recorded, so "
                    "it is not written\n",
                    id);
            status = rc;
        }
    }
    if (status == 0 && link(tmp, out) != 0) {
        fprintf(stderr, "writctl: cannot create %s: %s\n", out, strerror(errno));
        status = errno == EEXIST ? EXIT_REFUSED : EX_CANTCREAT;
    }
    unlink(tmp);
    if (status == 0)
        printf("case %s exported to %s: %zu files, manifest with sha256 of each\n", id,
               out, json_array_size(x.files));
    g_free(tmp);
    g_string_free(x.sums, TRUE);
    json_decref(x.files);
    json_decref(c);
    free(raw);
    return status;
}
