import Metrics

/// `funnel.html`: the 7-day activation funnel (registered, activated,
/// returned, converted) of the latest cohorts and over time, and the
/// 30-day conversion by acquisition source.
struct FunnelPage {
    let rows: AnalyticsRows

    /// Cohorts in the funnel's table.
    static let cohortRows = 14

    /// The funnel's rates of each daily cohort, and its latest cohorts as a table.
    func activation() -> PageChart {
        let shown = Array(rows.funnel7.suffix(RevenuePage.days))
        let series = [
            PageChart.Series(label: "Activated / registered", kind: .line, values: shown.map { PageChart.value(Ratio($0.activated, over: $0.registered)) }),
            PageChart.Series(label: "Returned / activated", kind: .line, values: shown.map { PageChart.value(Ratio($0.returned, over: $0.activated)) }),
            PageChart.Series(label: "Converted / registered", kind: .line, values: shown.map { PageChart.value(Ratio($0.converted, over: $0.registered)) }),
        ]
        let table = shown.suffix(FunnelPage.cohortRows).reversed().map { f in
            [f.cohort.description, Display.count(f.registered), Display.countAndShare(f.activated, f.registered), Display.countAndShare(f.returned, f.activated),
             Display.countAndShare(f.converted, f.registered)]
        }
        return PageChart(id: "funnel-d7", title: "7-day activation funnel by cohort day",
                         caption: "the latest \(table.count) cohorts, newest first; returned as a share of the activated, the others of the registered",
                         labels: shown.map(\.cohort.description), series: series, percentAxes: ["y"],
                         columns: ["Cohort", "Registered", "Activated", "Returned", "Converted"], rows: table)
    }

    /// The latest cohorts' funnel, summed: one bar a step.
    func latest() -> PageChart {
        let cohorts = rows.funnel7.suffix(FunnelPage.cohortRows)
        let sum = AnalyticsRows.total(cohorts)
        let steps = [("Registered", sum.registered), ("Activated", sum.activated), ("Returned", sum.returned), ("Converted", sum.converted)]
        let base = steps[0].1
        let span = cohorts.first.map { "\($0.cohort) to \(cohorts.last!.cohort)" } ?? "none yet"
        return PageChart(id: "funnel-latest", title: "7-day funnel of the latest \(cohorts.count) cohorts", caption: "cohorts \(span), summed",
                         labels: steps.map(\.0), series: [PageChart.Series(label: "Users", kind: .bar, values: steps.map { Double($0.1) })],
                         columns: ["Step", "Users", "Share of registered"],
                         rows: steps.map { [$0.0, Display.count($0.1), Display.percent(Ratio($0.1, over: base))] })
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
        let charts = [latest(), activation()]
        return (charts, charts.map(\.html).joined() + sources())
    }
}
