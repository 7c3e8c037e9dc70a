/* accounts.c -- accounts: addresses in the text named as targets, not
 * the requester's, its colleagues', law enforcement's or the
 * provider's own.
 */
#include "extract.h"
#include "fields.h"
#include "rules.h"
#include "domain.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The phrase lists this file walks with a cursor fit it (text.h). */
CURSOR_FITS(RULES_ACCOUNTS_TARGET_CUES_COUNT);
CURSOR_FITS(RULES_ACCOUNTS_CONTACT_CUES_COUNT);

static bool local_char(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' ||
           c == '\'';
}

static bool domain_char(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '-';
}

/* Freemail: a requester writing from one does not make its users
 * colleagues. */
static bool freemail_domain(const char *d)
{
    for (int k = 0; rules_accounts_freemail_domains[k]; k++)
        if (domain_within(d, rules_accounts_freemail_domains[k]))
            return true;
    return false;
}

/* Government and police mail domains: the requester's side. */
static bool government_domain(const char *d)
{
    for (int k = 0; rules_accounts_government_domains[k]; k++)
        if (domain_within(d, rules_accounts_government_domains[k]))
            return true;
    return false;
}

/* Domains of law enforcement, prosecutors and courts: never targets.
 * Other government domains (a village, a state agency) may host a
 * targeted mailbox. */
static bool law_enforcement_domain(const agencies_t *agencies, const char *d)
{
    for (int k = 0; rules_accounts_law_enforcement_domains[k]; k++)
        if (domain_within(d, rules_accounts_law_enforcement_domains[k]))
            return true;
    if (agency_domain_known(agencies, d))
        return true;
    /* "sheriff.pinehollowcounty.gov", "pd.cityofx.gov", "da.county.gov" */
    for (const char *l = d; *l;) {
        size_t n = strcspn(l, ".");
        for (int k = 0; rules_accounts_law_enforcement_words[k]; k++) {
            size_t wl = strlen(rules_accounts_law_enforcement_words[k]);
            if (wl > 3
                    ? (n >= wl && mem_find(l, n, rules_accounts_law_enforcement_words[k],
                                           wl) != NULL)
                    : (n == wl &&
                       strncmp(l, rules_accounts_law_enforcement_words[k], wl) == 0))
                return true;
        }

        l += n;
        if (*l == '.')
            l++;
    }
    return false;
}

/* Police domains outside .gov: "carverlakepd.org", "tulsapolice.org",
 * a police department's own mailboxes, never a target's. */
static bool police_org_domain(const char *d)
{
    for (const char *l = d; *l;) {
        size_t n = strcspn(l, ".");
        if ((n >= 4 && strncmp(l + n - 2, "pd", 2) == 0) ||
            (n >= 6 && (mem_find(l, n, "police", 6) || mem_find(l, n, "sheriff", 7))))
            return true;
        l += n;
        if (*l == '.')
            l++;
    }
    return false;
}

/* Where the last of the phrases starts in lo[0, n), or NPOS. */
static size_t last_phrase_at(const char *lo, size_t n, const char *const *phrases)
{
    size_t last = NPOS, from = 0, p, ml;
    int which;
    cursor_t cur;
    cursor_init(&cur, phrases);
    while ((p = cursor_next(&cur, lo, n, from, &ml, &which)) != NPOS) {
        last = p;
        from = p + ml;
    }
    return last;
}

/* Is the address at s named as a target ("the e-mail account
 * treasurer@village.gov", a list under "Accounts:") rather than as a
 * contact ("send the records to ...", "E-mail: ...")? The nearer of the
 * two kinds of cue before it decides. */
#define TARGET_LOOKBACK 300

/* The window of at most max bytes before s, text_fold()ed into lo (room
 * for max + 1); its length. */
static size_t folded_lookback(const char *text, size_t s, size_t max, char *lo)
{
    size_t b = s > max ? s - max : 0;
    text_fold(lo, text + b, s - b);
    lo[s - b] = '\0';
    return s - b;
}

