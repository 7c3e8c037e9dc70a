/* outbox.c -- Maildir writer for prepared notices (see outbox.h). */
#define _GNU_SOURCE
#include "outbox.h"

#include <glib.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    char *tmp;   /* dir/tmp/NAME.PID.SEQ */
    char *final; /* dir/new/NAME */
    int fd;      /* open until the commit flushes it */
} staged_t;

/* Staged files are kept open for the commit; beyond this many, staging
 * commits what it holds first (committing early is always safe). */
#define OUTBOX_MAX_STAGED 64

/* The base names in cur/ as last read. A consumer that moves a notice
 * into cur/ changes the directory's mtime, so the set is read again only
 * when that moved -- or when it is too recent to trust: file times are
 * taken from a coarse clock, and a rename in the same tick as the last
 * read would leave the mtime as it was. Without this, every notice read
 * all of cur/, which only grows. */
typedef struct {
    GHashTable *names; /* NAME (":2,FLAGS" cut off) */
    struct timespec mtime;
    ino_t ino;
    bool valid;
} cur_cache_t;

#define CUR_MTIME_TRUST_S 2

struct outbox_t {
    char *dir;
    char *cur;  /* dir/cur */
    int new_fd; /* dir/new, for fsync and syncfs */
    staged_t *staged;
    size_t count, cap;
    unsigned long seq;
    cur_cache_t cur_cache;
    unsigned long cur_reads; /* times cur/ was read (tests) */
};

static int make_dir(const char *path)
{
    return mkdir(path, 0750) == 0 || errno == EEXIST ? 0 : -1;
}

static int prepare_dirs(const char *dir)
{
    char sub[4096];
    if (g_mkdir_with_parents(dir, 0750) != 0)
        return -1;
    const char *names[] = { "tmp", "new", "cur" };
    for (int i = 0; i < 3; i++) {
        snprintf(sub, sizeof sub, "%s/%s", dir, names[i]);
        if (make_dir(sub) != 0)
            return -1;
    }
    return 0;
}

outbox_t *outbox_new(const char *dir)
{
    if (prepare_dirs(dir) != 0)
        return NULL;
    outbox_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->dir = strdup(dir);
    self->cur = g_strdup_printf("%s/cur", dir);
    self->cur_cache.names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/new", dir);
    self->new_fd = open(sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!self->dir || self->new_fd < 0) {
        int saved = errno;
        outbox_destroy(&self);
        errno = saved;
        return NULL;
    }
    return self;
}

void outbox_destroy(outbox_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    outbox_t *self = *self_p;
    outbox_discard(self);
    if (self->new_fd >= 0)
        close(self->new_fd);
    free(self->staged);
    free(self->dir);
    g_free(self->cur);
    if (self->cur_cache.names)
        g_hash_table_destroy(self->cur_cache.names);
    free(self);
    *self_p = NULL;
}

/* Deterministic Maildir base name: the case id and a digest of the
 * account (the account itself is personal data; keep it out of names). */
static void notice_name(const char *case_id, const char *account, char *buf, size_t len)
{
    gchar *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, account, -1);
    snprintf(buf, len, "%s.%.16s.writ", case_id, digest);
    g_free(digest);
}

static void cur_cache_read(outbox_t *self, const struct stat *st)
{
    cur_cache_t *cc = &self->cur_cache;
    g_hash_table_remove_all(cc->names);
    cc->valid = false;
    DIR *d = opendir(self->cur);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        const char *colon = strchr(e->d_name, ':');
        g_hash_table_add(cc->names, colon
                                        ? g_strndup(e->d_name, (gsize)(colon - e->d_name))
                                        : g_strdup(e->d_name));
    }
    closedir(d);
    /* The mtime from before the read: a change during it shows next time. */
    cc->mtime = st->st_mtim;
    cc->ino = st->st_ino;
    cc->valid = true;
    self->cur_reads++;
}

static bool cur_cache_current(const cur_cache_t *cc, const struct stat *st)
{
    if (!cc->valid || cc->ino != st->st_ino || cc->mtime.tv_sec != st->st_mtim.tv_sec ||
        cc->mtime.tv_nsec != st->st_mtim.tv_nsec)
        return false;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return now.tv_sec - st->st_mtim.tv_sec > CUR_MTIME_TRUST_S;
}

