#ifndef SENTINEL_FILES_H
#define SENTINEL_FILES_H

/// syncfs(2): flushes the file system that holds `fd`, not every one
/// (glibc declares it only under _GNU_SOURCE, which Swift's Glibc lacks).
int sentinel_syncfs(int fd);

/// Removes the directory at `path` and everything in it, through
/// directory descriptors (no path is looked up twice) and never through a
/// symbolic link: a link is removed, not followed (`path` too, when it is
/// one or is a file). 0 when it is gone or was not there, -1 (errno set)
/// when something stayed.
int sentinel_remove_tree(const char *path);

/// The type of the file system that holds `fd` (statfs(2)'s f_type, such
/// as 0xEF53 for ext2/3/4), or -1 (errno set).
long long sentinel_file_system_type(int fd);

#endif
