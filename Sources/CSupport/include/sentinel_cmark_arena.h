#ifndef SENTINEL_CMARK_ARENA_H
#define SENTINEL_CMARK_ARENA_H

#include <stddef.h>

/*
 * A per-thread arena for cmark-gfm: a report's parse tree, its buffers and
 * its HTML are allocated by bumping a pointer, and all of it is given back
 * at once when the document is done. The three functions below are the
 * fields of a cmark_mem (calloc, realloc, free), as cmark-gfm's
 * cmark_parser_new_with_mem and renderers take it.
 */

/// cmark_mem's calloc, from the calling thread's arena.
void *sentinel_cmark_arena_calloc(size_t count, size_t size);
/// cmark_mem's realloc; the last allocation grows in place.
void *sentinel_cmark_arena_realloc(void *pointer, size_t size);
/// cmark_mem's free: nothing, until the reset.
void sentinel_cmark_arena_free(void *pointer);
/// Gives back everything this thread allocated from its arena; the blocks
/// are kept for the next document.
void sentinel_cmark_arena_reset(void);

#endif
