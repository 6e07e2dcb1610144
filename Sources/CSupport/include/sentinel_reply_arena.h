#ifndef SENTINEL_REPLY_ARENA_H
#define SENTINEL_REPLY_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct redisContext;

/* A token's type: hiredis's REDIS_REPLY_* values (checked in the .c
   file), named here so that readers of the arena need not see hiredis. */
#define SENTINEL_TOKEN_STRING 1
#define SENTINEL_TOKEN_ARRAY 2
#define SENTINEL_TOKEN_INTEGER 3
#define SENTINEL_TOKEN_NIL 4
#define SENTINEL_TOKEN_STATUS 5
#define SENTINEL_TOKEN_ERROR 6

/*
 * A reply arena for hiredis's reader: instead of one malloc'ed redisReply
 * (plus its string and element vector) per element, every element of a
 * reply becomes a token in one growing array and its bytes are copied into
 * one growing buffer. Both are reused from reply to reply, so reading a
 * stream batch of 100,000 elements allocates nothing.
 */
typedef struct sentinel_token {
    int32_t type;    /* SENTINEL_TOKEN_* */
    int32_t count;   /* elements, for an array */
    uint32_t offset; /* into bytes, for a string, status or error */
    uint32_t length; /* 16 bytes a token: a million-user HGETALL is two million */
} sentinel_token;

typedef struct sentinel_arena {
    char *bytes;
    size_t used, capacity;
    sentinel_token *tokens;
    size_t count, token_capacity;
} sentinel_arena;

/// Reads the next reply of `context` into the arena; the reader's usual
/// functions are restored afterwards, so other replies are ordinary
/// redisReply trees. Returns hiredis's REDIS_OK or REDIS_ERR.
int sentinel_get_reply_into(struct redisContext *context, sentinel_arena *arena);

/// Frees the arena's memory.
void sentinel_arena_release(sentinel_arena *arena);

/// Tunes glibc's allocator for big replies: the heap's top is kept (256 MB)
/// instead of given back after every batch, and blocks of 4 MB and more
/// are mapped on their own.
void sentinel_keep_heap_for_large_replies(void);

#endif
