/// Computes version 2 snapshots from the ledger, the hashes and `now`:
/// the flows from the day records, the stocks rewound through the payment
/// timeline, the per-user figures on the days the ledger covers. Pure.
public struct LedgerSnapshotComputer {
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

    /// The first day a ledger has snapshots for: its first entry's, or today's.
    public func firstDay(of state: LedgerState, now: Int64) -> LocalDay {
        calendar.day(containing: min(state.meta.eventsFrom ?? now, now))
    }

    /// The earliest registration time a cohort of these days looks at: the
    /// 12th week before the first one's, or its day − 30.
    public func earliestCohortStart(of days: [LocalDay]) -> Int64 {
        guard let first = days.first else { return .max }
        let monday = first.adding(days: 1 - first.isoWeekday)
        return calendar.start(of: min(monday.adding(days: -77), first.adding(days: -30)))
    }

    /// Snapshots of `days` (ascending, none after today's).
    public func snapshots(of days: [LocalDay], state: LedgerState, hash: HashState, future: [LedgerPayment], now: Int64) -> [Snapshot] {
        guard let first = days.first, let last = days.last else { return [] }
        let timeline = PaymentTimeline(applied: state.payments, future: future)
        let revenue = RevenueFigures(timeline: timeline, hash: hash)
        let cohorts = CohortFigures(calendar: calendar, state: state, hash: hash, timeline: timeline, now: now)
        let activity = ActivityIndex(users: state.users, first: first.ordinal, last: last.ordinal)
        let today = calendar.day(containing: now)
        return days.map { day in
            snapshot(of: day, isToday: day == today, state: state, hash: hash, now: now,
                     revenue: revenue, cohorts: cohorts, activity: activity)
        }
    }

    private func snapshot(of day: LocalDay, isToday: Bool, state: LedgerState, hash: HashState, now: Int64,
                          revenue: RevenueFigures, cohorts: CohortFigures, activity: ActivityIndex) -> Snapshot {
        let start = calendar.start(of: day), dayEnd = calendar.start(of: day.adding(days: 1))
        // A stock at the end of the day in progress is the one just after now.
        let end = isToday ? now + 1 : dayEnd
        let record = state.days[day.ordinal] ?? DayRecord()
        let eventsFrom = state.meta.eventsFrom
        var snapshot = Snapshot(
            date: day, timezone: calendar.timeZoneName, status: isToday ? .partial : .complete, capturedAt: now,
            coverage: Snapshot.Coverage(eventsFrom: eventsFrom,
                                        windowsComplete: eventsFrom.map { calendar.start(of: day.adding(days: -29)) >= $0 } ?? false),
            revenueCurrency: revenueCurrency, costCurrency: costCurrency)
        let after = revenue.timeline.totals(atOrAfter: end)
        let total = isToday ? hash.registered(atOrBefore: now) : hash.registered(before: dayEnd)
        let premium = hash.subscriptions.count - after.conversions + after.cancellations
        let slot = activity.slot(day)
        snapshot.users = Snapshot.Users(
            total: total, premium: premium, free: total - premium, new: total - hash.registered(before: start),
            active: slot.map { activity.dau[$0] } ?? 0, active7d: slot.map { activity.wau[$0] } ?? 0,
            active30d: slot.map { activity.mau[$0] } ?? 0)
        snapshot.revenue.mrr = hash.mrr - after.newMRR + after.churnedMRR
        snapshot.revenue.conversions = record.conversions
        snapshot.revenue.cancellations = record.cancellations
        snapshot.revenue.newMRR = record.newMRR
        snapshot.revenue.churnedMRR = record.churnedMRR
        snapshot.engagement = engagement(of: record, names: state.commandNames)
        snapshot.costs.api = record.apiCalls.map { provider, calls in
            ProviderCost(provider: Name(bytes: state.providerNames.bytes(of: provider)), calls: calls, cost: record.apiCost[provider] ?? .zero)
        }.sorted { $0.provider < $1.provider }
        snapshot.costs.apiTotal = record.apiCostTotal
        snapshot.costs.infrastructure = infrastructure.reduce(.zero) { $0 + $1.divided(by: day.daysInMonth) }
        snapshot.acquisitionBySource = LedgerSnapshotComputer.named(record.bySource, state.sourceNames)
        snapshot.dataQuality.eventsRead = record.eventsRead
        var rejected = record.rejected
        rejected[Rejection.badRegisteredAt.index] += hash.badRegistrations
        rejected[Rejection.badSubscription.index] += hash.badSubscriptions
        snapshot.dataQuality.rejected = Rejection.allCases.sorted().compactMap { reason in
            rejected[reason.index] > 0 ? NamedCount(name: Name(reason.rawValue), count: rejected[reason.index]) : nil
        }
        snapshot.analytics = analytics(of: day, isToday: isToday, start: start, end: end, dayEnd: dayEnd, record: record,
                                       state: state, revenue: revenue, cohorts: cohorts, activity: activity, slot: slot, now: now)
        return snapshot
    }

