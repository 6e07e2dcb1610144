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

    /// Charts over `data`.
    public init(data: SiteData) { self.data = data }

    var revenueCurrency: String { data.history.snapshots.last?.revenue.currency ?? "USD" }
    var costCurrency: String { data.history.snapshots.last?.costs.currency ?? "USD" }

    /// The charts of a day's report, those its data allows.
    public func day(_ day: LocalDay) -> [Figure] {
        guard let snapshot = data.day(day)?.snapshot else { return [] }
        var figures: [Figure] = []
        if let hours = hours(snapshot) { figures.append(Figure(name: "hours", chart: hours)) }
        let days = (0..<30).map { day.adding(days: $0 - 29) }
        figures.append(Figure(name: "activity", chart: activity(days, title: "The 30 days to \(day)")))
        figures.append(Figure(name: "revenue", chart: revenue(days, title: "MRR and costs, the 30 days to \(day)")))
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
        let before = data.day(day.adding(days: -1))?.snapshot.analytics?.hourly.commands
        func padded(_ values: [Int]?) -> [Double?] { (0..<count).map { $0 < (values?.count ?? 0) ? Double(values![$0]) : nil } }
        var series = [SVGChart.Series("Commands, \(day)", padded(hourly.commands), style: .bar, color: 0)]
        if let before { series.append(SVGChart.Series("Commands, \(day.adding(days: -1))", padded(before), style: .dashed, color: 9)) }
        series.append(SVGChart.Series("Errors, \(day)", padded(hourly.errors), style: .line, color: 1))
        let total = hourly.commands.reduce(0, +)
        var summary = "Commands by hour on \(day): \(Display.count(total)) in all"
        if let before { summary += " (the day before: \(Display.count(before.reduce(0, +))))" }
        if let peak = hourly.commands.indices.max(by: { hourly.commands[$0] < hourly.commands[$1] }), total > 0 {
            summary += "; the busiest hour \(labels[peak]):00 with \(Display.count(hourly.commands[peak]))"
        }
        summary += "; \(Display.plural(hourly.errors.reduce(0, +), "error"))."
        return SVGChart(title: "Commands by hour, \(day)\(before == nil ? "" : " against the day before")", labels: labels,
                        series: series, left: .count, summary: summary)
    }

    /// Active users (line) against commands and errors (right axis) per day.
    func activity(_ days: [LocalDay], title: String) -> SVGChart {
        let snapshots = days.map { data.day($0)?.snapshot }
        let dau = snapshots.map { $0.map { Double($0.users.active) } }
        let commands = snapshots.map { $0.map { Double($0.engagement.commands) } }
        let errors = snapshots.map { $0.map { Double($0.engagement.errors) } }
        let known = snapshots.compactMap { $0 }
        var summary = "\(title): "
        if let first = known.first, let last = known.last {
            let peak = known.max { $0.users.active < $1.users.active }!
            summary += "active users \(Display.count(first.users.active)) on \(first.date), \(Display.count(last.users.active)) on \(last.date)"
            summary += " (most: \(Display.count(peak.users.active)) on \(peak.date)); "
            summary += "\(Display.count(known.reduce(0) { $0 + $1.engagement.commands })) commands and "
            summary += "\(Display.plural(known.reduce(0) { $0 + $1.engagement.errors }, "error"))."
        } else {
            summary += "no data."
        }
        return SVGChart(title: title, labels: days.map(ReportCharts.shortDate), series: [
            SVGChart.Series("Commands (right axis)", commands, style: .bar, right: true, color: 5),
            SVGChart.Series("Errors (right axis)", errors, style: .line, right: true, color: 1),
            SVGChart.Series("Active users", dau, style: .line, color: 0),
        ], left: .count, right: .count, summary: summary)
    }

    /// MRR (line) against the day's costs (bars, an axis of their own:
    /// they are a small part of revenue).
    func revenue(_ days: [LocalDay], title: String) -> SVGChart {
        let snapshots = days.map { data.day($0)?.snapshot }
        let known = snapshots.compactMap { $0 }
        var summary = "\(title): "
        if let first = known.first, let last = known.last {
            let costs = known.reduce(Money.zero) { $0 + $1.costs.apiTotal + $1.costs.infrastructure }
            summary += "MRR \(Display.money(first.revenue.mrr, revenueCurrency)) on \(first.date), "
            summary += "\(Display.money(last.revenue.mrr, revenueCurrency)) on \(last.date); "
            summary += "costs \(Display.money(costs, costCurrency)) in all."
        } else {
            summary += "no data."
        }
        return SVGChart(title: title, labels: days.map(ReportCharts.shortDate), series: [
            SVGChart.Series("Costs, \(costCurrency) (right axis)", snapshots.map { $0.map { ReportCharts.double($0.costs.apiTotal + $0.costs.infrastructure) } },
                            style: .bar, right: true, color: 4),
            SVGChart.Series("MRR, \(revenueCurrency)", snapshots.map { $0.map { ReportCharts.double($0.revenue.mrr) } }, style: .line, color: 0),
        ], left: .money(revenueCurrency), right: .money(costCurrency), summary: summary)
    }

    /// `11-24`: a date as a category label.
    static func shortDate(_ day: LocalDay) -> String { String(day.description.dropFirst(5)) }

    /// Money as a chart value (drawing only; figures stay exact in text).
    static func double(_ money: Money) -> Double { Double(money.micros) / 1_000_000 }
}
