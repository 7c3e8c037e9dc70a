/* letter.c -- letters to the requester (see letter.h). */
#include "letter.h"

#include <string.h>

bool letter_ack_due(const case_t *c)
{
    return c && c->request && c->request->auth.verified && !c->verify_requester
        && c->request->from && strchr(c->request->from, '@')
        && !strpbrk(c->request->from, " \t\r\n<>,");
}

char *letter_render_ack(const char *tmpl, const case_t *c,
                        const notice_envelope_t *env)
{
    if (!letter_ack_due(c))
        return NULL;
    /* The renderer addresses an account's letter to d->notice_to: here
     * the requester, with no account named. */
    account_decision_t to_requester;
    memset(&to_requester, 0, sizeof to_requester);
    to_requester.account = (char *) "";
    to_requester.notice_to = c->request->from;
    return notice_render(tmpl, c, &to_requester, env);
}
