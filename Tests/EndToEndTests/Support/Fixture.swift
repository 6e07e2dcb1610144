import Foundation
@testable import Metrics

/// Three days around the end of DST in Paris (2026-10-25 lasts 25 hours),
/// with hostile names, yearly and foreign-currency plans and rejections.
enum Fixture {
    static func load(into redis: RedisConnection, prefix: String) throws {
        let events = "\(prefix)events"
        func at(_ time: String, _ seq: Int = 0) -> String { "\(AggregationTestsTime.ms(time))-\(seq)" }
        let entries: [(String, [String])] = [
            (at("2026-10-24T10:00:00Z"), ["type", "registration", "user", "user-secret-1", "source", "ref:alice"]),
            (at("2026-10-24T10:05:00Z"), ["type", "command", "user", "user-secret-1", "name", "/analyze", "latency_ms", "850"]),
            (at("2026-10-24T10:05:00Z", 1), ["type", "api_call", "provider", "openai", "cost", "0.0021", "latency_ms", "790", "user", "user-secret-1"]),
            (at("2026-10-24T21:59:59.999Z"), ["type", "command", "user", "user-secret-2", "name", "price", "latency_ms", "120.5"]),
            (at("2026-10-24T22:00:00Z"), ["type", "command", "user", "user-secret-2", "name", "caf\u{E9}"]),
            (at("2026-10-24T22:00:00Z", 1), ["type", "command", "user", "user-secret-2", "name", "cafe\u{301}"]),
            (at("2026-10-25T01:30:00Z"), ["type", "registration", "user", "user-secret-3"]),
            (at("2026-10-25T01:31:00Z"), ["type", "command", "user", "user-secret-3", "name", "<script>alert(1)</script>", "latency_ms", "40"]),
            (at("2026-10-25T01:32:00Z"), ["type", "command", "user", "user-secret-3", "name", "a|b*c`d[e](javascript:x)", "latency_ms", "60"]),
            (at("2026-10-25T08:00:00Z"), ["type", "conversion", "user", "user-secret-1", "amount", "9.99", "currency", "EUR"]),
            (at("2026-10-25T09:00:00Z"), ["type", "conversion", "user", "user-secret-3", "amount", "99", "currency", "USD", "interval", "year"]),
            (at("2026-10-25T09:30:00Z"), ["type", "error", "name", "/analyze", "kind", "Timeout"]),
            (at("2026-10-25T09:31:00Z"), ["type", "conversion", "user", "user-secret-2", "amount", "5", "currency", "GBP"]),
            (at("2026-10-25T09:32:00Z"), ["type", "command", "user", "user-secret-2", "name", "x", "latency_ms", "1e3"]),
            (at("2026-10-25T09:33:00Z"), ["type", "api_call", "provider", "coingecko"]),
            (at("2026-10-25T22:59:59.999Z"), ["type", "cancellation", "user", "user-secret-1", "amount", "9.99", "currency", "EUR"]),
            (at("2026-10-25T23:00:00Z"), ["type", "command", "user", "user-secret-1", "name", "analyze", "latency_ms", "900"]),
            (at("2026-10-26T09:00:00Z"), ["type", "bogus", "user", "user-secret-1"]),
            (at("2026-10-26T09:30:00Z"), ["type", "error"]),
            (at("2026-10-26T09:30:00.001Z"), ["type", "cancellation", "user", "user-secret-3", "amount", "99", "currency", "USD", "interval", "year"]),
            (at("2026-10-26T10:00:00Z"), ["type", "command", "user", "user-secret-9", "name", "later"]),
        ]
        for (id, fields) in entries { try redis.run(["XADD", events, id] + fields) }
        try redis.run(["HSET", "\(prefix)users",
                       "user-secret-1", String(AggregationTestsTime.ms("2026-10-24T10:00:00Z")),
                       "user-secret-2", String(AggregationTestsTime.ms("2026-10-20T10:00:00Z")),
                       "user-secret-3", String(AggregationTestsTime.ms("2026-10-25T01:30:00Z")),
                       "user-secret-4", "soon"])
        // The hashes hold the present: users 1 and 3 cancelled (3 after --now); user 5
        // subscribed before the stream's retention.
        try redis.run(["HSET", "\(prefix)subscriptions",
                       "user-secret-5", #"{"plan":"premium","amount":"12","currency":"USD","since":1700000000000}"#])
    }
}
