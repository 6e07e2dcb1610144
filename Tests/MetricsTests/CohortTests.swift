import Testing
@testable import Metrics

/// Retention, lifecycle, funnel and hourly figures, hand-checked across the
/// end of summer time in Paris (Oct 25, 2026: a 25-hour day) and the ISO
/// week-year boundary (docs/analytics.md).
@Suite struct CohortTests {
    static let paris = DayCalendar(timeZoneName: "Europe/Paris")!

    static func harness() -> LedgerHarness {
        var harness = LedgerHarness(calendar: paris)
        harness.state.meta.timezone = "Europe/Paris"
        return harness
    }

    static func command(_ user: String) -> [(String, String)] { [("type", "command"), ("user", user), ("name", "analyze")] }
    static func registration(_ user: String, _ source: String? = nil) -> [(String, String)] {
        [("type", "registration"), ("user", user)] + (source.map { [("source", $0)] } ?? [])
    }

    @Test func cohortsAcrossTheEndOfSummerTime() {
        var harness = Self.harness()
        let entries = MovementTests.entries([
            ("2026-10-18T22:00:00Z", [("type", "error")]),           // Mon Oct 19, 00:00 local: week 43 is covered
            ("2026-10-19T10:00:00Z", Self.command("r3")),            // r3: week 43 only
            ("2026-10-24T22:30:00Z", Self.registration("r1", "ads")), // Sun Oct 25, 00:30 CEST
            ("2026-10-25T23:30:00Z", Self.registration("r2")),       // Mon Oct 26, 00:30 CET
            ("2026-10-26T09:00:00Z", Self.command("r1")),            // activated (day c + 1)
            ("2026-10-28T09:00:00Z", Self.command("r1")),            // returned (day c + 3)
            ("2026-10-29T09:00:00Z", Self.command("r4")),            // r4: registered long before
            ("2026-11-01T09:00:00Z", MovementTests.pay("conversion", "r1", "9.99")),
        ])
        let users = [("r1", "\(MovementTests.ms("2026-10-24T22:30:00Z"))"), ("r2", "\(MovementTests.ms("2026-10-25T23:30:00Z"))"),
                     ("r3", "\(MovementTests.ms("2026-09-01T10:00:00Z"))"), ("r4", "\(MovementTests.ms("2026-09-01T10:00:00Z"))")]
        let snapshots = harness.run(now: MovementTests.ms("2026-11-25T12:00:00Z"), entries: entries, users: users,
                                    subscriptions: [("r1", #"{"amount":"9.99"}"#)]).snapshots
        let byDay = Dictionary(uniqueKeysWithValues: snapshots.map { ($0.date.description, $0) })
        let long = byDay["2026-10-25"]!.analytics!
        #expect(long.hourly.commands.count == 25 && byDay["2026-10-26"]!.analytics!.hourly.commands.count == 24)
        #expect(long.hourly.registrations[0] == 1 && long.hourly.active.last == 1)
        #expect(byDay["2026-10-26"]!.analytics!.dayN?[0] == .init(label: "2026-10-25", size: 1, active: 1))
        // Sunday Nov 1 closes week 44: r2 new, r1 returning, r4 resurrecting, r3 dormant.
        let sunday = byDay["2026-11-01"]!.analytics!
        let lifecycle = sunday.lifecycle!
        #expect([lifecycle.new, lifecycle.returning, lifecycle.resurrecting, lifecycle.dormant] == [1, 1, 1, 1])
        let weekly = sunday.weekly!
        #expect(weekly.count == 12 && weekly.first?.label == "2026-W33" && weekly.last?.label == "2026-W44")
        #expect(weekly[10] == .init(label: "2026-W43", size: 1, active: 1) && weekly[11] == .init(label: "2026-W44", size: 1, active: 1))
        #expect(byDay["2026-10-31"]!.analytics!.weekly == nil && byDay["2026-10-31"]!.analytics!.lifecycle == nil)
        // The funnel of Oct 25's cohort, complete on Nov 1.
        let funnel = sunday.funnel7!
        #expect(funnel.cohort.description == "2026-10-25")
        #expect([funnel.registered, funnel.activated, funnel.returned, funnel.converted] == [1, 1, 1, 1])
        let d30 = byDay["2026-11-24"]!.analytics!.funnel30!
        #expect(d30.cohort.description == "2026-10-25" && d30.registered == 1 && d30.converted == 1)
        #expect(d30.bySource.map { "\($0.source) \($0.registered) \($0.converted)" } == ["ads 1 1"])
        // Before the ledger's first entry nothing per user is known.
        #expect(byDay["2026-10-18"] == nil && byDay["2026-10-19"]!.analytics!.funnel7 == nil)
        let rates = CohortRates(sunday)
        #expect(rates.activation == Ratio(1, over: 1) && rates.conversion7d == Ratio(1, over: 1))
    }

    @Test func theDayInProgressHasTheHoursBegunAndItsWeekSoFar() {
        var harness = Self.harness()
        let entries = MovementTests.entries([
            ("2026-12-27T23:00:00Z", [("type", "error")]),  // Mon Dec 28, 00:00 CET: ISO week 2026-W53
            ("2026-12-28T08:20:00Z", Self.command("a")),
            ("2027-01-02T07:10:00Z", Self.command("a")),
            ("2027-01-02T07:15:00Z", Self.command("b")),
        ])
        let snapshots = harness.run(now: MovementTests.ms("2027-01-02T07:30:00Z"), entries: entries).snapshots
        let today = snapshots.last!.analytics!
        #expect(snapshots.last!.status == .partial)
        // 08:30 local: hours 0..8 have begun.
        #expect(today.hourly.commands == [0, 0, 0, 0, 0, 0, 0, 0, 2] && today.hourly.active == [0, 0, 0, 0, 0, 0, 0, 0, 2])
        #expect(today.weekly?.last?.label == "2026-W53" && today.lifecycle == nil)
    }
}
