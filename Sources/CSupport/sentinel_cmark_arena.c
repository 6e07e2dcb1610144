#include "sentinel_cmark_arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * A per-thread arena for cmark-gfm: a report's parse tree, its buffers and
 * its HTML are allocated by bumping a pointer, and all of it is given back
 * at once when the document is done (sentinel_cmark_arena_reset). cmark-gfm's own
 * arena (cmark_get_arena_mem_allocator) does the same but is one global
 * arena, which two threads cannot share. Each allocation carries its size
 * in front, for realloc; the last allocation grows in place.
 */

typedef struct sentinel_cmark_arena_block {
    struct sentinel_cmark_arena_block *next;
    size_t size;
    size_t used;
    /* Payload follows, 16-byte aligned. */
} sentinel_cmark_arena_block;

typedef struct sentinel_cmark_arena {
    sentinel_cmark_arena_block *first;
    sentinel_cmark_arena_block *current;
    void *last;
} sentinel_cmark_arena;

/* The calling thread's arena. */
static _Thread_local sentinel_cmark_arena state;

static sentinel_cmark_arena *sentinel_cmark_arena_current(void) { return &state; }

#define SENTINEL_CMARK_ARENA_HEADER 16
#define SENTINEL_CMARK_ARENA_BLOCK ((size_t)1 << 20)

static unsigned char *sentinel_cmark_arena_payload(sentinel_cmark_arena_block *block) {
    return (unsigned char *)block + ((sizeof(sentinel_cmark_arena_block) + 15) & ~(size_t)15);
}

/* Room for `size` bytes (plus the header) at the end of the chain. */
static void *sentinel_cmark_arena_take(size_t size) {
    sentinel_cmark_arena *arena = sentinel_cmark_arena_current();
    size_t need = (size + SENTINEL_CMARK_ARENA_HEADER + 15) & ~(size_t)15;
    if (need < size) abort();
    sentinel_cmark_arena_block *block = arena->current;
    while (block && block->used + need > block->size) {
        block = block->next;
        if (block) block->used = 0;
    }
    if (!block) {
        size_t capacity = need > SENTINEL_CMARK_ARENA_BLOCK ? need : SENTINEL_CMARK_ARENA_BLOCK;
        block = (sentinel_cmark_arena_block *)malloc(((sizeof(sentinel_cmark_arena_block) + 15) & ~(size_t)15) + capacity);
        if (!block) abort(); /* as cmark-gfm's default allocator does */
        block->size = capacity;
        block->used = 0;
        block->next = NULL;
        if (arena->current) {
            /* Keep the chain: later blocks are reused after a reset. */
            block->next = arena->current->next;
            arena->current->next = block;
        } else {
            arena->first = block;
        }
    }
    arena->current = block;
    unsigned char *start = sentinel_cmark_arena_payload(block) + block->used;
    block->used += need;
    *(size_t *)start = size;
    arena->last = start + SENTINEL_CMARK_ARENA_HEADER;
    return arena->last;
}

void *sentinel_cmark_arena_calloc(size_t count, size_t size) {
    size_t total = count * size;
    if (size != 0 && total / size != count) abort();
    void *pointer = sentinel_cmark_arena_take(total);
    memset(pointer, 0, total);
    return pointer;
}

void *sentinel_cmark_arena_realloc(void *pointer, size_t size) {
    if (!pointer) return sentinel_cmark_arena_take(size);
    sentinel_cmark_arena *arena = sentinel_cmark_arena_current();
    size_t *header = (size_t *)((unsigned char *)pointer - SENTINEL_CMARK_ARENA_HEADER);
    size_t old = *header;
    if (pointer == arena->last) {
        sentinel_cmark_arena_block *block = arena->current;
        size_t offset = (size_t)((unsigned char *)header - sentinel_cmark_arena_payload(block));
        size_t need = (size + SENTINEL_CMARK_ARENA_HEADER + 15) & ~(size_t)15;
        if (need >= size && offset + need <= block->size) {
            block->used = offset + need;
            *header = size;
            return pointer;
        }
    }
    void *moved = sentinel_cmark_arena_take(size);
    memcpy(moved, pointer, old < size ? old : size);
    return moved;
}

void sentinel_cmark_arena_free(void *pointer) { (void)pointer; }

/* Gives back everything this thread allocated from its arena; the blocks
   are kept for the next document. */
void sentinel_cmark_arena_reset(void) {
    sentinel_cmark_arena *arena = sentinel_cmark_arena_current();
    arena->current = arena->first;
    if (arena->first) arena->first->used = 0;
    arena->last = NULL;
}
