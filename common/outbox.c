/* outbox.c -- Maildir writer for prepared notices (see outbox.h). */
#include "outbox.h"

#include <glib.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_dir(const char *path)
{
    return mkdir(path, 0750) == 0 || errno == EEXIST ? 0 : -1;
}

int outbox_prepare(const char *dir)
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

/* Deterministic Maildir base name: the case id and a digest of the
 * account (the account itself is personal data; keep it out of names). */
static void notice_name(const char *case_id, const char *account, char *buf,
                        size_t len)
{
    gchar *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, account, -1);
    snprintf(buf, len, "%s.%.16s.writ", case_id, digest);
    g_free(digest);
}

/* A consumer that read the notice moved it to cur/NAME:2,FLAGS. */
static int seen_in_cur(const char *dir, const char *name)
{
    char cur[4096];
    snprintf(cur, sizeof cur, "%s/cur", dir);
    DIR *d = opendir(cur);
    if (!d)
        return 0;
    size_t n = strlen(name);
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d)))
        found = !strncmp(e->d_name, name, n)
                && (e->d_name[n] == '\0' || e->d_name[n] == ':');
    closedir(d);
    return found;
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
        len -= (size_t) w;
    }
    return 0;
}

int outbox_write(const char *dir, const char *case_id, const char *account,
                 const char *content, size_t len, char *path, size_t path_len)
{
    char name[128], tmp[4096];
    notice_name(case_id, account, name, sizeof name);
    snprintf(path, path_len, "%s/new/%s", dir, name);
    if (access(path, F_OK) == 0 || seen_in_cur(dir, name))
        return 1;
    if (outbox_prepare(dir) != 0)
        return -1;
    snprintf(tmp, sizeof tmp, "%s/tmp/%s.%d", dir, name, (int) getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return -1;
    int rc = write_all(fd, content, len);
    if (rc == 0)
        rc = fsync(fd);
    if (close(fd) != 0)
        rc = -1;
    if (rc == 0)
        rc = rename(tmp, path);
    if (rc != 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}
