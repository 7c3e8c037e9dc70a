/* bus_auth.c -- CurveZMQ keys, the broker's allow-list and ZAP handler
 * (see bus_auth.h). */
#include "bus_auth.h"
#include "case_store.h"
#include "config.h"
#include "log.h"
#include "pipeline.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_LEN 32
#define KEY_TXT_LEN 40

/* ---- key files ---------------------------------------------------------- */

static void key_path(char *buf, size_t len, const char *dir, const char *name,
                     const char *suffix)
{
    snprintf(buf, len, "%s/%s.cert%s", dir, name, suffix);
}

static int make_dir(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        snprintf(err, errlen, "%s is not a directory", dir);
        return -1;
    }
    if (mkdir(dir, 0700) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Writes one pair: the public file, then the secret one created 0600
 * (umask for the window in which zconfig writes it, chmod to be sure). */
static int save_pair(const char *dir, const char *name, char *err, size_t errlen)
{
    char pub[4096], sec[4096];
    key_path(pub, sizeof pub, dir, name, "");
    key_path(sec, sizeof sec, dir, name, "_secret");
    zcert_t *cert = zcert_new();
    if (!cert) {
        snprintf(err, errlen, "cannot make a key pair (libsodium?)");
        return -1;
    }
    zcert_set_meta(cert, "role", "%s", name);
    zcert_set_meta(cert, "made-by", "writctl keys init");
    mode_t old = umask(077);
    int rc = zcert_save_secret(cert, sec);
    umask(old);
    if (rc == 0)
        rc = chmod(sec, 0600);
    if (rc == 0)
        rc = zcert_save_public(cert, pub);
    zcert_destroy(&cert);
    if (rc != 0) {
        snprintf(err, errlen, "cannot write the %s key in %s: %s", name, dir,
                 strerror(errno));
        return -1;
    }
    return 0;
}

int bus_keys_init(const char *dir, char *err, size_t errlen)
{
    if (make_dir(dir, err, errlen) != 0)
        return -1;
    int made = 0;
    for (size_t i = 0;; i++) {
        const char *name = i == 0 ? "broker" : pipeline_role(i - 1);
        if (!name)
            break;
        char sec[4096];
        key_path(sec, sizeof sec, dir, name, "_secret");
        if (access(sec, F_OK) == 0)
            continue;
        if (save_pair(dir, name, err, errlen) != 0)
            return -1;
        made++;
    }
    return made;
}

/* Reads a public key from a zcert file without ever opening its _secret
 * twin (zcert_load prefers it). 0, or -1 (err set). */
static int load_public(const char *path, unsigned char key[KEY_LEN], char *err,
                       size_t errlen)
{
    zconfig_t *root = zconfig_load(path);
    if (!root) {
        snprintf(err, errlen, "cannot read %s", path);
        return -1;
    }
    const char *txt = zconfig_get(root, "curve/public-key", "");
    int rc = strlen(txt) == KEY_TXT_LEN && zmq_z85_decode(key, txt) ? 0 : -1;
    if (rc != 0)
        snprintf(err, errlen, "%s holds no public key", path);
    zconfig_destroy(&root);
    return rc;
}

/* A secret file must be a regular file nobody else can read. */
static int check_secret_file(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen,
                 "cannot read %s: %s (make the keys with "
                 "`writctl keys init DIR`)",
                 path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode) || (st.st_mode & 077)) {
        snprintf(err, errlen,
                 "%s must be a file readable by its owner only "
                 "(chmod 600)",
                 path);
        return -1;
    }
    return 0;
}

struct bus_keys_t {
    zcert_t *own;
    char broker_public[KEY_TXT_LEN + 1];
};

const char *bus_keys_dir(writ_config_t *cfg)
{
    const char *dir = writ_config_file(cfg, "bus/keys");
    return !strcmp(dir, BUS_KEYS_OFF) ? NULL : dir;
}

int bus_keys_configured(writ_config_t *cfg, const char *role, bus_keys_t **keys)
{
    *keys = NULL;
    const char *dir = bus_keys_dir(cfg);
    if (!dir) {
        log_warn(NULL, "bus keys are off: the bus is neither authenticated "
                       "nor encrypted (for measurements only)");
        return 0;
    }
    char err[512];
    *keys = bus_keys_load(dir, role, err, sizeof err);
    if (!*keys) {
        log_error(NULL, "bus keys: %s", err);
        return -1;
    }
    return 0;
}

