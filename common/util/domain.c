/* domain.c -- domain and subdomain matching (domain.h). */
#include "domain.h"

#include <string.h>
#include <strings.h>

bool domain_within_n(const char *domain, size_t len, const char *parent)
{
    size_t pl = parent ? strlen(parent) : 0;
    if (!domain || pl == 0 || len < pl)
        return false;
    if (strncasecmp(domain + len - pl, parent, pl) != 0)
        return false;
    return len == pl || domain[len - pl - 1] == '.';
}

bool domain_within(const char *domain, const char *parent)
{
    return domain && domain_within_n(domain, strlen(domain), parent);
}

const char *address_domain(const char *address)
{
    const char *at = address ? strrchr(address, '@') : NULL;
    return at ? at + 1 : NULL;
}

bool address_within(const char *address, const char *parent)
{
    return domain_within(address_domain(address), parent);
}
