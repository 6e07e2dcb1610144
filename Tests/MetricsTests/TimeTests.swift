import Testing
@testable import Metrics

@Suite struct TimeTests {
    let paris = DayCalendar(timeZoneName: "Europe/Paris")!

    @Test func theMondayOfAnISOWeek() {
        #expect(LocalDay.monday(ofISOWeek: "2026-W53") == LocalDay("2026-12-28"))
        #expect(LocalDay.monday(ofISOWeek: "2027-W01") == LocalDay("2027-01-04"))
        #expect(LocalDay.monday(ofISOWeek: "2026-W01") == LocalDay("2025-12-29"))
        #expect(LocalDay.monday(ofISOWeek: "2027-W53") == nil && LocalDay.monday(ofISOWeek: "2026-12") == nil)
    }

    @Test func dstDaysLast23And25Hours() {
        let spring = LocalDay("2026-03-29")!
        let autumn = LocalDay("2026-10-25")!
        #expect(paris.start(of: spring.adding(days: 1)) - paris.start(of: spring) == 23 * 3_600_000)
        #expect(paris.start(of: autumn.adding(days: 1)) - paris.start(of: autumn) == 25 * 3_600_000)
        #expect(Timestamp.format(ms: paris.start(of: spring)) == "2026-03-28T23:00:00Z")
        #expect(Timestamp.format(ms: paris.start(of: autumn.adding(days: 1))) == "2026-10-25T23:00:00Z")
    }

    @Test func midnightBelongsToTheDayItStarts() {
        let start = paris.start(of: LocalDay("2026-11-25")!)
        #expect(paris.day(containing: start).description == "2026-11-25")
        #expect(paris.day(containing: start - 1).description == "2026-11-24")
        let utc = DayCalendar(timeZoneName: "UTC")!
        #expect(utc.day(containing: 0).description == "1970-01-01")
        #expect(utc.day(containing: -1).description == "1969-12-31")
    }

    @Test func daysReadAsTheyAreWritten() {
        for text in ["0000-01-01", "0001-02-28", "1999-12-31", "2024-02-29", "2026-11-25", "9999-12-31"] {
            #expect(LocalDay(text)?.description == text)
        }
        #expect(LocalDay(year: 2026, month: 1, day: 9)!.adding(days: 1).description == "2026-01-10")
        // Outside four digits the year is padded the long way.
        #expect(LocalDay("9999-12-31")!.adding(days: 1).description == "10000-01-01")
        #expect(LocalDay("0000-01-01")!.adding(days: -1).description == "-0001-12-31")
    }

    @Test func aZoneThatSkipsMidnightStartsAtTheFirstInstant() {
        // São Paulo moved from 00:00 to 01:00 on 2018-11-04.
        let saoPaulo = DayCalendar(timeZoneName: "America/Sao_Paulo")!
        let day = LocalDay("2018-11-04")!
        #expect(Timestamp.format(ms: saoPaulo.start(of: day)) == "2018-11-04T03:00:00Z")
        #expect(saoPaulo.start(of: day.adding(days: 1)) - saoPaulo.start(of: day) == 23 * 3_600_000)
    }

    @Test func isoWeekYears() {
        #expect(LocalDay("2026-12-31")!.isoWeekName == "2026-W53")
        #expect(LocalDay("2027-01-01")!.isoWeekName == "2026-W53")
        #expect(LocalDay("2027-01-03")!.isoWeekName == "2026-W53")
        #expect(LocalDay("2027-01-04")!.isoWeekName == "2027-W01")
        #expect(LocalDay("2024-12-30")!.isoWeekName == "2025-W01")
        #expect(LocalDay("2026-11-25")!.isoWeekName == "2026-W48")
        #expect(LocalDay("2026-11-23")!.isoWeekday == 1)
        #expect(LocalDay("2026-11-29")!.isoWeekday == 7)
    }

    @Test func civilDatesRoundTrip() {
        for ordinal in stride(from: -800_000, to: 800_000, by: 997) {
            let day = LocalDay(ordinal: ordinal)
            let (y, m, d) = day.components
            #expect(LocalDay(year: y, month: m, day: d) == day)
        }
        #expect(LocalDay("2024-02-29") != nil)
        #expect(LocalDay("2026-02-29") == nil)
        #expect(LocalDay("2026-13-01") == nil)
        #expect(LocalDay("2026-1-01") == nil)
        #expect(LocalDay("2026-02-01")!.daysInMonth == 28)
        #expect(LocalDay("2024-02-01")!.daysInMonth == 29)
        #expect(LocalDay("2026-11-25")!.monthName == "2026-11")
    }

    @Test func timestamps() {
        #expect(Timestamp.format(ms: 1_764_000_000_000) == "2025-11-24T16:00:00Z")
        #expect(Timestamp.format(ms: 1_764_000_000_123) == "2025-11-24T16:00:00.123Z")
        #expect(Timestamp.parse("2025-11-24T16:00:00Z") == .instant(1_764_000_000_000))
        #expect(Timestamp.parse("2025-11-24T17:00:00+01:00") == .instant(1_764_000_000_000))
        #expect(Timestamp.parse("2025-11-24T16:00:00.1239Z") == .instant(1_764_000_000_123))
        #expect(Timestamp.parse("2025-11-24T16:00Z") == .instant(1_764_000_000_000))
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.parse("2025-11-24T25:00:00Z") == nil)
        #expect(Timestamp.parse("2025-11-24T16:00:00Zjunk") == nil)
        // No offset: the configured zone's wall clock.
        let local = Timestamp.parse("2026-03-29T12:00:00")!
        #expect(Timestamp.format(ms: local.resolve(in: paris)) == "2026-03-29T10:00:00Z")
    }

    @Test func knownZones() {
        #expect(DayCalendar(timeZoneName: "UTC") != nil)
        #expect(DayCalendar(timeZoneName: "Europe/Paris") != nil)
        #expect(DayCalendar(timeZoneName: "Europe/Pariss") == nil)
        #expect(DayCalendar(timeZoneName: "GMT+1") == nil)
        #expect(DayCalendar(timeZoneName: "../etc/passwd") == nil)
        #expect(DayCalendar(timeZoneName: "") == nil)
    }
}
