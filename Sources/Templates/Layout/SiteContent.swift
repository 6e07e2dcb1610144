import Metrics

/// Every file of the published site (docs/site.md): the
/// reports and archive, the dashboard, the static API, the CSV files, the
/// feed, a 404 page and the assets.
public struct SiteContent: Sendable {
    /// Snapshots, figures, alerts.
    public let data: SiteData
    /// The templates.
    public let templates: TemplateSet

    /// The content of a build.
    public init(data: SiteData, templates: TemplateSet) {
        self.data = data
        self.templates = templates
    }

    /// Renders every file. `health.json` and the dashboard carry the build's
    /// id, a hash of every other file, so it changes only with the content.
    /// `ready`, if given, gets files as soon as their content is final
    /// (all but the dashboard and `health.json`), to write them meanwhile.
    /// Reports whose inputs match `kept` (the current release's record and
    /// folder) are not rendered: their files are kept; so are the API's
    /// and the CSV files' day rows (`RowSource`).
    public func files(kept: (record: PageRecord, folder: String)? = nil,
                      ready: (@Sendable ([SiteFile]) -> Void)? = nil)
        throws(MarkdownRenderer.Failure) -> (files: [SiteFile], record: PageRecord, repairs: [String]) {
        let site = ReportSite(data: data, templates: templates)
        var latest: [String: String] = [:]
        for job in site.jobs { latest[job.kind] = job.name }
        let data = self.data, snapshotLatest = latest
        // The API's and the CSV files' day rows whose inputs did not change are copied.
        let rows = RowSource(history: data.history, common: site.commonInputs, kept: kept)
        let charts = Slot<DashboardCharts.Rendered>()
        let (reportFiles, pages, repairs) = try site.files(alongside: [
            { let files = StaticAPI(data: data, rows: rows).files(); ready?(files); return files },
            { let files = CSVExport(data: data, rows: rows).files(); ready?(files); return files },
            { let files = AnalyticsPages(data: data, templates: self.templates, rows: site.analytics).files(); ready?(files); return files },
            {
                charts.value = DashboardCharts(data: data).rendered()
                let notFound = self.notFound()
                ready?([notFound])
                return [self.dashboard(snapshotLatest, charts: charts.value!, buildID: Dashboard.buildIDPlaceholder), notFound]
            },
        ], kept: kept, ready: ready)
        var files = reportFiles
        files.append(contentsOf: templates.assets.map { SiteFile(path: $0.path, bytes: $0.bytes) })
        ready?(Array(files[reportFiles.count...]))

        // The dashboard is hashed with a placeholder id, then made again
        // with the real one (never a text replacement: a name could hold it).
        let buildID = SitePublisher.buildID(of: files)
        if let index = files.firstIndex(where: { $0.path == "index.html" }) {
            files[index] = dashboard(latest, charts: charts.value!, buildID: buildID)
        }
        files.append(StaticAPI(data: data).health(buildID: buildID))
        return (files, PageRecord(files: files, pages: pages), repairs)
    }

    /// `index.html`.
    func dashboard(_ latest: [String: String], charts: DashboardCharts.Rendered, buildID: String) -> SiteFile {
        let description = data.latest.map { ReportSite.headline($0.snapshot, $0.figures) } ?? "No data yet."
        var context: [String: Any] = ["title": data.settings.title, "site_title": data.settings.title,
                                      "description": description, "root": "",
                                      "content": templates.dashboardBody(Dashboard(data: data, latestReports: latest, buildID: buildID, charts: charts).context())]
        if !data.baseURL.isEmpty { context["og_url"] = "\(data.baseURL)index.html" }
        return SiteFile(path: "index.html", text: templates.page(context))
    }

    /// `404.html`. Its links are relative like every other page's, so
    /// they resolve when it is served for a path at the site's root level
    /// (nginx's `error_page 404 /404.html` at the root; a bucket's error
    /// document).
    func notFound() -> SiteFile {
        let content = "<h1>Page not found</h1>\n<p>This page does not exist, or no longer does.</p>\n"
            + "<p><a href=\"index.html\">The dashboard</a> · <a href=\"reports/index.html\">All reports</a></p>\n"
        let context: [String: Any] = ["title": "\(data.settings.title): page not found", "site_title": data.settings.title,
                                      "description": "Page not found.", "root": "", "content": content]
        return SiteFile(path: "404.html", text: templates.page(context))
    }
}

/// A value made by one of the concurrent jobs and read once they are all done.
public final class Slot<Value>: @unchecked Sendable {
    /// The value, once made.
    public var value: Value?
    /// An empty slot.
    public init() {}
}
