/// The flows of one local day, accumulated from its stream entries.
struct DayTally {
    var eventsRead = 0
    var rejected = [Int](repeating: 0, count: Rejection.allCases.count)
    var commands = 0
    var errors = 0
    var conversions = 0
    var cancellations = 0
    var newMRR = Money.zero
    var churnedMRR = Money.zero
    var dau = 0
    var byCommand: [Int32: Int] = [:]
    var bySource: [Int32: Int] = [:]
    var apiCalls: [Int32: Int] = [:]
    var apiCost: [Int32: Money] = [:]
    var apiCostTotal = Money.zero
    var latencies: [Int64] = []

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

/// What happened in the trailing 24 hours before `now`, and the latest
/// active-user event: the inputs of the alert rules.
public struct TrailingActivity: Sendable, Equatable {
    /// Command events in (now - 24 h, now].
    public var commands = 0
    /// Error events in (now - 24 h, now].
    public var errors = 0
    /// Summed api costs in (now - 24 h, now], in the cost currency.
    public var apiCost = Money.zero
    /// Time of the latest registration or command event at or before now.
    public var lastActivityMs: Int64?

    /// No activity.
    public init() {}
}

/// One rejected entry, for the log: its ID and reason, never its user.
public struct RejectionExample: Sendable, Equatable {
    /// The stream entry ID.
    public let entryID: String
    /// Why it was rejected.
    public let reason: Rejection
}

/// Payments after a stock's instant, which rewind it (metrics.md, "Stocks").
struct PaymentTotals {
    var conversions = 0
    var cancellations = 0
    var newMRR = Money.zero
    var churnedMRR = Money.zero
}
