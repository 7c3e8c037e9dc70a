/* dispatch.c -- credit-based, readiness-ordered job dispatch (dispatch.h). */
#include "dispatch.h"

typedef struct {
    char *key; /* hex of the identity */
    zframe_t *identity;
    char stage[32];
    int credit; /* jobs it can take now */
    uint64_t last_seen;
    bool queued; /* in its stage's ready list */
} replica_t;

typedef struct {
    zlistx_t *jobs;  /* zmsg_t * */
    size_t bytes;    /* of the jobs queued */
    zlistx_t *ready; /* replica keys (char *), oldest first */
} stage_t;

struct dispatch_t {
    size_t max_queue;
    size_t max_bytes;
    zhashx_t *stages;   /* name -> stage_t */
    zhashx_t *replicas; /* key -> replica_t */
};

static void stage_free(void **item)
{
    stage_t *s = (stage_t *)*item;
    if (!s)
        return;
    zmsg_t *job;
    while ((job = (zmsg_t *)zlistx_detach(s->jobs, NULL)))
        zmsg_destroy(&job);
    zlistx_destroy(&s->jobs);
    zlistx_destroy(&s->ready);
    free(s);
    *item = NULL;
}

static void replica_free(void **item)
{
    replica_t *r = (replica_t *)*item;
    if (!r)
        return;
    zframe_destroy(&r->identity);
    free(r->key);
    free(r);
    *item = NULL;
}

static stage_t *stage_new(void)
{
    stage_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->jobs = zlistx_new();
    s->ready = zlistx_new();
    zlistx_set_duplicator(s->ready, (zlistx_duplicator_fn *)strdup);
    zlistx_set_destructor(s->ready, (zlistx_destructor_fn *)zstr_free);
    zlistx_set_comparator(s->ready, (zlistx_comparator_fn *)strcmp);
    return s;
}

dispatch_t *dispatch_new(const char *const *stages, size_t max_jobs, size_t max_bytes)
{
    dispatch_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->max_queue = max_jobs;
    self->max_bytes = max_bytes;
    self->stages = zhashx_new();
    self->replicas = zhashx_new();
    zhashx_set_destructor(self->stages, stage_free);
    zhashx_set_destructor(self->replicas, replica_free);
    for (size_t i = 0; stages && stages[i]; i++) {
        stage_t *s = stage_new();
        if (!s) {
            dispatch_destroy(&self);
            return NULL;
        }
        zhashx_insert(self->stages, stages[i], s);
    }
    return self;
}

void dispatch_destroy(dispatch_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zhashx_destroy(&(*self_p)->stages);
    zhashx_destroy(&(*self_p)->replicas);
    free(*self_p);
    *self_p = NULL;
}

/* The stages are those dispatch_new was given: NULL for any other name. */
static stage_t *stage_get(dispatch_t *self, const char *name)
{
    return name ? (stage_t *)zhashx_lookup(self->stages, name) : NULL;
}

int dispatch_enqueue(dispatch_t *self, const char *stage, zmsg_t **job)
{
    stage_t *s = stage_get(self, stage);
    size_t size = *job ? zmsg_content_size(*job) : 0;
    int rc =
        !s ? -2
        : zlistx_size(s->jobs) >= self->max_queue || s->bytes + size > self->max_bytes
            ? -1
            : 0;
    if (rc != 0) {
        zmsg_destroy(job);
        return rc;
    }
    zlistx_add_end(s->jobs, *job);
    s->bytes += size;
    *job = NULL;
    return 0;
}

static replica_t *replica_get(dispatch_t *self, zframe_t *identity, const char *stage,
                              bool *created)
{
    char *key = zframe_strhex(identity);
    replica_t *r = (replica_t *)zhashx_lookup(self->replicas, key);
    *created = false;
    if (r) {
        free(key);
        return r;
    }
    r = calloc(1, sizeof *r);
    if (!r) {
        free(key);
        return NULL;
    }
    r->key = key;
    r->identity = zframe_dup(identity);
    snprintf(r->stage, sizeof r->stage, "%s", stage);
    zhashx_insert(self->replicas, key, r);
    *created = true;
    return r;
}

static void make_ready(dispatch_t *self, replica_t *r)
{
    if (r->credit <= 0 || r->queued)
        return;
    stage_t *s = stage_get(self, r->stage);
    if (s) {
        zlistx_add_end(s->ready, r->key);
        r->queued = true;
    }
}

