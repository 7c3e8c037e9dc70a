/* wire.h -- the msgpack encoding of a case, used on the bus and as the
 * record kept in Redis.
 *
 * Decoding treats its input as hostile: every declared array, map and
 * string length is checked against the bytes actually present, nesting
 * depth is bounded, and unknown keys are skipped, before anything is
 * allocated on the strength of a length field.
 */
#ifndef WRIT_WIRE_H
#define WRIT_WIRE_H

#include <stddef.h>
#include "case.h"

#define WIRE_VERSION 1
#define WIRE_MAX_BYTES (4u << 20) /* a record larger than this is bad */
#define WIRE_MAX_STR 65535u       /* any one string */
#define WIRE_MAX_ACCOUNTS 1000u   /* accounts in one case */

/* Encodes the case; *buf is malloc'ed, caller frees. 0 or -1. */
int wire_encode_case(const case_t *c, char **buf, size_t *len);

/* Decodes into a new case. Returns NULL on bad input, with a one-line
 * reason in err (when err is not NULL). */
case_t *wire_decode_case(const char *buf, size_t len, char *err, size_t errlen);

#endif
