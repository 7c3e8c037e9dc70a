/* domain.h -- the one answer to "is this mail domain that domain or one
 * of its subdomains?", and the domain of an address.
 *
 * Used wherever a configured domain stands for itself and everything under
 * it: the provider's own domains (parse, extract), known agencies' mail
 * domains (agencies), the trusted gateway's authserv-id (parse). Matching
 * is ASCII case-insensitive and on label boundaries: mail.fbi.gov is within
 * fbi.gov, notfbi.gov and fbi.gov.evil.example are not.
 */
#ifndef WRIT_DOMAIN_H
#define WRIT_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

/* domain[0..len) equals parent or ends with "." parent. An empty parent
 * matches nothing. */
bool domain_within_n(const char *domain, size_t len, const char *parent);
bool domain_within(const char *domain, const char *parent);

/* The part after the last '@' of an addr-spec, or NULL when there is none. */
const char *address_domain(const char *address);

/* The address's domain is within parent. */
bool address_within(const char *address, const char *parent);

#endif