    private func analytics(of day: LocalDay, isToday: Bool, start: Int64, end: Int64, dayEnd: Int64, record: DayRecord,
                           state: LedgerState, revenue: RevenueFigures, cohorts: CohortFigures,
                           activity: ActivityIndex, slot: Int?, now: Int64) -> SnapshotAnalytics {
        var figures = SnapshotAnalytics()
        let hours = isToday ? min(Int((now - start) / 3_600_000) + 1, DayRecord.hourSlots)
                            : Int((dayEnd - start + 3_599_999) / 3_600_000)
        figures.hourly = HourlyFigures.of(record, hours: hours, firstByHour: slot.map { activity.firstByHour[$0] })
        let mix = revenue.mix(at: end)
        figures.byPlan = mix.byPlan
        figures.month = mix.month
        figures.year = mix.year
        figures.unreadGap = state.meta.gaps.contains { $0.fromMs < dayEnd && $0.toMs >= start }
        guard state.covers(dayStart: start) else { return figures }
        let moves = revenue.movements(start: start, end: end)
        figures.movements = moves.amounts
        figures.movementUsers = moves.users
        figures.movementsUnexplained = moves.unexplained
        let windowFirst = day.adding(days: -29)
        if state.covers(dayStart: calendar.start(of: windowFirst)) {
            figures.retention30d = revenue.retention30(windowStart: calendar.start(of: windowFirst), end: end)
        }
        figures.byCommandPaying = LedgerSnapshotComputer.named(record.byCommandPaying, state.commandNames)
        figures.dayN = cohorts.dayN(day)
        if day.isoWeekday == 7 || isToday {
            let monday = day.adding(days: 1 - day.isoWeekday)
            if state.covers(dayStart: calendar.start(of: monday)) { figures.weekly = cohorts.weekly(day) }
            if state.covers(dayStart: calendar.start(of: monday.adding(days: -7))) { figures.lifecycle = cohorts.lifecycle(day) }
        }
        let c7 = day.adding(days: -7), c30 = day.adding(days: -30)
        if state.covers(dayStart: calendar.start(of: c7)) { figures.funnel7 = cohorts.funnel7(day) }
        if state.covers(dayStart: calendar.start(of: c30)) { figures.funnel30 = cohorts.funnel30(day, end: end) }
        return figures
    }

    private func engagement(of record: DayRecord, names: ByteInterner) -> Snapshot.Engagement {
        var result = Snapshot.Engagement()
        result.commands = record.commands
        result.errors = record.errors
        result.byCommand = LedgerSnapshotComputer.named(record.byCommand, names)
        let latencies = record.latencies.sorted()
        result.latencyP50Micros = LedgerSnapshotComputer.nearestRank(50, of: latencies)
        result.latencyP95Micros = LedgerSnapshotComputer.nearestRank(95, of: latencies)
        return result
    }

    /// Nearest-rank percentile: the value at 1-based rank ceil(p/100 × n).
    public static func nearestRank(_ percent: Int, of sorted: [Int64]) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let rank = (percent * sorted.count + 99) / 100
        return sorted[max(rank, 1) - 1]
    }

    static func named(_ counts: [Int32: Int], _ names: ByteInterner) -> [NamedCount] {
        counts.filter { $0.value != 0 }.map { NamedCount(name: Name(bytes: names.bytes(of: $0.key)), count: $0.value) }
            .sorted { $0.name < $1.name }
    }
}
