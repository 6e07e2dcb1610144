import CSupport
import Glibc
import Metrics

/// A `redis-server` of our own on a free loopback port, in a temporary
/// folder, without persistence: the demo's, and the Swift tests'. Stopped
/// by `stop()`, and by `stopOnSignal()` handlers on Ctrl-C.
public final class PrivateRedis: @unchecked Sendable {
    /// Why it could not start.
    public struct Failure: Error, CustomStringConvertible {
        /// One line.
        public let description: String
    }

    /// The server's port.
    public let port: Int
    /// Its folder.
    public let directory: String
    /// Its unix socket, when asked for.
    public let socketPath: String?
    /// Its process.
    public let pid: pid_t

    /// The server to kill from a signal handler.
    nonisolated(unsafe) static var running: pid_t = 0
    /// Its log and folder as C strings, for the signal handler (which may
    /// only make async-signal-safe calls: kill, unlink, rmdir, _exit).
    nonisolated(unsafe) static var logPath: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) static var folderPath: UnsafeMutablePointer<CChar>?

    /// Starts `redis-server` from PATH and waits until it answers; the
    /// tests ask for a unix socket too, for `DEBUG` (to make it slow), or a password.
    public init(unixSocket: Bool = false, debugCommand: Bool = false, password: String? = nil) throws(Failure) {
        guard let executable = PrivateRedis.which("redis-server") else {
            throw Failure(description: "redis-server is not on PATH: run scripts/bootstrap (Debian: apt-get install redis-server)")
        }
        var template = Array("/tmp/sentinel-demo-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(description: "cannot make a temporary folder: \(AtomicFile.errorText())") }
        directory = String(cString: made)
        socketPath = unixSocket ? "\(directory)/redis.sock" : nil
        PrivateRedis.logPath = strdup("\(directory)/redis.log")
        PrivateRedis.folderPath = strdup(directory)
        var lastError = "did not answer"
        for _ in 0..<5 {
            let port = PrivateRedis.freePort()
            let arguments = [executable, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", directory, "--logfile", "\(directory)/redis.log", "--daemonize", "no"]
                + (socketPath.map { ["--unixsocket", $0] } ?? []) + (debugCommand ? ["--enable-debug-command", "local"] : [])
                + (password.map { ["--requirepass", $0] } ?? [])
            guard let pid = PrivateRedis.spawn(arguments) else { lastError = "cannot start \(executable)"; continue }
            // Known to the signal handler from the start: a Ctrl-C while it
            // starts must stop it too.
            PrivateRedis.running = pid
            let endpoint = RedisEndpoint(address: .tcp(host: "127.0.0.1", port: port))
            for _ in 0..<200 {
                if let connection = try? RedisConnection(endpoint: endpoint, connectTimeout: 0.2, readTimeout: 1),
                   (try? connection.command(["PING"])) != nil {
                    self.port = port
                    self.pid = pid
                    return
                }
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { break }  // exited: the port was taken
                usleep(25_000)
            }
            kill(pid, SIGKILL)
            waitpid(pid, nil, 0)
            PrivateRedis.running = 0
        }
        PrivateRedis.removeTree(directory)
        throw Failure(description: "redis-server \(lastError)")
    }

    /// Its endpoint.
    public var endpoint: RedisEndpoint { RedisEndpoint(address: .tcp(host: "127.0.0.1", port: port)) }

    /// Stops the server and removes its folder.
    public func stop() {
        kill(pid, SIGKILL)
        waitpid(pid, nil, 0)
        PrivateRedis.running = 0
        PrivateRedis.removeTree(directory)
    }

    /// On SIGINT, SIGTERM or SIGHUP: kill the server, then exit 130.
    public static func stopOnSignal() {
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            Glibc.signal(signal) { number in
                if PrivateRedis.running > 0 {
                    kill(PrivateRedis.running, SIGKILL)
                    waitpid(PrivateRedis.running, nil, 0)
                }
                if let log = PrivateRedis.logPath { unlink(log) }
                if let folder = PrivateRedis.folderPath { rmdir(folder) }
                _exit(128 + number)
            }
        }
    }

    /// posix_spawn with every signal unblocked and default handlers, so the
    /// child can be stopped whatever its parent blocked.
    static func spawn(_ arguments: [String]) -> pid_t? {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        sentinel_spawn_attributes(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Nothing else of the parent's: a server holding a copy of, say, a
        // test runner's output pipe would keep its reader waiting.
        sentinel_spawn_close_from(&actions, 3)
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ) == 0 else { return nil }
        return pid
    }

    static func which(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        for folder in ["/usr/bin", "/usr/local/bin", "/usr/sbin"] where access("\(folder)/\(name)", X_OK) == 0 {
            return "\(folder)/\(name)"
        }
        return nil
    }

    /// A loopback port nothing listens on right now.
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func removeTree(_ path: String) {
        guard let dir = opendir(path) else { return }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { unlink("\(path)/\(name)") }
        }
        closedir(dir)
        rmdir(path)
    }
}
