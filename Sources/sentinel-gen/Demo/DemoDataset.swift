import Foundation
import Metrics

/// Realistic data for a bot like CryptoSentinel AI, as the Redis contract
/// has a bot write it: growth towards about 900 users, about 90 premium at
/// EUR 9.99 a month or 99.90 a year, switches between the two, refunds,
/// churned customers who come back, weekly seasonality, OpenAI and
/// CoinGecko costs, errors, and a few malformed entries. Every hash change
/// is kept with its time, so the data can be written day by day as a bot
/// writes it. The same seed, days and `now` give the same data.
public struct DemoDataset: Sendable {
    /// One stream entry: its ID and its field/value pairs.
    public struct Entry: Sendable {
        /// Its time, unix ms.
        public var ms: Int64
        /// `ms-seq`.
        public var id: String
        /// Field, value, field, value…
        public var fields: [String]
    }

    /// Stream entries, in ID order.
    public private(set) var entries: [Entry] = []
    /// `sentinel:users`: user -> registration ms.
    public private(set) var users: [(String, String)] = []
    /// `sentinel:subscriptions`: user -> subscription JSON.
    public private(set) var subscriptions: [(String, String)] = []

    /// A change to a hash, as the bot makes it.
    public enum HashChange: Sendable {
        /// `HSET users id ms`.
        case register(String, String)
        /// `HSET subscriptions id json`.
        case subscribe(String, String)
        /// `HDEL subscriptions id`.
        case unsubscribe(String)
    }

    /// Every hash change, with its time, in time order.
    public private(set) var changes: [(ms: Int64, change: HashChange)] = []

