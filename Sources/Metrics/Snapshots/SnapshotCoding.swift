import Glibc

/// The snapshot file's exact layout: keys in docs/metrics.md's order, maps
/// sorted by bytes, two-space indentation, same input, same bytes.
extension Snapshot {
    /// The snapshot as a JSON document.
    public var json: JSONValue {
        func counts(_ list: [NamedCount]) -> JSONValue { .counts(list.sorted { $0.name < $1.name }) }
        let v2 = analytics
        return .object([
            JSONMember("schema_version", .int(schemaVersion)),
            JSONMember("date", .text(date.description)),
            JSONMember("timezone", .text(timezone)),
            JSONMember("status", .text(status.rawValue)),
            JSONMember("captured_at", .text(Timestamp.format(ms: capturedAt))),
            JSONMember("coverage", .object([
                JSONMember("events_from", .instant(coverage.eventsFrom)),
                JSONMember("windows_complete", .bool(coverage.windowsComplete)),
            ])),
            JSONMember("users", .object([
                JSONMember("total", .int(users.total)),
                JSONMember("premium", .int(users.premium)),
                JSONMember("free", .int(users.free)),
                JSONMember("new", .int(users.new)),
                JSONMember("active", .int(users.active)),
                JSONMember("active_7d", .int(users.active7d)),
                JSONMember("active_30d", .int(users.active30d)),
            ])),
            JSONMember("revenue", .object([
                JSONMember("currency", .text(revenue.currency)),
                JSONMember("mrr", .money(revenue.mrr)),
                JSONMember("conversions", .int(revenue.conversions)),
                JSONMember("cancellations", .int(revenue.cancellations)),
                JSONMember("new_mrr", .money(revenue.newMRR)),
                JSONMember("churned_mrr", .money(revenue.churnedMRR)),
            ] + (v2?.revenueMembers ?? []))),
            JSONMember("engagement", .object([
                JSONMember("commands", .int(engagement.commands)),
                JSONMember("errors", .int(engagement.errors)),
                JSONMember("by_command", counts(engagement.byCommand)),
                JSONMember("latency_ms", .object([
                    JSONMember("p50", .latency(engagement.latencyP50Micros)),
                    JSONMember("p95", .latency(engagement.latencyP95Micros)),
                ])),
            ] + (v2.map { [JSONMember("by_command_paying", $0.byCommandPaying.map { counts($0) } ?? .null)] } ?? []))),
            JSONMember("costs", .object([
                JSONMember("currency", .text(costs.currency)),
                JSONMember("api", .providers(costs.api.sorted { $0.provider < $1.provider })),
                JSONMember("api_total", .money(costs.apiTotal)),
                JSONMember("infrastructure", .money(costs.infrastructure)),
            ])),
            JSONMember("acquisition", .object([
                JSONMember("by_source", counts(acquisitionBySource)),
            ])),
            JSONMember("data_quality", .object([
                JSONMember("events_read", .int(dataQuality.eventsRead)),
                JSONMember("rejected", counts(dataQuality.rejected)),
            ] + (v2.map { [JSONMember("unread_gap", .bool($0.unreadGap))] } ?? []))),
        ] + (v2?.trailingMembers ?? []))
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] { json.serialized() }

    /// Why a snapshot file could not be read.
    public struct DecodingFailure: Error, CustomStringConvertible {
        /// The field or problem.
        public let description: String
    }

    /// Reads a snapshot file's bytes.
    public init(decoding bytes: [UInt8]) throws(DecodingFailure) {
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch { throw DecodingFailure(description: "not JSON: \(error)") }
        guard let version = root["schema_version"]?.intValue else { throw DecodingFailure(description: "no schema_version") }
        guard version == 1 || version == 2 else { throw DecodingFailure(description: "schema_version \(version) is not supported (expected 1 or 2)") }
        let reader = FieldReader(root: root)
        self.init(
            date: try reader.day("date"), timezone: try reader.string("timezone"),
            status: try reader.status("status"), capturedAt: try reader.instant("captured_at"),
            coverage: Coverage(eventsFrom: try reader.optionalInstant("coverage.events_from"),
                               windowsComplete: try reader.bool("coverage.windows_complete")),
            revenueCurrency: try reader.string("revenue.currency"), costCurrency: try reader.string("costs.currency"))
        users = Users(total: try reader.int("users.total"), premium: try reader.int("users.premium"),
                      free: try reader.int("users.free"), new: try reader.int("users.new"),
                      active: try reader.int("users.active"), active7d: try reader.int("users.active_7d"),
                      active30d: try reader.int("users.active_30d"))
        revenue.mrr = try reader.money("revenue.mrr")
        revenue.conversions = try reader.int("revenue.conversions")
        revenue.cancellations = try reader.int("revenue.cancellations")
        revenue.newMRR = try reader.money("revenue.new_mrr")
        revenue.churnedMRR = try reader.money("revenue.churned_mrr")
        engagement.commands = try reader.int("engagement.commands")
        engagement.errors = try reader.int("engagement.errors")
        engagement.byCommand = try reader.counts("engagement.by_command")
        engagement.latencyP50Micros = try reader.latency("engagement.latency_ms.p50")
        engagement.latencyP95Micros = try reader.latency("engagement.latency_ms.p95")
        for member in try reader.members("costs.api") {
            let inner = FieldReader(root: member.value, prefix: "costs.api.\(Name(bytes: member.key))")
            costs.api.append(ProviderCost(provider: Name(bytes: member.key), calls: try inner.int("calls"), cost: try inner.money("cost")))
        }
        costs.apiTotal = try reader.money("costs.api_total")
        costs.infrastructure = try reader.money("costs.infrastructure")
        acquisitionBySource = try reader.counts("acquisition.by_source")
        dataQuality.eventsRead = try reader.int("data_quality.events_read")
        dataQuality.rejected = try reader.counts("data_quality.rejected")
        if version == 2 { analytics = try SnapshotAnalytics(reading: reader) }
        if let problem = rangeProblem() { throw DecodingFailure(description: problem) }
    }
}

