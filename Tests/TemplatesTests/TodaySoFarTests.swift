import Testing
@testable import Metrics
@testable import Templates

/// The dashboard's "today so far" against yesterday and a week before at
/// the same local time, on days of 23, 24 and 25 hours.
@Suite struct TodaySoFarTests {
    static let paris = DayCalendar(timeZoneName: "Europe/Paris")!

    /// A day with 10 commands and 1 registration in each of its hours (its
    /// first `hours` only, for the day in progress at `now`).
    static func snapshot(_ day: LocalDay, now: Int64? = nil) -> Snapshot {
        let start = paris.start(of: day), end = paris.start(of: day.adding(days: 1))
        let hours = now.map { Int(($0 - start) / 3_600_000) + 1 } ?? Int((end - start) / 3_600_000)
        var s = Snapshot(date: day, timezone: "Europe/Paris", status: now == nil ? .complete : .partial, capturedAt: now ?? end,
                         coverage: .init(eventsFrom: 0, windowsComplete: true), revenueCurrency: "EUR", costCurrency: "USD")
        var a = SnapshotAnalytics()
        a.hourly.commands = Array(repeating: 10, count: hours)
        a.hourly.registrations = Array(repeating: 1, count: hours)
        a.hourly.active = (1...hours).map { 4 * $0 }
        a.hourly.apiCost = Array(repeating: Money("0.003")!, count: hours)
        s.analytics = a
        return s
    }

    static func row(today: String, hour: Int, minute: Int, _ label: String) throws -> TodaySoFar.Row {
        let day = LocalDay(today)!
        let now = paris.instant(day: day, hour: hour, minute: minute, second: 0, millisecond: 0)
        let history = SnapshotHistory([day.adding(days: -7), day.adding(days: -1)].map { snapshot($0) } + [snapshot(day, now: now)])
        var configuration = Configuration()
        configuration.timezone = "Europe/Paris"
        let data = SiteData(history: history, settings: ReportSettings(configuration: configuration), alerts: .initial(thresholds: .init()),
                            thresholds: .init(), now: now, baseURL: "")
        let soFar = try #require(TodaySoFar(data: data))
        return try #require(soFar.rows.first { $0.label == label })
    }

    @Test func afterAnHourDaySameLocalTime() throws {
        // 2026-10-26 at 08:20: yesterday was 25 hours long (9 h 20 min had
        // passed by 08:20), a week before 24 (8 h 20 min).
        let commands = try Self.row(today: "2026-10-26", hour: 8, minute: 20, "Commands")
        #expect(commands.today == "90" && commands.yesterday == "93" && commands.lastWeek == "83")
        #expect(commands.againstYesterday == "−3 (−3.2 %)" && commands.againstLastWeek == "+7 (+8.4 %)")
        // After a 23-hour day (2026-03-29): 7 h 20 min by 08:20.
        #expect(try Self.row(today: "2026-03-30", hour: 8, minute: 20, "Commands").yesterday == "73")
        // 00:30 is half an hour into every day: 5 commands, rounded half to even from 0.5 registrations to 0.
        let early = try Self.row(today: "2026-10-26", hour: 0, minute: 30, "Commands")
        #expect(early.yesterday == "5" && early.lastWeek == "5")
        #expect(try Self.row(today: "2026-10-26", hour: 0, minute: 30, "New users").yesterday == "0")
        // Active users are cumulative: 4 an hour, so 2 by 00:30 and 37 by 09:20 of the 25-hour day.
        #expect(try Self.row(today: "2026-10-26", hour: 8, minute: 20, "Active users").yesterday == "37")
        #expect(try Self.row(today: "2026-10-26", hour: 8, minute: 20, "API cost").yesterday == "$0.03")
    }
}
