/* registry.h -- the data-location registry: for each account, its tenant,
 * customer type, storage region and country; for each tenant, its name and
 * admin contact. Imported from CSV into Redis, looked up per case.
 *
 * Keys: writ:registry:* (keys.h).
 */
#ifndef WRIT_REGISTRY_H
#define WRIT_REGISTRY_H

#include <stddef.h>
#include "case.h"
#include "case_store.h"
#include "keys.h"

/* One CSV record split into fields (RFC 4180 quoting). Pure. */
typedef struct {
    char **fields;
    size_t count;
} csv_row_t;

/* Parses the next record from *cursor (advanced past it). Returns 1 with a
 * row, 0 at end of input, -1 on malformed quoting. Free with
 * csv_row_clear. */
int csv_next_row(const char **cursor, csv_row_t *row);
void csv_row_clear(csv_row_t *row);

/* Replaces the whole registry atomically (MULTI/EXEC) with the contents
 * of the two CSV texts. Returns the number of accounts imported, or -1
 * with a one-line reason in err. */
long registry_import(case_store_t *store, const char *locations_csv,
                     const char *tenants_csv, char *err, size_t errlen);

#define REGISTRY_VERSION_KEY KEY_REGISTRY_VERSION

/* Looks up n accounts (one round trip); out[i].found says whether each is
 * registered. Returns 0, or -1 on Redis failure. */
int registry_lookup(case_store_t *store, char *const *accounts, size_t n,
                    location_t *out);

/* A replica's cache of the registry, for the import it last saw
 * (writ:registry:version). A lookup whose accounts are all cached costs no
 * round trip; otherwise one, which also reads the version and drops every
 * entry of an older import. What the cache cannot see by itself is an
 * import after its last round trip: a decision made from it must be
 * recorded with the guard REGISTRY_VERSION_KEY == registry_cache_version()
 * (case_store_advance), and on a guard miss the caller invalidates and
 * decides again. Entries hold no personal data beyond the registry's. */
typedef struct registry_cache_t registry_cache_t;
registry_cache_t *registry_cache_new(size_t max_entries);
void registry_cache_destroy(registry_cache_t **self_p);
int registry_cache_lookup(registry_cache_t *self, case_store_t *store,
                          char *const *accounts, size_t n, location_t *out);
/* The import the entries belong to ("" when empty; "0" before any). */
const char *registry_cache_version(const registry_cache_t *self);
void registry_cache_invalidate(registry_cache_t *self);

#endif
