/// MRR movements, the plan and interval mix, and paying customers over
/// 30 days (docs/analytics.md), from the payment timeline and the present
/// subscriptions. Pure.
public struct RevenueFigures {
    /// The payments.
    public let timeline: PaymentTimeline
    /// The present subscriptions.
    public let hash: HashState

    private let presentPlans: [Name: SnapshotAnalytics.Mix]
    private let presentIntervals: [SnapshotAnalytics.Mix]

    /// Figures over a timeline and the hashes.
    public init(timeline: PaymentTimeline, hash: HashState) {
        self.timeline = timeline
        self.hash = hash
        var plans: [Name: SnapshotAnalytics.Mix] = [:]
        var intervals = [SnapshotAnalytics.Mix(), SnapshotAnalytics.Mix()]
        for subscription in hash.subscriptions.values {
            plans[Name(bytes: subscription.plan), default: .init()].subscriptions += 1
            plans[Name(bytes: subscription.plan), default: .init()].mrr += subscription.monthly
            intervals[subscription.yearly ? 1 : 0].subscriptions += 1
            intervals[subscription.yearly ? 1 : 0].mrr += subscription.monthly
        }
        presentPlans = plans
        presentIntervals = intervals
    }

    private func present(_ pseudonym: Int64) -> Money { hash.subscriptions[pseudonym]?.monthly ?? .zero }

    private func clamped(_ value: Money) -> Money { value < .zero ? .zero : value }

    /// Movements of a day [start, end): amounts and users by kind, and what
    /// they leave unexplained of the rewound MRR's change.
    public func movements(start: Int64, end: Int64) -> (amounts: [Money], users: [Int], unexplained: Money) {
        var amounts = [Money](repeating: .zero, count: 5), users = [Int](repeating: 0, count: 5)
        var seen = Set<Int64>()
        for payment in timeline.payments(from: start, to: end) where seen.insert(payment.pseudonym).inserted {
            let u = payment.pseudonym
            let a = clamped(timeline.mrr(of: u, at: start, present: present(u)))
            let b = clamped(timeline.mrr(of: u, at: end, present: present(u)))
            let kind: SnapshotAnalytics.Movement
            let amount: Money
            if a == .zero && b > .zero {
                kind = paidBefore(u, start) ? .reactivation : .new
                amount = b
            } else if a > .zero && b > a {
                (kind, amount) = (.expansion, b - a)
            } else if b > .zero && b < a {
                (kind, amount) = (.contraction, a - b)
            } else if a > .zero && b == .zero {
                (kind, amount) = (.churn, a)
            } else {
                continue
            }
            amounts[kind.rawValue] += amount
            users[kind.rawValue] += 1
        }
        let mrrStart = hash.mrr - net(atOrAfter: start), mrrEnd = hash.mrr - net(atOrAfter: end)
        let net = amounts[0] + amounts[1] + amounts[4] - amounts[2] - amounts[3]
        return (amounts, users, mrrEnd - mrrStart - net)
    }

    private func net(atOrAfter ms: Int64) -> Money {
        let t = timeline.totals(atOrAfter: ms)
        return t.newMRR - t.churnedMRR
    }

    /// u paid before an instant: a conversion entry before it, or an MRR
    /// above zero before the ledger's first entry.
    func paidBefore(_ pseudonym: Int64, _ start: Int64) -> Bool {
        if timeline.convertedBefore(pseudonym, start) { return true }
        return timeline.mrrBeforeAll(of: pseudonym, present: present(pseudonym)) > .zero
    }

    /// Subscriptions and MRR by plan and by interval at an instant: the
    /// present ones rewound by the payments at or after it.
    public func mix(at ms: Int64) -> (byPlan: [(plan: Name, mix: SnapshotAnalytics.Mix)], month: SnapshotAnalytics.Mix, year: SnapshotAnalytics.Mix) {
        var plans = presentPlans, intervals = presentIntervals
        for payment in timeline.payments(atOrAfter: ms) {
            let sign = payment.isConversion ? -1 : 1
            let name = Name(bytes: payment.plan)
            plans[name, default: .init()].subscriptions += sign
            plans[name, default: .init()].mrr += payment.isConversion ? Money(micros: -payment.monthly.micros) : payment.monthly
            intervals[payment.yearly ? 1 : 0].subscriptions += sign
            intervals[payment.yearly ? 1 : 0].mrr += payment.isConversion ? Money(micros: -payment.monthly.micros) : payment.monthly
        }
        let list = plans.filter { $0.value.subscriptions != 0 || $0.value.mrr != .zero }
            .map { (plan: $0.key, mix: $0.value) }.sorted { $0.plan < $1.plan }
        return (list, intervals[0], intervals[1])
    }

    /// Paying customers from `windowStart` to `end`.
    public func retention30(windowStart: Int64, end: Int64) -> SnapshotAnalytics.Retention30 {
        var result = SnapshotAnalytics.Retention30()
        var candidates = Set(hash.subscriptions.keys)
        for payment in timeline.payments(atOrAfter: windowStart) { candidates.insert(payment.pseudonym) }
        for u in candidates {
            let a = timeline.mrr(of: u, at: windowStart, present: present(u))
            guard a > .zero else { continue }
            let b = clamped(timeline.mrr(of: u, at: end, present: present(u)))
            result.customersStart += 1
            result.mrrStart += a
            if b > .zero { result.customersRetained += 1 }
            result.mrrRetained += min(a, b)
            result.mrrNow += b
        }
        return result
    }
}