/* A consumer that read the notice moved it to cur/NAME:2,FLAGS. */
static int seen_in_cur(outbox_t *self, const char *name)
{
    struct stat st;
    if (stat(self->cur, &st) != 0)
        return 0;
    if (!cur_cache_current(&self->cur_cache, &st))
        cur_cache_read(self, &st);
    return g_hash_table_contains(self->cur_cache.names, name);
}

unsigned long outbox_cur_reads(const outbox_t *self)
{
    return self->cur_reads;
}

static int staged_already(const outbox_t *self, const char *final)
{
    for (size_t i = 0; i < self->count; i++)
        if (!strcmp(self->staged[i].final, final))
            return 1;
    return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Writes the file and starts its write-back at once, so that by the
 * commit every staged file's blocks are allocated in the same journal
 * transaction: the first flush commits it, the others find their data
 * already on its way. Returns the open fd, or -1. */
static int write_file(const char *path, const char *content, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    if (write_all(fd, content, len) != 0) {
        int saved = errno;
        close(fd);
        unlink(path);
        errno = saved;
        return -1;
    }
    sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE); /* a hint only */
    return fd;
}

int outbox_stage(outbox_t *self, const char *case_id, const char *account,
                 const char *content, size_t len, char *path, size_t path_len)
{
    char name[128];
    notice_name(case_id, account, name, sizeof name);
    snprintf(path, path_len, "%s/new/%s", self->dir, name);
    if (access(path, F_OK) == 0 || staged_already(self, path) || seen_in_cur(self, name))
        return 1;
    if (self->count >= OUTBOX_MAX_STAGED && outbox_commit(self) != 0)
        return -1;
    if (self->count == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 16;
        staged_t *grown = realloc(self->staged, cap * sizeof *grown);
        if (!grown)
            return -1;
        self->staged = grown;
        self->cap = cap;
    }
    char *tmp =
        g_strdup_printf("%s/tmp/%s.%d.%lu", self->dir, name, (int)getpid(), self->seq++);
    int fd = write_file(tmp, content, len);
    if (fd < 0) {
        int saved = errno;
        g_free(tmp);
        errno = saved;
        return -1;
    }
    self->staged[self->count].fd = fd;
    self->staged[self->count].tmp = tmp;
    self->staged[self->count].final = g_strdup(path);
    self->count++;
    return 0;
}

static void forget(outbox_t *self, size_t i, int remove_tmp)
{
    if (self->staged[i].fd >= 0)
        close(self->staged[i].fd);
    self->staged[i].fd = -1;
    if (remove_tmp)
        unlink(self->staged[i].tmp);
    g_free(self->staged[i].tmp);
    g_free(self->staged[i].final);
}

void outbox_discard(outbox_t *self)
{
    for (size_t i = 0; i < self->count; i++)
        forget(self, i, 1);
    self->count = 0;
}

size_t outbox_staged(outbox_t *self)
{
    return self->count;
}

int outbox_commit(outbox_t *self)
{
    if (self->count == 0)
        return 0;
    /* Contents first, names after: a name in new/ never points at a file
     * whose data a power loss could still take. */
    for (size_t i = 0; i < self->count; i++)
        if (fdatasync(self->staged[i].fd) != 0) {
            int saved = errno;
            outbox_discard(self);
            errno = saved;
            return -1;
        }
    int rc = 0, saved = 0;
    for (size_t i = 0; i < self->count; i++) {
        int failed = rc != 0 || rename(self->staged[i].tmp, self->staged[i].final) != 0;
        if (failed && rc == 0) {
            rc = -1;
            saved = errno;
        }
        forget(self, i, failed);
    }
    self->count = 0;
    if (rc == 0 && fsync(self->new_fd) != 0) {
        rc = -1;
        saved = errno;
    }
    errno = saved;
    return rc;
}

int outbox_write(outbox_t *self, const char *case_id, const char *account,
                 const char *content, size_t len, char *path, size_t path_len)
{
    int rc = outbox_stage(self, case_id, account, content, len, path, path_len);
    if (rc != 0)
        return rc;
    return outbox_commit(self) == 0 ? 0 : -1;
}