bus_keys_t *bus_keys_load(const char *dir, const char *role, char *err, size_t errlen)
{
    char pub[4096], sec[4096];
    key_path(pub, sizeof pub, dir, role, "");
    key_path(sec, sizeof sec, dir, role, "_secret");
    if (check_secret_file(sec, err, errlen) != 0)
        return NULL;
    bus_keys_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->own = zcert_load(pub); /* reads pub's _secret twin */
    static const char zero[KEY_TXT_LEN + 1] = "0000000000000000000000000000000000000000";
    if (!self->own || !strcmp(zcert_secret_txt(self->own), zero)) {
        snprintf(err, errlen, "%s holds no secret key", sec);
        bus_keys_destroy(&self);
        return NULL;
    }
    unsigned char broker[KEY_LEN];
    char broker_path[4096];
    key_path(broker_path, sizeof broker_path, dir, "broker", "");
    if (load_public(broker_path, broker, err, errlen) != 0) {
        bus_keys_destroy(&self);
        return NULL;
    }
    zmq_z85_encode(self->broker_public, broker, KEY_LEN);
    return self;
}

void bus_keys_destroy(bus_keys_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zcert_destroy(&(*self_p)->own);
    free(*self_p);
    *self_p = NULL;
}

void bus_keys_apply_client(const bus_keys_t *self, zsock_t *sock)
{
    zcert_apply(self->own, sock);
    zsock_set_curve_serverkey(sock, self->broker_public);
}

void bus_keys_apply_server(const bus_keys_t *self, zsock_t *sock)
{
    zcert_apply(self->own, sock);
    zsock_set_curve_server(sock, 1);
    zsock_set_zap_domain(sock, "writ");
}

/* ---- the allow-list ------------------------------------------------------ */

typedef struct {
    unsigned char key[KEY_LEN];
    const char *role; /* static: pipeline_role() */
} allowed_t;

struct bus_allow_t {
    allowed_t *keys;
    size_t count;
};

static void append_name(char *list, size_t len, const char *name)
{
    size_t used = strlen(list);
    snprintf(list + used, len - used, "%s%s", used ? ", " : "", name);
}

bus_allow_t *bus_allow_load(const char *dir, char *missing, size_t missing_len, char *err,
                            size_t errlen)
{
    if (missing && missing_len)
        missing[0] = '\0';
    size_t roles = 0;
    while (pipeline_role(roles))
        roles++;
    bus_allow_t *self = calloc(1, sizeof *self);
    if (self)
        self->keys = calloc(roles, sizeof *self->keys);
    if (!self || !self->keys) {
        free(self);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < roles; i++) {
        char path[4096], why[256];
        key_path(path, sizeof path, dir, pipeline_role(i), "");
        if (load_public(path, self->keys[self->count].key, why, sizeof why) != 0) {
            if (missing)
                append_name(missing, missing_len, pipeline_role(i));
            continue;
        }
        self->keys[self->count++].role = pipeline_role(i);
    }
    if (self->count == 0) {
        snprintf(err, errlen,
                 "no role has a public key in %s (make them "
                 "with `writctl keys init %s`)",
                 dir, dir);
        bus_allow_destroy(&self);
    }
    return self;
}

void bus_allow_destroy(bus_allow_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->keys);
    free(*self_p);
    *self_p = NULL;
}

const char *bus_allow_role(const bus_allow_t *self, const unsigned char *key,
                           size_t key_len)
{
    if (!self || !key || key_len != KEY_LEN)
        return NULL;
    for (size_t i = 0; i < self->count; i++)
        if (!memcmp(self->keys[i].key, key, KEY_LEN))
            return self->keys[i].role;
    return NULL;
}

size_t bus_allow_size(const bus_allow_t *self)
{
    return self ? self->count : 0;
}

/* ---- rate-limited refusals ---------------------------------------------- */

bool bus_refusals_admit(bus_refusals_t *self, uint64_t now,
                        unsigned long *suppressed_before)
{
    *suppressed_before = 0;
    if (now >= self->window_start + BUS_REFUSALS_WINDOW_MS || now < self->window_start) {
        self->window_start = now;
        self->in_window = 0;
    }
    if (self->in_window >= BUS_REFUSALS_BURST) {
        self->suppressed++;
        return false;
    }
    self->in_window++;
    *suppressed_before = self->suppressed;
    self->suppressed = 0;
    return true;
}

/* ---- the ZAP handler ------------------------------------------------------ */

struct bus_zap_t {
    zsock_t *rep;
    const bus_allow_t *allow;
    bus_refusals_t refusals;
    unsigned long accepted, refused;
};

bus_zap_t *bus_zap_new(const bus_allow_t *allow)
{
    bus_zap_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->allow = allow;
    self->rep = zsock_new(ZMQ_REP);
    if (!self->rep || zsock_bind(self->rep, "inproc://zeromq.zap.01") != 0) {
        bus_zap_destroy(&self);
        return NULL;
    }
    return self;
}

void bus_zap_destroy(bus_zap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zsock_destroy(&(*self_p)->rep);
    free(*self_p);
    *self_p = NULL;
}

zsock_t *bus_zap_socket(bus_zap_t *self)
{
    return self->rep;
}

unsigned long bus_zap_accepted(const bus_zap_t *self)
{
    return self->accepted;
}

unsigned long bus_zap_refused(const bus_zap_t *self)
{
    return self->refused;
}

