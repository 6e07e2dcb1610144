import Dispatch
import Metrics

/// The report part of the site (docs/site.md): every daily, weekly and monthly
/// report as Markdown and as a page, the archive and the feed.
struct ReportSite: Sendable {
    /// Snapshots, figures, settings.
    let data: SiteData
    /// The templates.
    let templates: TemplateSet
    /// The cohorts and funnels the period reports and the analytics pages
    /// show, made once per build.
    let analytics: AnalyticsRows
    /// The reports' charts.
    let charts: ReportCharts
    /// Every report of the build: days, then weeks, then months.
    let jobs: [Job]

    /// The reports of a build's data.
    init(data: SiteData, templates: TemplateSet) {
        self.data = data
        self.templates = templates
        // Three independent walks over the history, on both cores.
        let rows = Slot<AnalyticsRows>(), points = Slot<ReportCharts>(), list = Slot<[Job]>()
        DispatchQueue.concurrentPerform(iterations: 3) { index in
            switch index {
            case 0: rows.value = AnalyticsRows(data: data)
            case 1: points.value = ReportCharts(data: data)
            default: list.value = ReportSite.jobs(data.history)
            }
        }
        analytics = rows.value!
        charts = points.value!
        jobs = list.value!
    }

    var history: SnapshotHistory { data.history }
    var settings: ReportSettings { data.settings }
    var baseURL: String { data.baseURL }

    /// One report to publish, without its text (the archive and the feed
    /// list every report, rendered again or not).
    struct Entry {
        let kind: String  // daily, weekly, monthly
        let name: String
        let title: String
        let inProgress: Bool
        let parent: (kind: String, name: String)?
        /// Capture time of the snapshot whose figures it shows.
        let updated: Int64
        /// What it was made from.
        let job: Job
    }

    /// What a report is made from: a day, or the first day of a period.
    struct Job {
        let kind: String
        let name: String
        let day: LocalDay
        var key: String { "\(kind)/\(name)" }
    }

    /// Every report to make: days, then weeks, then months, oldest first.
    static func jobs(_ history: SnapshotHistory) -> [Job] {
        var days: [Job] = [], weeks: [String: LocalDay] = [:], months: [String: LocalDay] = [:]
        for snapshot in history.snapshots {
            let date = snapshot.date
            days.append(Job(kind: "daily", name: date.description, day: date))
            let week = date.isoWeekName, month = date.monthName
            if weeks[week] == nil { weeks[week] = date }
            if months[month] == nil { months[month] = date }
        }
        return days + weeks.keys.sorted().map { Job(kind: "weekly", name: $0, day: weeks[$0]!) }
            + months.keys.sorted().map { Job(kind: "monthly", name: $0, day: months[$0]!) }
    }

    /// The period of a weekly or monthly job, and the one before it.
    func periods(_ job: Job) -> (period: PeriodFigures, before: PeriodFigures) {
        let kind: PeriodFigures.Kind = job.kind == "weekly" ? .week : .month
        let period = data.period(kind, containing: job.day)
        return (period, data.period(kind, containing: period.first.adding(days: -1)))
    }

    /// A job's entry: titles and dates, no figures (every build lists
    /// every report; most are not rendered again).
    func entry(_ job: Job) -> Entry {
        if job.kind == "daily", let snapshot = history.snapshot(on: job.day) {
            return Entry(kind: "daily", name: job.name, title: "\(settings.title): daily report, \(job.name)",
                         inProgress: snapshot.status == .partial, parent: ("weekly", job.day.isoWeekName), updated: snapshot.capturedAt, job: job)
        }
        let (period, _) = periods(job)
        return Entry(kind: job.kind, name: job.name, title: "\(settings.title): \(job.kind == "weekly" ? "weekly" : "monthly") report, \(job.name)",
                     inProgress: period.inProgress, parent: job.kind == "weekly" ? ("monthly", period.last.monthName) : nil,
                     updated: period.closing?.capturedAt ?? 0, job: job)
    }

    /// A report's description for link previews: its closing day's headline.
    func description(_ job: Job) -> String {
        let day = job.kind == "daily" ? job.day : periods(job).period.closing?.date
        guard let day, let (snapshot, figures) = data.day(day) else { return "" }
        return ReportSite.headline(snapshot, figures)
    }

    /// A report's summary in the feed: a day's headline, a period's own figures.
    func summary(_ job: Job) -> String {
        job.kind == "daily" ? description(job) : ReportSite.periodHeadline(periods(job).period)
    }

