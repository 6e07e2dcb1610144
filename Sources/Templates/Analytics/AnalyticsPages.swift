import Metrics

/// The analytics pages (`revenue.html`, `retention.html`, `funnel.html`)
/// in the site's layout, and their API and CSV files. Each chart's
/// figures are a table too: the pages work without JavaScript.
struct AnalyticsPages {
    let data: SiteData
    let templates: TemplateSet
    /// Their rows.
    let rows: AnalyticsRows

    /// The pages and their exports.
    func files() -> [SiteFile] {
        return AnalyticsExports(rows: rows).files() + [
            page("revenue", "Revenue", "MRR movements, quick ratio, churn, GRR and NRR, the plan mix.",
                 RevenuePage(rows: rows, latest: data.latest?.snapshot).content()),
            page("retention", "Retention", "Weekly cohorts, retention day 1, 7 and 30, the lifecycle of active users.",
                 RetentionPage(rows: rows).content()),
            page("funnel", "Funnel", "From /start to the first command to premium, and conversion by acquisition source.",
                 FunnelPage(rows: rows).content()),
        ]
    }

    /// The pages, for the navigation: file name and heading.
    static let pages = [("revenue", "Revenue"), ("retention", "Retention"), ("funnel", "Funnel")]

    func page(_ name: String, _ heading: String, _ description: String, _ content: (charts: [PageChart], html: String)) -> SiteFile {
        let e = HTMLEscaping.escape
        var body = "<div class=\"analytics\" id=\"analytics\">\n<h1>\(e(heading))</h1>\n"
        if let snapshot = data.latest?.snapshot {
            body += "<p class=\"as-of\">Data as of <strong>\(snapshot.date), \(data.settings.calendar.clockTime(of: snapshot.capturedAt)) "
                + "(\(e(snapshot.timezone)))</strong></p>\n"
        } else {
            body += "<p class=\"banner\">No snapshot yet: run <code>sentinel-gen snapshot</code>, then build again.</p>\n"
        }
        body += "<nav class=\"links\"><a href=\"index.html\">Dashboard</a> "
            + AnalyticsPages.pages.map { $0.0 == name ? "<strong>\($0.1)</strong>" : "<a href=\"\($0.0).html\">\($0.1)</a>" }.joined(separator: " ")
            + " <a href=\"api/\(name == "revenue" ? "movements" : name).json\">JSON</a> <a href=\"data/\(name == "revenue" ? "movements" : name).csv\">CSV</a></nav>\n"
        body += content.html + "</div>\n"
        let json = JSONValue.object([JSONMember("charts", .array(content.charts.map(\.json)))])
        body += "<script type=\"application/json\" id=\"page-data\">" + String(decoding: json.serialized(), as: UTF8.self) + "</script>\n"
        body += "<script src=\"assets/chart.min.js\"></script>\n<script src=\"assets/pages.js\"></script>\n"
        var context: [String: Any] = ["title": "\(data.settings.title): \(heading)", "site_title": data.settings.title,
                                      "description": description, "root": "", "content": body]
        if !data.baseURL.isEmpty { context["og_url"] = "\(data.baseURL)\(name).html" }
        return SiteFile(path: "\(name).html", text: templates.page(context))
    }
}
