import Metrics

/// The weekly or monthly report in Markdown: a headline table against the
/// period before, the same sections as a day's, and one row per day.
public struct PeriodReport {
    /// The period's figures.
    public let period: PeriodFigures
    let before: PeriodFigures
    let settings: ReportSettings
    let figures: (LocalDay) -> DerivedFigures?
    /// The build's cohorts and funnels, for the period's own.
    var analytics: AnalyticsRows?
    /// Its charts as Markdown images: where each is and what it shows.
    public var charts: [(path: String, alt: String)] = []

    /// The report of `period`, compared with `before`, with figures already
    /// derived for every day.
    public init(period: PeriodFigures, before: PeriodFigures, settings: ReportSettings,
                figures: @escaping (LocalDay) -> DerivedFigures?) {
        self.period = period
        self.before = before
        self.settings = settings
        self.figures = figures
    }

    /// The document's title.
    public var title: String {
        let kind = period.kind == .week ? "weekly report" : "monthly report"
        return "\(settings.title): \(kind), \(period.name)"
    }

    /// The Markdown text.
    public var markdown: String { document.text }

    /// The document, as the site writes it.
    var document: MarkdownDocument {
        var doc = MarkdownDocument()
        doc.heading(1, "\(MarkdownText.literal(settings.title)): \(period.kind == .week ? "weekly" : "monthly") report, \(period.name)")
        doc.paragraph("\(period.first) to \(period.last)\(period.inProgress ? " (in progress" + soFar + ")" : "").")
        guard let closing = period.closing else {
            doc.paragraph("No snapshot in this period.")
            return doc
        }
        let revenue = closing.revenue.currency, cost = closing.costs.currency
        let figures = self.figures(closing.date)!
        let earlier = before.closing.flatMap { self.figures($0.date) }
        let activeLabel = period.kind == .week ? "Active users (the week)" : "Active users (trailing 30 days)"
        var headline = MarkdownTable(["Figure", period.name, "vs \(before.name)"], numeric: [1, 2])
        headline.row(["Total users", Display.count(closing.users.total), Display.change(closing.users.total, before.closing?.users.total)])
        headline.row(["Premium users", Display.count(closing.users.premium), Display.change(closing.users.premium, before.closing?.users.premium)])
        headline.row(["New users", Display.count(period.newUsers), before.days.isEmpty ? "" : Display.change(period.newUsers, before.newUsers)])
        headline.row([activeLabel, Display.count(period.active), Display.change(period.active, before.active)])
        headline.row(["Average DAU", Display.decimal(period.averageDAU), ""])
        headline.row(["MRR", Display.money(closing.revenue.mrr, revenue), Display.change(closing.revenue.mrr, before.closing?.revenue.mrr, revenue)])
        headline.row(["Conversion rate", Display.percent(figures.conversionRate), Display.change(figures.conversionRate, earlier?.conversionRate)])
        headline.row(["Commands", Display.count(period.commands), before.days.isEmpty ? "" : Display.change(period.commands, before.commands)])
        headline.row(["Error rate", Display.percent(period.errorRate), Display.change(period.errorRate, before.errorRate)])
        headline.row(["Total cost", Display.money(period.totalCost, cost), before.days.isEmpty ? "" : Display.change(period.totalCost, before.totalCost, cost)])
        doc.table(headline)
        doc.charts(charts)

        doc.heading(2, "Users")
        ReportSections.counts(&doc, title: "Acquisition by source", column: "Source", period.bySource, empty: "No registrations.")
        doc.heading(2, "Revenue")
        var revenueTable = MarkdownTable(["Revenue", "Value"], numeric: [1])
        revenueTable.row(["MRR at the end", Display.money(closing.revenue.mrr, revenue)])
        let movements = RevenueRetention.movements(of: period.days)
        if let rows = ReportSections.movementRows(movements, revenue) {
            for row in rows { revenueTable.row(row) }
            revenueTable.row(["Quick ratio (the \(period.kind == .week ? "week" : "month"))", Display.ratio(RevenueRetention.quickRatio(movements))])
            revenueTable.row(["GRR, 30 days at the end", Display.percent(figures.grr30d)])
            revenueTable.row(["NRR, 30 days at the end", Display.percent(figures.nrr30d)])
        } else {
            revenueTable.row(["New MRR (\(Display.plural(period.conversions, "conversion")))", Display.money(period.newMRR, revenue)])
            revenueTable.row(["Churned MRR (\(Display.plural(period.cancellations, "cancellation")))", Display.money(period.churnedMRR, revenue)])
        }
        revenueTable.row(["ARPPU", Display.money(figures.arppu, revenue)])
        revenueTable.row(["Churn rate, 30 days", Display.percent(figures.churnRate30d)])
        revenueTable.row(["LTV", Display.money(figures.ltv, revenue)])
        doc.table(revenueTable)
        doc.heading(2, "Engagement")
        ReportSections.counts(&doc, title: "Top commands", column: "Command", ReportSections.top(period.byCommand, settings.topCommands),
                              empty: "No commands.")
        ReportSections.costs(&doc, api: period.api, apiTotal: period.apiCost, infrastructure: period.infrastructure,
                             currency: cost, extra: [("Net MRR at the end", Display.money(figures.netMRR, revenue))])

        if let rows = analytics, period.days.contains(where: { $0.analytics != nil }) {
            ReportSections.cohortsAndFunnel(&doc, period: period, rows: rows)
        }
        doc.heading(2, "Day by day")
        var days = MarkdownTable(["Day", "DAU", "New users", "Commands", "Errors", "Latency p50", "Latency p95", "MRR", "API cost"],
                                 numeric: [1, 2, 3, 4, 5, 6, 7, 8])
        for day in period.days {
            days.row(["\(day.date)\(day.status == .partial ? " (so far)" : "")", Display.count(day.users.active), Display.count(day.users.new),
                      Display.count(day.engagement.commands), Display.count(day.engagement.errors),
                      Display.latency(day.engagement.latencyP50Micros), Display.latency(day.engagement.latencyP95Micros),
                      Display.money(day.revenue.mrr, revenue), Display.money(day.costs.apiTotal, cost)])
        }
        doc.table(days)
        ReportSections.dataQuality(&doc, eventsRead: period.eventsRead, rejected: period.rejected,
                                   windowsComplete: period.days.allSatisfy(\.coverage.windowsComplete) ? nil : false)
        return doc
    }

    private var soFar: String {
        guard let closing = period.closing, closing.status == .partial else { return "" }
        return ", so far, at \(settings.calendar.clockTime(of: closing.capturedAt))"
    }
}
