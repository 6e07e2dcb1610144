/// The figures computed when building (docs/metrics.md, "Derived figures"):
/// nil wherever the page says the figure is undefined, never 0 or NaN.
public struct DerivedFigures: Sendable, Equatable {
    /// 12 × MRR.
    public var arr: Money
    /// MRR / total users.
    public var arpu: Money?
    /// MRR / premium users.
    public var arppu: Money?
    /// premium / total.
    public var conversionRate: Ratio?
    /// errors / commands.
    public var errorRate: Ratio?
    /// DAU / MAU.
    public var stickiness: Ratio?
    /// Cancellations in the 30 days ending on the day / premium 30 days before.
    public var churnRate30d: Ratio?
    /// round6(ARPPU / churn), from the published (rounded) ARPPU.
    public var ltv: Money?
    /// The day's api costs plus infrastructure, in the cost currency.
    public var totalCost: Money
    /// Total cost of the 30 days ending on the day / `active_30d`.
    public var costPerActiveUser: Money?
    /// MRR − round6(total cost of the 30 days × the cost currency's rate).
    public var netMRR: Money?

    /// The figures of `day`; `costRate` converts the cost currency into the
    /// revenue currency (nil when no rate is configured).
    public init(of snapshot: Snapshot, in history: SnapshotHistory, costRate: ExchangeRate?) {
        let day = snapshot.date
        let users = snapshot.users
        let mrr = snapshot.revenue.mrr
        arr = mrr * 12
        arpu = mrr.divided(byCount: users.total)
        arppu = mrr.divided(byCount: users.premium)
        conversionRate = Ratio(users.premium, over: users.total)
        errorRate = Ratio(snapshot.engagement.errors, over: snapshot.engagement.commands)
        stickiness = Ratio(users.active, over: users.active30d)
        if let start = history.snapshot(on: day.adding(days: -30)) {
            let cancellations = history.present(endingOn: day, days: 30).reduce(0) { $0 + $1.revenue.cancellations }
            churnRate30d = Ratio(cancellations, over: start.users.premium)
        }
        if let arppu, let churn = churnRate30d, churn.numerator != 0 {
            ltv = arppu.divided(by: churn)
        }
        totalCost = snapshot.costs.apiTotal + snapshot.costs.infrastructure
        if let window = history.window(endingOn: day, days: 30) {
            let cost = window.reduce(Money.zero) { $0 + $1.costs.apiTotal + $1.costs.infrastructure }
            costPerActiveUser = users.active30d > 0 ? cost.divided(byCount: users.active30d) : nil
            if let costRate {
                netMRR = mrr - (costRate == .one ? cost : cost.converted(by: costRate))
            }
        }
    }
}
