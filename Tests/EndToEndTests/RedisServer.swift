import Foundation
import Glibc
@testable import Metrics

/// Set for the exit handler, which cannot capture.
nonisolated(unsafe) private var serverPid: pid_t = 0

/// One private `redis-server` for the whole test process, on a free
/// loopback port and a unix socket, without persistence. Tests isolate
/// themselves by key prefix. It stops when the process exits, and a
/// watchdog stops it if the process is killed.
final class RedisServer: Sendable {
    let port: Int
    let socketPath: String
    let directory: String

    static let shared: RedisServer = {
        do { return try RedisServer.start() } catch { fatalError("cannot start redis-server: \(error); run scripts/bootstrap") }
    }()

    private init(port: Int, socketPath: String, directory: String) {
        self.port = port
        self.socketPath = socketPath
        self.directory = directory
    }

    var url: String { "redis://127.0.0.1:\(port)" }

    private static func start() throws -> RedisServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-redis-\(getpid())").path
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let socket = directory + "/redis.sock"
        for _ in 0..<20 {
            let port = freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no", "--unixsocket", socket, "--dir", directory,
                                 "--logfile", directory + "/redis.log", "--enable-debug-command", "local"]
            // Inherited pipes would keep the test runner waiting for end of file.
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<100 {
                if !process.isRunning { break }
                if let endpoint = try? RedisEndpoint(url: "redis://127.0.0.1:\(port)"),
                   let connection = try? RedisConnection(endpoint: endpoint, connectTimeout: 1, readTimeout: 1),
                   (try? connection.command(["PING"])) == .status("PONG") {
                    serverPid = process.processIdentifier
                    // SIGKILL: the test runner's threads block SIGTERM, and children inherit the mask.
                    atexit { if serverPid > 0 { kill(serverPid, SIGKILL) } }
                    watchdog(redis: process.processIdentifier)
                    return RedisServer(port: port, socketPath: socket, directory: directory)
                }
                usleep(50_000)
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        throw CocoaError(.fileNoSuchFile)
    }

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

    /// Stops a server started by a test (SIGKILL, for the reason above).
    static func stop(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
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
