import Testing
@testable import Metrics

/// `quiet_hours` and `no_activity` (docs/site.md): a range across midnight,
/// the quiet time left out of the hours, no resolution notified inside it.
@Suite struct QuietHoursTests {
    static let hour = DayCalendar.hourMs
    static let paris = DayCalendar(timeZoneName: "Europe/Paris")!
    static let day = LocalDay("2026-11-24")!

    static func at(_ hour: Int, _ minute: Int = 0, days: Int = 0) -> Int64 {
        paris.instant(day: day.adding(days: days), hour: hour, minute: minute, second: 0, millisecond: 0)
    }

    static func reading(now: Int64, last: Int64?, quiet: String?) -> AlertReading {
        var alerts = Configuration.Alerts()
        alerts.quietHours = quiet.flatMap(QuietHours.init)
        var trailing = TrailingActivity()
        trailing.lastActivityMs = last
        let inputs = AlertInputs(now: now, trailing: trailing, totalUsers: 0, premiumUsers: 0, calendar: paris)
        return AlertRules.evaluate(inputs, thresholds: alerts)[3]
    }

    @Test func parsesRangesAndRefusesOthers() {
        #expect(QuietHours("01:00-07:00")?.description == "01:00-07:00")
        #expect(QuietHours("23:30-06:15").map { ($0.startMs, $0.endMs) } ?? (0, 0) == (23 * Self.hour + 30 * 60_000, 6 * Self.hour + 15 * 60_000))
        #expect(QuietHours("23:00-24:00").map { ($0.endMs, $0.description) } ?? (0, "") == (24 * Self.hour, "23:00-24:00"))
        #expect(QuietHours("23:00-24:00")?.overlap(from: Self.at(22), to: Self.at(2, days: 1), calendar: Self.paris) == Self.hour)
        for bad in ["07:00-07:00", "00:00-24:00", "24:00-07:00", "7:00-8:00", "01:00", "01:00-07:60", "01:00–07:00", ""] {
            #expect(QuietHours(bad) == nil, "\(bad)")
        }
    }

    @Test func aRangeAcrossMidnightContainsTheNight() {
        let quiet = QuietHours("23:00-07:00")!
        #expect(quiet.contains(Self.at(23), calendar: Self.paris))
        #expect(quiet.contains(Self.at(3), calendar: Self.paris))
        #expect(quiet.contains(Self.at(6, 59), calendar: Self.paris))
        #expect(!quiet.contains(Self.at(7), calendar: Self.paris))
        #expect(!quiet.contains(Self.at(22, 59), calendar: Self.paris))
        // From 22:00 to 08:00 the next day: 8 quiet hours.
        #expect(quiet.overlap(from: Self.at(22), to: Self.at(8, days: 1), calendar: Self.paris) == 8 * Self.hour)
        // Over the fall-back night (2026-10-24 to 25), the same range lasts 9 hours.
        let saturday = LocalDay("2026-10-24")!
        let from = Self.paris.instant(day: saturday, hour: 22, minute: 0, second: 0, millisecond: 0)
        let to = Self.paris.instant(day: saturday.adding(days: 1), hour: 8, minute: 0, second: 0, millisecond: 0)
        #expect(quiet.overlap(from: from, to: to, calendar: Self.paris) == 9 * Self.hour)
        let daytime = QuietHours("12:00-14:00")!
        #expect(daytime.overlap(from: Self.at(13), to: Self.at(13, days: 2), calendar: Self.paris) == 4 * Self.hour)
    }

    @Test func noActivityLeavesQuietTimeOutAndIsNotEvaluatedInside() {
        let last = Self.at(22)
        var reading = Self.reading(now: Self.at(23, 30), last: last, quiet: "23:00-07:00")
        #expect(reading.state == .notEvaluated && reading.silent && reading.value == .number("1"))
        reading = Self.reading(now: Self.at(7, 30, days: 1), last: last, quiet: "23:00-07:00")
        #expect(reading.state == .ok && reading.value == .number("1.5"))
        reading = Self.reading(now: Self.at(8, days: 1), last: last, quiet: "23:00-07:00")
        #expect(reading.state == .firing && reading.value == .number("2"))
        // Without quiet hours the same night fires at midnight.
        #expect(Self.reading(now: Self.at(0, days: 1), last: last, quiet: nil).state == .firing)
        // Nothing read at all: firing outside, not evaluated inside.
        #expect(Self.reading(now: Self.at(12), last: nil, quiet: "23:00-07:00").state == .firing)
        #expect(Self.reading(now: Self.at(2), last: nil, quiet: "23:00-07:00").state == .notEvaluated)
    }

    @Test func aFiringThatEndsInQuietHoursIsNotResolvedAloud() {
        let alerts = Configuration.Alerts()
        var book = AlertBook.initial(thresholds: alerts)
        func step(_ now: Int64, _ reading: AlertReading) -> [AlertBook.Notification.Kind] {
            var readings = book.entries.map(\.reading)
            readings[3] = reading
            let (next, notes) = book.advanced(by: readings, at: now, cooldownMs: 6 * Self.hour)
            book = next
            return notes.map(\.kind)
        }
        let last = Self.at(20)
        #expect(step(Self.at(22, 30), Self.reading(now: Self.at(22, 30), last: last, quiet: "23:00-07:00")) == [.firing])
        #expect(step(Self.at(23, 30), Self.reading(now: Self.at(23, 30), last: last, quiet: "23:00-07:00")) == [])
        #expect(book.entries[3].since == nil)
        // After the night, still nothing: a new firing, notified.
        #expect(step(Self.at(7, 30, days: 1), Self.reading(now: Self.at(7, 30, days: 1), last: last, quiet: "23:00-07:00")) == [.firing])
        // Activity again: resolved, aloud.
        let back = Self.at(7, 40, days: 1)
        #expect(step(back, Self.reading(now: back, last: back, quiet: "23:00-07:00")) == [.resolved])
    }
}
