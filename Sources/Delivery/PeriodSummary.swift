import Metrics
import Templates

/// A week's or a month's summary for Telegram: every figure against the
/// period before, sent as the period's chart with a caption (Telegram
/// allows 1,024 characters), then as a message when it is longer.
struct PeriodSummary {
    /// The site's data.
    let data: SiteData
    /// Title, currencies.
    let configuration: Configuration
    /// The period, complete.
    let period: PeriodFigures
    /// The report's address, or its path when the site has no base URL.
    let link: String

    /// Telegram's longest caption, in UTF-16 units as it counts them.
    static let captionLimit = 1024

    /// The whole summary.
    var text: String {
        let kind = period.kind
        let previous = data.period(kind, containing: period.first.adding(days: -1))
        let closing = period.closing!, earlier = previous.closing
        // The snapshot's own currencies, as every page shows them.
        let revenue = closing.revenue.currency, cost = closing.costs.currency
        let hasBefore = !previous.days.isEmpty
        // No period before (a new site): no change, not empty brackets.
        func against(_ change: String) -> String { change.isEmpty ? "" : " (\(change))" }
        func counted(_ now: Int, _ then: Int?) -> String { Display.count(now) + against(hasBefore ? Display.changeAndPercent(now, then) : "") }
        var lines = ["📊 \(configuration.site.title): \(kind == .week ? "week" : "month") \(period.name) (\(period.first) to \(period.last))"]
        lines.append("MRR \(Display.money(closing.revenue.mrr, revenue))"
                     + against(Display.changeAndPercent(closing.revenue.mrr, earlier?.revenue.mrr, revenue)))
        lines.append("Users \(counted(closing.users.total, earlier?.users.total)), premium \(counted(closing.users.premium, earlier?.users.premium))")
        let active = kind == .week ? "Active in the week" : "Active, 30 days"
        lines.append("\(active) \(period.active.map { counted($0, previous.active) } ?? Display.undefined)")
        lines.append("New users \(counted(period.newUsers, previous.newUsers)) · conversions \(counted(period.conversions, previous.conversions))"
                     + " · cancellations \(counted(period.cancellations, previous.cancellations))")
        if let moved = RevenueRetention.movements(of: period.days) {
            let money = { (value: Money) in Display.money(value, revenue) }
            let net = RevenueRetention.net(moved)
            lines.append("Movements: new \(money(moved[0])), expansion \(money(moved[1])), reactivation \(money(moved[4])), "
                         + "contraction −\(money(moved[2])), churned −\(money(moved[3])); net \(net < .zero ? "−" + money(.zero - net) : "+" + money(net))")
        }
        lines.append("Commands \(counted(period.commands, previous.commands)) · error rate \(Display.percent(period.errorRate))"
                     + against(hasBefore ? Display.change(period.errorRate, previous.errorRate) : ""))
        lines.append("Costs \(Display.money(period.totalCost, cost))"
                     + against(hasBefore ? Display.changeAndPercent(period.totalCost, previous.totalCost, cost) : ""))
        for line in data.goalLines(on: closing.date) { lines.append("🎯 " + line) }
        lines.append("Report: " + link)
        return lines.joined(separator: "\n")
    }

    /// The caption: the whole text when it fits, else its first lines
    /// that fit and the link, the whole text following as a message.
    var caption: (text: String, complete: Bool) {
        let whole = text
        if whole.utf16.count <= PeriodSummary.captionLimit { return (whole, true) }
        let lines = whole.split(separator: "\n").map(String.init)
        let tail = "… the whole summary follows.\n" + lines.last!
        var kept: [String] = []
        for line in lines.dropLast() {
            let candidate = (kept + [line, tail]).joined(separator: "\n")
            if candidate.utf16.count > PeriodSummary.captionLimit { break }
            kept.append(line)
        }
        var caption = (kept + [tail]).joined(separator: "\n")
        // A title alone over the limit: cut to it, by characters.
        while caption.utf16.count > PeriodSummary.captionLimit { caption.removeLast() }
        return (caption, false)
    }
}
