#define _GNU_SOURCE
#include "sentinel_spawn.h"

#include <signal.h>

int sentinel_spawn_attributes(posix_spawnattr_t *attributes, int own_group) {
    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (own_group) {
        flags |= POSIX_SPAWN_SETPGROUP;
        if (posix_spawnattr_setpgroup(attributes, 0) != 0) return -1;
    }
    if (posix_spawnattr_setsigmask(attributes, &empty) != 0 || posix_spawnattr_setsigdefault(attributes, &all) != 0) return -1;
    return posix_spawnattr_setflags(attributes, flags);
}

int sentinel_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}
