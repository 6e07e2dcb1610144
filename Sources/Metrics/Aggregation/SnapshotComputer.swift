/// Turns aggregated flows and the hashes' present state into one snapshot
/// per day: stocks rewound, windows summed, maps sorted. Pure: no I/O.
public struct SnapshotComputer {
    /// The zone's days.
    public let calendar: DayCalendar
    /// The revenue currency code.
    public let revenueCurrency: String
    /// The cost currency code.
    public let costCurrency: String
    /// Monthly infrastructure costs, in the cost currency.
    public let infrastructure: [Money]

    /// A computer for a configuration's currencies and costs.
    public init(calendar: DayCalendar, revenueCurrency: String, costCurrency: String, infrastructure: [Money]) {
        self.calendar = calendar
        self.revenueCurrency = revenueCurrency
        self.costCurrency = costCurrency
        self.infrastructure = infrastructure
    }

    /// One snapshot per day from the aggregator's first day to today.
    public func snapshots(from stream: StreamAggregator, accounts: AccountState) -> [Snapshot] {
        let count = stream.dayCount
        var after = stream.future  // payments at or after the end of the day being built
        var result: [Snapshot] = []
        result.reserveCapacity(count)
        var active7 = 0, active30 = 0
        var prefix7: [Int] = [], prefix30: [Int] = []
        for i in 0..<count {
            active7 += stream.window7[i]
            active30 += stream.window30[i]
            prefix7.append(active7)
            prefix30.append(active30)
        }
        for i in stride(from: count - 1, through: 0, by: -1) {
            let tally = stream.days[i]
            let day = stream.firstDay.adding(days: i)
            let isToday = i == count - 1
            var snapshot = Snapshot(
                date: day, timezone: calendar.timeZoneName, status: isToday ? .partial : .complete,
                capturedAt: stream.now,
                coverage: coverage(of: day, eventsFrom: stream.oldestEntryRead),
                revenueCurrency: revenueCurrency, costCurrency: costCurrency)
            let start = stream.bounds[i]
            let total = isToday ? accounts.registered(atOrBefore: stream.now) : accounts.registered(before: stream.bounds[i + 1])
            let premium = accounts.premium - after.conversions + after.cancellations
            snapshot.users = Snapshot.Users(
                total: total, premium: premium, free: total - premium,
                new: total - accounts.registered(before: start),
                active: tally.dau, active7d: prefix7[i], active30d: prefix30[i])
            snapshot.revenue.mrr = accounts.mrr - after.newMRR + after.churnedMRR
            snapshot.revenue.conversions = tally.conversions
            snapshot.revenue.cancellations = tally.cancellations
            snapshot.revenue.newMRR = tally.newMRR
            snapshot.revenue.churnedMRR = tally.churnedMRR
            snapshot.engagement = engagement(of: tally, names: stream.commandNames)
            snapshot.costs.api = tally.apiCalls.map { provider, calls in
                ProviderCost(provider: Name(bytes: stream.providerNames.bytes(of: provider)), calls: calls,
                             cost: tally.apiCost[provider] ?? .zero)
            }.sorted { $0.provider < $1.provider }
            snapshot.costs.apiTotal = tally.apiCost.values.reduce(.zero, +)
            snapshot.costs.infrastructure = infrastructureCost(of: day)
            snapshot.acquisitionBySource = SnapshotComputer.named(tally.bySource, stream.sourceNames)
            snapshot.dataQuality.eventsRead = tally.eventsRead
            var rejected = tally.rejected
            rejected[Rejection.badRegisteredAt.index] += accounts.badRegistrations
            rejected[Rejection.badSubscription.index] += accounts.badSubscriptions
            snapshot.dataQuality.rejected = Rejection.allCases.sorted().compactMap { reason in
                rejected[reason.index] > 0 ? NamedCount(name: Name(reason.rawValue), count: rejected[reason.index]) : nil
            }
            result.append(snapshot)
            after.conversions += tally.conversions
            after.cancellations += tally.cancellations
            after.newMRR += tally.newMRR
            after.churnedMRR += tally.churnedMRR
        }
        return result.reversed()
    }

    /// Σ over items of round6(monthly / days in the day's month).
    public func infrastructureCost(of day: LocalDay) -> Money {
        infrastructure.reduce(.zero) { $0 + $1.divided(by: day.daysInMonth) }
    }

    /// True when every event of the 30-day window ending on `day` was read.
    public func coverage(of day: LocalDay, eventsFrom: Int64?) -> Snapshot.Coverage {
        guard let eventsFrom else { return Snapshot.Coverage(eventsFrom: nil, windowsComplete: false) }
        return Snapshot.Coverage(eventsFrom: eventsFrom,
                                 windowsComplete: calendar.start(of: day.adding(days: -29)) >= eventsFrom)
    }

    private func engagement(of tally: DayTally, names: ByteInterner) -> Snapshot.Engagement {
        var result = Snapshot.Engagement()
        result.commands = tally.commands
        result.errors = tally.errors
        result.byCommand = SnapshotComputer.named(tally.byCommand, names)
        let latencies = tally.latencies.sorted()
        result.latencyP50Micros = SnapshotComputer.nearestRank(50, of: latencies)
        result.latencyP95Micros = SnapshotComputer.nearestRank(95, of: latencies)
        return result
    }

    /// Nearest-rank percentile: the value at 1-based rank ceil(p/100 × n).
    public static func nearestRank(_ percent: Int, of sorted: [Int64]) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let rank = (percent * sorted.count + 99) / 100
        return sorted[max(rank, 1) - 1]
    }

    private static func named(_ counts: [Int32: Int], _ names: ByteInterner) -> [NamedCount] {
        counts.map { NamedCount(name: Name(bytes: names.bytes(of: $0.key)), count: $0.value) }.sorted { $0.name < $1.name }
    }
}
