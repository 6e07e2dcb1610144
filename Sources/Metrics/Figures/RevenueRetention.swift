/// The version 2 figures of docs/analytics.md ("Derived figures in version
/// 2"): churn, revenue retention, quick ratio, retention day N and the
/// funnel's rates, each nil where the page says it is undefined.
public struct RevenueRetention: Sendable, Equatable {
    /// 1 − customers_retained / customers_start.
    public var churnRate30d: Ratio?
    /// mrr_retained / mrr_start.
    public var grr30d: Ratio?
    /// mrr_now / mrr_start.
    public var nrr30d: Ratio?

    /// The figures of a snapshot's `retention_30d`.
    public init(_ retention: SnapshotAnalytics.Retention30?) {
        guard let r = retention else { return }
        churnRate30d = Ratio(r.customersStart - r.customersRetained, over: r.customersStart)
        grr30d = Ratio(r.mrrRetained, over: r.mrrStart)
        nrr30d = Ratio(r.mrrNow, over: r.mrrStart)
    }

    /// Movements summed over days, or nil when one of them lacks them.
    public static func movements<Days: Collection<Snapshot>>(of days: Days) -> [Money]? {
        var total = [Money](repeating: .zero, count: 5)
        for day in days {
            guard let movements = day.analytics?.movements else { return nil }
            for i in 0..<5 { total[i] += movements[i] }
        }
        return days.isEmpty ? nil : total
    }

    /// (new + expansion + reactivation) / (contraction + churn).
    public static func quickRatio(_ movements: [Money]?) -> Ratio? {
        guard let m = movements else { return nil }
        return Ratio(m[0] + m[1] + m[4], over: m[2] + m[3])
    }

    /// Net MRR change of the movements.
    public static func net(_ movements: [Money]) -> Money { movements[0] + movements[1] + movements[4] - movements[2] - movements[3] }
}

/// Retention day N and the funnel's rates of one snapshot.
public struct CohortRates: Sendable, Equatable {
    /// Day 1, 7 and 30.
    public var dayN: [Ratio?] = [nil, nil, nil]
    /// Activated / registered (7-day funnel).
    public var activation: Ratio?
    /// Returned / activated.
    public var returnRate: Ratio?
    /// Converted / registered within 7 days.
    public var conversion7d: Ratio?
    /// Converted / registered within 30 days.
    public var conversion30d: Ratio?

    /// The rates of a snapshot's version 2 fields.
    public init(_ analytics: SnapshotAnalytics?) {
        guard let a = analytics else { return }
        if let cohorts = a.dayN { dayN = cohorts.map { Ratio($0.active, over: $0.size) } }
        if let f = a.funnel7 {
            activation = Ratio(f.activated, over: f.registered)
            returnRate = Ratio(f.returned, over: f.activated)
            conversion7d = Ratio(f.converted, over: f.registered)
        }
        if let f = a.funnel30 { conversion30d = Ratio(f.converted, over: f.registered) }
    }
}
