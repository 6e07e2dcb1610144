/// A week's or a month's figures from its daily snapshots (docs/metrics.md,
/// "Weekly and monthly figures"): flows summed, stocks of the last day,
/// distinct actives where a snapshot holds them, the mean DAU.
public struct PeriodFigures: Sendable, Equatable {
    /// An ISO week or a calendar month.
    public enum Kind: String, Sendable { case week, month }

    /// Week or month.
    public let kind: Kind
    /// `YYYY-Www` or `YYYY-MM`.
    public let name: String
    /// The period's first and last calendar days.
    public let first: LocalDay, last: LocalDay
    /// The snapshots present in the period, oldest first.
    public let days: [Snapshot]
    /// True while the period's last day has no complete snapshot.
    public let inProgress: Bool

    /// Summed flows.
    public var newUsers = 0, conversions = 0, cancellations = 0, commands = 0, errors = 0, eventsRead = 0
    /// Summed money flows.
    public var newMRR = Money.zero, churnedMRR = Money.zero, apiCost = Money.zero, infrastructure = Money.zero
    /// Summed maps, by bytes.
    public var byCommand: [NamedCount] = [], bySource: [NamedCount] = [], rejected: [NamedCount] = []
    /// Summed api figures per provider.
    public var api: [ProviderCost] = []
    /// Distinct active users over the period: `active_7d` of a week's
    /// Sunday, `active_30d` of a month's last day (the trailing 30 days);
    /// nil while that snapshot is missing.
    public var active: Int?
    /// Mean of the days' DAU.
    public var averageDAU: Double?

    /// The snapshot whose stocks the period shows (its latest day).
    public var closing: Snapshot? { days.last }

    /// The period of `kind` that holds `day`.
    public init(kind: Kind, containing day: LocalDay, history: SnapshotHistory) {
        self.kind = kind
        switch kind {
        case .week:
            first = day.adding(days: 1 - day.isoWeekday)
            last = first.adding(days: 6)
            name = day.isoWeekName
        case .month:
            let (year, month, dayOfMonth) = day.components
            first = day.adding(days: 1 - dayOfMonth)
            last = first.adding(days: LocalDay.daysIn(year: year, month: month) - 1)
            name = day.monthName
        }
        days = history.present(endingOn: last, days: last.ordinal - first.ordinal + 1)
        let lastSnapshot = history.snapshot(on: last)
        inProgress = lastSnapshot?.status != .complete
        active = kind == .week ? lastSnapshot?.users.active7d : lastSnapshot?.users.active30d
        averageDAU = days.isEmpty ? nil : Double(days.reduce(0) { $0 + $1.users.active }) / Double(days.count)
        var commandsByName: [Name: Int] = [:], sources: [Name: Int] = [:], reasons: [Name: Int] = [:]
        var providers: [Name: ProviderCost] = [:]
        for snapshot in days {
            newUsers += snapshot.users.new
            conversions += snapshot.revenue.conversions
            cancellations += snapshot.revenue.cancellations
            newMRR += snapshot.revenue.newMRR
            churnedMRR += snapshot.revenue.churnedMRR
            commands += snapshot.engagement.commands
            errors += snapshot.engagement.errors
            apiCost += snapshot.costs.apiTotal
            infrastructure += snapshot.costs.infrastructure
            eventsRead += snapshot.dataQuality.eventsRead
            for item in snapshot.engagement.byCommand { commandsByName[item.name, default: 0] += item.count }
            for item in snapshot.acquisitionBySource { sources[item.name, default: 0] += item.count }
            for item in snapshot.dataQuality.rejected { reasons[item.name, default: 0] += item.count }
            for item in snapshot.costs.api {
                var total = providers[item.provider] ?? ProviderCost(provider: item.provider, calls: 0, cost: .zero)
                total.calls += item.calls
                total.cost += item.cost
                providers[item.provider] = total
            }
        }
        func sorted(_ counts: [Name: Int]) -> [NamedCount] {
            counts.map { NamedCount(name: $0.key, count: $0.value) }.sorted { $0.name < $1.name }
        }
        byCommand = sorted(commandsByName)
        bySource = sorted(sources)
        rejected = sorted(reasons)
        api = providers.values.sorted { $0.provider < $1.provider }
    }

    /// The period before this one.
    public func previous(in history: SnapshotHistory) -> PeriodFigures {
        PeriodFigures(kind: kind, containing: first.adding(days: -1), history: history)
    }

    /// Total cost: api costs plus infrastructure.
    public var totalCost: Money { apiCost + infrastructure }

    /// errors / commands over the period.
    public var errorRate: Ratio? { Ratio(errors, over: commands) }
}
