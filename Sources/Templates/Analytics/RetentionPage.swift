import Metrics

/// `retention.html`: the weekly cohort triangle (a table shaded by CSS),
/// retention day 1, 7 and 30 over time, and the weekly lifecycle (new,
/// returning and resurrecting users above zero, the dormant below).
struct RetentionPage {
    let rows: AnalyticsRows

    /// Cohorts in the triangle, newest last.
    static let cohortRows = 16

    /// The triangle: each cell the share of the cohort active that week
    /// and the count, in one of eleven shades (`shade-0` to `shade-10`).
    func triangle() -> String {
        // Rows start with a known week 0: older cohorts (before the ledger) are in the API and CSV.
        let shown = rows.cohorts.filter { $0.active.first.map { $0 != nil } ?? false }.suffix(RetentionPage.cohortRows)
        guard !shown.isEmpty else {
            return "<p class=\"note\">No weekly cohort yet: the triangle starts with the first week the ledger covers.</p>\n"
        }
        let columns = ["Cohort", "Users"] + (0..<AnalyticsRows.cohortWeeks).map { "Week \($0)" }
        var cells: [[String]] = [], classes: [[String]] = []
        for cohort in shown {
            var row = [cohort.week, Display.count(cohort.size)], shade = ["", ""]
            for k in 0..<AnalyticsRows.cohortWeeks {
                guard k < cohort.active.count, let active = cohort.active[k] else {
                    row.append("")
                    shade.append("cell-empty")
                    continue
                }
                let rate = Ratio(active, over: cohort.size)
                let current = cohort.lastInProgress && k == cohort.active.count - 1
                row.append((rate.map { "\(Display.percent($0)) (\(Display.count(active)))" } ?? Display.count(active)) + (current ? " *" : ""))
                let tenth = rate == nil ? 0 : Int(Money.divideHalfEven(Int128(active) * 10, Int128(cohort.size)))
                shade.append("cohort shade-\(min(10, max(0, tenth)))" + (current ? " in-progress" : ""))
            }
            cells.append(row)
            classes.append(shade)
        }
        return "<div class=\"triangle\">\n" + PageChart.table(columns: columns, rows: cells, classes: classes) + "</div>\n"
            + "<p class=\"note\">Each cell: the share of the week's new users active in week k after it, and how many. "
            + "A dashed cell marked * is the week in progress (so far); empty cells are not known yet.</p>\n"
    }

    /// Retention day 1, 7 and 30 of each day.
    func dayN() -> PageChart {
        let shown = Array(rows.dayN.suffix(RevenuePage.days))
        let names = ["Day 1", "Day 7", "Day 30"]
        let series = names.enumerated().map { i, name in
            PageChart.Series(label: name, kind: .line, values: shown.map { PageChart.value($0.rates[i]) })
        }
        let table = shown.suffix(RevenuePage.tableDays).reversed().map { [$0.date.description] + $0.rates.map(Display.percent) }
        return PageChart(id: "retention-day-n", title: "Retention day 1, 7 and 30", caption: "the latest \(table.count) days, newest first",
                         labels: shown.map(\.date.description), series: series, percentAxes: ["y"],
                         columns: ["Day"] + names, rows: table)
    }

    /// The weekly lifecycle, dormant users drawn below zero.
    func lifecycle() -> PageChart {
        let shown = Array(rows.lifecycle.suffix(RevenuePage.weeks))
        let parts: [(String, (SnapshotAnalytics.Lifecycle) -> Int, Double)] = [
            ("New", \.new, 1), ("Returning", \.returning, 1), ("Resurrecting", \.resurrecting, 1), ("Dormant", \.dormant, -1),
        ]
        let series = parts.map { label, value, sign in
            PageChart.Series(label: label, kind: .bar, values: shown.map { Double(value($0.counts)) * sign }, stack: "lifecycle")
        }
        let table = shown.reversed().map { week in
            [week.week + (week.inProgress ? " (so far)" : "")] + parts.map { Display.count($0.1(week.counts)) }
        }
        return PageChart(id: "lifecycle", title: "Lifecycle by week", caption: "the latest \(table.count) weeks, newest first",
                         labels: shown.map(\.week), series: series, columns: ["Week"] + parts.map(\.0), rows: table)
    }

    /// The page's charts and its sections in order.
    func content() -> (charts: [PageChart], html: String) {
        let charts = [dayN(), lifecycle()]
        let html = "<section aria-labelledby=\"triangle-title\">\n<h2 id=\"triangle-title\">Weekly cohorts</h2>\n" + triangle() + "</section>\n"
            + charts.map(\.html).joined()
        return (charts, html)
    }
}
