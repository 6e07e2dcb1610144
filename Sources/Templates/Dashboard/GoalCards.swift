import Metrics

/// The dashboard's goals (`[[goals]]`): each goal's progress, what is
/// still needed and when the trend of the last 28 days reaches it, as text
/// and as a small SVG chart drawn here (no script needed).
struct GoalCards {
    let data: SiteData
    /// The headline's day: goals are measured on complete days.
    let day: LocalDay

    /// The figure a goal tracks on one day; nil when it is undefined.
    static func value(_ metric: Configuration.Goal.Metric, _ s: Snapshot) -> Double? {
        switch metric {
        case .mrr: return s.revenue.mrr.micros.nearestDouble / 1_000_000
        case .premiumUsers: return Double(s.users.premium)
        case .totalUsers: return Double(s.users.total)
        case .dau: return Double(s.users.active)
        case .conversionRate: return s.users.total == 0 ? nil : Double(s.users.premium) / Double(s.users.total)
        }
    }

    static func target(_ target: Configuration.Goal.Target) -> Double {
        switch target {
        case .money(let money): return money.micros.nearestDouble / 1_000_000
        case .count(let count): return Double(count)
        case .rate(let fraction): return fraction.numerator.nearestDouble / fraction.denominator.nearestDouble
        }
    }

    /// A value as the goal's figure is written.
    func shown(_ goal: Configuration.Goal, _ value: Double, signed: Bool = false) -> String {
        let sign = signed ? (value > 0 ? "+" : value < 0 ? "−" : "±") : ""
        let magnitude = signed ? abs(value) : value
        switch goal.metric {
        case .mrr: return sign + Display.money(Money(micros: Int128((magnitude * 1_000_000).rounded())), data.latest?.snapshot.revenue.currency ?? "USD")
        case .conversionRate: return sign + Display.decimal(magnitude * 100) + " %"
        default: return sign + (magnitude == magnitude.rounded() ? Display.count(Int(magnitude)) : Display.decimal(magnitude))
        }
    }

    /// The cards, for the template.
    func cards() -> [[String: Any]] {
        data.settings.goals.compactMap { goal -> [String: Any]? in
            let points = data.history.present(endingOn: day, days: GoalForecast.trendDays)
                .filter { $0.status == .complete }.compactMap { s in GoalCards.value(goal.metric, s).map { (day: s.date, value: $0) } }
            let target = GoalCards.target(goal.target)
            let label = ["mrr": "MRR", "premium_users": "Premium users", "total_users": "Total users",
                         "conversion_rate": "Conversion rate", "dau": "Active users (DAU)"][goal.metric.rawValue] ?? goal.metric.rawValue
            guard let forecast = GoalForecast(points: points, target: target, by: goal.by) else {
                return ["label": label, "text": "\(label): \(shown(goal, target)) by \(goal.by); no complete day yet.", "svg": ""]
            }
            var text = "\(shown(goal, forecast.current)) of \(shown(goal, target)) by \(goal.by)"
            if target > 0 { text += " (\(Display.decimal(100 * forecast.current / target)) %)" }
            let pace = forecast.perDay.map { " (\(shown(goal, $0, signed: true)) a day)" } ?? ""
            switch forecast.outlook {
            case .reached: text += ": reached."
            case .tooFewDays: text += ": \(shown(goal, target - forecast.current)) to go; a forecast needs two complete days."
            case .pastTheDate: text += ": \(shown(goal, target - forecast.current)) short, and \(goal.by) has passed."
            case .notAtThisPace: text += ": \(shown(goal, target - forecast.current)) to go; not at this pace\(pace)."
            case .onTrack(let when): text += ": \(shown(goal, target - forecast.current)) to go; at the last 28 days' pace\(pace), reached on \(when), on track."
            case .late(let when):
                text += ": \(shown(goal, target - forecast.current)) to go; at the last 28 days' pace\(pace), reached on \(when), "
                    + "\(when.ordinal - goal.by.ordinal) days after \(goal.by)."
            }
            return ["label": label, "text": text, "svg": GoalCards.sparkline(points.map(\.value), target: target)]
        }
    }

    /// A 160 × 40 line of the values with the target as a dashed line.
    static func sparkline(_ values: [Double], target: Double) -> String {
        guard values.count >= 2 else { return "" }
        let low = min(values.min()!, target), high = max(values.max()!, target)
        let span = high - low > 0 ? high - low : 1
        func y(_ v: Double) -> String { String(format: "%.1f", 38 - 36 * (v - low) / span) }
        let step = 160 / Double(values.count - 1)
        let points = values.enumerated().map { String(format: "%.1f", Double($0.offset) * step) + "," + y($0.element) }.joined(separator: " ")
        return "<svg class=\"goal-chart\" width=\"160\" height=\"40\" viewBox=\"0 0 160 40\" role=\"img\" aria-hidden=\"true\">"
            + "<line x1=\"0\" x2=\"160\" y1=\"\(y(target))\" y2=\"\(y(target))\" stroke=\"#d9480f\" stroke-dasharray=\"4 3\"/>"
            + "<polyline fill=\"none\" stroke=\"#2357c6\" stroke-width=\"2\" points=\"\(points)\"/></svg>"
    }
}

extension SiteData {
    /// Each goal's progress and forecast as of `day`, one line each, for
    /// the Telegram summaries.
    public func goalLines(on day: LocalDay) -> [String] {
        GoalCards(data: self, day: day).cards().compactMap { card in
            guard let label = card["label"] as? String, let text = card["text"] as? String else { return nil }
            return text.hasPrefix(label) ? text : "\(label): \(text)"
        }
    }
}
