import Metrics

/// The charts of the reports (docs/site.md, "Charts"): a day's hours
/// against the day before and its last 30 days; a week's or a month's days
/// and its MRR movements. Pure functions of the site's data.
public struct ReportCharts: Sendable {
    /// One chart of a report and the name of its file.
    public struct Figure: Sendable, Equatable {
        /// `hours`, `activity`, `revenue`: the file is `charts/NAME-<this>.svg`.
        public var name: String
        /// The chart.
        public var chart: SVGChart
    }

    /// The site's snapshots and figures.
    public let data: SiteData

    /// What the charts show of a day, gathered once for every chart that
    /// shows it (a day is in 30 daily charts and in its period's).
    struct Point: Sendable {
        var date: LocalDay
        var label: String
        var dau = 0, commands = 0, errors = 0
        var mrr = Money.zero, cost = Money.zero
        /// new, expansion, contraction, churn, reactivation; version 1: new and churned MRR only.
        var movements: [Money] = []
    }

    /// By day ordinal from the first snapshot's; nil for a day without one.
    let points: [Point?]
    let firstOrdinal: Int

    /// Charts over `data`.
    public init(data: SiteData) {
        self.data = data
        let snapshots = data.history.snapshots
        firstOrdinal = snapshots.first?.date.ordinal ?? 0
        var points = [Point?](repeating: nil, count: (snapshots.last?.date.ordinal ?? -1) - firstOrdinal + 1)
        for snapshot in snapshots {
            var point = Point(date: snapshot.date, label: ReportCharts.shortDate(snapshot.date))
            point.dau = snapshot.users.active
            point.commands = snapshot.engagement.commands
            point.errors = snapshot.engagement.errors
            point.mrr = snapshot.revenue.mrr
            point.cost = snapshot.costs.apiTotal + snapshot.costs.infrastructure
            point.movements = snapshot.analytics?.movements ?? [snapshot.revenue.newMRR, .zero, .zero, snapshot.revenue.churnedMRR, .zero]
            points[snapshot.date.ordinal - firstOrdinal] = point
        }
        self.points = points
    }

    /// The point of a day, if it has a snapshot.
    func point(_ day: LocalDay) -> Point? {
        let index = day.ordinal - firstOrdinal
        return index >= 0 && index < points.count ? points[index] : nil
    }

    /// `11-24`: a date as a category label.
    static func shortDate(_ day: LocalDay) -> String {
        let (_, month, date) = day.components
        return "\(month < 10 ? "0" : "")\(month)-\(date < 10 ? "0" : "")\(date)"
    }

    /// The charts of a day's report, those its data allows.
    public func day(_ day: LocalDay) -> [Figure] {
        guard let snapshot = data.history.snapshot(on: day) else { return [] }
        var figures: [Figure] = []
        if let hours = hours(snapshot) { figures.append(Figure(name: "hours", chart: hours)) }
        let days = (0..<30).map { day.adding(days: $0 - 29) }
        figures.append(Figure(name: "activity", chart: activity(days, title: "The 30 days to \(day)")))
        // The day's own currencies: a report shows what its snapshot says.
        figures.append(Figure(name: "revenue", chart: revenue(days, title: "MRR and costs, the 30 days to \(day)",
                                                              revenue: snapshot.revenue.currency, cost: snapshot.costs.currency)))
        return figures
    }

    /// Commands by hour of the day, against the day before; errors.
    func hours(_ snapshot: Snapshot) -> SVGChart? {
        guard let hourly = snapshot.analytics?.hourly, !hourly.commands.isEmpty else { return nil }
        let calendar = data.settings.calendar, day = snapshot.date
        let start = calendar.start(of: day), end = calendar.start(of: day.adding(days: 1))
        let count = Int((end - start) / DayCalendar.hourMs)
        // Local hours: a 23-hour day skips one, a 25-hour day shows one twice.
        let labels = (0..<count).map { index -> String in
            let hour = Int(calendar.clockMs(of: start + Int64(index) * DayCalendar.hourMs) / DayCalendar.hourMs)
            return hour < 10 ? "0\(hour)" : "\(hour)"
        }
        let before = data.history.snapshot(on: day.adding(days: -1))?.analytics?.hourly.commands
        func padded(_ values: [Int]?) -> [Double?] { (0..<count).map { $0 < (values?.count ?? 0) ? Double(values![$0]) : nil } }
        var series = [SVGChart.Series("Commands, \(day)", padded(hourly.commands), style: .bar, color: 0)]
        if let before {
            series.append(SVGChart.Series("Commands, \(day.adding(days: -1))", byClock(before, of: day.adding(days: -1), onto: labels),
                                          style: .dashed, color: 9))
        }
        series.append(SVGChart.Series("Errors, \(day)", padded(hourly.errors), style: .line, color: 1))
        let total = hourly.commands.reduce(0, +)
        var summary = "Commands by hour on \(day): \(Display.count(total)) in all"
        if let before { summary += " (the day before: \(Display.count(before.reduce(0, +))))" }
        // Only the hours the zone's day has (a snapshot of another zone may hold more).
        let shown = Array(hourly.commands.prefix(count))
        if let peak = shown.indices.max(by: { shown[$0] < shown[$1] }), total > 0 {
            summary += "; the busiest hour \(labels[peak]):00 with \(Display.count(shown[peak]))"
        }
        summary += "; \(Display.plural(hourly.errors.reduce(0, +), "error"))."
        return SVGChart(title: "Commands by hour, \(day)\(before == nil ? "" : " against the day before")", labels: labels,
                        series: series, left: .count, summary: summary)
    }

