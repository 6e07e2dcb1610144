import Testing
@testable import Metrics

/// Builds a stream and hashes by hand and checks every figure.
@Suite struct AggregationTests {
    static let utc = DayCalendar(timeZoneName: "UTC")!
    let validator = EventValidator(revenueCurrency: "USD", exchangeRates: [:])

    static func ms(_ text: String) -> Int64 {
        guard case .instant(let value)? = Timestamp.parse(text) else { fatalError("bad time \(text)") }
        return value
    }

    func snapshots(now: String, calendar: DayCalendar = utc, entries: [(String, [(String, String)])],
                   users: [(String, String)] = [], subscriptions: [(String, String)] = [],
                   infrastructure: [Money] = []) -> [Snapshot] {
        let nowMs = AggregationTests.ms(now)
        let ids = entries.enumerated().map { "\(AggregationTests.ms($0.element.0))-\($0.offset)" }
        var harness = LedgerHarness(calendar: calendar, validator: validator, infrastructure: infrastructure)
        return harness.run(now: nowMs, entries: entries.enumerated().map { (ids[$0.offset], $0.element.1) },
                           users: users, subscriptions: subscriptions).snapshots
    }

    func command(_ user: String, _ name: String, _ latency: String? = nil) -> [(String, String)] {
        var fields = [("type", "command"), ("user", user), ("name", name)]
        if let latency { fields.append(("latency_ms", latency)) }
        return fields
    }

    @Test func everyFigureOfASmallWeek() {
        let days = snapshots(
            now: "2026-11-25T12:00:00Z",
            entries: [
                ("2026-11-20T10:00:00Z", [("type", "registration"), ("user", "u1"), ("source", "ads")]),
                ("2026-11-20T11:00:00Z", command("u1", "analyze", "100")),
                ("2026-11-22T09:00:00Z", command("u2", "/analyze", "300")),
                ("2026-11-22T09:30:00Z", command("u2", "price", "200")),
                ("2026-11-22T10:00:00Z", [("type", "registration"), ("user", "u2")]),
                ("2026-11-22T11:00:00Z", [("type", "command"), ("user", "u2")]),
                ("2026-11-23T00:00:00Z", command("u1", "price")),
                ("2026-11-24T08:00:00Z", [("type", "conversion"), ("user", "u2"), ("amount", "9.99")]),
                ("2026-11-24T09:00:00Z", [("type", "api_call"), ("provider", "openai"), ("cost", "0.0021")]),
                ("2026-11-24T09:01:00Z", [("type", "api_call"), ("provider", "openai"), ("cost", "0.0019")]),
                ("2026-11-24T09:02:00Z", [("type", "api_call"), ("provider", "coingecko")]),
                ("2026-11-24T09:03:00Z", [("type", "error"), ("kind", "Timeout")]),
                ("2026-11-25T12:00:00Z", command("u1", "analyze", "12.5")),
                ("2026-11-25T12:00:00.001Z", command("u9", "later")),
                ("2026-11-25T13:00:00Z", [("type", "conversion"), ("user", "u3"), ("amount", "120"), ("interval", "year")]),
            ],
            users: [("u1", String(AggregationTests.ms("2026-11-20T10:00:00Z"))),
                    ("u2", String(AggregationTests.ms("2026-11-22T10:00:00Z"))),
                    ("u3", String(AggregationTests.ms("2026-11-25T13:00:00Z"))),
                    ("u4", "abc")],
            subscriptions: [("u2", #"{"amount":"9.99"}"#), ("u3", #"{"plan":"pro","amount":"120","interval":"year"}"#)],
            infrastructure: [Money("5.00")!, Money("3.00")!])
        #expect(days.map(\.date.description) == ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25"])
        #expect(days.map(\.status) == [.complete, .complete, .complete, .complete, .complete, .partial])
        #expect(days.map(\.users.total) == [1, 1, 2, 2, 2, 2])
        #expect(days.map(\.users.new) == [1, 0, 1, 0, 0, 0])
        #expect(days.map(\.users.active) == [1, 0, 1, 1, 0, 1])
        #expect(days.map(\.users.active7d) == [1, 1, 2, 2, 2, 2])
        #expect(days.map(\.users.premium) == [0, 0, 0, 0, 1, 1])
        #expect(days.map(\.users.free) == [1, 1, 2, 2, 1, 1])
        #expect(days.map(\.revenue.mrr.description) == ["0.00", "0.00", "0.00", "0.00", "9.99", "9.99"])
        #expect(days[4].revenue.conversions == 1 && days[4].revenue.newMRR.description == "9.99")
        #expect(days.map(\.engagement.commands) == [1, 0, 2, 1, 0, 1])
        #expect(days[2].engagement.byCommand == [NamedCount(name: Name("analyze"), count: 1), NamedCount(name: Name("price"), count: 1)])
        #expect(days[2].engagement.latencyP50Micros == 200_000_000 && days[2].engagement.latencyP95Micros == 300_000_000)
        #expect(days[1].engagement.latencyP50Micros == nil)
        #expect(days[5].engagement.latencyP50Micros == 12_500_000)
        #expect(days[0].acquisitionBySource == [NamedCount(name: Name("ads"), count: 1)])
        #expect(days[2].acquisitionBySource == [NamedCount(name: Name("unknown"), count: 1)])
        #expect(days[4].costs.api == [ProviderCost(provider: Name("coingecko"), calls: 1, cost: .zero),
                                      ProviderCost(provider: Name("openai"), calls: 2, cost: Money("0.004")!)])
        #expect(days[4].costs.apiTotal.description == "0.004")
        #expect(days[4].engagement.errors == 1)
        // 5.00 / 30 + 3.00 / 30 = 0.166667 + 0.10
        #expect(days[4].costs.infrastructure.description == "0.266667")
        #expect(days.map(\.dataQuality.eventsRead) == [2, 0, 4, 1, 5, 1])
        #expect(days[2].dataQuality.rejected == [NamedCount(name: Name("bad_registered_at"), count: 1), NamedCount(name: Name("missing_name"), count: 1)])
        #expect(days[5].dataQuality.rejected == [NamedCount(name: Name("bad_registered_at"), count: 1)])
        #expect(days.allSatisfy { $0.coverage.eventsFrom == AggregationTests.ms("2026-11-20T10:00:00Z") && !$0.coverage.windowsComplete })
    }

