/* worker_id.c -- the name a daemon process goes by (see worker_id.h). */
#include "worker_id.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* Random, so that replicas sharing host name and pid differ; the clock
 * and pid when the kernel gives no randomness. */
static unsigned instance_tag(void)
{
    unsigned short tag = 0;
    if (getrandom(&tag, sizeof tag, 0) != (ssize_t)sizeof tag) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
        tag = (unsigned short)(ms ^ (uint64_t)getpid());
    }
    return tag;
}

void worker_id_make(const char *role, char *buf, size_t len)
{
    char host[64] = "host";
    gethostname(host, sizeof host);
    host[sizeof host - 1] = '\0';
    snprintf(buf, len, "%s-%s-%d-%04x", role, host, (int)getpid(), instance_tag());
}
