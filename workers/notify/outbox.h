/* outbox.h -- prepared notices written into a Maildir.
 *
 * A notice is staged into tmp/ (its write-back started at once), then a
 * commit makes every staged notice durable and visible together: their
 * contents flushed (the first flush commits the journal for all of them),
 * a rename into new/ each (atomic on POSIX), one fsync of new/ for the
 * names. A file in new/ is therefore always complete, and a notify
 * replica that handles a batch of cases shares the journal commits.
 * Names derive from the case and account, so writing the same notice
 * twice (a redelivered case) leaves exactly one file.
 */
#ifndef WRIT_OUTBOX_H
#define WRIT_OUTBOX_H

#include <stddef.h>

typedef struct outbox_t outbox_t;

/* Opens the Maildir at dir, creating dir/{tmp,new,cur} as needed. NULL
 * on failure (errno set). */
outbox_t *outbox_new(const char *dir);
/* Discards what is staged and not committed. */
void outbox_destroy(outbox_t **self_p);

/* Stages content as the notice for (case_id, account); path receives the
 * file's final path. Returns 0 staged, 1 already there (in new/ or cur/,
 * or staged earlier in this batch), -1 error (errno set). */
int outbox_stage(outbox_t *self, const char *case_id, const char *account,
                 const char *content, size_t len, char *path, size_t path_len);
/* Makes every staged notice durable and visible. 0, or -1 (errno set):
 * what was not renamed into new/ is removed, so a later attempt writes
 * it again. */
int outbox_commit(outbox_t *self);
/* Removes every staged, uncommitted notice. */
void outbox_discard(outbox_t *self);
/* Notices staged and not yet committed. */
size_t outbox_staged(outbox_t *self);

/* How many times cur/ was read to look for consumed notices (it is read
 * again only after it changed; for tests). */
unsigned long outbox_cur_reads(const outbox_t *self);

/* Stage and commit one notice. */
int outbox_write(outbox_t *self, const char *case_id, const char *account,
                 const char *content, size_t len, char *path, size_t path_len);

#endif
