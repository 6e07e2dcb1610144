#define _GNU_SOURCE
#include "sentinel_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

int sentinel_syncfs(int fd) { return syncfs(fd); }

long long sentinel_file_system_type(int fd) {
    struct statfs info;
    if (fstatfs(fd, &info) != 0) return -1;
    return (long long)info.f_type;
}

/* Empties the directory open as `fd` (which it closes), depth first. An
 * entry that is gone by the time it is removed counts as removed. */
static int remove_contents(int fd) {
    DIR *directory = fdopendir(fd);
    if (directory == NULL) {
        close(fd);
        return -1;
    }
    int result = 0;
    struct dirent *entry;
    while ((entry = readdir(directory)) != NULL) {
        const char *name = entry->d_name;
        if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
        int is_directory = entry->d_type == DT_DIR;
        if (entry->d_type == DT_UNKNOWN) {
            struct stat info;
            if (fstatat(dirfd(directory), name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
                if (errno != ENOENT) result = -1;
                continue;
            }
            is_directory = S_ISDIR(info.st_mode);
        }
        if (is_directory) {
            int child = openat(dirfd(directory), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (child < 0) {
                if (errno != ENOENT) result = -1;
                continue;
            }
            if (remove_contents(child) != 0) result = -1;
            if (unlinkat(dirfd(directory), name, AT_REMOVEDIR) != 0 && errno != ENOENT) result = -1;
        } else if (unlinkat(dirfd(directory), name, 0) != 0 && errno != ENOENT) {
            result = -1;
        }
    }
    closedir(directory);
    return result;
}

int sentinel_remove_tree(const char *path) {
    /* A file system whose readdir skips entries while the folder changes
     * leaves some behind: a few more passes take them. */
    for (int pass = 0; pass < 4; pass++) {
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT) return 0;
            /* Not a directory, or a symbolic link: the entry itself goes. */
            if (errno == ENOTDIR || errno == ELOOP) return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
            return -1;
        }
        (void)remove_contents(fd);  /* what stays shows in rmdir */
        if (rmdir(path) == 0 || errno == ENOENT) return 0;
        if (errno != ENOTEMPTY && errno != EEXIST) return -1;
    }
    return -1;
}