    /// A job's report as Markdown, and its charts as SVG files.
    func report(_ job: Job) -> (markdown: [UInt8], charts: [SiteFile]) {
        let folder = "reports/\(job.kind)/"
        func images(_ figures: [ReportCharts.Figure]) -> (links: [(path: String, alt: String)], files: [SiteFile]) {
            let paths = figures.map { "charts/\(job.name)-\($0.name).svg" }
            return (zip(paths, figures).map { ($0, $1.chart.summary) },
                    zip(paths, figures).map { SiteFile(path: folder + $0, bytes: $1.chart.svgBytes) })
        }
        if job.kind == "daily", let snapshot = history.snapshot(on: job.day) {
            var report = DailyReport(snapshot: snapshot, settings: settings) { data.day($0) }
            let made = images(charts.day(job.day))
            report.charts = made.links
            return (report.document.bytes, made.files)
        }
        let (period, before) = periods(job)
        var report = PeriodReport(period: period, before: before, settings: settings) { data.day($0)?.figures }
        report.analytics = analytics
        let made = images(period.closing == nil ? [] : charts.period(period))
        report.charts = made.links
        return (report.document.bytes, made.files)
    }

    /// The headline figures for link previews.
    static func headline(_ snapshot: Snapshot, _ figures: DerivedFigures) -> String {
        "MRR \(Display.money(snapshot.revenue.mrr, snapshot.revenue.currency)) · \(Display.count(snapshot.users.total)) users · "
            + "\(Display.count(snapshot.users.premium)) premium · conversion \(Display.percent(figures.conversionRate)) · "
            + "DAU \(Display.count(snapshot.users.active))"
    }

    /// A week's or a month's own figures for the feed: its active users
    /// are its distinct users (a week) or the trailing 30 days' (a month),
    /// never its last day's.
    static func periodHeadline(_ period: PeriodFigures) -> String {
        guard let closing = period.closing else { return "No snapshot in this period." }
        let active = period.kind == .week ? "active in the week" : "active, 30 days"
        return "MRR \(Display.money(closing.revenue.mrr, closing.revenue.currency)) · \(Display.count(closing.users.total)) users · "
            + "\(Display.count(closing.users.premium)) premium · \(Display.count(period.active)) \(active) · "
            + "\(Display.count(period.newUsers)) new · \(Display.plural(period.commands, "command"))"
    }

    /// `feed.xml`: complete reports only, since a day or a period in
    /// progress is not news yet.
    func feed(_ entries: [Entry]) -> SiteFile {
        AtomFeed(title: settings.title, baseURL: baseURL, items: entries.filter { !$0.inProgress }.map {
            let job = $0.job
            return AtomFeed.Item(kind: $0.kind, name: $0.name, title: $0.title, summary: { self.summary(job) }, updated: $0.updated)
        }).file()
    }

    /// `reports/index.html`: every report, newest first, grouped by month.
    func archive(_ entries: [Entry]) -> SiteFile {
        var byMonth: [String: [(sortKey: String, href: String, label: String, inProgress: Bool)]] = [:]
        // A week is filed under the month of its latest snapshot.
        var weekMonth: [String: String] = [:]
        for snapshot in history.snapshots { weekMonth[snapshot.date.isoWeekName] = snapshot.date.monthName }
        for entry in entries {
            let month: String
            let label: String
            switch entry.kind {
            case "daily": month = String(entry.name.prefix(7)); label = "Day \(entry.name)"
            case "weekly":
                month = weekMonth[entry.name] ?? String(entry.name.prefix(4)); label = "Week \(entry.name)"
            default: month = entry.name; label = "Month \(entry.name)"
            }
            let sortKey = entry.kind == "daily" ? entry.name : entry.kind == "weekly" ? "\(month)-99-w\(entry.name)" : "\(month)-99-z"
            byMonth[month, default: []].append((sortKey, "\(entry.kind)/\(entry.name).html", label, entry.inProgress))
        }
        let months: [[String: Any]] = byMonth.keys.sorted(by: >).map { month in
            ["name": month, "reports": byMonth[month]!.sorted { $0.sortKey > $1.sortKey }.map {
                ["href": $0.href, "label": $0.label, "in_progress": $0.inProgress] as [String: Any]
            }]
        }
        let body = templates.archiveBody(months.isEmpty ? [:] : ["months": months])
        let context: [String: Any] = ["title": "\(settings.title): all reports", "site_title": settings.title,
                                      "description": "Every daily, weekly and monthly report.", "root": "../", "content": body]
        return SiteFile(path: "reports/index.html", text: templates.page(context))
    }
}
