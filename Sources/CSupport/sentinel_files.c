#define _GNU_SOURCE
#include "sentinel_files.h"

#include <unistd.h>

int sentinel_syncfs(int fd) { return syncfs(fd); }
