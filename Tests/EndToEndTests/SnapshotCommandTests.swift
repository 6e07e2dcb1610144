import Foundation
import Testing
@testable import Metrics

/// `sentinel-gen snapshot` against a real redis-server.
@Suite struct SnapshotCommandTests {
    let server = RedisServer.shared

    /// A state directory and a config file with a key prefix of its own.
    struct Workspace {
        let directory: String
        let prefix: String
        var state: String { directory + "/state" }
        var config: String { directory + "/sentinel.toml" }

        init(extraConfig: String = "") throws {
            directory = CLI.temporaryDirectory()
            prefix = RedisServer.uniquePrefix()
            try "\(extraConfig)\n[redis]\nkey_prefix = \"\(prefix)\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        }

        func snapshot(_ extra: [String] = [], redis: String? = nil, environment: [String: String] = [:]) throws -> CLI.Result {
            try CLI.run(["snapshot", "--config", config, "--state", state, "--redis", redis ?? RedisServer.shared.url] + extra,
                        environment: environment)
        }

        func file(_ day: String) throws -> String {
            try String(contentsOfFile: "\(state)/snapshots/\(day).json", encoding: .utf8)
        }

        func snapshot(of day: String) throws -> Snapshot {
            try Snapshot(decoding: Array(try file(day).utf8))
        }
    }