/// Typed access to dotted paths of a snapshot document.
struct FieldReader {
    let root: JSONValue
    var prefix = ""

    func value(_ path: String) throws(Snapshot.DecodingFailure) -> JSONValue {
        // Keys are compared as bytes, without a String or array per step:
        // a build reads some 200 fields from each of a thousand files.
        var path = path
        let found: JSONValue? = path.withUTF8 { bytes in
            var node = root
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: ".") { end += 1 }
                if end > start {
                    guard case .object(let members) = node else { return nil }
                    let part = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<end])
                    guard let next = members.last(where: { member in
                        member.key.count == part.count && member.key.withUnsafeBytes { memcmp($0.baseAddress!, part.baseAddress!, part.count) == 0 }
                    }) else { return nil }
                    node = next.value
                }
                start = end + 1
            }
            return node
        }
        guard let found else { throw missing(path) }
        return found
    }

    func missing(_ path: String) -> Snapshot.DecodingFailure {
        Snapshot.DecodingFailure(description: "\(prefix.isEmpty ? "" : prefix + ".")\(path): missing or of the wrong type")
    }

    func string(_ path: String) throws(Snapshot.DecodingFailure) -> String {
        guard let text = try value(path).stringValue else { throw missing(path) }
        return text
    }

    func int(_ path: String) throws(Snapshot.DecodingFailure) -> Int {
        let node = try value(path)
        guard node.isInteger, let number = node.intValue else { throw missing(path) }
        return number
    }

    func bool(_ path: String) throws(Snapshot.DecodingFailure) -> Bool {
        guard case .bool(let flag) = try value(path) else { throw missing(path) }
        return flag
    }

    func day(_ path: String) throws(Snapshot.DecodingFailure) -> LocalDay {
        guard let day = LocalDay(try string(path)) else { throw missing(path) }
        return day
    }

    func status(_ path: String) throws(Snapshot.DecodingFailure) -> Snapshot.Status {
        guard let status = Snapshot.Status(rawValue: try string(path)) else { throw missing(path) }
        return status
    }

    func instant(_ path: String) throws(Snapshot.DecodingFailure) -> Int64 {
        guard case .instant(let ms)? = Timestamp.parse(try string(path)) else { throw missing(path) }
        return ms
    }

    func optionalInstant(_ path: String) throws(Snapshot.DecodingFailure) -> Int64? {
        if case .null = try value(path) { return nil }
        return try instant(path)
    }

    func money(_ path: String) throws(Snapshot.DecodingFailure) -> Money {
        // As bytes: a thousand files hold some twenty amounts each.
        guard case .string(let bytes) = try value(path) else { throw missing(path) }
        let negative = bytes.first == UInt8(ascii: "-")
        guard let amount = Money(decimal: bytes[(negative ? 1 : 0)...], maxIntegerDigits: 24) else { throw missing(path) }
        return negative ? Money(micros: -amount.micros) : amount
    }

    func latency(_ path: String) throws(Snapshot.DecodingFailure) -> Int64? {
        let node = try value(path)
        if case .null = node { return nil }
        guard case .number(let text) = node, let amount = Money(decimal: text.utf8, maxIntegerDigits: 12) else {
            throw missing(path)
        }
        return Int64(amount.micros)
    }

    func members(_ path: String) throws(Snapshot.DecodingFailure) -> [JSONMember] {
        guard case .object(let members) = try value(path) else { throw missing(path) }
        return members
    }

    func counts(_ path: String) throws(Snapshot.DecodingFailure) -> [NamedCount] {
        var list: [NamedCount] = []
        for member in try members(path) {
            guard member.value.isInteger, let count = member.value.intValue else { throw missing(path) }
            list.append(NamedCount(name: Name(bytes: member.key), count: count))
        }
        return list
    }
}
