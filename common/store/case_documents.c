/* case_documents.c -- case_documents.h: a case's documents and their text
 * in Redis. */
#include "case_documents.h"
#include "lua_scripts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int case_documents_put(case_store_t *store, const char *id, const char *documents_json,
                       const char *text, size_t text_len)
{
    const char *args[] = { id, documents_json, text ? text : "" };
    size_t lens[] = { strlen(id), strlen(documents_json), text ? text_len : 0 };
    redisReply *r =
        redis_conn_script_args(case_store_conn(store), &lua_documents_put, 3, args, lens);
    int rc = r && r->type != REDIS_REPLY_ERROR ? 0 : -1;
    if (r)
        freeReplyObject(r);
    return rc;
}

static char *dup_reply(const redisReply *r, size_t *len)
{
    char *s = malloc(r->len + 1);
    if (s) {
        memcpy(s, r->str, r->len);
        s[r->len] = '\0';
        if (len)
            *len = r->len;
    }
    return s;
}

int case_documents_get(case_store_t *store, const char *id, char **json, char **text,
                       size_t *text_len)
{
    const char *args[] = { id };
    redisReply *r =
        redis_conn_script_args(case_store_conn(store), &lua_documents_get, 1, args, NULL);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
        if (r)
            freeReplyObject(r);
        return -1;
    }
    int rc = 1;
    if (r->element[0]->type == REDIS_REPLY_STRING) {
        rc = 0;
        if (json && !(*json = dup_reply(r->element[0], NULL)))
            rc = -1;
        if (text && r->element[1]->type == REDIS_REPLY_STRING &&
            !(*text = dup_reply(r->element[1], text_len)))
            rc = -1;
    }
    freeReplyObject(r);
    return rc;
}