    /// SplitMix64: small, fast, and the same on every platform.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick(_ weighted: [(String, Double)]) -> String {
            var x = unit() * weighted.reduce(0) { $0 + $1.1 }
            for (value, weight) in weighted { x -= weight; if x < 0 { return value } }
            return weighted[weighted.count - 1].0
        }
    }

    struct User {
        let id: String
        let registered: Int64
        let propensity: Double
        /// Free users drift away: the last day they come back.
        let activeUntil: Int64
        var plan: (amount: String, interval: String, since: Int64)?
        var churned = false
    }

    static let commands: [(String, Double)] = [
        ("analyze", 30), ("price", 25), ("alert", 10), ("portfolio", 8), ("chart", 8),
        ("news", 6), ("signal", 5), ("help", 4), ("start", 2), ("settings", 2),
    ]
    static let sources: [(String, Double)] = [
        ("organic", 45), ("ref:alice", 8), ("ref:bob", 6), ("ref:crypto_kate", 6),
        ("channel:cryptonews", 15), ("ads:google", 12), ("", 8),
    ]

    /// Data for the `days` days that end at `now` (unix ms).
    public init(seed: UInt64, days: Int, now: Int64) {
        var random = Random(state: seed &* 0x2545_F491_4F6C_DD1D &+ 1)
        let day: Int64 = 86_400_000
        let start = now - Int64(days) * day
        // Subscriptions start and end at a pace that gives about the same
        // premium count whatever the span.
        let pace = 90 / Double(max(days, 1))
        var people: [User] = []
        var taken = Set<String>()
        var raw: [(ms: Int64, fields: [String])] = []
        var hash: [(ms: Int64, change: HashChange)] = []
        func json(_ plan: (amount: String, interval: String, since: Int64)) -> String {
            #"{"plan":"premium","amount":"\#(plan.amount)","currency":"EUR","interval":"\#(plan.interval)","since":\#(plan.since)}"#
        }
        func payment(_ type: String, _ user: String, _ plan: (amount: String, interval: String, since: Int64)) -> [String] {
            ["type", type, "user", user, "amount", plan.amount, "currency", "EUR", "interval", plan.interval, "plan", "premium"]
        }
        func at(_ dayStart: Int64) -> Int64 {
            // Busier in the day (UTC 7:00-22:00) than at night.
            let hour = random.unit() < 0.85 ? 7 + random.below(15) : random.below(24)
            return dayStart + Int64(hour) * 3_600_000 + Int64(random.below(3_600_000))
        }
        for index in 0..<days {
            let dayStart = start + Int64(index) * day
            let weekday = Int(((dayStart / day) % 7 + 7 + 3) % 7)  // 0 = Monday
            let weekend = weekday >= 5
            let growth = Double(index) / Double(max(1, days - 1))
            // About 900 users over any span: a fraction of a registration
            // is one with that probability (long spans have less than one a day).
            let expected = (4.4 + 13 * growth) * (weekend ? 0.8 : 1) * (0.6 + 0.8 * random.unit()) * 90 / Double(max(days, 30))
            let registrations = Int(expected) + (random.unit() < expected - expected.rounded(.down) ? 1 : 0)
            for _ in 0..<registrations {
                var id = String(100_000_000 + random.below(899_999_999))
                while !taken.insert(id).inserted { id = String(100_000_000 + random.below(899_999_999)) }
                let registered = at(dayStart)
                let user = User(id: id, registered: registered, propensity: 0.15 + 0.6 * random.unit() * random.unit(),
                                activeUntil: registered + Int64(-log(1 - random.unit()) * 21 * Double(day)))
                people.append(user)
                hash.append((registered, .register(id, String(registered))))
                let source = random.pick(DemoDataset.sources)
                raw.append((user.registered, ["type", "registration", "user", user.id] + (source.isEmpty ? [] : ["source", source])))
            }
            for position in people.indices {
                var user = people[position]
                guard user.registered < dayStart + day else { continue }
                // Subscriptions start, switch between monthly and yearly, and end.
                if let plan = user.plan {
                    let moment = at(dayStart)
                    if random.unit() < 0.005 * pace, moment <= now, moment > plan.since {
                        raw.append((moment, payment("cancellation", user.id, plan)))
                        hash.append((moment, .unsubscribe(user.id)))
                        user.plan = nil
                        user.churned = true
                    } else if random.unit() < 0.002 * pace, moment <= now, moment > plan.since {
                        // A plan change is a cancellation and a conversion.
                        let yearly = plan.interval == "month"
                        let next = (yearly ? "99.90" : "9.99", yearly ? "year" : "month", moment + 1)
                        raw.append((moment, payment("cancellation", user.id, plan)))
                        raw.append((moment + 1, payment("conversion", user.id, next)))
                        hash.append((moment + 1, .subscribe(user.id, json(next))))
                        user.plan = next
                    }
                } else if random.unit() < 0.0029 * pace * (0.5 + user.propensity * 2) * (user.churned ? 3 : 1) {
                    let yearly = random.unit() < 0.12
                    let moment = max(at(dayStart), user.registered + 1)
                    guard moment <= now else { people[position] = user; continue }
                    let plan = (yearly ? "99.90" : "9.99", yearly ? "year" : "month", moment)
                    raw.append((moment, payment("conversion", user.id, plan)))
                    hash.append((moment, .subscribe(user.id, json(plan))))
                    user.plan = plan
                    // Now and then a refund within the hour.
                    let refund = moment + 600_000 + Int64(random.below(3_000_000))
                    if random.unit() < 0.06, refund <= now {
                        raw.append((refund, payment("cancellation", user.id, plan)))
                        hash.append((refund, .unsubscribe(user.id)))
                        user.plan = nil
                    }
                }
                people[position] = user
                // Activity: premium users come back more often; weekends are quieter.
                let dormant = user.plan == nil && dayStart > user.activeUntil
                let chance = dormant ? 0.01 : min(0.95, user.propensity * (user.plan == nil ? 1 : 1.8) * (weekend ? 0.75 : 1))
                guard random.unit() < chance else { continue }
                for _ in 0..<(1 + random.below(user.plan == nil ? 4 : 7)) {
                    let moment = max(at(dayStart), user.registered + 1)
                    let name = random.pick(DemoDataset.commands)
                    let slow = name == "analyze"
                    let latency = slow ? 700 + random.below(2600) : 60 + random.below(380)
                    raw.append((moment, ["type", "command", "user", user.id, "name", random.unit() < 0.3 ? "/" + name : name,
                                         "latency_ms", String(latency)]))
                    if slow {
                        let cost = 1500 + random.below(4500)  // 0.0015-0.006 USD
                        raw.append((moment + 1, ["type", "api_call", "provider", "openai", "model", "gpt-4o-mini",
                                                 "cost", "0.00\(cost)", "latency_ms", String(latency - 100), "user", user.id]))
                    } else if name == "price" || name == "chart" || name == "portfolio" {
                        raw.append((moment + 1, ["type", "api_call", "provider", "coingecko", "cost", "0.0001",
                                                 "latency_ms", String(40 + random.below(200))]))
                    }
                    if random.unit() < 0.022 {
                        let kind = random.pick([("Timeout", 5), ("RateLimit", 3), ("APIError", 2)])
                        raw.append((moment + 2, ["type", "error", "user", user.id, "name", name, "kind", kind]))
                    }
                }
            }
            // Now and then a bot bug writes something the contract rejects.
            if index % 9 == 4 {
                let malformed: [[String]] = [
                    ["type", "command", "name", "analyze"],
                    ["type", "conversion", "user", "42", "amount", "9,99", "currency", "EUR"],
                    ["type", "command", "user", "42", "name", "price", "latency_ms", "fast"],
                    ["type", "feedback", "user", "42", "text", "great bot"],
                ]
                raw.append((at(dayStart), malformed[random.below(malformed.count)]))
            }
        }
        raw += DemoDataset.outageErrors(raw)
        raw = raw.filter { $0.ms <= now && $0.ms > start }
        raw.sort { $0.ms < $1.ms }
        var previous: Int64 = -1, sequence = 0
        entries.reserveCapacity(raw.count)
        for (ms, fields) in raw {
            sequence = ms == previous ? sequence + 1 : 0
            previous = ms
            entries.append(Entry(ms: ms, id: "\(ms)-\(sequence)", fields: fields))
        }
        users = people.filter { $0.registered <= now }.map { ($0.id, String($0.registered)) }
        subscriptions = people.compactMap { user in user.plan.map { (user.id, json($0)) } }
        changes = hash.enumerated().filter { $0.element.ms <= now && $0.element.ms > start }
            .sorted { ($0.element.ms, $0.offset) < ($1.element.ms, $1.offset) }.map(\.element)
    }
}