    /// The day before's hourly values at today's local hours: across a DST
    /// change the same clock hour, not the same index (a repeated hour's
    /// two values are summed; today's repeated hour shows it once).
    func byClock(_ values: [Int], of day: LocalDay, onto labels: [String]) -> [Double?] {
        let calendar = data.settings.calendar, start = calendar.start(of: day)
        var byHour: [Int: Int] = [:]
        for (index, value) in values.enumerated() {
            byHour[Int(calendar.clockMs(of: start + Int64(index) * DayCalendar.hourMs) / DayCalendar.hourMs), default: 0] += value
        }
        var seen = Set<String>()
        return labels.map { label in seen.insert(label).inserted ? byHour[Int(label)!].map(Double.init) : nil }
    }

    /// Active users (line) against commands and errors (right axis) per day.
    func activity(_ days: [LocalDay], title: String) -> SVGChart {
        let points = days.map(point)
        let summary = ReportCharts.summary(title, points) { known, first, last in
            let peak = known.max { $0.dau < $1.dau }!
            return "active users \(Display.count(first.dau)) on \(first.date), \(Display.count(last.dau)) on \(last.date)"
                + " (most: \(Display.count(peak.dau)) on \(peak.date)); "
                + "\(Display.count(known.reduce(0) { $0 + $1.commands })) commands and "
                + "\(Display.plural(known.reduce(0) { $0 + $1.errors }, "error"))."
        }
        return SVGChart(title: title, labels: labels(days, points), series: [
            // Errors are part of the commands: the red top of each bar.
            SVGChart.Series("Commands (right axis)", points.map { $0.map { Double(max(0, $0.commands - $0.errors)) } }, style: .bar, right: true, color: 5),
            SVGChart.Series("of them errors", points.map { $0.map { Double(min($0.errors, max($0.commands, 0))) } }, style: .bar, right: true, color: 1),
            SVGChart.Series("Active users", points.map { $0.map { Double($0.dau) } }, style: .line, color: 0),
        ], left: .count, right: .count, summary: summary)
    }

    /// MRR (line) against the day's costs (bars, an axis of their own:
    /// they are a small part of revenue).
    func revenue(_ days: [LocalDay], title: String, revenue revenueCurrency: String, cost costCurrency: String) -> SVGChart {
        let points = days.map(point)
        let summary = ReportCharts.summary(title, points) { known, first, last in
            "MRR \(Display.money(first.mrr, revenueCurrency)) on \(first.date), \(Display.money(last.mrr, revenueCurrency)) on \(last.date); "
                + "costs \(Display.money(known.reduce(Money.zero) { $0 + $1.cost }, costCurrency)) in all."
        }
        return SVGChart(title: title, labels: labels(days, points), series: [
            SVGChart.Series("Costs, \(costCurrency) (right axis)", points.map { $0.map { ReportCharts.double($0.cost) } }, style: .bar, right: true, color: 4),
            SVGChart.Series("MRR, \(revenueCurrency)", points.map { $0.map { ReportCharts.double($0.mrr) } }, style: .line, color: 0),
        ], left: .money(revenueCurrency), right: .money(costCurrency), summary: summary)
    }

    /// A chart's text alternative: its title, then what `figures` says of
    /// the days with a snapshot (the first and the last given), or "no data."
    static func summary(_ title: String, _ points: [Point?], _ figures: (_ known: [Point], _ first: Point, _ last: Point) -> String) -> String {
        let known = points.compactMap { $0 }
        guard let first = known.first, let last = known.last else { return "\(title): no data." }
        return "\(title): " + figures(known, first, last)
    }

    /// The days' labels, made once per day.
    func labels(_ days: [LocalDay], _ points: [Point?]) -> [String] {
        zip(days, points).map { $1?.label ?? ReportCharts.shortDate($0) }
    }

    /// Money as a chart value (drawing only; figures stay exact in text).
    static func double(_ money: Money) -> Double { money.micros.nearestDouble / 1_000_000 }
}
