import Metrics

extension ReportCharts {
    /// The charts of a week's or a month's report: its days' activity and
    /// its MRR movements.
    public func period(_ period: PeriodFigures) -> [Figure] {
        var days: [LocalDay] = []
        var day = period.first
        while day <= period.last { days.append(day); day = day.adding(days: 1) }
        let noun = period.kind == .week ? "Week" : "Month"
        return [Figure(name: "activity", chart: activity(days, title: "\(noun) \(period.name), day by day")),
                Figure(name: "movements", chart: movements(days, title: "MRR movements, \(noun.lowercased()) \(period.name)"))]
    }

    /// Each day's MRR movements as stacked bars (gains up, losses down)
    /// and the MRR as a line on its own axis; version 1 days show new and
    /// churned MRR.
    func movements(_ days: [LocalDay], title: String) -> SVGChart {
        let snapshots = days.map { data.day($0)?.snapshot }
        // new, expansion, contraction, churn, reactivation, as in the file.
        func part(_ kind: Int, sign: Double) -> [Double?] {
            snapshots.map { snapshot -> Double? in
                guard let snapshot else { return nil }
                if let moved = snapshot.analytics?.movements { return sign * ReportCharts.double(moved[kind]) }
                switch kind {
                case 0: return ReportCharts.double(snapshot.revenue.newMRR)
                case 3: return -ReportCharts.double(snapshot.revenue.churnedMRR)
                default: return nil
                }
            }
        }
        let known = snapshots.compactMap { $0 }
        var totals = [Money](repeating: .zero, count: 5)
        for snapshot in known {
            let moved = snapshot.analytics?.movements ?? [snapshot.revenue.newMRR, .zero, .zero, snapshot.revenue.churnedMRR, .zero]
            for kind in 0..<5 { totals[kind] = totals[kind] + moved[kind] }
        }
        let money = { (value: Money) in Display.money(value, self.revenueCurrency) }
        var summary = "\(title): "
        if let first = known.first, let last = known.last {
            summary += "MRR \(money(first.revenue.mrr)) on \(first.date), \(money(last.revenue.mrr)) on \(last.date); "
            summary += "new \(money(totals[0])), expansion \(money(totals[1])), reactivation \(money(totals[4])), "
            summary += "contraction \(money(totals[2])), churned \(money(totals[3])); net \(money(RevenueRetention.net(totals)))."
        } else {
            summary += "no data."
        }
        return SVGChart(title: title, labels: days.map(ReportCharts.shortDate), series: [
            SVGChart.Series("New", part(0, sign: 1), style: .bar, color: 2),
            SVGChart.Series("Expansion", part(1, sign: 1), style: .bar, color: 5),
            SVGChart.Series("Reactivation", part(4, sign: 1), style: .bar, color: 3),
            SVGChart.Series("Contraction", part(2, sign: -1), style: .bar, color: 6),
            SVGChart.Series("Churned", part(3, sign: -1), style: .bar, color: 1),
            SVGChart.Series("MRR (right axis)", snapshots.map { $0.map { ReportCharts.double($0.revenue.mrr) } }, style: .line, right: true, color: 0),
        ], left: .money(revenueCurrency), right: .money(revenueCurrency), summary: summary)
    }
}
