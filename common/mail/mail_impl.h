/* mail_impl.h -- what the parts of mail.c's decoding share (not for use
 * outside common/mail/mail*.c): mail.c walks the MIME tree and fills the
 * mail_doc_t; mail_charset.c, mail_html.c and mail_forward.c each handle
 * one concern of the text.
 */
#ifndef WRIT_MAIL_IMPL_H
#define WRIT_MAIL_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>
#include "mail.h"

/* mail.c: small helpers. */
/* Adds addr (lower-cased) to doc's header addresses, once, up to
 * MAIL_MAX_ADDRESSES. */
void mail_add_address(mail_doc_t *doc, const char *addr);
/* RFC 5322 unfolding into a new string (malloc'ed): a line break
 * followed by white space is dropped, stray CR/LF become spaces. */
char *mail_unfold_dup(const char *s);
bool mail_ascii_prefix_ci(const char *s, const char *prefix);
/* Whether name is one of set (NULL-terminated), ignoring ASCII case. */
bool mail_name_in(const char *name, const char *const *set);

/* mail_charset.c: bytes declared in charset cs (NULL: unknown) as clean
 * UTF-8 (malloc'ed), *outlen its length. */
char *mail_to_utf8(const char *data, size_t len, const char *cs, size_t *outlen);

/* mail_forward.c: finds an inline forward in text; on success the
 * request_* fields are set and the body offset is returned through *body.
 * A reply quoting another sender's mail is no forward: *cut then marks
 * where the quote starts, so that the provider's own words are not read
 * as the request. */
bool mail_find_inline_forward(mail_doc_t *doc, const GString *text, const char **body,
                              const char **cut);

#endif