static bool named_as_target(const char *text, size_t s)
{
    char lo[TARGET_LOOKBACK + 1];
    size_t n = folded_lookback(text, s, TARGET_LOOKBACK, lo);
    size_t last_t = last_phrase_at(lo, n, rules_accounts_target_cues);
    size_t last_c = last_phrase_at(lo, n, rules_accounts_contact_cues);
    return last_t != NPOS && (last_c == NPOS || last_c < last_t);
}

/* "you can also reach me at my personal e-mail, x@gmail.com": the
 * requester's own address, introduced in the first person just before. */
#define CONTACT_LOOKBACK 60

static bool first_person_contact(const char *text, size_t s)
{
    char lo[CONTACT_LOOKBACK + 1];
    size_t n = folded_lookback(text, s, CONTACT_LOOKBACK, lo);
    return contains_any(lo, n, rules_accounts_first_person_cues);
}

/* named_as_target() looks back a bounded window; a text full of
 * government addresses gets only this many looks, the rest are excluded. */
#define TARGET_LOOKS 64
#define CONTACT_LOOKS 4096

static bool excluded_account(const extract_input_t *in, const char *addr,
                             const char *text, size_t pos, int looks[2])
{
    const char *at = strrchr(addr, '@');
    const char *dom = at ? at + 1 : "";
    for (size_t i = 0; i < in->provider_domain_count; i++)
        if (in->provider_domains[i] && domain_within(dom, in->provider_domains[i]))
            return true;
    if (government_domain(dom) &&
        (law_enforcement_domain(known_agencies(in->agencies), dom) ||
         looks[0]++ >= TARGET_LOOKS || !named_as_target(text, pos)))
        return true;
    if (!government_domain(dom) && police_org_domain(dom))
        return true;
    if (looks[1]++ < CONTACT_LOOKS && first_person_contact(text, pos))
        return true;
    const char *sender = in->sender;
    if (sender && strcasecmp(sender, addr) == 0)
        return true;
    for (size_t i = 0; i < in->header_address_count; i++) {
        const char *h = in->header_addresses[i];
        if (!h)
            continue;
        if (strcasecmp(h, addr) == 0)
            return true;
        /* Colleagues of a requester share its (non-freemail) domain. */
        const char *hat = strrchr(h, '@');
        if (hat && strcasecmp(hat + 1, dom) == 0 && !freemail_domain(dom))
            return true;
    }
    return false;
}

/* The longest local part and domain an address can have (RFC 5321
 * 4.5.3.1: 64 and 255 octets). */
#define LOCAL_PART_MAX 64
#define DOMAIN_MAX 255

void extract_accounts(const extract_input_t *in, const char *text, size_t len,
                      void (*add)(void *ctx, const char *account), void *ctx)
{
    int looks[2] = { 0, 0 };
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '@')
            continue;
        size_t s = i, e = i + 1;
        while (s > 0 && i - s < LOCAL_PART_MAX && local_char((unsigned char)text[s - 1]))
            s--;
        while (s < i && (text[s] == '.' || text[s] == '\''))
            s++; /* a quote or dot cannot start a local part */
        while (e < len && e - i < DOMAIN_MAX && domain_char((unsigned char)text[e]))
            e++;
        while (e > i + 1 && (text[e - 1] == '.' || text[e - 1] == '-'))
            e--;
        const char *dot = NULL;
        for (size_t k = e; k > i + 1 && !dot; k--)
            if (text[k - 1] == '.')
                dot = text + k - 1;
        size_t tld = dot ? (size_t)(text + e - dot - 1) : 0;
        if (s == i || !dot || tld < 2) {
            i = e > i ? e - 1 : i;
            continue;
        }
        bool alpha_tld = true;
        for (const char *c = dot + 1; c < text + e; c++)
            alpha_tld &= isalpha((unsigned char)*c) != 0;
        char *addr = dup_range(text + s, e - s);
        if (addr && alpha_tld) {
            for (char *c = addr; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            if (!excluded_account(in, addr, text, s, looks))
                add(ctx, addr);
        }
        free(addr);
        i = e - 1;
    }
}
