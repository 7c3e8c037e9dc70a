/* config_defaults.h -- every setting's built-in default, in one table (as
 * Postfix's mail_params.h): the value a daemon uses when neither the
 * environment nor the config file sets it, and a line saying what the
 * setting is for. config/writ.zpl documents every setting of the table
 * (unit.test_config_defaults checks it).
 *
 * Callers read a setting by its path alone (writ_config_str/_long/_bool/
 * _file in config.h); the default is here, said once. Settings whose
 * default is computed (another setting's value, a limit of the code, a
 * per-stage path) are read with writ_config_get*(..., default) instead.
 *
 * Adding a setting: a row here (path, default as text or NULL for
 * "unset", one line of doc), the line in config/writ.zpl, then
 * writ_config_str(cfg, "section/key") where it is used.
 */
#ifndef WRIT_CONFIG_DEFAULTS_H
#define WRIT_CONFIG_DEFAULTS_H

typedef struct {
    const char *path;  /* "section/key" */
    const char *value; /* the default as text; NULL: unset */
    const char *doc;
} config_default_t;

/* The table, ended by a row whose path is NULL. */
extern const config_default_t CONFIG_DEFAULTS[];

/* The row of path, or NULL when the table has none. */
const config_default_t *config_default_find(const char *path);

#endif
