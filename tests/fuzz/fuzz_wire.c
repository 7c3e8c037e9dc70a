/* fuzz_wire.c -- libFuzzer target for the msgpack case decoder (wire.c).
 *
 * Every input goes to wire_decode_case(), which must refuse anything
 * malformed with a reason and never crash, leak or allocate on the
 * strength of a length field. When it accepts an input, the decoded case
 * must survive a round trip: encoding it succeeds, the encoding decodes
 * again, and re-encoding that gives the very same bytes (the decoder
 * accepts nothing the encoder cannot write back faithfully).
 *
 * Built by tests/fuzz/CMakeLists.txt (WRIT_FUZZ=ON, clang), run by
 * tests/fuzz/run.sh. Seeds come from tests/fuzz/wire_seeds.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *err)
{
    fprintf(stderr, "fuzz_wire: round trip broken: %s%s%s\n", what,
            err && *err ? ": " : "", err ? err : "");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    /* The decoder must not rely on a terminator after the record: give
     * it an exact-size heap copy so ASan sees any over-read. */
    char *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    if (size)
        memcpy(buf, data, size);

    case_t *c = wire_decode_case(buf, size, err, sizeof err);
    free(buf);
    if (!c) {
        if (!err[0])
            die("refused without a reason", NULL);
        return 0;
    }

    char *b1 = NULL, *b2 = NULL;
    size_t n1 = 0, n2 = 0;
    if (wire_encode_case(c, &b1, &n1) != 0) {
        /* Absent fields are written out in full, so a record close to
         * WIRE_MAX_BYTES may legitimately grow past it. */
        if (size > WIRE_MAX_BYTES / 2) {
            case_destroy(&c);
            return 0;
        }
        die("an accepted case does not encode", NULL);
    }
    case_t *c2 = wire_decode_case(b1, n1, err, sizeof err);
    if (!c2)
        die("the encoder's output is refused", err);
    if (wire_encode_case(c2, &b2, &n2) != 0)
        die("a re-decoded case does not encode", NULL);
    if (n1 != n2 || memcmp(b1, b2, n1) != 0)
        die("encode(decode(encode(case))) differs from encode(case)", NULL);
    if (strcmp(c->id, c2->id) != 0 || c->account_count != c2->account_count ||
        c->request->account_count != c->account_count)
        die("decoded cases differ", NULL);

    free(b1);
    free(b2);
    case_destroy(&c);
    case_destroy(&c2);
    return 0;
}
