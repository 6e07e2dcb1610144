#ifndef SENTINEL_SPAWN_H
#define SENTINEL_SPAWN_H

#include <spawn.h>

/// Closes every descriptor from `lowest` up in the spawned child
/// (glibc's posix_spawn_file_actions_addclosefrom_np), so that a child
/// keeps none of its parent's files, pipes or sockets open.
int sentinel_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

/// Sets spawn attributes for a child that can be stopped whatever its
/// parent blocked or ignored (a test runner blocks SIGTERM, the command
/// line ignores SIGPIPE): an empty signal mask, every signal at its
/// default, and with `own_group` a process group of its own, so that the
/// whole group can be killed at a deadline.
int sentinel_spawn_attributes(posix_spawnattr_t *attributes, int own_group);

#endif