extension DemoDataset {
    /// On the 13th of every month, from 06:00 to 12:00 UTC, the demo bot's
    /// AI provider is down: every `analyze` command also fails with a
    /// timeout (so a run with `--now` on such a morning fires
    /// `errors_high`). Decided from the entries alone, so the rest of the
    /// data is the same as without it.
    static func outageErrors(_ raw: [(ms: Int64, fields: [String])]) -> [(ms: Int64, fields: [String])] {
        raw.compactMap { entry in
            let fields = entry.fields
            guard fields.count >= 6, fields[1] == "command", fields[5] == "analyze" || fields[5] == "/analyze" else { return nil }
            let day = LocalDay(ordinal: Int(entry.ms / 86_400_000)), hour = entry.ms % 86_400_000 / 3_600_000
            guard day.components.day == 13, (6..<12).contains(hour) else { return nil }
            return (entry.ms + 3, ["type", "error", "user", fields[3], "name", "analyze", "kind", "Timeout"])
        }
    }

    /// Writes what the bot wrote in (after, through] (XADD, HSET, HDEL),
    /// pipelined in chunks, then trims the stream to its last 30 days as the
    /// contract's `XADD MINID` does.
    public func write(to connection: RedisConnection, prefix: String, after: Int64 = .min, through: Int64 = .max) throws(RedisError) {
        // Both lists are in time order: a day's part is found, not filtered.
        var commands: [[String]] = DemoDataset.span(entries, after: after, through: through, \.ms)
            .map { ["XADD", "\(prefix)events", $0.id] + $0.fields }
        for (_, change) in DemoDataset.span(changes, after: after, through: through, \.ms) {
            switch change {
            case .register(let user, let time): commands.append(["HSET", "\(prefix)users", user, time])
            case .subscribe(let user, let value): commands.append(["HSET", "\(prefix)subscriptions", user, value])
            case .unsubscribe(let user): commands.append(["HDEL", "\(prefix)subscriptions", user])
            }
        }
        if through != .max { commands.append(["XTRIM", "\(prefix)events", "MINID", String(through - 30 * 86_400_000)]) }
        for start in stride(from: 0, to: commands.count, by: 2000) {
            let chunk = commands[start..<min(commands.count, start + 2000)]
            for command in chunk { try connection.append(command) }
            try connection.flush()
            for _ in chunk {
                let reply = try connection.nextReply()
                if case .error(let message) = reply { throw RedisError(kind: .server, message: "demo data: \(message)") }
            }
        }
    }

    /// The elements of a time-ordered list in (after, through].
    static func span<T>(_ list: [T], after: Int64, through: Int64, _ time: (T) -> Int64) -> ArraySlice<T> {
        func firstAfter(_ ms: Int64) -> Int {
            var low = 0, high = list.count
            while low < high {
                let mid = (low + high) / 2
                if time(list[mid]) <= ms { low = mid + 1 } else { high = mid }
            }
            return low
        }
        let start = firstAfter(after)
        return list[start..<max(start, firstAfter(through))]
    }
}
