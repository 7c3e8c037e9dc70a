/* redis_login.c -- a daemon's Redis user and password (see redis_login.h). */
#include "redis_login.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int redis_login_read_password(const char *path, char *buf, size_t len, char *err,
                              size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read Redis password file %s: %s", path,
                 strerror(errno));
        return -1;
    }
    struct stat st;
    int rc = -1;
    if (fstat(fileno(f), &st) != 0)
        snprintf(err, errlen, "cannot stat %s: %s", path, strerror(errno));
    else if (st.st_mode & 077)
        snprintf(err, errlen,
                 "Redis password file %s has mode %03o: others may "
                 "read it (want 0600)",
                 path, (unsigned)(st.st_mode & 0777));
    else if (!fgets(buf, (int)len, f))
        snprintf(err, errlen, "Redis password file %s is empty", path);
    else {
        size_t n = strcspn(buf, "\r\n");
        bool whole_line = buf[n] != '\0' || fgetc(f) == EOF;
        if (!whole_line)
            snprintf(err, errlen, "Redis password in %s is too long", path);
        else if (n == 0)
            snprintf(err, errlen, "Redis password file %s is empty", path);
        else {
            buf[n] = '\0';
            rc = 0;
        }
    }
    fclose(f);
    if (rc != 0)
        memset(buf, 0, len);
    return rc;
}

case_store_t *redis_login_open(writ_config_t *cfg, const char *section,
                               const char *default_user, char *err, size_t errlen)
{
    const char *url = writ_config_str(cfg, "writ/redis_url");
    char path[160];
    snprintf(path, sizeof path, "%s/redis_user", section);
    const char *user = writ_config_get(cfg, path, default_user);
    if (!user || !*user) {
        case_store_t *store = case_store_new(url);
        if (!store)
            snprintf(err, errlen, "out of memory");
        return store;
    }
    snprintf(path, sizeof path, "%s/redis_password_file", section);
    const char *file = writ_config_get(cfg, path, NULL);
    char default_file[1024];
    if (!file || !*file) {
        const char *dir = writ_config_str(cfg, "writ/redis_secrets");
        snprintf(default_file, sizeof default_file, "%s/%s.password", dir, user);
        file = default_file;
    }
    char password[256];
    if (redis_login_read_password(file, password, sizeof password, err, errlen) != 0)
        return NULL;
    case_store_t *store = case_store_new_login(url, user, password);
    memset(password, 0, sizeof password);
    if (!store)
        snprintf(err, errlen, "out of memory");
    return store;
}
