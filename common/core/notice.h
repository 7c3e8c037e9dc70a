/* notice.h -- the customer-notice table of default-policy.md, the choice
 * of letter for a prepared notice, and its rendering as an RFC 5322
 * message. Pure functions: the templates are read by the caller
 * (writ-notify loads config/notices/<letter>.txt once at start).
 */
#ifndef WRIT_NOTICE_H
#define WRIT_NOTICE_H

#include "case.h"

/* Applies the notice table to every decided account of the case: sets
 * notice, notice_to, release_on, and the case's challenge_recommended. */
void notice_decide_case(case_t *c);

/* One letter per situation, each a template a legal team edits
 * (config/notices/<name>.txt). */
typedef enum {
    NOTICE_LETTER_DISCLOSURE = 0,        /* disclose */
    NOTICE_LETTER_PARTIAL,               /* partial */
    NOTICE_LETTER_REJECTED_JURISDICTION, /* reject_out_of_jurisdiction */
    NOTICE_LETTER_REJECTED_PROCESS,      /* reject_insufficient_process */
    NOTICE_LETTER_REJECTED_TREATY,       /* ... a foreign agency's own
                                           treaty request (policy rule 5) */
    NOTICE_LETTER_REDIRECTED,            /* redirect_to_customer */
    NOTICE_LETTER_RELEASED,              /* any decision, once a gag ended */
    NOTICE_LETTER_OTHER,                 /* a notice a person released */
    NOTICE_LETTER_COUNT
} notice_letter_t;

/* The letter for a prepared notice of account d. */
notice_letter_t notice_letter_for(const case_t *c, const account_decision_t *d);
/* "disclosure", "rejected-treaty" ...: the template's file name without
 * ".txt"; NULL for NOTICE_LETTER_COUNT and beyond. */
const char *notice_letter_name(notice_letter_t letter);

/* Renders the notice for one prepared account from a template: text with
 * {{placeholders}} in an RFC 5322 header section, an empty line, and the
 * letter. Placeholders:
 *   {{case_id}} {{to}} {{from}} {{date}} {{message_id}} {{contact}}
 *   {{account}} {{tenant_name}} -- addressing and the provider's contact;
 *   {{requester}} ("Garda Síochána (Ireland), through the authorities of
 *   the United States") {{agency}} {{requesting_country}}
 *   {{issuing_country}} {{process}} {{reference}} -- who asked, from which
 *   country (names, not codes), through which state, under what kind of
 *   process ("a subpoena");
 *   {{asked_for}} {{handed_over}} {{withheld}} {{storage_country}} --
 *   what was asked for, what the decision hands over and what it does not;
 *   {{gag_ended}} ("ended on 31 March 2026" / "has been lifted") and
 *   {{outcome}} (what was decided, one sentence) for the released letter.
 * Values are sanitised (no CR/LF injection; RFC 2047 in non-address
 * headers); header fields are folded before 78 columns and the body is
 * wrapped at NOTICE_WIDTH columns: each template line is a paragraph
 * (written on one line), an indented line an item wrapped under itself.
 * Lines starting with '#' at the top of a template are notes, dropped.
 * LF line endings.
 * Returns a newly allocated string, or NULL on a template error (an
 * unknown or malformed placeholder) or when nobody is to be told. */
#define NOTICE_WIDTH 72

typedef struct {
    const char *from;       /* the provider's notice sender */
    const char *date;       /* RFC 5322 date of the notice */
    const char *message_id; /* without brackets */
    const char *contact;    /* where customers write back */
} notice_envelope_t;

char *notice_render(const char *tmpl, const case_t *c, const account_decision_t *d,
                    const notice_envelope_t *env);

#endif
