import Metrics

/// The dashboard's "today so far" row (docs/analytics.md, "so far"): the
/// day in progress's flows and active users against yesterday and the same
/// weekday a week before, each up to the same local time, never against
/// whole days.
struct TodaySoFar: Sendable {
    /// One figure today and on the two days it is compared with.
    struct Row: Sendable {
        var label: String
        var today: String, yesterday: String, lastWeek: String
        var againstYesterday: String, againstLastWeek: String
    }

    /// `HH:MM`, the local time of the comparison.
    var clock: String
    var rows: [Row]

    /// The comparison at the snapshot's capture time; nil unless the latest
    /// snapshot is the day in progress with its hourly figures.
    init?(data: SiteData) {
        guard let today = data.latest?.snapshot, today.status == .partial, let hours = today.analytics?.hourly else { return nil }
        let calendar = data.settings.calendar, now = today.capturedAt
        clock = calendar.clockTime(of: now)
        let yesterday = data.day(today.date.adding(days: -1))?.snapshot, lastWeek = data.day(today.date.adding(days: -7))?.snapshot
        func elapsed(_ snapshot: Snapshot?) -> (Snapshot, SnapshotAnalytics.Hourly, Int64)? {
            guard let snapshot, let hourly = snapshot.analytics?.hourly else { return nil }
            return (snapshot, hourly, SoFar.elapsed(on: snapshot.date, sameClockAs: now, calendar: calendar))
        }
        let before = elapsed(yesterday), week = elapsed(lastWeek)
        func counts(_ label: String, _ today: Int, _ value: (SnapshotAnalytics.Hourly, Int64) -> Int) -> Row {
            let a = before.map { value($0.1, $0.2) }, b = week.map { value($0.1, $0.2) }
            return Row(label: label, today: Display.count(today), yesterday: Display.count(a), lastWeek: Display.count(b),
                       againstYesterday: Display.changeAndPercent(today, a), againstLastWeek: Display.changeAndPercent(today, b))
        }
        let flow = { (keyPath: KeyPath<SnapshotAnalytics.Hourly, [Int]>) in
            { (hourly: SnapshotAnalytics.Hourly, ms: Int64) in SoFar.count(hourly[keyPath: keyPath], elapsedMs: ms) }
        }
        let cost = today.costs.currency
        let spent = hours.apiCost.reduce(Money.zero, +)
        let costBefore = before.map { SoFar.money($0.1.apiCost, elapsedMs: $0.2) }, costWeek = week.map { SoFar.money($0.1.apiCost, elapsedMs: $0.2) }
        rows = [
            counts("New users", hours.registrations.reduce(0, +), flow(\.registrations)),
            counts("Active users", hours.active.last ?? 0) { SoFar.cumulative($0.active, elapsedMs: $1) },
            counts("Commands", hours.commands.reduce(0, +), flow(\.commands)),
            counts("Conversions", hours.conversions.reduce(0, +), flow(\.conversions)),
            counts("Errors", hours.errors.reduce(0, +), flow(\.errors)),
            Row(label: "API cost", today: Display.money(spent, cost), yesterday: Display.money(costBefore, cost),
                lastWeek: Display.money(costWeek, cost), againstYesterday: Display.changeAndPercent(spent, costBefore, cost),
                againstLastWeek: Display.changeAndPercent(spent, costWeek, cost)),
        ]
    }

    /// The template's context.
    var context: [String: Any] {
        ["clock": clock, "rows": rows.map { row in
            ["label": row.label, "today": row.today, "yesterday": row.yesterday, "last_week": row.lastWeek,
             "against_yesterday": row.againstYesterday, "against_last_week": row.againstLastWeek] as [String: Any]
        }]
    }
}
