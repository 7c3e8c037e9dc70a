/* notice.h -- the customer-notice table of default-policy.md and the
 * rendering of a prepared notice as an RFC 5322 message. Pure functions.
 */
#ifndef WRIT_NOTICE_H
#define WRIT_NOTICE_H

#include "case.h"

/* Applies the notice table to every decided account of the case: sets
 * notice, notice_to, release_on, and the case's challenge_recommended. */
void notice_decide_case(case_t *c);

/* Renders the notice for one prepared account from a template.
 * The template is text with {{placeholders}}: {{case_id}}, {{to}},
 * {{from}}, {{date}} (RFC 5322 date), {{message_id}}, {{agency}},
 * {{request_type}}, {{request_type_text}}, {{reference}}, {{categories}},
 * {{decision}}, {{decision_text}}, {{reason}}, {{account}},
 * {{tenant_name}}. Line endings of the result are CRLF-free LF.
 * Header values are sanitised (no CR/LF injection). Returns a newly
 * allocated string, or NULL on a template error. */
typedef struct {
    const char *from;                /* the provider's notice sender */
    const char *date;                /* RFC 5322 date of the notice */
    const char *message_id;          /* without brackets */
} notice_envelope_t;

char *notice_render(const char *tmpl, const case_t *c,
                    const account_decision_t *d,
                    const notice_envelope_t *env);

#endif
