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
    /// Customers of 30 days before lost by the end of the day (docs/analytics.md).
    public var churnRate30d: Ratio?
    /// Gross revenue retention over the 30 days.
    public var grr30d: Ratio?
    /// Net revenue retention over the 30 days.
    public var nrr30d: Ratio?
    /// Movements up over movements down, the 30 days ending on the day.
    public var quickRatio: Ratio?
    /// Retention day N and the funnel's rates.
    public var cohorts: CohortRates
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
        let retention = RevenueRetention(snapshot.analytics?.retention30d)
        churnRate30d = retention.churnRate30d
        grr30d = retention.grr30d
        nrr30d = retention.nrr30d
        let window = history.window(endingOn: day, days: 30)
        if let window {
            quickRatio = RevenueRetention.quickRatio(RevenueRetention.movements(of: window))
        }
        cohorts = CohortRates(snapshot.analytics)
        if let arppu, let churn = churnRate30d, churn.numerator != 0 {
            ltv = arppu.divided(by: churn)
        }
        totalCost = snapshot.costs.apiTotal + snapshot.costs.infrastructure
        if let window {
            let cost = window.reduce(Money.zero) { $0 + $1.costs.apiTotal + $1.costs.infrastructure }
            costPerActiveUser = users.active30d > 0 ? cost.divided(byCount: users.active30d) : nil
            if let costRate {
                netMRR = mrr - (costRate == .one ? cost : cost.converted(by: costRate))
            }
        }
    }
}
