import Metrics

/// The version 2 parts of the reports: MRR movements instead of new and
/// churned MRR where the ledger covers the days, and a period's cohorts
/// and funnel.
extension ReportSections {
    /// Revenue rows of movements (up, down, net), or nil where they are
    /// unknown (the caller then shows version 1's new and churned MRR).
    static func movementRows(_ movements: [Money]?, _ currency: String) -> [[String]]? {
        guard let m = movements else { return nil }
        let money = { (value: Money) in Display.money(value, currency) }
        return [["New MRR", money(m[0])], ["Expansion", money(m[1])], ["Reactivation", money(m[4])],
                ["Contraction", money(m[2])], ["Churned MRR", money(m[3])], ["Net MRR change", money(RevenueRetention.net(m))]]
    }

    /// The rows of a period: its weekly cohorts (a week's own; a month's,
    /// those of the weeks that start in it) and its days' funnels.
    static func periodRows(_ period: PeriodFigures, _ rows: AnalyticsRows)
        -> (cohorts: [AnalyticsRows.Cohort], in7: [SnapshotAnalytics.Funnel7], in30: [SnapshotAnalytics.Funnel30]) {
        (rows.cohorts.filter { period.kind == .week ? $0.week == period.name : $0.monday >= period.first && $0.monday <= period.last },
         rows.funnel7.filter { $0.cohort >= period.first && $0.cohort <= period.last },
         rows.funnel30.filter { $0.cohort >= period.first && $0.cohort <= period.last })
    }

    /// The cohorts registered in the period (weeks 0, 1, … so far) and the
    /// funnels of the cohorts of its days, summed.
    static func cohortsAndFunnel(_ doc: inout MarkdownDocument, period: PeriodFigures, rows: AnalyticsRows) {
        let (cohorts, in7, in30) = periodRows(period, rows)
        doc.heading(2, "Retention and funnel")
        if cohorts.isEmpty {
            doc.paragraph("No weekly cohort of this period is known (the ledger does not cover it).")
        } else {
            let span = cohorts.map(\.active.count).max() ?? 1
            var table = MarkdownTable(["Cohort", "Users"] + (0..<span).map { "Week \($0)" }, numeric: Set(1...(span + 1)))
            for cohort in cohorts {
                let cells = (0..<span).map { k -> String in
                    guard k < cohort.active.count, let active = cohort.active[k] else { return "" }
                    let mark = cohort.lastInProgress && k == cohort.active.count - 1 ? " (so far)" : ""
                    return "\(Display.percent(Ratio(active, over: cohort.size))) (\(Display.count(active)))\(mark)"
                }
                table.row([cohort.week, Display.count(cohort.size)] + cells)
            }
            doc.table(table)
        }
        guard !in7.isEmpty || !in30.isEmpty else {
            doc.paragraph("No funnel yet: a day's cohort is measured 7 and 30 days after it.")
            return
        }
        let sum = AnalyticsRows.total(in7)
        var funnel = MarkdownTable(["Funnel of the period's cohorts", "Users"], numeric: [1])
        if !in7.isEmpty {
            funnel.row(["Registered (cohorts measured at 7 days)", Display.count(sum.registered)])
            funnel.row(["Activated (a command within 7 days)", Display.countAndShare(sum.activated, sum.registered)])
            funnel.row(["Returned on another day (of the activated)", Display.countAndShare(sum.returned, sum.activated)])
            funnel.row(["Converted within 7 days", Display.countAndShare(sum.converted, sum.registered)])
        }
        if !in30.isEmpty {
            let base = in30.reduce(0) { $0 + $1.registered }
            funnel.row(["Registered (cohorts measured at 30 days)", Display.count(base)])
            funnel.row(["Converted within 30 days", Display.countAndShare(in30.reduce(0) { $0 + $1.converted }, base)])
        }
        doc.table(funnel)
    }
}
