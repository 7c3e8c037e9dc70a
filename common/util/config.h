/* config.h -- writ's settings: a ZPL file read with czmq's zconfig, every
 * value overridable by an environment variable for containers.
 *
 * A setting is named by its ZPL path, "section/key". Its environment name
 * is WRIT_ + SECTION_KEY in upper case ("intake/lmtp_listen" ->
 * WRIT_INTAKE_LMTP_LISTEN); settings in the "writ" section drop the
 * section ("writ/redis_url" -> WRIT_REDIS_URL). Environment wins over the
 * file, the file over the built-in default: config_defaults.c's table
 * (writ_config_str and co.), or the one the caller passes when it is
 * computed (writ_config_get and co.).
 */
#ifndef WRIT_CONFIG_H
#define WRIT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct writ_config_t writ_config_t;

/* Loads path; when path is NULL uses $WRIT_CONFIG, then config/writ.zpl if
 * it exists, else built-in defaults only. Returns NULL (err set) when a
 * named file cannot be read or parsed. */
writ_config_t *writ_config_load(const char *path, char *err, size_t errlen);
void writ_config_destroy(writ_config_t **self_p);

/* The returned string is owned by the config (valid until destroy). */
const char *writ_config_get(writ_config_t *self, const char *path,
                            const char *default_value);
long writ_config_get_long(writ_config_t *self, const char *path, long default_value);
bool writ_config_get_bool(writ_config_t *self, const char *path, bool default_value);
/* A file name setting. A relative name written in the config file is
 * taken relative to that file's directory, so `--config /etc/writ/writ.zpl`
 * finds its templates beside it whatever the working directory (pipe(8)
 * runs the intake from the queue directory); names from the environment
 * or the default stay relative to the working directory. */
const char *writ_config_get_file(writ_config_t *self, const char *path,
                                 const char *default_value);
/* The same with the built-in default of common/util/config_defaults.c's table
 * (unset: NULL, 0 or false when the table has no default for path). */
const char *writ_config_str(writ_config_t *self, const char *path);
long writ_config_long(writ_config_t *self, const char *path);
bool writ_config_bool(writ_config_t *self, const char *path);
const char *writ_config_file(writ_config_t *self, const char *path);

/* Where the settings came from, for the startup log line. */
const char *writ_config_source(writ_config_t *self);

/* The environment variable name for a path, into buf. */
void writ_config_env_name(const char *path, char *buf, size_t len);

#endif
