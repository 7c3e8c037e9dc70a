/* letter.c -- letters to the requester (see letter.h). */
#include "letter.h"

#include "policy.h"

#include <string.h>

bool letter_ack_due(const case_t *c)
{
    return c && c->request && c->request->auth.verified && !c->verify_requester &&
           c->request->from && strchr(c->request->from, '@') &&
           !strpbrk(c->request->from, " \t\r\n<>,");
}

char *letter_render_ack(const char *tmpl, const case_t *c, const notice_envelope_t *env)
{
    if (!letter_ack_due(c))
        return NULL;
    /* The renderer addresses an account's letter to d->notice_to: here
     * the requester, with no account named. */
    account_decision_t to_requester;
    memset(&to_requester, 0, sizeof to_requester);
    to_requester.account = (char *)"";
    to_requester.notice_to = c->request->from;
    return notice_render(tmpl, c, &to_requester, env);
}

static const char *const KIND_NAMES[LETTER_COUNT] = {
    [LETTER_REJECTED_JURISDICTION] = "requester-rejected-jurisdiction",
    [LETTER_REJECTED_PROCESS] = "requester-rejected-process",
    [LETTER_REJECTED_TREATY] = "requester-rejected-treaty",
    [LETTER_REDIRECTED] = "requester-redirected",
};
static const char *const KIND_WORDS[LETTER_COUNT] = {
    [LETTER_NONE] = "",
    [LETTER_REJECTED_JURISDICTION] = "a rejection letter (out of jurisdiction)",
    [LETTER_REJECTED_PROCESS] = "a rejection letter (insufficient legal process)",
    [LETTER_REJECTED_TREATY] = "a rejection letter (the treaty route is required)",
    [LETTER_REDIRECTED] = "a letter redirecting the requester to the customer",
};

const char *letter_kind_name(letter_kind_t k)
{
    return k > LETTER_NONE && k < LETTER_COUNT ? KIND_NAMES[k] : NULL;
}

const char *letter_kind_words(letter_kind_t k)
{
    return k >= LETTER_NONE && k < LETTER_COUNT ? KIND_WORDS[k] : "";
}

static letter_kind_t kind_of(const case_t *c, decision_t d)
{
    switch (d) {
    case DEC_REJECT_OUT_OF_JURISDICTION:
        return LETTER_REJECTED_JURISDICTION;
    case DEC_REJECT_INSUFFICIENT_PROCESS:
        return policy_treaty_route_missing(c->request) ? LETTER_REJECTED_TREATY
                                                       : LETTER_REJECTED_PROCESS;
    case DEC_REDIRECT_TO_CUSTOMER:
        return LETTER_REDIRECTED;
    default:
        return LETTER_NONE;
    }
}

letter_kind_t letter_decision_due(const case_t *c)
{
    if (!letter_ack_due(c) || c->account_count == 0 || !c->accounts || c->review_reason)
        return LETTER_NONE;
    decision_t d = c->accounts[0].decision;
    for (size_t i = 1; i < c->account_count; i++) {
        if (c->accounts[i].decision != d)
            return LETTER_NONE;
        if (d == DEC_REJECT_OUT_OF_JURISDICTION &&
            strcmp(c->accounts[i].location.country, c->accounts[0].location.country))
            return LETTER_NONE;
    }
    return kind_of(c, d);
}

char *letter_render_decision(const char *tmpl, const case_t *c, letter_kind_t k,
                             const notice_envelope_t *env)
{
    if (k == LETTER_NONE || letter_decision_due(c) != k)
        return NULL;
    /* Only the decision and where the data is stored: the renderer's
     * account placeholders see an empty account and no tenant. */
    account_decision_t to_requester;
    memset(&to_requester, 0, sizeof to_requester);
    to_requester.account = (char *)"";
    to_requester.notice_to = c->request->from;
    to_requester.decision = c->accounts[0].decision;
    memcpy(to_requester.location.country, c->accounts[0].location.country,
           sizeof to_requester.location.country);
    return notice_render(tmpl, c, &to_requester, env);
}
