#include "sentinel_reply_arena.h"

#include <hiredis/hiredis.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(SENTINEL_TOKEN_STRING == REDIS_REPLY_STRING && SENTINEL_TOKEN_ARRAY == REDIS_REPLY_ARRAY
                   && SENTINEL_TOKEN_INTEGER == REDIS_REPLY_INTEGER && SENTINEL_TOKEN_NIL == REDIS_REPLY_NIL
                   && SENTINEL_TOKEN_STATUS == REDIS_REPLY_STATUS && SENTINEL_TOKEN_ERROR == REDIS_REPLY_ERROR,
               "token types are hiredis's reply types");

static inline int sentinel_arena_reserve(sentinel_arena *a, size_t tokens_needed) {
    if (tokens_needed <= a->token_capacity) return 1;
    size_t capacity = a->token_capacity ? a->token_capacity * 2 : 4096;
    if (capacity < tokens_needed) capacity = tokens_needed;
    sentinel_token *tokens = (sentinel_token *)realloc(a->tokens, capacity * sizeof(sentinel_token));
    if (tokens == NULL) return 0;
    a->tokens = tokens;
    a->token_capacity = capacity;
    return 1;
}

static inline sentinel_token *sentinel_arena_push(sentinel_arena *a) {
    if (!sentinel_arena_reserve(a, a->count + 1)) return NULL;
    return &a->tokens[a->count++];
}

static void *sentinel_create_string(const redisReadTask *task, char *str, size_t len) {
    sentinel_arena *a = (sentinel_arena *)task->privdata;
    if (a->used + len > UINT32_MAX) return NULL; /* offsets are 32-bit: a reply over 4 GB is refused */
    if (a->used + len > a->capacity) {
        size_t capacity = a->capacity ? a->capacity : 1 << 20;
        while (capacity < a->used + len) capacity *= 2;
        char *bytes = (char *)realloc(a->bytes, capacity);
        if (bytes == NULL) return NULL;
        a->bytes = bytes;
        a->capacity = capacity;
    }
    sentinel_token *t = sentinel_arena_push(a);
    if (t == NULL) return NULL;
    memcpy(a->bytes + a->used, str, len);
    t->type = task->type;
    t->count = 0;
    t->offset = (uint32_t)a->used;
    t->length = (uint32_t)len;
    a->used += len;
    return a;
}

static void *sentinel_create_array(const redisReadTask *task, int elements) {
    sentinel_arena *a = (sentinel_arena *)task->privdata;
    /* An array announces its size: room for all its elements at once, not
     * by doubling (a million-user HGETALL would otherwise copy, and hold
     * twice, its token array). */
    if (elements > 0 && !sentinel_arena_reserve(a, a->count + 1 + (size_t)elements)) return NULL;
    sentinel_token *t = sentinel_arena_push(a);
    if (t == NULL) return NULL;
    t->type = REDIS_REPLY_ARRAY;
    t->count = elements;
    t->offset = 0;
    t->length = 0;
    return a;
}

static void *sentinel_create_integer(const redisReadTask *task, long long value) {
    sentinel_arena *a = (sentinel_arena *)task->privdata;
    sentinel_token *t = sentinel_arena_push(a);
    if (t == NULL) return NULL;
    t->type = REDIS_REPLY_INTEGER;
    t->count = 0;
    /* The 64-bit value, split over the two 32-bit fields. */
    t->offset = (uint32_t)((unsigned long long)value & 0xFFFFFFFFu);
    t->length = (uint32_t)((unsigned long long)value >> 32);
    return a;
}

static void *sentinel_create_nil(const redisReadTask *task) {
    sentinel_arena *a = (sentinel_arena *)task->privdata;
    sentinel_token *t = sentinel_arena_push(a);
    if (t == NULL) return NULL;
    t->type = REDIS_REPLY_NIL;
    t->count = 0;
    t->offset = 0;
    t->length = 0;
    return a;
}

static void sentinel_free_object(void *object) { (void)object; }

static redisReplyObjectFunctions sentinel_arena_functions = {
    sentinel_create_string, sentinel_create_array, sentinel_create_integer, sentinel_create_nil, sentinel_free_object,
};

int sentinel_get_reply_into(struct redisContext *c, sentinel_arena *a) {
    redisReplyObjectFunctions *saved_fn = c->reader->fn;
    void *saved_privdata = c->reader->privdata;
    void *reply = NULL;
    a->used = 0;
    a->count = 0;
    c->reader->fn = &sentinel_arena_functions;
    c->reader->privdata = a;
    int status = redisGetReply(c, &reply);
    if (status != REDIS_OK && c->reader->reply != NULL) {
        /* A reply cut short (the server gone, a timeout) leaves its root in
         * the reader, and redisFree would hand it to freeReplyObject: it is
         * the arena, not a redisReply. The context is dead after any error,
         * so the half-read reply is dropped with its task stack. */
        c->reader->reply = NULL;
        c->reader->ridx = -1;
    }
    c->reader->fn = saved_fn;
    c->reader->privdata = saved_privdata;
    return status;
}

void sentinel_arena_release(sentinel_arena *a) {
    free(a->bytes);
    free(a->tokens);
    a->bytes = NULL;
    a->tokens = NULL;
    a->used = a->capacity = a->count = a->token_capacity = 0;
}

void sentinel_keep_heap_for_large_replies(void) {
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
}
