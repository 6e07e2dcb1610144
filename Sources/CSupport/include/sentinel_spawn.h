#ifndef SENTINEL_SPAWN_H
#define SENTINEL_SPAWN_H

#include <spawn.h>

/// Closes every descriptor from `lowest` up in the spawned child
/// (glibc's posix_spawn_file_actions_addclosefrom_np), so that a child
/// keeps none of its parent's files, pipes or sockets open.
int sentinel_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

#endif
