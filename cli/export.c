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

/* The arguments, checked before anything is read: an export names who
 * made it (handing the record out is an act on it) and never replaces a
 * file. 0, or the exit status. */
static int check_args(int argc, char **argv, export_args_t *args)
{
    if (parse(argc, argv, args) != 0) {
        fprintf(stderr, "writctl: usage: case export ID --out FILE [--as NAME] "
                        "[--reason TEXT]\n");
        return EX_USAGE;
    }
    if (!args->operator_name || !*args->operator_name) {
        fprintf(stderr,
                "writctl: every act names who did it: --as NAME or WRIT_OPERATOR\n");
        return EX_USAGE;
    }
    if (access(args->out, F_OK) == 0) {
        fprintf(stderr, "writctl: %s exists; an export never overwrites a file\n",
                args->out);
        return EXIT_REFUSED;
    }
    return 0;
}

/* What the archive holds from Redis: the case as `case show` has it (*c,
 * the caller json_decref's it) and the original message (*raw, the caller
 * free's it). The store is closed before the archive is written, which
 * may take a while. 0, or the exit status. */
static int load_case(writ_config_t *cfg, const char *id, json_t **c, char **raw,
                     size_t *raw_len)
{
    *raw = NULL;
    *raw_len = 0;
    case_store_t *store = writctl_open_store(cfg);
    if (!store)
        return EX_UNAVAILABLE;
    bool missing_case = false;
    *c = case_query_show(store, id, &missing_case);
    int rc = *c ? case_store_raw(store, id, raw, raw_len) : -1;
    if (!*c || rc != 0) {
        fprintf(stderr, "writctl: %s\n",
                missing_case || rc == 1 ? "no such case" : case_store_error(store));
        json_decref(*c);
        *c = NULL;
        free(*raw);
        *raw = NULL;
        case_store_destroy(&store);
        return missing_case || rc == 1 ? EXIT_REFUSED : EX_UNAVAILABLE;
    }
    case_store_destroy(&store);
    return 0;
}

/* Every file of the archive, in the order the header comment lists them:
 * the manifest and SHA256SUMS come last because they describe the rest.
 * The audit goes in its own file, not in case.json (c is changed so). */
static void add_contents(exporter_t *x, json_t *c, const char *raw, size_t raw_len)
{
    json_t *audit = json_incref(json_object_get(c, "audit"));
    json_object_del(c, "audit");
    json_t *missing = json_array();
    add_file(x, "original.eml", raw, raw_len);
    add_json(x, "case.json", c);
    add_json(x, "audit.json", audit);
    add_notices(x, c, missing);
    char when[32];
    struct tm tm;
    gmtime_r(&x->mtime, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *manifest =
        json_pack("{s:s,s:s,s:O,s:O,s:O}", "case", x->id, "exported_at", when,
                  "original_sha256_at_intake", json_object_get(c, "sha256"), "files",
                  x->files, "notices_missing", missing);
    add_json(x, "manifest.json", manifest);
    /* A copy: add_file appends SHA256SUMS's own line to x->sums. */
    gchar *sums = g_strdup(x->sums->str);
    add_file(x, "SHA256SUMS", sums, strlen(sums));
    g_free(sums);
    json_decref(manifest);
    json_decref(missing);
    json_decref(audit);
}

/* Writes the whole archive to tmp (out is only named in messages); 0, or
 * the exit status. x->a is the caller's to free. */
static int write_archive(exporter_t *x, json_t *c, const char *raw, size_t raw_len,
                         const char *tmp, const char *out)
{
    if (archive_write_set_format_pax_restricted(x->a) != ARCHIVE_OK ||
        archive_write_add_filter_gzip(x->a) != ARCHIVE_OK ||
        archive_write_open_filename(x->a, tmp) != ARCHIVE_OK) {
        fprintf(stderr, "writctl: cannot create %s: %s\n", out,
                archive_error_string(x->a));
        return EX_CANTCREAT;
    }
    add_contents(x, c, raw, raw_len);
    if (archive_write_close(x->a) != ARCHIVE_OK && !x->failed) {
        fprintf(stderr, "writctl: cannot finish %s: %s\n", out,
                archive_error_string(x->a));
        x->failed = true;
    }
    return x->failed ? EX_IOERR : 0;
}

/* Puts the finished archive tmp on the case's audit trail, then gives it
 * its name: on the record before it exists, so an export the audit does
 * not show never leaves writctl. 0, or the exit status. */
static int record_and_place(writ_config_t *cfg, const export_args_t *args,
                            const char *tmp, size_t files, int argc, char **argv)
{
    char sum[65];
    file_sha256(tmp, sum);
    gchar *what = g_strdup_printf("exported to %s (%zu files, archive sha256 %s)%s%s",
                                  args->out, files, sum, args->reason ? ": " : "",
                                  args->reason ? args->reason : "");
    int rc = writctl_record_export(cfg, args->id, args->operator_name, what, argc, argv);
    g_free(what);
    if (rc != 0) {
        fprintf(stderr,
                "writctl: the export of case %s was not recorded, so "
                "it is not written\n",
                args->id);
        return rc;
    }
    /* link, not rename: a file that appeared meanwhile is never replaced. */
    if (link(tmp, args->out) != 0) {
        fprintf(stderr, "writctl: cannot create %s: %s\n", args->out, strerror(errno));
        return errno == EEXIST ? EXIT_REFUSED : EX_CANTCREAT;
    }
    return 0;
}

int writctl_case_export(writ_config_t *cfg, int argc, char **argv)
{
    export_args_t args;
    int status = check_args(argc, argv, &args);
    if (status != 0)
        return status;
    json_t *c = NULL;
    char *raw = NULL;
    size_t raw_len = 0;
    status = load_case(cfg, args.id, &c, &raw, &raw_len);
    if (status != 0)
        return status;
    /* Written beside out, so that out appears only complete. */
    gchar *tmp = g_strdup_printf("%s.tmp.%d", args.out, (int)getpid());
    exporter_t x = { .a = archive_write_new(),
                     .id = args.id,
                     .files = json_array(),
                     .sums = g_string_new(NULL),
                     .mtime = time(NULL) };
    status = write_archive(&x, c, raw, raw_len, tmp, args.out);
    archive_write_free(x.a);
    if (status == 0)
        status = record_and_place(cfg, &args, tmp, json_array_size(x.files), argc, argv);
    unlink(tmp);
    if (status == 0)
        printf("case %s exported to %s: %zu files, manifest with sha256 of each\n",
               args.id, args.out, json_array_size(x.files));
    g_free(tmp);
    g_string_free(x.sums, TRUE);
    json_decref(x.files);
    json_decref(c);
    free(raw);
    return status;
}
