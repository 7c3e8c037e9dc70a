/* worker_id.h -- the one name a daemon process goes by: in its log lines,
 * in the audit entries it writes and in its heartbeats (`writctl health`).
 * Every daemon (intake, broker, extract, jurisdiction, notify, send) takes
 * it from here, so that replicas are always told apart the same way.
 */
#ifndef WRIT_WORKER_ID_H
#define WRIT_WORKER_ID_H

#include <stddef.h>

/* "{role}-{host}-{pid}-{tag}"; tag is 4 random hex digits: containers on
 * the host's network share its host name and each has its own pid
 * namespace, so host and pid alone may name two replicas alike. */
void worker_id_make(const char *role, char *buf, size_t len);

#endif
