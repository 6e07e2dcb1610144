import Foundation
import Testing
@testable import Metrics

/// The anomaly alerts of docs/site.md: "so far" on DST days, the baseline's
/// statistics and the rules' edges.
@Suite struct AnomalyTests {
    static let hour = DayCalendar.hourMs
    static let paris = DayCalendar(timeZoneName: "Europe/Paris")!

    static func flows(_ commands: Int, registrations: Int = 0, conversions: Int = 0, errors: Int = 0) -> AnomalyInputs.Flows {
        AnomalyInputs.Flows(commands: commands, registrations: registrations, conversions: conversions, errors: errors)
    }

    static func reading(_ readings: [AlertReading], _ name: AlertName) -> AlertReading {
        readings.first { $0.name == name }!
    }

    @Test func soFarInterpolatesWithinTheHourAndRoundsHalfToEven() {
        let hourly = [10, 20, 30, 5]
        #expect(SoFar.count(hourly, elapsedMs: 0) == 0)
        #expect(SoFar.count(hourly, elapsedMs: Self.hour) == 10)
        #expect(SoFar.count(hourly, elapsedMs: Self.hour + Self.hour / 4) == 15)
        // 10 + 20 × 0.5 + 30 × 0.25 = 27.5 → 28; 10 + 0.5 × 5 = 12.5 → 12.
        #expect(SoFar.count([10, 30], elapsedMs: Self.hour + Self.hour / 4) == 18)
        #expect(SoFar.count([25, 5], elapsedMs: Self.hour * 3 / 2) == 28)
        #expect(SoFar.count([10, 5], elapsedMs: Self.hour * 3 / 2) == 12)
        #expect(SoFar.count([11, 5], elapsedMs: Self.hour * 3 / 2) == 14)
        #expect(SoFar.cumulative([3, 7, 7, 12], elapsedMs: Self.hour * 3 / 2) == 5)
        #expect(SoFar.money([Money("0.000003")!], elapsedMs: Self.hour / 2) == Money("0.000002")!)
    }

    @Test func theSameLocalTimeOnDSTDays() {
        let paris = Self.paris
        let fallBack = LocalDay("2026-10-25")!, springForward = LocalDay("2026-03-29")!, plain = LocalDay("2026-10-26")!
        // 08:20 is 9 h 20 min into the 25-hour day, 7 h 20 min into the 23-hour one.
        let at0820 = paris.instant(day: plain, hour: 8, minute: 20, second: 0, millisecond: 0)
        #expect(SoFar.elapsed(on: fallBack, sameClockAs: at0820, calendar: paris) == 9 * Self.hour + 20 * 60_000)
        #expect(SoFar.elapsed(on: springForward, sameClockAs: at0820, calendar: paris) == 7 * Self.hour + 20 * 60_000)
        // 00:30 is the same on all three.
        let at0030 = paris.instant(day: plain, hour: 0, minute: 30, second: 0, millisecond: 0)
        for day in [fallBack, springForward, plain] {
            #expect(SoFar.elapsed(on: day, sameClockAs: at0030, calendar: paris) == 30 * 60_000)
        }
        // 02:30 happens twice on the fall-back day (the earlier counts) and
        // not at all on the spring-forward day (03:00, the next existing time).
        let at0230 = paris.instant(day: plain, hour: 2, minute: 30, second: 0, millisecond: 0)
        #expect(SoFar.elapsed(on: fallBack, sameClockAs: at0230, calendar: paris) == 2 * Self.hour + 30 * 60_000)
        #expect(SoFar.elapsed(on: springForward, sameClockAs: at0230, calendar: paris) == 2 * Self.hour)
        #expect(paris.clockMs(of: paris.start(of: fallBack) + 3 * Self.hour + 30 * 60_000) == 2 * Self.hour + 30 * 60_000)
    }

    @Test func baselineStatisticsAndTheSquareRootFloor() {
        let even = AnomalyRules.Baseline([240, 250, 230, 260])!
        #expect(even.median == 245 && even.mad == 10 && even.scale == max(14.826, 245.0.squareRoot()))
        // Identical days: MAD 0, so the scale is √m (here 10), not 0.
        let flat = AnomalyRules.Baseline([100, 100, 100])!
        #expect(flat.mad == 0 && flat.scale == 10 && flat.score(65) == -3.5)
        // A baseline of zeros still divides by 1.
        #expect(AnomalyRules.Baseline([0, 0, 0])!.scale == 1)
        #expect(AnomalyRules.Baseline([]) == nil)
    }

    @Test func fewerThanThreeDaysOrASmallMedianIsNotEvaluated() {
        var readings = AnomalyRules.evaluate(AnomalyInputs(today: Self.flows(0), baseline: [Self.flows(400), Self.flows(410)]), enabled: true)
        var commands = Self.reading(readings, .commandsLow)
        #expect(commands.state == .notEvaluated && commands.value == .int(0) && commands.threshold == .number("405"))
        readings = AnomalyRules.evaluate(AnomalyInputs(today: Self.flows(0), baseline: []), enabled: true)
        #expect(readings.allSatisfy { $0.state == .notEvaluated && $0.threshold == .null })
        // A median of 19.5 is under 20: not evaluated even at zero.
        readings = AnomalyRules.evaluate(AnomalyInputs(today: Self.flows(0), baseline: [Self.flows(19), Self.flows(20), Self.flows(19), Self.flows(20)]),
                                         enabled: true)
        commands = Self.reading(readings, .commandsLow)
        #expect(commands.state == .notEvaluated && commands.threshold == .number("19.5"))
        readings = AnomalyRules.evaluate(AnomalyInputs(today: Self.flows(0), baseline: [Self.flows(20), Self.flows(20), Self.flows(20)]),
                                         enabled: true)
        #expect(Self.reading(readings, .commandsLow).state == .firing)
    }

