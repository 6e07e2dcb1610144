import CSupport
import Glibc
import Metrics
import Synchronization

/// Open descriptors of one tree's folders, by path inside the tree. A
/// release's files are then reached by name in their folder (`openat`,
/// `linkat`, `fstatat`): the kernel does not walk the whole path again for
/// each of thousands of files. Used from one thread at a time.
final class FolderHandles {
    /// The tree's root folder.
    let root: String
    private var descriptors: [Substring: Int32] = [:]
    // Each folder's regular files' inodes by their names' bytes, listed
    // once: a recycled release checks thousands of files against the
    // current one, and one listing costs less than a `fstatat` a file.
    // An entry is dropped when this tree changes at its name.
    private var listings: [Substring: [[UInt8]: UInt64]] = [:]
    private var rootIdentity: (device: UInt64, listable: Bool)?

    /// Handles below `root` (opened on first use).
    init(root: String) {
        self.root = root
    }

    deinit {
        for fd in descriptors.values { close(fd) }
    }

    /// A file's folder inside the tree ("" for the root) and its name.
    static func split(_ path: String) -> (folder: Substring, name: String) {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return ("", path) }
        return (path[..<slash], String(path[path.utf8.index(after: slash)...]))
    }

    /// The descriptor of `folder`, nil when it is missing or not a folder.
    /// Each component is opened inside the one before without following a
    /// link. `create` makes missing folders (mode 0755) and replaces a file
    /// or a link in the way: for a staging tree, which is Sentinel's own.
    func descriptor(_ folder: Substring, create: Bool = false) throws(AtomicFile.Failure) -> Int32? {
        if let fd = descriptors[folder] { return fd }
        let fd: Int32
        if folder.isEmpty {
            fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
        } else {
            let (parentPath, name) = FolderHandles.split(String(folder))
            guard let parent = try descriptor(parentPath, create: create) else { return nil }
            var opened = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
            if opened < 0 && create && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) {
                listings[parentPath]?[Array(name.utf8)] = nil
                if errno != ENOENT { unlinkat(parent, name, 0) }
                if mkdirat(parent, name, 0o755) == 0 || errno == EEXIST {
                    opened = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
                }
            }
            fd = opened
        }
        guard fd >= 0 else {
            if create { throw AtomicFile.Failure(path: folder.isEmpty ? root : "\(root)/\(folder)", reason: AtomicFile.errorText()) }
            return nil
        }
        descriptors[folder] = fd
        return fd
    }

    /// The size of the regular file `name` in the folder `fd`, nil when
    /// there is none.
    static func size(_ name: String, in fd: Int32) -> Int? {
        var info = stat()
        guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// True when `name` in the folder `fd` and `other` in `otherFD` are
    /// the same regular file (one inode).
    static func sameFile(_ name: String, in fd: Int32, as other: String, in otherFD: Int32) -> Bool {
        var one = stat(), two = stat()
        guard fstatat(fd, name, &one, AT_SYMLINK_NOFOLLOW) == 0, fstatat(otherFD, other, &two, AT_SYMLINK_NOFOLLOW) == 0 else { return false }
        return (one.st_mode & S_IFMT) == S_IFREG && one.st_ino == two.st_ino && one.st_dev == two.st_dev
    }

    /// The inode of the regular file `name` in `folder` as the folder's
    /// listing gave it (read once, on first use), nil when there is none
    /// or the file system does not say.
    func listedInode(_ name: String, in folder: Substring) -> UInt64? {
        let key = Array(name.utf8)
        if let listing = listings[folder] { return listing[key] }
        var listing: [[UInt8]: UInt64] = [:]
        if let fd = try? descriptor(folder), let entries = FolderHandles.entries(of: fd) {
            for entry in entries where entry.type == UInt8(DT_REG) && entry.inode != 0 { listing[entry.name] = entry.inode }
        }
        listings[folder] = listing
        return listing[key]
    }

    /// True when `name` in `folder` is, by both trees' listings, the same
    /// file as in `other` (one inode). False when either listing does not
    /// have it, or when listings cannot stand for `fstatat` (the trees are
    /// on two devices, or on a file system not known to list the inode
    /// `stat` gives): the caller then checks with `sameFile`.
    func listsSameFile(_ name: String, in folder: Substring, as other: FolderHandles) -> Bool {
        guard let mine = identity, let theirs = other.identity, mine.listable, mine.device == theirs.device,
              let inode = listedInode(name, in: folder) else { return false }
        return other.listedInode(name, in: folder) == inode
    }

    /// The root's device, and whether its file system's `readdir` gives
    /// each file's `st_ino`: ext2/3/4, tmpfs, XFS and Btrfs do; overlayfs
    /// may not for a folder merged from its layers, and others are not
    /// relied on.
    private var identity: (device: UInt64, listable: Bool)? {
        if let rootIdentity { return rootIdentity }
        guard let fd = try? descriptor("") else { return nil }
        var info = stat()
        let system = sentinel_file_system_type(fd)
        guard fstat(fd, &info) == 0, system >= 0 else { return nil }
        let listable: Set<Int64> = [0xEF53, 0x0102_1994, 0x5846_5342, 0x9123_683E]
        rootIdentity = (UInt64(info.st_dev), listable.contains(Int64(system)))
        return rootIdentity
    }

    /// Removes whatever `name` in the folder `fd` is (a file, a link, or a
    /// folder and all it holds, nothing followed); true when it is gone.
    @discardableResult
    func remove(_ name: String, in fd: Int32, folder: Substring) -> Bool {
        listings[folder]?[Array(name.utf8)] = nil
        if unlinkat(fd, name, 0) == 0 || errno == ENOENT { return true }
        guard errno == EISDIR else { return false }
        // The folder's and its subfolders' descriptors and listings go with it.
        let path = folder.isEmpty ? name : "\(folder)/\(name)"
        func inside(_ key: Substring) -> Bool { key == path || key.hasPrefix("\(path)/") }
        for key in descriptors.keys where inside(key) { close(descriptors.removeValue(forKey: key)!) }
        for key in listings.keys where inside(key) { listings[key] = nil }
        return AtomicFile.removeTree("\(root)/\(path)")
    }

    /// Removes every entry of the tree whose path `keeps` refuses: files,
    /// links and folders (nothing is followed), and folders left empty.
    /// False when something could not be listed or removed.
    func sweep(keeping keeps: (String) -> Bool) -> Bool {
        guard let fd = try? descriptor("") else { return false }
        var complete = true
        _ = sweep("", fd, keeps, &complete)
        return complete
    }

    /// The entries of the folder `fd` but `.` and `..`: each name's bytes,
    /// its `d_type` and its `d_ino`; nil when it cannot be listed.
    private static func entries(of fd: Int32) -> [(name: [UInt8], type: UInt8, inode: UInt64)]? {
        let copy = dup(fd)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            return nil
        }
        defer { closedir(stream) }
        // A duplicate shares its offset: another listing may have left it at the end.
        rewinddir(stream)
        var entries: [(name: [UInt8], type: UInt8, inode: UInt64)] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in Array(bytes.prefix { $0 != 0 }) }
            if name.count > 2 || name.contains(where: { $0 != UInt8(ascii: ".") }) {
                entries.append((name, entry.pointee.d_type, UInt64(entry.pointee.d_ino)))
            }
        }
        return entries
    }

    /// Sweeps one folder; true when it still holds something.
    private func sweep(_ folder: String, _ fd: Int32, _ keeps: (String) -> Bool, _ complete: inout Bool) -> Bool {
        guard let listed = FolderHandles.entries(of: fd) else {
            complete = false
            return true
        }
        var holds = false
        for (name, listedType) in listed.map({ (String(decoding: $0.name, as: UTF8.self), $0.type) }) {
            let path = folder.isEmpty ? name : "\(folder)/\(name)"
            var type = listedType
            if type == UInt8(DT_UNKNOWN) {
                var info = stat()
                guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { complete = false; holds = true; continue }
                type = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
            }
            if type == UInt8(DT_DIR) {
                let inner = openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
                guard inner >= 0 else { complete = false; holds = true; continue }
                let full = sweep(path, inner, keeps, &complete)
                close(inner)
                if full {
                    holds = true
                } else if unlinkat(fd, name, AT_REMOVEDIR) != 0 {
                    complete = false
                    holds = true
                }
            } else if keeps(path) {
                holds = true
            } else if unlinkat(fd, name, 0) != 0 {
                complete = false
                holds = true
            }
        }
        return holds
    }
}

/// The sizes of a tree's files for many threads at once: each file is
/// found by name in its folder's descriptor (`fstatat`), opened once for
/// all threads, not by a path the kernel walks again for each of the
/// thousands of files a build checks.
final class FolderSizes: Sendable {
    private let handles: Mutex<FolderHandles>

    /// Sizes of the files below `root`.
    init(root: String) {
        handles = Mutex(FolderHandles(root: root))
    }

    /// The size of the regular file at `path` inside the tree, nil when
    /// there is none (a link is not followed).
    func size(of path: String) -> Int? {
        let (folder, name) = FolderHandles.split(path)
        let descriptor: Int32? = handles.withLock { handles in (try? handles.descriptor(folder)) ?? nil }
        return descriptor.flatMap { FolderHandles.size(name, in: $0) }
    }
}
