import Testing
@testable import Metrics

/// The alert rules of docs/metrics.md and their state across runs.
@Suite struct AlertTests {
    static let hour: Int64 = 3_600_000
    static let now: Int64 = 1_790_000_000_000

    static func inputs(commands: Int = 0, errors: Int = 0, cost: String = "0", last: Int64? = now - hour,
                       total: Int = 0, premium: Int = 0) -> AlertInputs {
        var trailing = TrailingActivity()
        trailing.commands = commands
        trailing.errors = errors
        trailing.apiCost = Money(cost)!
        trailing.lastActivityMs = last
        return AlertInputs(now: now, trailing: trailing, totalUsers: total, premiumUsers: premium)
    }

    static func state(_ readings: [AlertReading], _ name: AlertName) -> AlertState {
        readings.first { $0.name == name }!.state
    }

    @Test func errorRateNeedsTwentyCommandsAndFiresAboveTheThreshold() {
        let alerts = Configuration.Alerts()
        var readings = AlertRules.evaluate(Self.inputs(commands: 19, errors: 19), thresholds: alerts)
        #expect(Self.state(readings, .errorRateHigh) == .notEvaluated && readings[0].value == .number("1"))
        readings = AlertRules.evaluate(Self.inputs(commands: 20, errors: 1), thresholds: alerts)
        #expect(Self.state(readings, .errorRateHigh) == .ok && readings[0].value == .number("0.05"))  // equal is not above
        readings = AlertRules.evaluate(Self.inputs(commands: 40, errors: 3), thresholds: alerts)
        #expect(Self.state(readings, .errorRateHigh) == .firing && readings[0].threshold == .number("0.05"))
        readings = AlertRules.evaluate(Self.inputs(), thresholds: alerts)
        #expect(readings[0].value == .null && readings[0].state == .notEvaluated)
    }

    @Test func conversionNeedsTwentyUsersAndFiresBelowTheThreshold() {
        let alerts = Configuration.Alerts()
        #expect(Self.state(AlertRules.evaluate(Self.inputs(total: 19, premium: 0), thresholds: alerts), .conversionRateLow) == .notEvaluated)
        #expect(Self.state(AlertRules.evaluate(Self.inputs(total: 20, premium: 1), thresholds: alerts), .conversionRateLow) == .ok)
        let low = AlertRules.evaluate(Self.inputs(total: 21, premium: 1), thresholds: alerts)
        #expect(low[1].state == .firing && low[1].value == .number("0.04761904762"))
    }

    @Test func apiCostIsMoneyAndFiresAboveTheThreshold() {
        let alerts = Configuration.Alerts()
        var readings = AlertRules.evaluate(Self.inputs(cost: "5.00"), thresholds: alerts)
        #expect(readings[2].state == .ok && readings[2].value == .text("5.00") && readings[2].threshold == .text("5.00"))
        readings = AlertRules.evaluate(Self.inputs(cost: "5.000001"), thresholds: alerts)
        #expect(readings[2].state == .firing && readings[2].value == .text("5.000001"))
    }

    @Test func noActivityCountsHoursAndFiresWithoutAnyEvent() {
        let alerts = Configuration.Alerts()
        var readings = AlertRules.evaluate(Self.inputs(last: Self.now - 2 * Self.hour + 1), thresholds: alerts)
        #expect(readings[3].state == .ok)
        readings = AlertRules.evaluate(Self.inputs(last: Self.now - 2 * Self.hour), thresholds: alerts)
        #expect(readings[3].state == .firing && readings[3].value == .number("2") && readings[3].threshold == .number("2"))
        readings = AlertRules.evaluate(Self.inputs(last: nil), thresholds: alerts)
        #expect(readings[3].state == .firing && readings[3].value == .null)
    }

    @Test func notifiesOnFiringAfterTheCooldownAndOnceResolved() {
        let alerts = Configuration.Alerts()
        let cooldown = 6 * Self.hour
        var book = AlertBook.initial(thresholds: alerts)
        func step(_ at: Int64, firing: Bool) -> [AlertBook.Notification.Kind] {
            var readings = AlertRules.evaluate(Self.inputs(), thresholds: alerts)
            readings[2].state = firing ? .firing : .ok
            let (next, notes) = book.advanced(by: readings, at: at, cooldownMs: cooldown)
            book = next
            return notes.filter { $0.reading.name == .apiCostHigh }.map(\.kind)
        }
        let t = Self.now
        #expect(step(t, firing: true) == [.firing])
        #expect(step(t + Self.hour, firing: true) == [])
        #expect(book.entries[2].since == t)
        #expect(step(t + 6 * Self.hour, firing: true) == [.firing])
        #expect(step(t + 11 * Self.hour, firing: true) == [])
        #expect(step(t + 12 * Self.hour, firing: true) == [.firing])
        #expect(step(t + 13 * Self.hour, firing: false) == [.resolved])
        #expect(step(t + 14 * Self.hour, firing: false) == [])
        #expect(book.entries[2].since == nil)
        #expect(step(t + 15 * Self.hour, firing: true) == [.firing])
        #expect(book.entries[2].since == t + 15 * Self.hour)
    }

    @Test func theStoredBookRoundTrips() throws {
        let alerts = Configuration.Alerts()
        let readings = AlertRules.evaluate(Self.inputs(commands: 40, errors: 30, cost: "7.5", last: nil, total: 30, premium: 1), thresholds: alerts)
        let (book, notes) = AlertBook.initial(thresholds: alerts).advanced(by: readings, at: Self.now, cooldownMs: 0)
        #expect(notes.count == 4)
        let parsed = AlertBook(json: try JSONParser.parse(book.json(includingNotifications: true).serialized()))
        #expect(parsed == book)
        var changed = alerts
        changed.apiCostPerDay = Money("9")!
        #expect(parsed?.aligned(with: changed).entries[2].reading.threshold == .text("9.00"))
    }
}
