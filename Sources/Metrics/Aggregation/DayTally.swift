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

/// Payments after a stock's instant, which rewind it (docs/metrics.md, "Stocks").
struct PaymentTotals {
    var conversions = 0
    var cancellations = 0
    var newMRR = Money.zero
    var churnedMRR = Money.zero
}
