import Metrics

/// `revenue.html`: MRR movements by day, week and month (new, expansion and
/// reactivation up, contraction and churn down, the net change as a line),
/// the 30-day quick ratio, churn, GRR and NRR over time, and the plan and
/// interval mix of the latest day.
struct RevenuePage {
    let rows: AnalyticsRows
    let latest: Snapshot?

    /// Days, weeks and months the charts and tables show (the API and CSV have all).
    static let days = 90, tableDays = 30, weeks = 26, months = 24

    var currency: String { latest?.revenue.currency ?? "USD" }

    /// The movements of the latest `count` rows.
    func movements(_ id: String, _ title: String, _ list: [AnalyticsRows.Movements], count: Int, tableCount: Int) -> PageChart {
        let shown = Array(list.suffix(count))
        // Up: new, expansion, reactivation; down: contraction, churn.
        let order: [(SnapshotAnalytics.Movement, String, Double)] = [
            (.new, "New", 1), (.expansion, "Expansion", 1), (.reactivation, "Reactivation", 1), (.contraction, "Contraction", -1), (.churn, "Churn", -1),
        ]
        var series = order.map { movement, label, sign in
            PageChart.Series(label: label, kind: .bar, values: shown.map { row in PageChart.value(row.amounts?[movement.rawValue]).map { $0 * sign } },
                             stack: "movements")
        }
        series.append(PageChart.Series(label: "Net MRR change", kind: .line, values: shown.map { PageChart.value($0.net) }))
        let money = { (value: Money?) in Display.money(value, currency) }
        let table = shown.suffix(tableCount).reversed().map { row -> [String] in
            [row.label + (row.inProgress ? " (so far)" : "")] + order.map { money(row.amounts?[$0.0.rawValue]) }
                + [money(row.net), Display.ratio(row.quickRatio)]
        }
        return PageChart(id: id, title: title, caption: "the latest \(min(tableCount, shown.count)) rows, newest first (\(currency))",
                         labels: shown.map(\.label), series: series,
                         columns: ["Period"] + order.map(\.1) + ["Net", id == "movements-daily" ? "Quick ratio (30 d)" : "Quick ratio"], rows: table)
    }

    /// Quick ratio, churn, GRR and NRR of the 30 days ending on each day.
    func ratios() -> PageChart {
        let shown = Array(rows.daily.suffix(RevenuePage.days))
        let series = [
            PageChart.Series(label: "Churn (customers)", kind: .line, values: shown.map { PageChart.value($0.churnRate30d) }),
            PageChart.Series(label: "GRR", kind: .line, values: shown.map { PageChart.value($0.grr30d) }),
            PageChart.Series(label: "NRR", kind: .line, values: shown.map { PageChart.value($0.nrr30d) }),
            PageChart.Series(label: "Quick ratio", kind: .line, values: shown.map { PageChart.value($0.quickRatio) }, axis: "right"),
        ]
        let table = shown.suffix(RevenuePage.tableDays).reversed().map {
            [$0.label, Display.percent($0.churnRate30d), Display.percent($0.grr30d), Display.percent($0.nrr30d), Display.ratio($0.quickRatio)]
        }
        return PageChart(id: "revenue-ratios", title: "Churn, GRR, NRR and quick ratio (30 days)",
                         caption: "the latest \(table.count) days, newest first", labels: shown.map(\.label), series: series,
                         percentAxes: ["y"], columns: ["Day", "Churn", "GRR", "NRR", "Quick ratio"], rows: table)
    }

    /// The latest day's subscriptions and MRR by plan and by interval.
    func mix() -> String {
        guard let latest else { return "" }
        guard let analytics = latest.analytics else { return "<p class=\"note\">No plan mix: the latest snapshot is of version 1.</p>\n" }
        let total = analytics.byPlan.reduce(Money.zero) { $0 + $1.mix.mrr }
        func share(_ mrr: Money) -> String { Display.percent(Ratio(mrr, over: total)) }
        var rows = analytics.byPlan.map { [$0.plan.description, Display.count($0.mix.subscriptions), Display.money($0.mix.mrr, currency), share($0.mix.mrr)] }
        if rows.isEmpty { rows = [["(no subscription)", "0", Display.money(.zero, currency), Display.undefined]] }
        let intervals = [("Monthly", analytics.month), ("Yearly", analytics.year)].map {
            [$0.0, Display.count($0.1.subscriptions), Display.money($0.1.mrr, currency), share($0.1.mrr)]
        }
        return "<section aria-labelledby=\"mix-title\">\n<h2 id=\"mix-title\">Plan and interval mix, \(latest.date)\(latest.status == .partial ? " (so far)" : "")</h2>\n"
            + PageChart.table(columns: ["Plan", "Subscriptions", "MRR", "Share of MRR"], rows: rows)
            + PageChart.table(columns: ["Interval", "Subscriptions", "MRR", "Share of MRR"], rows: intervals)
            + "</section>\n"
    }

    /// The page's charts and its sections in order.
    func content() -> (charts: [PageChart], html: String) {
        let charts = [
            movements("movements-daily", "MRR movements by day", rows.daily, count: RevenuePage.days, tableCount: RevenuePage.tableDays),
            movements("movements-weekly", "MRR movements by week", rows.weekly, count: RevenuePage.weeks, tableCount: RevenuePage.weeks),
            movements("movements-monthly", "MRR movements by month", rows.monthly, count: RevenuePage.months, tableCount: RevenuePage.months),
            ratios(),
        ]
        let intro = "<p class=\"note\">Movements are of the days the ledger covers (n/a before it). Contraction and churn are drawn below zero; "
            + "the quick ratio is (new + expansion + reactivation) / (contraction + churn) over 30 days.</p>\n"
        return (charts, intro + charts.map(\.html).joined() + mix())
    }
}
