import Metrics

/// `funnel.html`: the 7-day activation funnel (registered, activated,
/// returned, converted) of the latest cohorts and over time, and the
/// 30-day conversion by acquisition source.
struct FunnelPage {
    let rows: AnalyticsRows

    /// Cohorts in the funnel's table.
    static let cohortRows = 14

    func share(_ part: Int, _ whole: Int) -> String { "\(Display.count(part)) (\(Display.percent(Ratio(part, over: whole))))" }

    /// The funnel's rates of each daily cohort, and its latest cohorts as a table.
    func activation() -> PageChart {
        let shown = Array(rows.funnel7.suffix(RevenuePage.days))
        let series = [
            PageChart.Series(label: "Activated / registered", kind: .line, values: shown.map { PageChart.value(Ratio($0.activated, over: $0.registered)) }),
            PageChart.Series(label: "Returned / activated", kind: .line, values: shown.map { PageChart.value(Ratio($0.returned, over: $0.activated)) }),
            PageChart.Series(label: "Converted / registered", kind: .line, values: shown.map { PageChart.value(Ratio($0.converted, over: $0.registered)) }),
        ]
        let table = shown.suffix(FunnelPage.cohortRows).reversed().map { f in
            [f.cohort.description, Display.count(f.registered), share(f.activated, f.registered), share(f.returned, f.registered),
             share(f.converted, f.registered)]
        }
        return PageChart(id: "funnel-d7", title: "7-day activation funnel by cohort day",
                         caption: "the latest \(table.count) cohorts, newest first; each step with its share of the registered",
                         labels: shown.map(\.cohort.description), series: series, percentAxes: ["y"],
                         columns: ["Cohort", "Registered", "Activated", "Returned", "Converted"], rows: table)
    }

    /// The 30-day conversion by source: a table, most registered first.
    func sources() -> String {
        let table = rows.bySource.map { s in
            [s.source.description, Display.count(s.registered), Display.count(s.converted), Display.percent(Ratio(s.converted, over: s.registered))]
        }
        let body = table.isEmpty ? "<p class=\"note\">No 30-day cohort yet.</p>\n"
            : PageChart.table(columns: ["Source", "Registered", "Converted", "Rate"], rows: table)
        return "<section aria-labelledby=\"sources-title\">\n<h2 id=\"sources-title\">30-day conversion by source</h2>\n"
            + "<p class=\"note\">Users registered 30 to 60 days ago, by the source of their registration, and how many of them became premium "
            + "within 30 days (the cohorts of the last 30 days).</p>\n" + body + "</section>\n"
    }

    /// The page's charts and its sections in order.
    func content() -> (charts: [PageChart], html: String) {
        let chart = activation()
        return ([chart], chart.html + sources())
    }
}