static void log_refused(bus_zap_t *self, const char *address, const char *why)
{
    unsigned long before;
    self->refused++;
    if (!bus_refusals_admit(&self->refusals, writ_now_ms(), &before))
        return;
    if (before)
        log_warn(NULL,
                 "bus: refused a connection from %s: %s (and %lu more "
                 "refused, not logged, before it)",
                 address, why, before);
    else
        log_warn(NULL, "bus: refused a connection from %s: %s", address, why);
}

/* ZAP 1.0 (RFC 27): version, request id, domain, address, identity,
 * mechanism, credentials... -> version, request id, status code, status
 * text, user id, metadata. */
static void answer(bus_zap_t *self, zmsg_t *request)
{
    char *version = zmsg_popstr(request);
    char *request_id = zmsg_popstr(request);
    char *domain = zmsg_popstr(request);
    char *address = zmsg_popstr(request);
    zframe_t *identity = zmsg_pop(request);
    char *mechanism = zmsg_popstr(request);
    zframe_t *key = zmsg_pop(request);
    const char *role = NULL;
    if (mechanism && !strcmp(mechanism, "CURVE") && key)
        role = bus_allow_role(self->allow, zframe_data(key), zframe_size(key));
    if (role)
        self->accepted++;
    else {
        char why[96] = "not a CurveZMQ client";
        if (key && zframe_size(key) == KEY_LEN) {
            char txt[KEY_TXT_LEN + 1];
            zmq_z85_encode(txt, zframe_data(key), KEY_LEN);
            snprintf(why, sizeof why, "key %.8s... is not on the allow-list", txt);
        }
        log_refused(self, address ? address : "?", why);
    }
    zmsg_t *reply = zmsg_new();
    zmsg_addstr(reply, "1.0");
    zmsg_addstr(reply, request_id ? request_id : "");
    zmsg_addstr(reply, role ? "200" : "400");
    zmsg_addstr(reply, role ? "OK" : "not allowed");
    zmsg_addstr(reply, role ? role : "");
    zmsg_addmem(reply, "", 0);
    zmsg_send(&reply, self->rep);
    (void)version;
    (void)domain;
    free(version);
    free(request_id);
    free(domain);
    free(address);
    free(mechanism);
    zframe_destroy(&identity);
    zframe_destroy(&key);
}

void bus_zap_handle(bus_zap_t *self)
{
    while (zsock_events(self->rep) & ZMQ_POLLIN) {
        zmsg_t *request = zmsg_recv(self->rep);
        if (!request)
            return;
        answer(self, request);
        zmsg_destroy(&request);
    }
}

/* ---- handshake failures before ZAP ---------------------------------------- */

struct bus_watch_t {
    zsock_t *server; /* not owned */
    zsock_t *pair;
    char name[32];
    bus_refusals_t refusals;
};

bus_watch_t *bus_watch_new(zsock_t *server, const char *name)
{
    bus_watch_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->server = server;
    snprintf(self->name, sizeof self->name, "%s", name);
    char endpoint[96];
    snprintf(endpoint, sizeof endpoint, "inproc://writ-bus-watch-%s", name);
    int events =
        ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL;
    if (zmq_socket_monitor(zsock_resolve(server), endpoint, events) != 0) {
        free(self);
        return NULL;
    }
    self->pair = zsock_new(ZMQ_PAIR);
    if (!self->pair || zsock_connect(self->pair, "%s", endpoint) != 0) {
        bus_watch_destroy(&self);
        return NULL;
    }
    return self;
}

void bus_watch_destroy(bus_watch_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    bus_watch_t *self = *self_p;
    zmq_socket_monitor(zsock_resolve(self->server), NULL, 0);
    zsock_destroy(&self->pair);
    free(self);
    *self_p = NULL;
}

zsock_t *bus_watch_socket(bus_watch_t *self)
{
    return self->pair;
}

void bus_watch_handle(bus_watch_t *self)
{
    while (zsock_events(self->pair) & ZMQ_POLLIN) {
        zmsg_t *event = zmsg_recv(self->pair);
        if (!event)
            return;
        zframe_t *head = zmsg_first(event);
        uint16_t kind = 0;
        if (head && zframe_size(head) >= 2)
            memcpy(&kind, zframe_data(head), 2);
        unsigned long before;
        if (bus_refusals_admit(&self->refusals, writ_now_ms(), &before))
            log_warn(NULL,
                     "bus: a client of the %s endpoint failed the "
                     "CurveZMQ handshake (%s): refused%s",
                     self->name,
                     kind == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
                         ? "no CurveZMQ, or not the broker's key"
                         : "no detail",
                     before ? " (more before it, not logged)" : "");
        zmsg_destroy(&event);
    }
}

const char *bus_peer_role(zframe_t *frame)
{
    const char *user = frame ? zframe_meta(frame, "User-Id") : NULL;
    return user && *user ? user : NULL;
}
