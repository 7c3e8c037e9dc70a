/* parse_config.h -- parse settings from writ's configuration: provider
 * domains, the trusted gateway's authserv-id and the known agencies
 * (intake/agencies, a ZPL file). Shared by intake and `writctl parse` so
 * both read a message the same way.
 */
#ifndef WRIT_PARSE_CONFIG_H
#define WRIT_PARSE_CONFIG_H

#include "agencies.h"
#include "config.h"
#include "parse.h"

/* Fills ps; *agencies receives the loaded table (caller destroys; ps
 * points at it). Returns 0, or -1 with a reason in err. */
int parse_settings_load(writ_config_t *cfg, parse_settings_t *ps, agencies_t **agencies,
                        char *err, size_t errlen);

/* Document limits and OCR languages (extract/... keys; defaults from
 * document_settings_default). Also called by parse_settings_load. */
void parse_documents_load(writ_config_t *cfg, document_settings_t *d);

#endif
