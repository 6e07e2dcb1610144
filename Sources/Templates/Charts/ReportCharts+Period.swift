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
                Figure(name: "movements", chart: movements(days, title: "MRR movements, \(noun.lowercased()) \(period.name)",
                                                           currency: period.closing?.revenue.currency ?? "USD"))]
    }

    /// Each day's MRR movements as stacked bars (gains up, losses down)
    /// and the MRR as a line on its own axis; version 1 days show new and
    /// churned MRR.
    func movements(_ days: [LocalDay], title: String, currency revenueCurrency: String) -> SVGChart {
        let points = days.map(point)
        func part(_ kind: Int, sign: Double) -> [Double?] {
            points.map { point in
                guard let point else { return nil }
                // A version 1 day has new and churned MRR only: no bar of the other kinds.
                let value = point.movements[kind]
                return value == .zero && kind != 0 && kind != 3 ? nil : sign * ReportCharts.double(value)
            }
        }
        let money = { (value: Money) in Display.money(value, revenueCurrency) }
        let summary = ReportCharts.summary(title, points) { known, first, last in
            var totals = [Money](repeating: .zero, count: 5)
            for point in known {
                for kind in 0..<5 { totals[kind] = totals[kind] + point.movements[kind] }
            }
            return "MRR \(money(first.mrr)) on \(first.date), \(money(last.mrr)) on \(last.date); "
                + "new \(money(totals[0])), expansion \(money(totals[1])), reactivation \(money(totals[4])), "
                + "contraction \(money(totals[2])), churned \(money(totals[3])); net \(money(RevenueRetention.net(totals)))."
        }
        return SVGChart(title: title, labels: labels(days, points), series: [
            SVGChart.Series("New", part(0, sign: 1), style: .bar, color: 2),
            SVGChart.Series("Expansion", part(1, sign: 1), style: .bar, color: 5),
            SVGChart.Series("Reactivation", part(4, sign: 1), style: .bar, color: 3),
            SVGChart.Series("Contraction", part(2, sign: -1), style: .bar, color: 6),
            SVGChart.Series("Churned", part(3, sign: -1), style: .bar, color: 1),
            SVGChart.Series("MRR (right axis)", points.map { $0.map { ReportCharts.double($0.mrr) } }, style: .line, right: true, color: 0),
        ], left: .money(revenueCurrency), right: .money(revenueCurrency), summary: summary)
    }
}
