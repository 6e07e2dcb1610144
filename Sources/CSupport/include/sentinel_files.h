#ifndef SENTINEL_FILES_H
#define SENTINEL_FILES_H

/// syncfs(2): flushes the file system that holds `fd`, not every one
/// (glibc declares it only under _GNU_SOURCE, which Swift's Glibc lacks).
int sentinel_syncfs(int fd);

#endif
