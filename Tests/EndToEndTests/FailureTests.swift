import Foundation
import Glibc
import Testing
@testable import Metrics
@testable import sentinel_gen

/// Fatal problems: one clear line, the exit status of docs/cli.md, nothing written.
@Suite struct FailureTests {
    let server = RedisServer.shared

    func expectNothingWritten(_ space: SnapshotCommandTests.Workspace) {
        #expect(CLI.files(in: space.state + "/snapshots").filter { $0.hasSuffix(".json") }.isEmpty)
    }

    func oneLine(_ result: CLI.Result) -> Bool {
        result.stderr.split(separator: "\n").filter { !$0.hasPrefix("[") }.count == 1
    }

    @Test func redisDown() throws {
        let space = try SnapshotCommandTests.Workspace()
        let result = try space.snapshot(redis: "redis://127.0.0.1:\(RedisServer.freePort())")
        #expect(result.status == 3)
        #expect(result.stderr.contains("cannot connect to Redis at 127.0.0.1:") && oneLine(result), "\(result.stderr)")
        expectNothingWritten(space)
    }

    @Test func wrongPasswordIsNeverPrinted() throws {
        let space = try SnapshotCommandTests.Workspace()
        let viaURL = try space.snapshot(redis: "redis://:hunter2-secret@127.0.0.1:\(server.port)")
        #expect(viaURL.status == 3 && viaURL.stderr.contains("refused authentication"), "\(viaURL.stderr)")
        let viaEnv = try space.snapshot(environment: ["SENTINEL_REDIS_PASSWORD": "hunter2-secret"])
        #expect(viaEnv.status == 3)
        for result in [viaURL, viaEnv] {
            #expect(!result.stderr.contains("hunter2") && !result.stdout.contains("hunter2") && oneLine(result))
        }
        expectNothingWritten(space)
    }

    @Test func aServerThatRequiresAPassword() throws {
        let server = try PrivateRedis(password: "s3cret-pw")
        defer { server.stop() }
        let port = server.port
        let space = try SnapshotCommandTests.Workspace()
        let missing = try space.snapshot(["--now", "2026-11-25T08:00:00Z"], redis: "redis://127.0.0.1:\(port)")
        #expect(missing.status == 3 && missing.stderr.contains("requires a password"), "\(missing.stderr)")
        let good = try space.snapshot(["--now", "2026-11-25T08:00:00Z"], redis: "redis://127.0.0.1:\(port)",
                                      environment: ["SENTINEL_REDIS_PASSWORD": "s3cret-pw"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(!good.stderr.contains("s3cret"))
    }

    @Test func wrongKeyType() throws {
        let space = try SnapshotCommandTests.Workspace()
        let redis = try server.connect()
        try redis.run(["HSET", "\(space.prefix)events", "a", "b"])
        let result = try space.snapshot()
        #expect(result.status == 3)
        #expect(result.stderr.contains("Redis key \(space.prefix)events is a hash, expected a stream"), "\(result.stderr)")
        expectNothingWritten(space)
        let other = try SnapshotCommandTests.Workspace()
        try redis.run(["SET", "\(other.prefix)subscriptions", "x"])
        let second = try other.snapshot()
        #expect(second.status == 3 && second.stderr.contains("is a string, expected a hash"))
    }

    @Test func aFailedRunLeavesThePreviousSnapshotsAsTheyWere() throws {
        let space = try SnapshotCommandTests.Workspace()
        let redis = try server.connect()
        try Fixture.load(into: redis, prefix: space.prefix)
        #expect(try space.snapshot(["--now", "2026-10-26T09:30:00Z"]).status == 0)
        let before = try CLI.files(in: space.state + "/snapshots").map { try space.file(String($0.dropLast(5))) }
        try redis.run(["DEL", "\(space.prefix)users"])
        try redis.run(["SET", "\(space.prefix)users", "oops"])
        #expect(try space.snapshot(["--now", "2026-10-26T10:30:00Z"]).status == 3)
        let after = try CLI.files(in: space.state + "/snapshots").map { try space.file(String($0.dropLast(5))) }
        #expect(before == after)
    }

    @Test func tlsIsAClearConfigurationError() throws {
        let space = try SnapshotCommandTests.Workspace()
        let result = try space.snapshot(redis: "rediss://127.0.0.1:6379")
        #expect(result.status == 2 && result.stderr.contains("TLS (rediss://) is not supported") && oneLine(result))
    }

    @Test func configurationErrorsNameTheKey() throws {
        let space = try SnapshotCommandTests.Workspace(extraConfig: "[alerts]\nerror_rate = 5")
        let result = try space.snapshot()
        #expect(result.status == 2)
        #expect(result.stderr == "sentinel-gen: sentinel.toml: alerts.error_rate: expected a fraction between 0 and 1, got 5\n")
        expectNothingWritten(space)
        let missing = try CLI.run(["snapshot", "--config", "/nonexistent/sentinel.toml"])
        #expect(missing.status == 2 && missing.stderr.contains("/nonexistent/sentinel.toml: cannot read the file"))
        let viaEnv = try CLI.run(["snapshot", "--state", space.state], environment: ["SENTINEL_CONFIG": space.config])
        #expect(viaEnv.status == 2 && viaEnv.stderr.contains("alerts.error_rate"))
    }

    @Test func usageErrorsExitTwo() throws {
        let badNow = try CLI.run(["snapshot", "--now", "yesterday"])
        #expect(badNow.status == 2 && badNow.stderr.contains("--now: expected an ISO-8601 time"))
        let unknown = try CLI.run(["snapshot", "--frobnicate"])
        #expect(unknown.status == 2 && unknown.stderr.split(separator: "\n").count == 1)
        let help = try CLI.run(["snapshot", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--recompute") && help.stdout.contains("--now"))
    }

    @Test func aSecondRunWaitsForNoOne() throws {
        let space = try SnapshotCommandTests.Workspace()
        try FileManager.default.createDirectory(atPath: space.state, withIntermediateDirectories: true)
        let lock = try RunLock(stateDirectory: space.state)
        let result = try space.snapshot()
        #expect(result.status == 75 && result.stderr.contains("holds the lock"), "\(result.stderr)")
        withExtendedLifetime(lock) {}
        expectNothingWritten(space)
    }

    @Test func readTimeout() throws {
        let space = try SnapshotCommandTests.Workspace()
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sleeper.arguments = ["redis-cli", "-p", String(server.port), "DEBUG", "SLEEP", "3"]
        sleeper.standardOutput = FileHandle.nullDevice
        try sleeper.run()
        // Wait until the server is asleep: a PING no longer answers quickly.
        for _ in 0..<100 {
            let probe = try RedisConnection(endpoint: RedisEndpoint(url: server.url), connectTimeout: 1, readTimeout: 0.05)
            if (try? probe.command(["PING"])) == nil { break }
            usleep(10_000)
        }
        let result = try space.snapshot(["--redis-timeout", "0.5"])
        sleeper.waitUntilExit()
        #expect(result.status == 3 && result.stderr.contains("did not answer in time"), "\(result.stderr)")
        expectNothingWritten(space)
    }
}
