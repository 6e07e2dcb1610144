import CSupport
import Glibc

/// Whole-file replacement: write a temporary file beside the target, fsync
/// it, rename it over the target, fsync the directory. A reader sees the
/// old file or the new one, never a part.
public enum AtomicFile {
    /// A file-system failure, naming the path.
    public struct Failure: Error, CustomStringConvertible {
        /// The path concerned.
        public let path: String
        /// What failed.
        public let reason: String
        public var description: String { "\(path): \(reason)" }

        /// A failure of a path.
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    /// Prefix of temporary files, so an interrupted run's leftovers can be found.
    public static let temporaryPrefix = ".tmp-"

    /// Replaces `path` with `bytes`; `syncFile: false` leaves flushing to
    /// the caller (who then syncs the whole file system once).
    /// `mode` 0o600 keeps a file to its owner (the outbox).
    public static func write(_ bytes: [UInt8], to path: String, syncDirectory: Bool = true, syncFile: Bool = true,
                             mode: mode_t = 0o644) throws(Failure) {
        let directory = split(path).0
        let temporary = temporaryPath(for: path)
        // O_NOFOLLOW: a symlink planted at the temporary name is not followed.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        // An existing file keeps its mode through O_CREAT: set it.
        if fd >= 0 { fchmod(fd, mode) }
        guard fd >= 0 else { throw Failure(path: temporary, reason: errorText()) }
        do { try writeAll(bytes, to: fd, path: temporary) } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        if (syncFile && fsync(fd) != 0) || close(fd) != 0 {
            let reason = errorText()
            unlink(temporary)
            throw Failure(path: temporary, reason: reason)
        }
        guard rename(temporary, path) == 0 else {
            let reason = errorText()
            unlink(temporary)
            throw Failure(path: path, reason: reason)
        }
        if syncDirectory { try self.syncDirectory(directory) }
    }

    /// Creates a new file holding `bytes`, without a temporary file: for a
    /// folder nobody reads until it is complete (a staged release).
    public static func create(_ bytes: [UInt8], at path: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, reason: errorText()) }
        do { try writeAll(bytes, to: fd, path: path) } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw Failure(path: path, reason: errorText()) }
    }

    /// Creates the new file `name` in the folder open as `directory`, as
    /// `create(_:at:)` does (a link in its place is not followed); `path`
    /// names it in a failure.
    public static func create(_ bytes: [UInt8], named name: String, in directory: Int32, path: String) throws(Failure) {
        let fd = openat(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw Failure(path: path, reason: errorText()) }
        do { try writeAll(bytes, to: fd, path: path) } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw Failure(path: path, reason: errorText()) }
    }

    /// Writes every byte, through short writes and interrupts.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(Failure) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, reason: errorText())
            }
            written += n
        }
    }

    /// Makes renames in a directory durable.
    public static func syncDirectory(_ directory: String) throws(Failure) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: directory, reason: errorText()) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw Failure(path: directory, reason: errorText()) }
    }

    /// Removes a folder and all it holds without following a symbolic
    /// link (a release of thousands of files: FileManager takes twice as
    /// long); true when nothing is left.
    @discardableResult
    public static func removeTree(_ path: String) -> Bool { sentinel_remove_tree(path) == 0 }

    /// Creates a directory and its parents.
    public static func makeDirectory(_ path: String) throws(Failure) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST { throw Failure(path: current, reason: errorText()) }
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw Failure(path: path, reason: "not a directory")
        }
    }

    /// The temporary file that replaces `path`: `.tmp-<pid>-<name>`.
    public static func temporaryPath(for path: String) -> String {
        let (directory, name) = split(path)
        return "\(directory)/\(temporaryPrefix)\(getpid())-\(name)"
    }

    /// The name a temporary file of ours stands for: `name` in
    /// `.tmp-<pid>-<name>`, nil for any other name.
    public static func leftoverTarget(_ name: String) -> String? {
        guard name.hasPrefix(temporaryPrefix) else { return nil }
        let rest = name.utf8.dropFirst(temporaryPrefix.utf8.count)
        let digits = rest.prefix(while: { $0 >= 48 && $0 <= 57 })
        guard !digits.isEmpty, rest.dropFirst(digits.count).first == UInt8(ascii: "-") else { return nil }
        let target = String(decoding: rest.dropFirst(digits.count + 1), as: UTF8.self)
        return target.isEmpty ? nil : target
    }

    /// Removes the regular temporary files an interrupted run left in a
    /// directory: `.tmp-<pid>-<name>` where `ours(name)` says the file
    /// replaces one of Sentinel's. Anything else, a user's `.tmp-notes`
    /// included, stays.
    @discardableResult
    public static func removeLeftovers(in directory: String, of ours: (String) -> Bool) -> Int {
        guard let dir = opendir(directory) else { return 0 }
        defer { closedir(dir) }
        var removed = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let target = leftoverTarget(name), ours(target) else { continue }
            var info = stat()
            let path = "\(directory)/\(name)"
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    /// Reads a whole file; nil when it does not exist.
    public static func read(_ path: String) throws(Failure) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw Failure(path: path, reason: errorText())
        }
        defer { close(fd) }
        // Read straight into an array of the file's size (one more byte
        // shows a file that grew meanwhile), not through a zeroed chunk: a
        // build reads a thousand snapshots.
        var info = stat()
        var capacity = fstat(fd, &info) == 0 && info.st_size > 0 ? Int(info.st_size) + 1 : 4096
        var result: [UInt8] = []
        while true {
            var failure: Int32 = 0
            let previous = result
            result = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                _ = buffer.initialize(fromContentsOf: previous)
                count = previous.count
                while count < capacity {
                    let n = Glibc.read(fd, buffer.baseAddress! + count, capacity - count)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        return
                    }
                    if n == 0 { break }
                    count += n
                }
            }
            if failure != 0 { throw Failure(path: path, reason: String(cString: strerror(failure))) }
            if result.count < capacity { return result }
            capacity *= 2
        }
    }

    /// A path's folder and last component.
    public static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// The text of the current `errno`.
    public static func errorText() -> String { String(cString: strerror(errno)) }
}
