/* envelope.h -- the custody line kept with each case: who handed the
 * message over and to which intake address, as the gateway said it,
 * "from=<sender> to=<rcpt>,<rcpt>". Written by LMTP sessions and by pipe
 * mode (pipe(8)'s --sender/--recipient) alike.
 */
#ifndef WRIT_ENVELOPE_H
#define WRIT_ENVELOPE_H

#include <stddef.h>

/* Starts buf with "from=<sender> to=". */
void envelope_start(char *buf, size_t len, const char *sender);

/* Appends "<rcpt>" (comma-separated after the first). A list that does
 * not fit ends in "...". */
void envelope_add_recipient(char *buf, size_t len, const char *rcpt);

#endif
