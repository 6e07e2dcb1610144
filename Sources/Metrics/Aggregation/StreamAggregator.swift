/// Folds stream entries, oldest first, into per-day flows and exact
/// distinct-user windows: the pure core of a snapshot run.
///
/// Users, commands, sources and providers are interned once to dense ids;
/// DAU/WAU/MAU come from each user's last active day and a difference array
/// per window, so the cost per event is constant and the counts are exact.
public struct StreamAggregator {
    /// The run's `now`, unix ms.
    public let now: Int64
    /// The first day of the run (the oldest entry's, or today's).
    public let firstDay: LocalDay
    /// The day that holds `now`.
    public let today: LocalDay
    /// `bounds[i]` is the start of day `i`; one more bound ends today.
    let bounds: [Int64]
    let validator: EventValidator

    var days: [DayTally]
    var future = PaymentTotals()
    var trailing = TrailingActivity()
    private(set) var eventsFrom: Int64?
    private(set) var examples: [RejectionExample] = []
    private var cursor = 0

    var users = ByteInterner(capacity: 1 << 14)
    var commandNames = ByteInterner()
    var sourceNames = ByteInterner()
    var providerNames = ByteInterner()
    private var lastActiveDay: [Int32] = []
    private var covered7: [Int32] = []
    private var covered30: [Int32] = []
    var window7: [Int]
    var window30: [Int]
    private let unknownSource: Int32

    /// Maximum rejection examples kept for the log.
    public static let exampleLimit = 5

    /// An aggregator for a run at `now` whose oldest entry is at `oldestEntryMs`.
    public init(now: Int64, oldestEntryMs: Int64?, calendar: DayCalendar, validator: EventValidator) {
        self.now = now
        self.validator = validator
        today = calendar.day(containing: now)
        let oldest = oldestEntryMs.map { min($0, now) } ?? now
        firstDay = min(calendar.day(containing: oldest), today)
        let count = today.ordinal - firstDay.ordinal + 1
        bounds = calendar.boundaries(from: firstDay, count: count)
        days = Array(repeating: DayTally(), count: count)
        window7 = Array(repeating: 0, count: count + 1)
        window30 = Array(repeating: 0, count: count + 1)
        unknownSource = sourceNames.intern(Array("unknown".utf8))
    }

    /// Days from `firstDay` to `today`.
    public var dayCount: Int { days.count }

    /// Adds one entry, given its ID (`ms-seq`) and fields.
    public mutating func add(id: UnsafeRawBufferPointer, fields: EventFields) {
        guard let ms = StreamAggregator.milliseconds(of: id) else { return }
        if eventsFrom == nil { eventsFrom = ms }
        if ms > now {
            // Later entries only rewind the stocks to now.
            guard case .success(let event) = validator.validate(fields) else { return }
            if event.type == .conversion {
                future.conversions += 1
                future.newMRR += event.monthlyAmount
            } else if event.type == .cancellation {
                future.cancellations += 1
                future.churnedMRR += event.monthlyAmount
            }
            return
        }
        let day = dayIndex(of: ms)
        days[day].eventsRead += 1
        switch validator.validate(fields) {
        case .failure(let reason):
            reject(id: id, day: day, reason)
        case .success(let event):
            if let reason = days[day].outOfRange(event) { reject(id: id, day: day, reason) } else { record(event, day: day, ms: ms) }
        }
    }

    private mutating func reject(id: UnsafeRawBufferPointer, day: Int, _ reason: Rejection) {
        days[day].rejected[reason.index] += 1
        if examples.count < StreamAggregator.exampleLimit {
            examples.append(RejectionExample(entryID: String(decoding: id, as: UTF8.self), reason: reason))
        }
    }

    /// Rejection examples seen so far (at most `exampleLimit`).
    public var rejectionExamples: [RejectionExample] { examples }

    /// What the trailing 24 hours held.
    public var trailingActivity: TrailingActivity { trailing }

    /// Time of the oldest entry added, unix ms.
    public var oldestEntryRead: Int64? { eventsFrom }