    @Test func theContractsExampleCommands() throws {
        let space = try Workspace(extraConfig: "[revenue]\ncurrency = \"EUR\"")
        let redis = try server.connect()
        let p = space.prefix
        let minID = String(Int64(Date().timeIntervalSince1970 * 1000) - 30 * 86_400_000)
        try redis.run(["HSET", "\(p)users", "42", "1764000000000"])
        try redis.run(["XADD", "\(p)events", "MINID", "~", minID, "*", "type", "registration", "user", "42", "source", "ref:alice"])
        try redis.run(["XADD", "\(p)events", "MINID", "~", minID, "*", "type", "command", "user", "42", "name", "analyze", "latency_ms", "850"])
        try redis.run(["XADD", "\(p)events", "MINID", "~", minID, "*", "type", "api_call", "provider", "openai", "cost", "0.0021", "latency_ms", "790", "user", "42"])
        try redis.run(["HSET", "\(p)subscriptions", "42", #"{"plan":"premium","amount":"9.99","currency":"EUR","interval":"month","since":1764003600000}"#])
        try redis.run(["XADD", "\(p)events", "MINID", "~", minID, "*", "type", "conversion", "user", "42", "plan", "premium", "amount", "9.99", "currency", "EUR", "interval", "month"])
        usleep(2000)
        let result = try space.snapshot()
        #expect(result.status == 0, "\(result.stderr)")
        let files = CLI.files(in: space.state + "/snapshots")
        let snapshots = try files.map { try Snapshot(decoding: Array(try String(contentsOfFile: "\(space.state)/snapshots/\($0)", encoding: .utf8).utf8)) }
        let latest = try #require(snapshots.last)
        #expect(latest.status == .partial)
        #expect(latest.users.total == 1 && latest.users.premium == 1 && latest.users.free == 0)
        #expect(latest.revenue.mrr.description == "9.99" && latest.revenue.currency == "EUR")
        #expect(snapshots.map(\.revenue.conversions).reduce(0, +) == 1)
        #expect(snapshots.map(\.revenue.newMRR).reduce(.zero, +).description == "9.99")
        #expect(snapshots.map(\.engagement.commands).reduce(0, +) == 1)
        #expect(snapshots.flatMap(\.engagement.byCommand) == [NamedCount(name: Name("analyze"), count: 1)])
        #expect(snapshots.flatMap(\.costs.api) == [ProviderCost(provider: Name("openai"), calls: 1, cost: Money("0.0021")!)])
        #expect(snapshots.flatMap(\.acquisitionBySource) == [NamedCount(name: Name("ref:alice"), count: 1)])
        #expect(snapshots.compactMap(\.engagement.latencyP50Micros) == [850_000_000])
        #expect(snapshots.map(\.dataQuality.eventsRead).reduce(0, +) == 4)
        #expect(result.stderr.contains("[2/4] read 4 new events"))
    }

    /// A fixed week with hostile names, compared byte for byte with a golden file.
    @Test func goldenSnapshot() throws {
        let space = try Workspace(extraConfig: """
            timezone = "Europe/Paris"
            [revenue]
            currency = "EUR"
            [exchange_rates]
            USD = "0.92"
            [costs]
            infrastructure = [{ name = "Railway", monthly = "5.00" }, { name = "Redis", monthly = "3.00" }]
            """)
        let redis = try server.connect()
        try Fixture.load(into: redis, prefix: space.prefix)
        let result = try space.snapshot(["--now", "2026-10-26T09:30:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(CLI.files(in: space.state + "/snapshots") == ["2026-10-24.json", "2026-10-25.json", "2026-10-26.json"])
        for day in ["2026-10-24", "2026-10-25", "2026-10-26"] {
            let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/state/snapshots/\(day).json")
            if ProcessInfo.processInfo.environment["SENTINEL_UPDATE_GOLDEN"] == "1" {
                try space.file(day).write(to: golden, atomically: true, encoding: .utf8)
            }
            #expect(try space.file(day) == (try String(contentsOf: golden, encoding: .utf8)), "\(day) differs from its golden file")
        }
        // No user id reaches a snapshot.
        for day in ["2026-10-24", "2026-10-25", "2026-10-26"] {
            #expect(!(try space.file(day)).contains("user-secret"))
        }
        #expect(!result.stderr.contains("user-secret"))
        #expect(result.stderr.contains("warning: rejected stream entry"))
    }

    @Test func completeSnapshotsAreKeptUnlessRecomputed() throws {
        let space = try Workspace()
        let redis = try server.connect()
        try Fixture.load(into: redis, prefix: space.prefix)
        #expect(try space.snapshot(["--now", "2026-10-26T09:30:00Z"]).status == 0)
        let before = try space.file("2026-10-25")
        // A later run: the 25th stays as it was, the 26th is rewritten.
        #expect(try space.snapshot(["--now", "2026-10-26T10:30:00Z"]).status == 0)
        #expect(try space.file("2026-10-25") == before)
        #expect(try space.snapshot(of: "2026-10-26").capturedAt == AggregationTestsTime.ms("2026-10-26T10:30:00Z"))
        // --recompute rewrites the days whose events were all read: the 25th, not the 24th (oldest entry at 10:00).
        let oldest = try space.file("2026-10-24")
        #expect(try space.snapshot(["--now", "2026-10-26T11:30:00Z", "--recompute"]).status == 0)
        #expect(try space.snapshot(of: "2026-10-25").capturedAt == AggregationTestsTime.ms("2026-10-26T11:30:00Z"))
        #expect(try space.file("2026-10-24") == oldest)
    }

    @Test func onlyCompleteSnapshotsAreKept() throws {
        let space = try Workspace()
        let redis = try server.connect()
        try Fixture.load(into: redis, prefix: space.prefix)
        try FileManager.default.createDirectory(atPath: space.state + "/snapshots", withIntermediateDirectories: true)
        let garbage = "\(space.state)/snapshots/2026-10-24.json", partial = "\(space.state)/snapshots/2026-10-25.json"
        let newer = "\(space.state)/snapshots/2026-10-26.json"
        try "garbage".write(toFile: garbage, atomically: true, encoding: .utf8)
        try #"{"schema_version":1,"date":"2026-10-25","status":"partial"}"#.write(toFile: partial, atomically: true, encoding: .utf8)
        try #"{"schema_version":3,"status":"complete"}"#.write(toFile: newer, atomically: true, encoding: .utf8)
        let result = try space.snapshot(["--now", "2026-10-26T09:30:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try space.snapshot(of: "2026-10-24").status == .complete)
        #expect(try space.snapshot(of: "2026-10-25").status == .complete)
        #expect(try space.file("2026-10-26") == #"{"schema_version":3,"status":"complete"}"#)
        #expect(result.stderr.contains("2026-10-24.json: not a JSON object; replaced"))
    }

    @Test func malformedAndHostileEntriesAreCountedNotFatal() throws {
        let space = try Workspace()
        let redis = try server.connect()
        let key = Array("\(space.prefix)events".utf8)
        func add(_ id: String, _ fields: [[UInt8]]) throws {
            try redis.runBytes([Array("XADD".utf8), key, Array(id.utf8)] + fields)
        }
        let t = "1790000000000"
        try add("\(t)-1", [Array("type".utf8), Array("command".utf8), Array("user".utf8), [0xFF, 0xFE], Array("name".utf8), Array("x".utf8)])
        try add("\(t)-2", [Array("type".utf8), Array("command".utf8), Array("user".utf8), Array("u".utf8), Array("name".utf8), Array("a\0b".utf8)])
        try add("\(t)-3", [Array("type".utf8), [0xC3, 0x28]])
        try add("\(t)-4", [Array("nothing".utf8), Array("here".utf8)])
        try add("\(t)-5", [Array("type".utf8), Array("command".utf8), Array("user".utf8), Array("u".utf8), Array("name".utf8), Array("<img src=x onerror=alert(1)>".utf8)])
        try add("\(t)-6", [Array("type".utf8), Array("conversion".utf8), Array("user".utf8), Array("u".utf8), Array("amount".utf8), Array(repeating: UInt8(ascii: "9"), count: 70_000)])
        try redis.run(["HSET", "\(space.prefix)users", "u", "12abc", "\u{1}bad", "1790000000000", "ok", "1790000000000"])
        try redis.run(["HSET", "\(space.prefix)subscriptions", "u", "[1]", "v", #"{"amount":9.99}"#, "w", #"{"amount":"9.99","since":1.5}"#, "x", #"{"amount":"9.99","plan":null}"#, "y", #"{"amount":"1","interval":"year","extra":[1,{"a":null}]}"#])
        let result = try space.snapshot(["--now", "2026-09-21T15:00:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        let day = try space.snapshot(of: "2026-09-21")
        #expect(day.dataQuality.eventsRead == 6)
        #expect(day.dataQuality.rejected.map { "\($0.name)=\($0.count)" } == [
            "bad_amount=1", "bad_name=1", "bad_registered_at=2", "bad_subscription=4", "bad_user=1", "missing_type=1", "unknown_type=1",
        ])
        #expect(day.engagement.byCommand == [NamedCount(name: Name("<img src=x onerror=alert(1)>"), count: 1)])
        #expect(day.users.total == 1 && day.users.premium == 1 && day.revenue.mrr.description == "0.083333")
        #expect(try space.file("2026-09-21").contains(#""\u003cimg src=x onerror=alert(1)\u003e": 1"#))
        // At most five examples in the log, each with its entry ID and reason.
        #expect(result.stderr.components(separatedBy: "warning: rejected stream entry").count - 1 == 5)
        #expect(result.stderr.contains("rejected stream entry \(t)-1: bad_user"))
    }

    /// More entries than one XRANGE batch, several per millisecond, so the
    /// exclusive-start continuation is exercised at a millisecond boundary.
    @Test func everyEntryOfAStreamLargerThanOneBatch() throws {
        let space = try Workspace()
        let redis = try server.connect()
        let key = Array("\(space.prefix)events".utf8)
        let start = AggregationTestsTime.ms("2026-11-20T00:00:00Z")
        let total = 25_003
        for index in 0..<total {
            let id = "\(start + Int64(index / 7) * 1000)-\(index % 7)"
            try redis.append([Array("XADD".utf8), key, Array(id.utf8), Array("type".utf8), Array("command".utf8),
                              Array("user".utf8), Array("u\(index % 997)".utf8), Array("name".utf8), Array("c\(index % 3)".utf8)])
        }
        for _ in 0..<total { _ = try redis.nextReply() }
        let result = try space.snapshot(["--now", "2026-11-21T00:00:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        let days = try ["2026-11-20", "2026-11-21"].map { try space.snapshot(of: $0) }
        #expect(days[0].dataQuality.eventsRead == total && days[0].engagement.commands == total)
        #expect(days[0].users.active == 997 && days[0].engagement.byCommand.map(\.count) == [8335, 8334, 8334])
        #expect(days[1].users.active7d == 997 && days[1].users.active == 0)
    }

    @Test func emptyDatabaseGivesOneEmptyDay() throws {
        let space = try Workspace()
        let result = try space.snapshot(["--now", "2026-11-25T08:00:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        let day = try space.snapshot(of: "2026-11-25")
        #expect(day.users.total == 0 && day.coverage.eventsFrom == nil && day.status == .partial)
    }

    @Test func unixSocket() throws {
        let space = try Workspace()
        let redis = try server.connect()
        try Fixture.load(into: redis, prefix: space.prefix)
        let result = try space.snapshot(["--now", "2026-10-26T09:30:00Z"], redis: "unix://\(server.socketPath)")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(CLI.files(in: space.state + "/snapshots").count == 3)
    }
}

enum AggregationTestsTime {
    static func ms(_ text: String) -> Int64 {
        guard case .instant(let value)? = Timestamp.parse(text) else { fatalError(text) }
        return value
    }
}
