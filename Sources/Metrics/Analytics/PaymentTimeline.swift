/// Every payment entry a run knows (the ledger's, then those read after
/// `now`), in stream order, with the rewinds of docs/metrics.md and
/// docs/analytics.md: a stock at t is the present one minus what came at
/// or after t.
public struct PaymentTimeline: Sendable {
    /// The payments, oldest first.
    public let payments: [LedgerPayment]
    /// `suffix[i]`: totals of `payments[i...]`.
    private let suffix: [Totals]
    /// Each user's payments, as indices into `payments`.
    private let byUser: [Int64: [Int]]

    /// Counts and MRR of a run of payments.
    public struct Totals: Sendable {
        public var conversions = 0, cancellations = 0
        public var newMRR = Money.zero, churnedMRR = Money.zero
    }

    /// A timeline of applied payments followed by those after `now`.
    public init(applied: [LedgerPayment], future: [LedgerPayment]) {
        payments = applied + future
        var totals = [Totals](repeating: Totals(), count: payments.count + 1)
        for i in stride(from: payments.count - 1, through: 0, by: -1) {
            var t = totals[i + 1]
            if payments[i].isConversion { t.conversions += 1; t.newMRR += payments[i].monthly }
            else { t.cancellations += 1; t.churnedMRR += payments[i].monthly }
            totals[i] = t
        }
        suffix = totals
        var users: [Int64: [Int]] = [:]
        for (i, p) in payments.enumerated() { users[p.pseudonym, default: []].append(i) }
        byUser = users
    }

    /// The first payment at or after an instant.
    public func firstIndex(atOrAfter ms: Int64) -> Int {
        var low = 0, high = payments.count
        while low < high {
            let mid = (low + high) / 2
            if payments[mid].ms < ms { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Totals of the payments at or after an instant.
    public func totals(atOrAfter ms: Int64) -> Totals { suffix[firstIndex(atOrAfter: ms)] }

    /// Payments at or after an instant.
    public func payments(atOrAfter ms: Int64) -> ArraySlice<LedgerPayment> { payments[firstIndex(atOrAfter: ms)...] }

    /// Payments in [from, to).
    public func payments(from: Int64, to: Int64) -> ArraySlice<LedgerPayment> {
        payments[firstIndex(atOrAfter: from)..<max(firstIndex(atOrAfter: from), firstIndex(atOrAfter: to))]
    }

    /// MRR_u(t): the present subscription rewound by u's payments at or after t.
    public func mrr(of pseudonym: Int64, at ms: Int64, present: Money) -> Money {
        var value = present
        for i in byUser[pseudonym] ?? [] where payments[i].ms >= ms { value -= payments[i].signedMonthly }
        return value
    }

    /// MRR_u just before the ledger's first entry: rewound by all of u's payments.
    public func mrrBeforeAll(of pseudonym: Int64, present: Money) -> Money {
        (byUser[pseudonym] ?? []).reduce(present) { $0 - payments[$1].signedMonthly }
    }

    /// True when u has a conversion entry in [from, to) at or before `now`.
    public func hasConversion(of pseudonym: Int64, from: Int64, to: Int64, now: Int64) -> Bool {
        for i in byUser[pseudonym] ?? [] {
            let p = payments[i]
            if p.isConversion && p.ms >= from && p.ms < to && p.ms <= now { return true }
        }
        return false
    }

    /// True when u has a conversion entry before an instant.
    public func convertedBefore(_ pseudonym: Int64, _ ms: Int64) -> Bool {
        (byUser[pseudonym] ?? []).contains { payments[$0].isConversion && payments[$0].ms < ms }
    }

    /// Users with a payment.
    public var users: Dictionary<Int64, [Int]>.Keys { byUser.keys }
}