    @Test func lowFiresBelowMinusThreeAndAHalf() {
        let baseline = [Self.flows(100), Self.flows(100), Self.flows(100)]
        func state(_ today: Int) -> AlertState {
            Self.reading(AnomalyRules.evaluate(AnomalyInputs(today: Self.flows(today), baseline: baseline), enabled: true), .commandsLow).state
        }
        #expect(state(65) == .ok)  // z = −3.5 exactly
        #expect(state(64) == .firing)
        #expect(state(1_000) == .ok)
        let off = AnomalyRules.evaluate(AnomalyInputs(today: Self.flows(0), baseline: baseline), enabled: false)
        #expect(off.allSatisfy { $0.state == .notEvaluated } && Self.reading(off, .commandsLow).threshold == .number("100"))
    }

    @Test func registrationsNeedAMedianOfFive() {
        func state(_ usual: Int, _ today: Int) -> AlertState {
            let baseline = Array(repeating: Self.flows(0, registrations: usual), count: 3)
            return Self.reading(AnomalyRules.evaluate(AnomalyInputs(today: Self.flows(0, registrations: today), baseline: baseline), enabled: true),
                                .registrationsLow).state
        }
        #expect(state(4, 0) == .notEvaluated)
        #expect(state(16, 1) == .firing && state(16, 2) == .ok)  // s = √16 = 4: z(2) = −3.5 exactly
    }

    @Test func zeroConversionsFireOnlyFromAMeanOfAbout4_61() {
        #expect(abs(AnomalyRules.poissonCDF(0, mean: 4.6) - exp(-4.6)) < 1e-12)
        #expect(abs(AnomalyRules.poissonCDF(3, mean: 2) - 0.857_123_460_498_547_9) < 1e-12)
        #expect(AnomalyRules.poissonCDF(5, mean: 0) == 1)
        #expect(AnomalyRules.poissonCDF(10, mean: 2_000) < 1e-300)
        func state(_ usual: [Int], _ today: Int) -> AlertState {
            let baseline = usual.map { Self.flows(0, conversions: $0) }
            return Self.reading(AnomalyRules.evaluate(AnomalyInputs(today: Self.flows(0, conversions: today), baseline: baseline), enabled: true),
                                .conversionsLow).state
        }
        #expect(state([4, 5, 4, 5], 0) == .ok)  // m = 4.5: P(0) = 0.0111
        #expect(state([5, 5, 4], 0) == .firing)  // m = 5: P(0) = 0.0067
        #expect(state([5, 5, 4], 1) == .ok)  // P(≤ 1) = 0.040
        #expect(state([5, 5], 0) == .notEvaluated)
    }

    @Test func errorsHighNeedsTwentyCommandsToday() {
        let baseline = Array(repeating: Self.flows(200, errors: 4), count: 4)
        func state(commands: Int, errors: Int) -> AlertState {
            Self.reading(AnomalyRules.evaluate(AnomalyInputs(today: Self.flows(commands, errors: errors), baseline: baseline), enabled: true),
                         .errorsHigh).state
        }
        #expect(state(commands: 19, errors: 19) == .notEvaluated)
        #expect(state(commands: 20, errors: 11) == .ok)  // s = 2: z = 3.5
        #expect(state(commands: 20, errors: 12) == .firing)
    }

    @Test func theBaselineTakesCoveredVersion2DaysOfTheSameWeekday() throws {
        let paris = Self.paris
        let today = LocalDay("2026-11-03")!  // a Tuesday
        let now = paris.instant(day: today, hour: 10, minute: 0, second: 0, millisecond: 0)
        func snapshot(_ day: LocalDay, commands: [Int], v2: Bool = true, eventsFrom: Int64? = nil) -> Snapshot {
            var value = Snapshot(date: day, timezone: "Europe/Paris", status: .complete, capturedAt: now,
                                 coverage: Snapshot.Coverage(eventsFrom: eventsFrom, windowsComplete: true), revenueCurrency: "EUR", costCurrency: "USD")
            if v2 {
                var analytics = SnapshotAnalytics()
                analytics.hourly.commands = commands
                value.analytics = analytics
            }
            return value
        }
        let first = paris.start(of: today.adding(days: -28))
        let hours = Array(repeating: 10, count: 24)
        var current = snapshot(today, commands: Array(repeating: 3, count: 10), eventsFrom: first)
        current.status = .partial
        let candidates = [snapshot(today.adding(days: -7), commands: hours), snapshot(today.adding(days: -14), commands: hours.map { $0 * 2 }),
                          snapshot(today.adding(days: -21), commands: hours, v2: false), snapshot(today.adding(days: -28), commands: hours),
                          snapshot(today.adding(days: -35), commands: hours), snapshot(today.adding(days: -1), commands: hours)]
        let inputs = AnomalyInputs.of(today: current, candidates: candidates, now: now, calendar: paris)
        #expect(inputs.today.commands == 30)
        // Day −21 is version 1, day −35 is before the ledger's first entry, day −1 is another weekday.
        #expect(inputs.baseline.map(\.commands) == [100, 200, 100])
    }
}
