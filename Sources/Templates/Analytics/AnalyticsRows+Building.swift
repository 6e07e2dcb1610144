import Metrics

extension AnalyticsRows {
    /// The rows of a build's snapshots.
    init(data: SiteData) {
        let snapshots = data.history.snapshots
        for (snapshot, figures) in zip(snapshots, data.figures) {
            var row = Movements(label: snapshot.date.description, amounts: snapshot.analytics?.movements, figures: figures)
            row.inProgress = snapshot.status == .partial
            daily.append(row)
            dayN.append(DayN(date: snapshot.date, rates: figures.cohorts.dayN))
            if let funnel = snapshot.analytics?.funnel7 { funnel7.append(funnel) }
            if let funnel = snapshot.analytics?.funnel30 { funnel30.append(funnel) }
        }
        func period(_ p: PeriodFigures) -> Movements? {
            guard let closing = p.closing, let figures = data.day(closing.date)?.figures else { return nil }
            let amounts = RevenueRetention.movements(of: p.days)
            var row = Movements(label: p.name, amounts: amounts, figures: figures)
            // A period's quick ratio is of its own movements (docs/analytics.md); churn, GRR and NRR of its last day.
            row.quickRatio = RevenueRetention.quickRatio(amounts)
            row.inProgress = p.inProgress
            return row
        }
        weekly = data.weeks.compactMap(period)
        monthly = data.months.compactMap(period)
        (cohorts, lifecycle) = AnalyticsRows.weeks(snapshots)
        bySource = AnalyticsRows.sources(snapshots)
    }

    /// The cohort triangle and the weekly lifecycle, from each ISO week's
    /// latest snapshot that has them (its Sunday, or the day in progress).
    static func weeks(_ snapshots: [Snapshot]) -> ([Cohort], [Lifecycle]) {
        var closing: [String: Snapshot] = [:], order: [(name: String, monday: LocalDay)] = []
        for snapshot in snapshots where snapshot.analytics?.weekly != nil || snapshot.analytics?.lifecycle != nil {
            let name = snapshot.date.isoWeekName
            if closing[name] == nil { order.append((name, snapshot.date.adding(days: 1 - snapshot.date.isoWeekday))) }
            closing[name] = snapshot
        }
        let lifecycle = order.compactMap { week -> Lifecycle? in
            guard let snapshot = closing[week.name], let counts = snapshot.analytics?.lifecycle else { return nil }
            return Lifecycle(week: week.name, counts: counts, inProgress: snapshot.status == .partial)
        }
        guard let latest = order.last else { return ([], lifecycle) }
        func entry(_ cohort: String, inWeekOf monday: LocalDay) -> SnapshotAnalytics.Cohort? {
            closing[monday.isoWeekName]?.analytics?.weekly?.first { $0.label == cohort }
        }
        // Every cohort a closing snapshot lists, oldest first; a cell no
        // snapshot tells (before the ledger, a missing Sunday) is nil.
        var listed: [String: LocalDay] = [:]
        for week in order {
            for cohort in closing[week.name]?.analytics?.weekly ?? [] {
                if listed[cohort.label] == nil, let monday = LocalDay.monday(ofISOWeek: cohort.label) { listed[cohort.label] = monday }
            }
        }
        let cohortWeeks = listed.map { (name: $0.key, monday: $0.value) }.sorted { $0.monday < $1.monday }
        let cohorts = cohortWeeks.compactMap { week -> Cohort? in
            guard week.monday <= latest.monday else { return nil }
            let span = min(AnalyticsRows.cohortWeeks, (latest.monday.ordinal - week.monday.ordinal) / 7 + 1)
            let cells = (0..<span).map { entry(week.name, inWeekOf: week.monday.adding(days: 7 * $0)) }
            let size = cells.compactMap { $0 }.last?.size ?? 0
            let reachesLatest = week.monday.adding(days: 7 * (span - 1)) == latest.monday
            return Cohort(week: week.name, monday: week.monday, size: size, active: cells.map { $0?.active },
                          lastInProgress: reachesLatest && closing[latest.name]?.status == .partial)
        }
        return (cohorts, lifecycle)
    }

    /// Registrations and conversions by source of the 30-day cohorts of the
    /// last 30 days, most registered first (then by bytes).
    static func sources(_ snapshots: [Snapshot]) -> [Source] {
        guard let last = snapshots.last?.date else { return [] }
        var totals: [Name: (Int, Int)] = [:]
        for snapshot in snapshots where snapshot.date.ordinal > last.ordinal - 30 {
            for item in snapshot.analytics?.funnel30?.bySource ?? [] {
                let sum = totals[item.source] ?? (0, 0)
                totals[item.source] = (sum.0 + item.registered, sum.1 + item.converted)
            }
        }
        return totals.map { Source(source: $0.key, registered: $0.value.0, converted: $0.value.1) }
            .sorted { $0.registered != $1.registered ? $0.registered > $1.registered : $0.source < $1.source }
    }
}

extension AnalyticsRows.Movements {
    /// A row with a day's 30-day figures.
    init(label: String, amounts: [Money]?, figures: DerivedFigures) {
        self.init(label: label, amounts: amounts, quickRatio: figures.quickRatio, churnRate30d: figures.churnRate30d,
                  grr30d: figures.grr30d, nrr30d: figures.nrr30d)
    }
}
