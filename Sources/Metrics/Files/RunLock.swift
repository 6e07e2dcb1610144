import Glibc

/// An exclusive lock on the state directory (flock), so that overlapping
/// cron runs never interleave. The kernel drops it when the process dies,
/// so a killed run leaves no stale lock.
public final class RunLock {
    private let fd: Int32
    /// The lock file's path.
    public let path: String

    /// Why the lock was not taken.
    public enum Failure: Error, CustomStringConvertible {
        case held(path: String)
        case io(AtomicFile.Failure)

        public var description: String {
            switch self {
            case .held(let path): return "another sentinel-gen run holds the lock \(path); try again when it ends"
            case .io(let failure): return failure.description
            }
        }
    }

    /// Takes the lock `state/.lock` without waiting.
    public convenience init(stateDirectory: String) throws(Failure) {
        try self.init(path: stateDirectory + "/.lock")
    }

    /// Takes the lock of the file at `path` (created if missing), waiting
    /// at most `seconds` for another holder to let it go.
    public init(path: String, waiting seconds: Double = 0) throws(Failure) {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(AtomicFile.Failure(path: path, reason: AtomicFile.errorText())) }
        var waited = 0.0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK
            if busy && waited < seconds {
                usleep(20_000)
                waited += 0.02
                continue
            }
            let reason = AtomicFile.errorText()
            close(fd)
            throw busy ? .held(path: path) : .io(AtomicFile.Failure(path: path, reason: reason))
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
