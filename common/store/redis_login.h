/* redis_login.h -- who a daemon or writctl is to Redis: its ACL user
 * (one per role, see config/redis-acl.roles) and that user's password,
 * read from a file only its owner can read -- never from the command line
 * or the environment.
 *
 * Settings (config/writ.zpl; WRIT_* overrides as usual):
 *   writ/redis_url                  where Redis is (redis://, unix://)
 *   writ/redis_secrets              directory of ROLE.password files
 *   SECTION/redis_user              the ACL user of this daemon (SECTION
 *                                   is intake, the stage's name, or
 *                                   writctl); "" logs in as nobody (a
 *                                   Redis without ACL users)
 *   SECTION/redis_password_file     its password; default
 *                                   {redis_secrets}/{user}.password
 */
#ifndef WRIT_REDIS_LOGIN_H
#define WRIT_REDIS_LOGIN_H

#include <stddef.h>
#include "case_store.h"
#include "config.h"

/* Reads a password file into buf: the first line, without its line end.
 * Refuses (-1, err set) a file that is missing, empty, longer than len-1,
 * or readable or writable by group or others (it must be 0600 or 0400). */
int redis_login_read_password(const char *path, char *buf, size_t len, char *err,
                              size_t errlen);

/* A case store for SECTION, logged in as its configured user (default
 * default_user). NULL with err set when the password cannot be read (a
 * configuration fault: exit 78) or memory runs out. Connects lazily, as
 * case_store_new. */
case_store_t *redis_login_open(writ_config_t *cfg, const char *section,
                               const char *default_user, char *err, size_t errlen);

#endif
