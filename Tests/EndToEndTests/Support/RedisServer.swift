import Foundation
import Glibc
@testable import Metrics
@testable import sentinel_gen

/// Set for the exit handler, which cannot capture.
nonisolated(unsafe) private var serverPid: pid_t = 0

/// One private `redis-server` for the whole test process (the demo's
/// `PrivateRedis`, with a unix socket and `DEBUG`): tests isolate
/// themselves by key prefix. It stops when the process exits, and a
/// watchdog stops it if the process is killed.
final class RedisServer: Sendable {
    let port: Int
    let socketPath: String
    let directory: String

    static let shared: RedisServer = {
        do {
            let server = try PrivateRedis(unixSocket: true, debugCommand: true)
            serverPid = server.pid
            // SIGKILL: the test runner's threads block SIGTERM.
            atexit { if serverPid > 0 { kill(serverPid, SIGKILL) } }
            watchdog(redis: server.pid)
            return RedisServer(port: server.port, socketPath: server.socketPath!, directory: server.directory)
        } catch { fatalError("cannot start redis-server: \(error); run scripts/bootstrap") }
    }()

    private init(port: Int, socketPath: String, directory: String) {
        self.port = port
        self.socketPath = socketPath
        self.directory = directory
    }

    var url: String { "redis://127.0.0.1:\(port)" }

    /// A port nothing listens on right now.
    static func freePort() -> Int { PrivateRedis.freePort() }

    private static func watchdog(redis: pid_t) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; kill -9 \(redis) 2>/dev/null"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }

    /// A new connection.
    func connect() throws -> RedisConnection {
        try RedisConnection(endpoint: RedisEndpoint(url: url))
    }

    /// A key prefix no other test uses.
    static func uniquePrefix() -> String { "t\(UInt64.random(in: 0...UInt64.max)):" }
}

/// Writes commands with byte arguments to Redis.
extension RedisConnection {
    @discardableResult
    func run(_ args: [String]) throws -> RedisReply {
        let reply = try command(args)
        if case .error(let text) = reply { throw CocoaError(.featureUnsupported, userInfo: ["reason": text]) }
        return reply
    }

    func runBytes(_ args: [[UInt8]]) throws {
        try append(args)
        if case .error(let text) = try nextReply() { throw CocoaError(.featureUnsupported, userInfo: ["reason": text]) }
    }
}
