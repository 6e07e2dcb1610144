/// A `[[goals]]` item's progress and forecast (docs/site.md, goals): where
/// the figure stands, what is still needed, and when a least-squares line
/// through the last 28 days reaches the target.
public struct GoalForecast: Sendable, Equatable {
    /// Where the goal stands.
    public enum Outlook: Sendable, Equatable {
        /// The latest value is at or above the target.
        case reached
        /// The line reaches the target on this day, at or before `by`.
        case onTrack(LocalDay)
        /// The line reaches the target on this day, after `by`.
        case late(LocalDay)
        /// The line never reaches it (flat or falling).
        case notAtThisPace
        /// `by` has passed without the target being reached.
        case pastTheDate
        /// Fewer than two days: no trend yet.
        case tooFewDays
    }

    /// The latest value.
    public var current: Double
    /// The line's slope, per day.
    public var perDay: Double?
    /// The verdict.
    public var outlook: Outlook

    /// Days the trend looks back over.
    public static let trendDays = 28

    /// The forecast of `points` (day, value; the last is the latest) for a
    /// target to reach by `by`; nil without any point.
    public init?(points: [(day: LocalDay, value: Double)], target: Double, by: LocalDay) {
        guard let last = points.last else { return nil }
        current = last.value
        let recent = points.filter { $0.day.ordinal > last.day.ordinal - GoalForecast.trendDays }
        let fit = GoalForecast.line(recent.map { (Double($0.day.ordinal - last.day.ordinal), $0.value) })
        perDay = fit?.slope
        if current >= target { outlook = .reached; return }
        if by < last.day { outlook = .pastTheDate; return }
        guard let fit else { outlook = .tooFewDays; return }
        guard fit.slope > 0 else { outlook = .notAtThisPace; return }
        // The first day on which the line is at or above the target.
        let offset = ((target - fit.intercept) / fit.slope).rounded(.up)
        guard offset.isFinite, offset < 36_500 else { outlook = .notAtThisPace; return }
        let day = last.day.adding(days: max(1, Int(offset)))
        outlook = day <= by ? .onTrack(day) : .late(day)
    }

    /// The least-squares line y = intercept + slope × x; nil with fewer
    /// than two distinct x.
    static func line(_ points: [(x: Double, y: Double)]) -> (intercept: Double, slope: Double)? {
        guard points.count >= 2 else { return nil }
        let n = Double(points.count)
        let mx = points.reduce(0) { $0 + $1.x } / n, my = points.reduce(0) { $0 + $1.y } / n
        let sxx = points.reduce(0) { $0 + ($1.x - mx) * ($1.x - mx) }
        guard sxx > 0 else { return nil }
        let slope = points.reduce(0) { $0 + ($1.x - mx) * ($1.y - my) } / sxx
        return (my - slope * mx, slope)
    }
}
