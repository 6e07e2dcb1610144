/// What the ledger keeps of one local day's entries: the flows, each hour's
/// counts, and the latency values a percentile needs, so that a later run
/// continues the day and any run can write its snapshot again.
///
/// Names are ids of the ledger's interners (`LedgerState`).
public struct DayRecord: Sendable, Equatable {
    /// Hours a record holds: a day has 23, 24 or 25 (24.5 in a zone that
    /// moves by half an hour, the last one cut short).
    public static let hourSlots = 26

    public var eventsRead = 0
    /// Rejections by `Rejection.index`.
    public var rejected = [Int](repeating: 0, count: Rejection.allCases.count)
    public var commands = 0, errors = 0, conversions = 0, cancellations = 0
    public var newMRR = Money.zero, churnedMRR = Money.zero
    public var byCommand: [Int32: Int] = [:]
    /// Commands run by a user paying as of the entry.
    public var byCommandPaying: [Int32: Int] = [:]
    public var bySource: [Int32: Int] = [:]
    public var apiCalls: [Int32: Int] = [:]
    public var apiCost: [Int32: Money] = [:]
    public var apiCostTotal = Money.zero
    /// Command latencies in millionths of a millisecond, as read.
    public var latencies: [Int64] = []
    /// Per hour of the day, by `HourlyKind`: commands, errors,
    /// registrations, conversions, cancellations; one flat array, kind-major.
    public var hourlyCounts = [Int](repeating: 0, count: hourSlots * 5)
    /// Per hour of the day: api costs.
    public var hourlyCost = [Money](repeating: .zero, count: hourSlots)

    /// An empty day.
    public init() {}

    /// The hours of one kind.
    public func hourly(_ kind: HourlyKind) -> ArraySlice<Int> {
        hourlyCounts[kind.rawValue * DayRecord.hourSlots..<(kind.rawValue + 1) * DayRecord.hourSlots]
    }

    /// Counts one event of a kind in an hour.
    @inline(__always)
    public mutating func count(_ kind: HourlyKind, hour: Int) {
        hourlyCounts[kind.rawValue * DayRecord.hourSlots + hour] += 1
    }

    /// The rows of `hourlyCounts`.
    public enum HourlyKind: Int, CaseIterable, Sendable {
        case commands, errors, registrations, conversions, cancellations
    }

    /// Why a valid event is rejected all the same: it would carry one of
    /// the day's amounts past `Snapshot.moneyLimit` (only absurd amounts
    /// at an absurd rate can), which no build could then sum or convert.
    func outOfRange(_ event: ValidEvent) -> Rejection? {
        let limit = Snapshot.moneyLimit
        switch event.type {
        case .conversion: return newMRR + event.monthlyAmount > limit ? .badAmount : nil
        case .cancellation: return churnedMRR + event.monthlyAmount > limit ? .badAmount : nil
        case .apiCall: return apiCostTotal + event.cost > limit ? .badCost : nil
        default: return nil
        }
    }
}