    @Test func stocksRewindThroughCancellationsAndLaterEntries() {
        // Now: u1 cancelled on the 24th, u2 converts after now.
        let days = snapshots(
            now: "2026-11-25T00:00:00Z",
            entries: [
                ("2026-11-23T10:00:00Z", [("type", "conversion"), ("user", "u1"), ("amount", "10")]),
                ("2026-11-24T10:00:00Z", [("type", "cancellation"), ("user", "u1"), ("amount", "10")]),
                ("2026-11-25T00:00:00Z", [("type", "conversion"), ("user", "u2"), ("amount", "5"), ("currency", "JPY")]),
                ("2026-11-25T00:00:00.001Z", [("type", "conversion"), ("user", "u2"), ("amount", "5")]),
            ],
            subscriptions: [("u2", #"{"amount":"5"}"#), ("u5", #"{"amount":"1","currency":"GBP"}"#), ("u6", "not json")])
        #expect(days.map(\.users.premium) == [1, 0, 0])
        #expect(days.map(\.revenue.mrr.description) == ["10.00", "0.00", "0.00"])
        #expect(days[1].revenue.churnedMRR.description == "10.00")
        #expect(days[2].dataQuality.rejected == [NamedCount(name: Name("bad_subscription"), count: 2), NamedCount(name: Name("unknown_currency"), count: 1)])
        #expect(days[2].status == .partial && days[2].dataQuality.eventsRead == 1)
    }

    @Test func aStockMayGoNegative() {
        let days = snapshots(now: "2026-11-25T12:00:00Z",
                             entries: [("2026-11-25T13:00:00Z", [("type", "conversion"), ("user", "u1"), ("amount", "12.5")])])
        #expect(days[0].users.premium == -1 && days[0].revenue.mrr.description == "-12.50")
        #expect(days[0].users.free == 1)
    }

    @Test func distinctWindowsAreExact() {
        var entries: [(String, [(String, String)])] = []
        for day in [1, 11, 12] { entries.append(("2026-01-\(LocalDay.pad(day, 2))T08:00:00Z", command("u1", "x"))) }
        entries.append(("2026-01-12T09:00:00Z", command("u2", "x")))
        entries.append(("2026-01-12T10:00:00Z", command("u2", "x")))
        let days = snapshots(now: "2026-02-15T00:00:00Z", entries: entries)
        let wau = days.map(\.users.active7d), mau = days.map(\.users.active30d)
        #expect(wau[0...6].allSatisfy { $0 == 1 } && wau[7...9].allSatisfy { $0 == 0 })
        #expect(wau[10] == 1 && wau[11] == 2 && wau[17] == 2 && wau[18] == 0)
        #expect(mau[0] == 1 && mau[10] == 1 && mau[11] == 2 && mau[29] == 2 && mau[30] == 2)
        #expect(mau[40] == 2 && mau[41] == 0)
        #expect(days[11].users.active == 2)
        #expect(days.first!.coverage.windowsComplete == false)
        // 2026-01-30 - 29 days is 2026-01-01, the oldest entry's day but before its time.
        #expect(days[29].coverage.windowsComplete == false)
        #expect(days[30].coverage.windowsComplete == true)
    }

    @Test func parisDaysFollowDST() {
        let paris = DayCalendar(timeZoneName: "Europe/Paris")!
        let days = snapshots(
            now: "2026-10-26T12:00:00Z", calendar: paris,
            entries: [
                ("2026-10-24T22:00:00Z", command("u1", "a")),  // 00:00 on the 25th, CEST
                ("2026-10-25T22:59:59.999Z", command("u2", "a")),  // 23:59:59.999 on the 25th, CET
                ("2026-10-25T23:00:00Z", command("u3", "a")),  // 00:00 on the 26th
            ])
        #expect(days.map(\.date.description) == ["2026-10-25", "2026-10-26"])
        #expect(days.map(\.engagement.commands) == [2, 1])
        #expect(days[0].timezone == "Europe/Paris")
    }

    @Test func nearestRankPercentiles() {
        let values = (1...20).map { Int64($0) }
        #expect(LedgerSnapshotComputer.nearestRank(50, of: values) == 10)
        #expect(LedgerSnapshotComputer.nearestRank(95, of: values) == 19)
        #expect(LedgerSnapshotComputer.nearestRank(95, of: [7]) == 7)
        #expect(LedgerSnapshotComputer.nearestRank(50, of: [1, 2, 3]) == 2)
        #expect(LedgerSnapshotComputer.nearestRank(95, of: Array(1...100)) == 95)
        #expect(LedgerSnapshotComputer.nearestRank(95, of: Array(1...101)) == 96)
        #expect(LedgerSnapshotComputer.nearestRank(50, of: []) == nil)
    }

    @Test func namesAreBytes() {
        let days = snapshots(now: "2026-11-25T12:00:00Z", entries: [
            ("2026-11-25T10:00:00Z", command("u1", "caf\u{E9}")),
            ("2026-11-25T10:01:00Z", command("u1", "cafe\u{301}")),
            ("2026-11-25T10:02:00Z", command("u1", "Z")),
            ("2026-11-25T10:03:00Z", command("u1", "a")),
        ])
        #expect(days[0].engagement.byCommand.map(\.name.bytes) == [Array("Z".utf8), Array("a".utf8), Array("cafe\u{301}".utf8), Array("caf\u{E9}".utf8)])
    }

    @Test func onlyFutureEntriesGiveTodayAlone() {
        let days = snapshots(now: "2026-11-25T12:00:00Z", entries: [("2026-11-26T10:00:00Z", command("u1", "a"))])
        #expect(days.count == 1 && days[0].date.description == "2026-11-25" && days[0].dataQuality.eventsRead == 0)
        let empty = snapshots(now: "2026-11-25T12:00:00Z", entries: [])
        #expect(empty.count == 1 && empty[0].coverage.eventsFrom == nil && !empty[0].coverage.windowsComplete)
    }

    @Test func registrationTimesAreDecimalIntegers() {
        let now = AggregationTests.ms("2026-11-25T12:00:00Z")
        let values = ["-1", "0001764000000000", "99999999999999999999", "1764000000000", "+1", "", "1.5", "1e3", " 1", "--1", "-"]
        let accounts = HashState(users: values.enumerated().map { (Array("u\($0.offset)".utf8), Array($0.element.utf8)) },
                                 subscriptions: [], now: now, pseudonyms: Pseudonymizer(key: Array(repeating: 0, count: 32)), validator: validator)
        #expect(accounts.registrations.map(\.ms) == [-1, 1_764_000_000_000, 1_764_000_000_000])
        #expect(accounts.badRegistrations == 7)
    }

    @Test func theLargestStreamIDIsAfterAnyNow() {
        let nowMs = AggregationTests.ms("2026-11-25T12:00:00Z")
        var harness = LedgerHarness()
        let run = harness.run(now: nowMs, entries: [("\(nowMs - 1000)-0", command("u1", "a")),
                                                    ("18446744073709551615-0", [("type", "conversion"), ("user", "u1"), ("amount", "3")])],
                              subscriptions: [("u1", #"{"amount":"3"}"#)])
        let days = run.snapshots
        #expect(days.count == 1 && days[0].users.premium == 0 && days[0].revenue.mrr == .zero)
        #expect(EventApplier.milliseconds(of: UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
        #expect(run.applier.future.count == 1 && harness.state.meta.cursor == Array("\(nowMs - 1000)-0".utf8))
    }

    @Test func trailingActivityForAlerts() {
        let nowMs = AggregationTests.ms("2026-11-25T12:00:00Z")
        var harness = LedgerHarness()
        _ = harness.run(now: nowMs, entries: [
            ("\(AggregationTests.ms("2026-11-24T12:00:00Z"))-0", command("u1", "a")),  // exactly 24 h: outside
            ("\(AggregationTests.ms("2026-11-24T12:00:00.001Z"))-0", command("u1", "a")),
            ("\(AggregationTests.ms("2026-11-25T11:00:00Z"))-0", [("type", "error")]),
            ("\(AggregationTests.ms("2026-11-25T11:30:00Z"))-0", [("type", "api_call"), ("provider", "p"), ("cost", "1.5")]),
        ])
        let trailing = harness.state.meta.recent.trailing(now: nowMs)
        #expect(trailing.commands == 1 && trailing.errors == 1 && trailing.apiCost.description == "1.50")
        #expect(trailing.lastActivityMs == AggregationTests.ms("2026-11-24T12:00:00.001Z"))
    }
}
