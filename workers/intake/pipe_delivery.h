/* pipe_delivery.h -- writ-intake --stdin: one message from pipe(8) on
 * standard input, delivered like one from LMTP (deliver.c).
 */
#ifndef WRIT_INTAKE_PIPE_DELIVERY_H
#define WRIT_INTAKE_PIPE_DELIVERY_H

#include <stddef.h>
#include "deliver.h"

/* Reads the message (at most max_size bytes) and delivers it with its
 * envelope ("from=<..> to=<..>", may be NULL). Returns the exit status
 * pipe(8) reports to the gateway: EX_OK stored (or stored before),
 * EX_TEMPFAIL (the gateway retries), EX_DATAERR (too large, or not a mail
 * message). The one-line outcome goes to stdout or stderr. */
int pipe_delivery_run(intake_t *in, size_t max_size, const char *envelope);

#endif
