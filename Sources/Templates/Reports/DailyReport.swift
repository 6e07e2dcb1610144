import Metrics

/// The daily report in Markdown: a headline table against the day before
/// and the same weekday a week before, then users, revenue, engagement,
/// costs and data quality.
public struct DailyReport {
    /// The day's snapshot.
    public let snapshot: Snapshot
    /// Its derived figures.
    public let figures: DerivedFigures
    let previous: (Snapshot, DerivedFigures)?
    let weekBefore: (Snapshot, DerivedFigures)?
    let settings: ReportSettings
    /// Its charts as Markdown images: where each is and what it shows.
    public var charts: [(path: String, alt: String)] = []

    /// The report of `snapshot`, with figures already derived for every day.
    public init(snapshot: Snapshot, settings: ReportSettings, figures day: (LocalDay) -> (snapshot: Snapshot, figures: DerivedFigures)?) {
        self.snapshot = snapshot
        self.settings = settings
        figures = day(snapshot.date)!.figures
        previous = day(snapshot.date.adding(days: -1)).map { ($0.snapshot, $0.figures) }
        weekBefore = day(snapshot.date.adding(days: -7)).map { ($0.snapshot, $0.figures) }
    }

    /// The document's title.
    public var title: String { "\(settings.title): daily report, \(snapshot.date)" }

    /// The Markdown text.
    public var markdown: String { document.text }

    /// The document, as the site writes it.
    var document: MarkdownDocument {
        var doc = MarkdownDocument()
        let revenue = snapshot.revenue.currency, cost = snapshot.costs.currency
        doc.heading(1, "\(MarkdownText.literal(settings.title)): daily report, \(snapshot.date)")
        if snapshot.status == .partial {
            doc.paragraph("*In progress: so far, at \(settings.calendar.clockTime(of: snapshot.capturedAt)) (\(MarkdownText.literal(snapshot.timezone))).*")
        }
        var headline = MarkdownTable(["Figure", snapshot.date.description, "vs day before", "vs \(snapshot.date.adding(days: -7))"], numeric: [1, 2, 3])
        func row(_ name: String, _ value: String, _ change: ((Snapshot, DerivedFigures)) -> String) {
            headline.row([name, value, previous.map(change) ?? "", weekBefore.map(change) ?? ""])
        }
        let users = snapshot.users
        row("Total users", Display.count(users.total)) { Display.change(users.total, $0.0.users.total) }
        row("Premium users", Display.count(users.premium)) { Display.change(users.premium, $0.0.users.premium) }
        row("New users", Display.count(users.new)) { Display.change(users.new, $0.0.users.new) }
        row("Active users (DAU)", Display.count(users.active)) { Display.change(users.active, $0.0.users.active) }
        row("MRR", Display.money(snapshot.revenue.mrr, revenue)) { Display.change(snapshot.revenue.mrr, $0.0.revenue.mrr, revenue) }
        row("Conversion rate", Display.percent(figures.conversionRate)) { Display.change(figures.conversionRate, $0.1.conversionRate) }
        row("Commands", Display.count(snapshot.engagement.commands)) { Display.change(snapshot.engagement.commands, $0.0.engagement.commands) }
        row("Error rate", Display.percent(figures.errorRate)) { Display.change(figures.errorRate, $0.1.errorRate) }
        row("Total cost", Display.money(figures.totalCost, cost)) { Display.change(figures.totalCost, $0.1.totalCost, cost) }
        doc.table(headline)
        doc.charts(charts)

        doc.heading(2, "Users")
        var usersTable = MarkdownTable(["Users", "Count"], numeric: [1])
        usersTable.row(["Total", Display.count(users.total)])
        usersTable.row(["Premium", Display.count(users.premium)])
        usersTable.row(["Free", Display.count(users.free)])
        usersTable.row(["New", Display.count(users.new)])
        usersTable.row(["Active today (DAU)", Display.count(users.active)])
        usersTable.row(["Active, 7 days (WAU)", Display.count(users.active7d)])
        usersTable.row(["Active, 30 days (MAU)", Display.count(users.active30d)])
        usersTable.row(["Stickiness (DAU / MAU)", Display.percent(figures.stickiness)])
        doc.table(usersTable)
        ReportSections.counts(&doc, title: "Acquisition by source", column: "Source", snapshot.acquisitionBySource, empty: "No registrations.")

        doc.heading(2, "Revenue")
        var revenueTable = MarkdownTable(["Revenue", "Value"], numeric: [1])
        revenueTable.row(["MRR", Display.money(snapshot.revenue.mrr, revenue)])
        revenueTable.row(["ARR", Display.money(figures.arr, revenue)])
        if let movements = ReportSections.movementRows(snapshot.analytics?.movements, revenue) {
            for row in movements { revenueTable.row(row) }
            revenueTable.row(["Quick ratio, 30 days", Display.ratio(figures.quickRatio)])
            revenueTable.row(["GRR, 30 days", Display.percent(figures.grr30d)])
            revenueTable.row(["NRR, 30 days", Display.percent(figures.nrr30d)])
        } else {
            revenueTable.row(["New MRR (\(Display.plural(snapshot.revenue.conversions, "conversion")))", Display.money(snapshot.revenue.newMRR, revenue)])
            revenueTable.row(["Churned MRR (\(Display.plural(snapshot.revenue.cancellations, "cancellation")))", Display.money(snapshot.revenue.churnedMRR, revenue)])
        }
        revenueTable.row(["ARPU", Display.money(figures.arpu, revenue)])
        revenueTable.row(["ARPPU", Display.money(figures.arppu, revenue)])
        revenueTable.row(["Conversion rate", Display.percent(figures.conversionRate)])
        revenueTable.row(["Churn rate, 30 days", Display.percent(figures.churnRate30d)])
        revenueTable.row(["LTV", Display.money(figures.ltv, revenue)])
        doc.table(revenueTable)

        doc.heading(2, "Engagement")
        var engagement = MarkdownTable(["Engagement", "Value"], numeric: [1])
        engagement.row(["Commands", Display.count(snapshot.engagement.commands)])
        engagement.row(["Errors", Display.count(snapshot.engagement.errors)])
        engagement.row(["Error rate", Display.percent(figures.errorRate)])
        engagement.row(["Latency p50", Display.latency(snapshot.engagement.latencyP50Micros)])
        engagement.row(["Latency p95", Display.latency(snapshot.engagement.latencyP95Micros)])
        doc.table(engagement)
        ReportSections.counts(&doc, title: "Top commands", column: "Command", ReportSections.top(snapshot.engagement.byCommand, settings.topCommands),
                              empty: "No commands.")

        ReportSections.costs(&doc, api: snapshot.costs.api, apiTotal: snapshot.costs.apiTotal,
                             infrastructure: snapshot.costs.infrastructure, currency: cost,
                             extra: [("Cost per active user, 30 days", Display.money(figures.costPerActiveUser, cost)),
                                     ("Net MRR (MRR − 30 days of costs)", Display.money(figures.netMRR, revenue))])
        ReportSections.dataQuality(&doc, eventsRead: snapshot.dataQuality.eventsRead, rejected: snapshot.dataQuality.rejected,
                                   windowsComplete: snapshot.coverage.windowsComplete)
        return doc
    }
}