/* The replica a READY or a heartbeat comes from, registered if new and
 * marked seen at now; NULL for a stage the broker does not route (such a
 * peer is never registered) or when memory runs out. Both messages
 * register a replica, so that a broker restarted under running replicas
 * learns of them from whichever comes first. */
static replica_t *replica_seen(dispatch_t *self, zframe_t *identity, const char *stage,
                               uint64_t now, bool *created)
{
    if (!stage_get(self, stage))
        return NULL;
    replica_t *r = replica_get(self, identity, stage, created);
    if (r)
        r->last_seen = now;
    return r;
}

void dispatch_ready(dispatch_t *self, zframe_t *identity, const char *stage, int credit,
                    uint64_t now)
{
    bool created;
    replica_t *r = replica_seen(self, identity, stage, now, &created);
    if (!r)
        return;
    r->credit = credit;
    make_ready(self, r);
}

void dispatch_heartbeat(dispatch_t *self, zframe_t *identity, const char *stage,
                        int free_credit, uint64_t now)
{
    bool created;
    replica_t *r = replica_seen(self, identity, stage, now, &created);
    if (!r)
        return;
    if (created) {
        r->credit = free_credit;
        make_ready(self, r);
    }
}

void dispatch_done(dispatch_t *self, zframe_t *identity, int jobs, uint64_t now)
{
    char *key = zframe_strhex(identity);
    replica_t *r = (replica_t *)zhashx_lookup(self->replicas, key);
    free(key);
    if (!r)
        return; /* unknown: its next heartbeat registers it */
    /* A replica's count is trusted only within sane bounds. */
    r->credit += jobs < 1 ? 1 : jobs > 1000 ? 1000 : jobs;
    r->last_seen = now;
    make_ready(self, r);
}

bool dispatch_next(dispatch_t *self, zframe_t **identity, zmsg_t **job)
{
    for (stage_t *s = (stage_t *)zhashx_first(self->stages); s;
         s = (stage_t *)zhashx_next(self->stages)) {
        while (zlistx_size(s->jobs) > 0 && zlistx_size(s->ready) > 0) {
            char *key = (char *)zlistx_first(s->ready);
            replica_t *r = (replica_t *)zhashx_lookup(self->replicas, key);
            if (!r || r->credit <= 0) {
                if (r)
                    r->queued = false;
                zlistx_delete(s->ready, zlistx_cursor(s->ready));
                continue;
            }
            /* Rotate: the replica goes to the back while it keeps credit. */
            zlistx_move_end(s->ready, zlistx_cursor(s->ready));
            if (--r->credit == 0) {
                zlistx_delete(s->ready, zlistx_cursor(s->ready));
                r->queued = false;
            }
            *job = (zmsg_t *)zlistx_detach(s->jobs, NULL);
            size_t size = zmsg_content_size(*job);
            s->bytes = s->bytes > size ? s->bytes - size : 0;
            *identity = zframe_dup(r->identity);
            return true;
        }
    }
    return false;
}

size_t dispatch_expire(dispatch_t *self, uint64_t now, uint64_t expiry_ms)
{
    zlistx_t *dead = zlistx_new();
    for (replica_t *r = (replica_t *)zhashx_first(self->replicas); r;
         r = (replica_t *)zhashx_next(self->replicas))
        if (r->last_seen + expiry_ms < now)
            zlistx_add_end(dead, r->key);
    size_t n = zlistx_size(dead);
    for (char *key = (char *)zlistx_first(dead); key; key = (char *)zlistx_next(dead)) {
        replica_t *r = (replica_t *)zhashx_lookup(self->replicas, key);
        stage_t *s = (stage_t *)zhashx_lookup(self->stages, r->stage);
        if (s && r->queued) {
            void *handle = zlistx_find(s->ready, key);
            if (handle)
                zlistx_delete(s->ready, handle);
        }
        zhashx_delete(self->replicas, key);
    }
    zlistx_destroy(&dead);
    return n;
}

size_t dispatch_queued(dispatch_t *self, const char *stage)
{
    stage_t *s = (stage_t *)zhashx_lookup(self->stages, stage);
    return s ? zlistx_size(s->jobs) : 0;
}

size_t dispatch_queued_bytes(dispatch_t *self, const char *stage)
{
    stage_t *s = stage_get(self, stage);
    return s ? s->bytes : 0;
}

size_t dispatch_replicas(dispatch_t *self, const char *stage)
{
    size_t n = 0;
    for (replica_t *r = (replica_t *)zhashx_first(self->replicas); r;
         r = (replica_t *)zhashx_next(self->replicas))
        n += !strcmp(r->stage, stage);
    return n;
}
