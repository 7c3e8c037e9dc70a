/* outbox.h -- prepared notices written into a Maildir.
 *
 * Written to tmp/, flushed to disk, renamed into new/ (atomic on POSIX),
 * under a name derived from the case and account so that writing the same
 * notice twice (a redelivered case) leaves exactly one file.
 */
#ifndef WRIT_OUTBOX_H
#define WRIT_OUTBOX_H

#include <stddef.h>

/* Creates dir/{tmp,new,cur} as needed. 0 or -1 (errno set). */
int outbox_prepare(const char *dir);

/* Writes content as the notice for (case_id, account). path receives the
 * file's final path. Returns 0 written, 1 already there (in new/ or
 * cur/), -1 error (errno set). */
int outbox_write(const char *dir, const char *case_id, const char *account,
                 const char *content, size_t len, char *path,
                 size_t path_len);

#endif