    @inline(__always)
    private mutating func dayIndex(of ms: Int64) -> Int {
        if ms >= bounds[cursor] && ms < bounds[cursor + 1] { return cursor }
        if ms >= bounds[cursor] {
            while ms >= bounds[cursor + 1] && cursor + 1 < days.count { cursor += 1 }
            return cursor
        }
        // Out of order (never from XRANGE): find the day without moving on.
        var low = 0, high = days.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if bounds[mid] <= ms { low = mid } else { high = mid - 1 }
        }
        return low
    }

    private mutating func record(_ event: ValidEvent, day: Int, ms: Int64) {
        let inTrailing = ms > now - 86_400_000
        switch event.type {
        case .registration:
            let source = event.source.map { sourceNames.intern($0) } ?? unknownSource
            days[day].bySource[source, default: 0] += 1
            markActive(event.user!, day: day, ms: ms)
        case .command:
            days[day].commands += 1
            days[day].byCommand[commandNames.intern(event.name!), default: 0] += 1
            if let latency = event.latencyMicros { days[day].latencies.append(latency) }
            if inTrailing { trailing.commands += 1 }
            markActive(event.user!, day: day, ms: ms)
        case .error:
            days[day].errors += 1
            if inTrailing { trailing.errors += 1 }
        case .conversion:
            days[day].conversions += 1
            days[day].newMRR += event.monthlyAmount
        case .cancellation:
            days[day].cancellations += 1
            days[day].churnedMRR += event.monthlyAmount
        case .apiCall:
            let provider = providerNames.intern(event.provider!)
            days[day].apiCalls[provider, default: 0] += 1
            days[day].apiCost[provider, default: .zero] += event.cost
            days[day].apiCostTotal += event.cost
            if inTrailing { trailing.apiCost += event.cost }
        }
    }

    @inline(__always)
    private mutating func markActive(_ user: UnsafeRawBufferPointer, day: Int, ms: Int64) {
        trailing.lastActivityMs = max(trailing.lastActivityMs ?? ms, ms)
        let id = Int(users.intern(user))
        if id == lastActiveDay.count {
            lastActiveDay.append(-1)
            covered7.append(-1)
            covered30.append(-1)
        }
        let day32 = Int32(day)
        guard lastActiveDay[id] != day32 else { return }
        lastActiveDay[id] = day32
        days[day].dau += 1
        StreamAggregator.cover(day: day32, width: 7, covered: &covered7[id], diff: &window7)
        StreamAggregator.cover(day: day32, width: 30, covered: &covered30[id], diff: &window30)
    }

    /// Adds the days `day ... day + width - 1` not yet covered for a user
    /// to a window's difference array.
    @inline(__always)
    private static func cover(day: Int32, width: Int32, covered: inout Int32, diff: inout [Int]) {
        let end = day + width - 1
        let start = max(day, covered + 1)
        guard start <= end else { return }
        let last = min(Int(end), diff.count - 2)
        if Int(start) <= last {
            diff[Int(start)] += 1
            diff[last + 1] -= 1
        }
        covered = max(covered, end)
    }

    /// The milliseconds of an entry ID (`ms-seq`). Redis allows up to
    /// 2^64 - 1; a time past Int64's range is clamped (it is after any now).
    @inline(__always)
    public static func milliseconds(of id: UnsafeRawBufferPointer) -> Int64? {
        var value: UInt64 = 0
        var digits = 0
        var overflow = false
        for byte in id {
            if byte == UInt8(ascii: "-") { break }
            guard byte >= 48 && byte <= 57 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(UInt64(byte - 48))
            overflow = overflow || o1 || o2
            value = plus
            digits += 1
        }
        guard digits > 0 else { return nil }
        return overflow || value > UInt64(Int64.max) ? Int64.max : Int64(value)
    }
}

extension StreamAggregator {
    /// Adds an entry from text, for tests and small inputs.
    public mutating func add(id: String, fields: [(String, String)]) {
        add(id: Array(id.utf8), fields: fields.map { (Array($0.0.utf8), Array($0.1.utf8)) })
    }

    /// Adds an entry from bytes (names and values may be any bytes).
    public mutating func add(id: [UInt8], fields: [([UInt8], [UInt8])]) {
        validator.withFields(fields) { parsed in
            id.withUnsafeBytes { add(id: $0, fields: parsed) }
        }
    }
}
