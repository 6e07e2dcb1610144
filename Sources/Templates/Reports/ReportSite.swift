import Dispatch
import Metrics

/// The report part of the site (docs/site.md): every daily, weekly and monthly
/// report as Markdown and as a page, and the archive.
struct ReportSite: Sendable {
    /// Snapshots, figures, settings.
    let data: SiteData
    /// The templates.
    let templates: TemplateSet
    /// The cohorts and funnels the period reports and the analytics pages
    /// show, made once per build.
    let analytics: AnalyticsRows

    /// The reports of a build's data.
    init(data: SiteData, templates: TemplateSet) {
        self.data = data
        self.templates = templates
        analytics = AnalyticsRows(data: data)
    }

    var history: SnapshotHistory { data.history }
    var settings: ReportSettings { data.settings }
    var baseURL: String { data.baseURL }

    /// One report to publish.
    struct Entry {
        let kind: String  // daily, weekly, monthly
        let name: String
        let title: String
        let markdown: String
        let inProgress: Bool
        let description: String
        let parent: (kind: String, name: String)?
        /// Capture time of the snapshot whose figures it shows.
        let updated: Int64
    }

    /// What a report is made from: a day, or the first day of a period.
    struct Job {
        let kind: String
        let name: String
        let day: LocalDay
    }

    /// Every report to make: days, then weeks, then months, oldest first.
    func jobs() -> [Job] {
        var days: [Job] = [], weeks: [String: LocalDay] = [:], months: [String: LocalDay] = [:]
        for snapshot in history.snapshots {
            days.append(Job(kind: "daily", name: snapshot.date.description, day: snapshot.date))
            weeks[snapshot.date.isoWeekName] = weeks[snapshot.date.isoWeekName] ?? snapshot.date
            months[snapshot.date.monthName] = months[snapshot.date.monthName] ?? snapshot.date
        }
        return days + weeks.keys.sorted().map { Job(kind: "weekly", name: $0, day: weeks[$0]!) }
            + months.keys.sorted().map { Job(kind: "monthly", name: $0, day: months[$0]!) }
    }

    /// The report of a job.
    func entry(_ job: Job) -> Entry {
        if job.kind == "daily", let snapshot = history.snapshot(on: job.day) {
            let report = DailyReport(snapshot: snapshot, settings: settings) { data.day($0) }
            return Entry(kind: "daily", name: job.name, title: report.title, markdown: report.markdown,
                         inProgress: snapshot.status == .partial, description: ReportSite.headline(snapshot, report.figures),
                         parent: ("weekly", snapshot.date.isoWeekName), updated: snapshot.capturedAt)
        }
        let kind: PeriodFigures.Kind = job.kind == "weekly" ? .week : .month
        let period = data.period(kind, containing: job.day)
        var report = PeriodReport(period: period, before: data.period(kind, containing: period.first.adding(days: -1)),
                                  settings: settings) { data.day($0)?.figures }
        report.analytics = analytics
        let description = period.closing.flatMap { closing in data.day(closing.date).map { ReportSite.headline(closing, $0.figures) } } ?? ""
        return Entry(kind: job.kind, name: job.name, title: report.title, markdown: report.markdown, inProgress: period.inProgress,
                     description: description, parent: job.kind == "weekly" ? ("monthly", period.last.monthName) : nil,
                     updated: period.closing?.capturedAt ?? 0)
    }

    /// The headline figures for link previews.
    static func headline(_ snapshot: Snapshot, _ figures: DerivedFigures) -> String {
        "MRR \(Display.money(snapshot.revenue.mrr, snapshot.revenue.currency)) · \(Display.count(snapshot.users.total)) users · "
            + "\(Display.count(snapshot.users.premium)) premium · conversion \(Display.percent(figures.conversionRate)) · "
            + "DAU \(Display.count(snapshot.users.active))"
    }

    /// Renders every report and the archive; each report (figures,
    /// Markdown, HTML, page) is made on any core.
    /// `extras` (the API, the CSV files, the dashboard) are made on the
    /// same cores at the same time, first, since they are the longest.
    /// `ready` gets each report's files as soon as they are made.
    func files(alongside extras: [@Sendable () -> [SiteFile]] = [],
               ready: (@Sendable ([SiteFile]) -> Void)? = nil) throws(MarkdownRenderer.Failure) -> (entries: [Entry], files: [SiteFile]) {
        let jobs = jobs()
        let renderer = MarkdownRenderer()
        var names: [String: [String]] = [:]
        for job in jobs { names[job.kind, default: []].append(job.name) }
        let slots = UnsafeMutableBufferPointer<(Entry, [SiteFile]?)?>.allocate(capacity: jobs.count)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        let extraSlots = UnsafeMutableBufferPointer<[SiteFile]>.allocate(capacity: extras.count)
        extraSlots.initialize(repeating: [])
        defer { extraSlots.deinitialize(); extraSlots.deallocate() }
        let shared = SendableBuffer(slots), sharedExtras = SendableBuffer(extraSlots)
        let siblings = names.mapValues { list in (list, Dictionary(uniqueKeysWithValues: list.enumerated().map { ($1, $0) })) }
        DispatchQueue.concurrentPerform(iterations: extras.count + jobs.count) { index in
            if index < extras.count {
                sharedExtras.buffer[index] = extras[index]()
                return
            }
            let entry = self.entry(jobs[index - extras.count])
            let made = (try? renderer.html(from: entry.markdown)).map {
                [ReportSite.markdownFile(entry), self.page(entry, content: $0, siblings: siblings[entry.kind]!)]
            }
            if let made, let ready { ready(made) }
            shared.buffer[index - extras.count] = (entry, made)
        }
        var entries: [Entry] = []
        var files: [SiteFile] = extraSlots.flatMap { $0 }
        for slot in slots {
            let (entry, made) = slot!
            guard let made else { throw MarkdownRenderer.Failure(description: "cmark-gfm failed on \(entry.kind)/\(entry.name)") }
            entries.append(entry)
            files.append(contentsOf: made)
        }
        let archive = archive(entries)
        ready?([archive])
        files.append(archive)
        return (entries, files)
    }

    /// The Markdown of a report, published beside its page.
    static func markdownFile(_ entry: Entry) -> SiteFile {
        SiteFile(path: "reports/\(entry.kind)/\(entry.name).md", text: entry.markdown)
    }

    /// The page of a report, with links to its neighbours and parent.
    func page(_ entry: Entry, content: String, siblings kind: (names: [String], positions: [String: Int])) -> SiteFile {
        let siblings = kind.names
        let position = kind.positions[entry.name]!
        var context: [String: Any] = [
            "title": entry.title, "site_title": settings.title, "description": entry.description,
            "root": "../../", "content": content, "markdown": "\(entry.name).md", "in_progress": entry.inProgress,
        ]
        if !baseURL.isEmpty { context["og_url"] = "\(baseURL)reports/\(entry.kind)/\(entry.name).html" }
        if position > 0 { context["previous"] = ["href": "\(siblings[position - 1]).html", "label": siblings[position - 1]] }
        if position + 1 < siblings.count { context["next"] = ["href": "\(siblings[position + 1]).html", "label": siblings[position + 1]] }
        if let parent = entry.parent {
            context["parent"] = ["href": "../\(parent.kind)/\(parent.name).html", "label": parent.kind == "weekly" ? "Week \(parent.name)" : "Month \(parent.name)"]
        }
        return SiteFile(path: "reports/\(entry.kind)/\(entry.name).html", text: templates.page(context))
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
