/* parse_config.c -- parse settings from configuration (parse_config.h). */
#include "parse_config.h"

#include <czmq.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

void parse_documents_load(writ_config_t *cfg, document_settings_t *d)
{
    document_settings_default(d);
    const char *languages = writ_config_get(cfg, "extract/languages", NULL);
    if (languages && *languages)
        snprintf(d->languages, sizeof d->languages, "%s", languages);
    const char *tessdata = writ_config_get(cfg, "extract/tessdata", NULL);
    if (tessdata)
        snprintf(d->tessdata, sizeof d->tessdata, "%s", tessdata);
    d->dpi = (int)writ_config_get_long(cfg, "extract/dpi", d->dpi);
    d->max_pages = (int)writ_config_get_long(cfg, "extract/max_pages", d->max_pages);
    d->max_pixels = writ_config_get_long(cfg, "extract/max_pixels", d->max_pixels);
    d->max_text =
        (size_t)writ_config_get_long(cfg, "extract/max_text", (long)d->max_text);
    d->max_xml = (size_t)writ_config_get_long(cfg, "extract/max_xml", (long)d->max_xml);
    d->cpu_seconds =
        (int)writ_config_get_long(cfg, "extract/cpu_seconds", d->cpu_seconds);
    d->timeout_seconds =
        (int)writ_config_get_long(cfg, "extract/timeout_seconds", d->timeout_seconds);
    d->memory_mb = writ_config_get_long(cfg, "extract/memory_mb", d->memory_mb);
    d->nice = (int)writ_config_get_long(cfg, "extract/nice", d->nice);
    if (d->nice < 0 || d->nice > 19)
        d->nice = 10;
    if (d->dpi < 72 || d->dpi > 1200)
        d->dpi = 300;
}

int parse_settings_load(writ_config_t *cfg, parse_settings_t *ps, agencies_t **agencies,
                        char *err, size_t errlen)
{
    parse_settings_default(ps);
    *agencies = NULL;
    const char *domains = writ_config_get(cfg, "intake/provider_domains", NULL);
    if (domains) {
        gchar **parts = g_strsplit_set(domains, ", ", -1);
        ps->provider_domain_count = 0;
        for (gchar **p = parts; *p && ps->provider_domain_count < PARSE_MAX_DOMAINS; p++)
            if (**p)
                snprintf(ps->provider_domains[ps->provider_domain_count++],
                         sizeof ps->provider_domains[0], "%s", *p);
        g_strfreev(parts);
    }
    const char *authserv = writ_config_get(cfg, "intake/trusted_authserv_id", NULL);
    if (authserv)
        snprintf(ps->trusted_authserv_id, sizeof ps->trusted_authserv_id, "%s", authserv);
    const char *where = writ_config_get(cfg, "intake/trusted_results", NULL);
    if (where) {
        if (!strcmp(where, "above_received"))
            ps->results_position = PARSE_RESULTS_ABOVE_RECEIVED;
        else if (!strcmp(where, "trace_block"))
            ps->results_position = PARSE_RESULTS_TRACE_BLOCK;
        else {
            snprintf(err, errlen,
                     "intake/trusted_results: '%s' is not "
                     "above_received or trace_block",
                     where);
            return -1;
        }
    }
    parse_documents_load(cfg, &ps->documents);
    static const char *const default_path = "config/agencies.zpl";
    const char *path = writ_config_get_file(cfg, "intake/agencies", default_path);
    /* With no configuration at all (writctl parse outside a writ tree) no
     * agency is known: every requester is unverified, nothing fails. A
     * configured file that is missing is an error. */
    if (path == default_path && !zsys_file_exists(path)) {
        *agencies = agencies_new();
        ps->agencies = *agencies;
        return 0;
    }
    *agencies = agencies_load(path, err, errlen);
    if (!*agencies)
        return -1;
    ps->agencies = *agencies;
    return 0;
}
