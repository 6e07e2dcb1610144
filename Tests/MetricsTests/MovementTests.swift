import Testing
@testable import Metrics

/// Revenue movements and paying customers, hand-checked, through the
/// ledger's pure path (docs/analytics.md, "Revenue movements").
@Suite struct MovementTests {
    static func ms(_ text: String) -> Int64 { AggregationTests.ms(text) }

    /// Entries with IDs in order: `ms-0`, `ms-1`, ... for equal times.
    static func entries(_ list: [(String, [(String, String)])]) -> [(id: String, fields: [(String, String)])] {
        var last: Int64 = -1, seq = 0
        return list.map { time, fields in
            let t = ms(time)
            seq = t == last ? seq + 1 : 0
            last = t
            return ("\(t)-\(seq)", fields)
        }
    }

    static func pay(_ type: String, _ user: String, _ amount: String, plan: String? = nil, interval: String? = nil) -> [(String, String)] {
        var fields = [("type", type), ("user", user), ("amount", amount)]
        if let plan { fields.append(("plan", plan)) }
        if let interval { fields.append(("interval", interval)) }
        return fields
    }

    static func movements(_ snapshot: Snapshot) -> String {
        guard let m = snapshot.analytics?.movements, let u = snapshot.analytics?.movementUsers else { return "null" }
        return SnapshotAnalytics.Movement.allCases.filter { m[$0.rawValue] != .zero || u[$0.rawValue] != 0 }
            .map { "\($0.key) \(m[$0.rawValue]) (\(u[$0.rawValue]))" }.joined(separator: ", ")
    }

    @Test func everyKindOfMovementAndAReactivationOnlyTheLedgerKnows() {
        var harness = LedgerHarness()
        let november = Self.entries([
            ("2026-11-02T00:00:00Z", [("type", "error")]),  // the ledger covers Nov 2
            ("2026-11-02T08:00:00Z", Self.pay("conversion", "u1", "9.99")),
            ("2026-11-02T09:00:00Z", Self.pay("conversion", "u2", "9.99")),
            ("2026-11-02T09:30:00Z", Self.pay("cancellation", "u2", "9.99")),  // a refund: no movement
            ("2026-11-02T10:00:00Z", Self.pay("conversion", "u5", "9.99")),
            ("2026-11-03T08:00:00Z", Self.pay("cancellation", "u1", "9.99")),
            ("2026-11-03T08:00:00Z", Self.pay("conversion", "u1", "19.99", plan: "pro")),  // an upgrade within a day
            ("2026-11-03T12:00:00Z", Self.pay("cancellation", "u5", "9.99")),
            ("2026-11-04T23:59:00Z", Self.pay("cancellation", "u1", "19.99", plan: "pro")),  // a change across midnight
            ("2026-11-05T00:01:00Z", Self.pay("conversion", "u1", "99.90", interval: "year")),
            ("2026-11-06T08:00:00Z", Self.pay("conversion", "u4", "9.99")),
            ("2026-11-07T08:00:00Z", Self.pay("cancellation", "u4", "9.99")),  // monthly to yearly: 8.325 a month
            ("2026-11-07T08:00:01Z", Self.pay("conversion", "u4", "99.90", interval: "year")),
            ("2026-11-08T08:00:00Z", Self.pay("cancellation", "u4", "99.90", interval: "year")),  // and back
            ("2026-11-08T08:00:01Z", Self.pay("conversion", "u4", "9.99")),
            ("2026-11-09T08:00:00Z", Self.pay("cancellation", "u3", "9.99")),  // subscribed before the ledger
        ])
        let subscriptions = [("u1", #"{"amount":"99.90","interval":"year"}"#), ("u4", #"{"amount":"9.99"}"#)]
        let first = harness.run(now: Self.ms("2026-11-10T12:00:00Z"), entries: november, subscriptions: subscriptions).snapshots
        let byDay = Dictionary(uniqueKeysWithValues: first.map { ($0.date.description, $0) })
        #expect(Self.movements(byDay["2026-11-02"]!) == "new 19.98 (2)")
        #expect(byDay["2026-11-02"]!.revenue.conversions == 3 && byDay["2026-11-02"]!.revenue.cancellations == 1)
        #expect(Self.movements(byDay["2026-11-03"]!) == "expansion 10.00 (1), churn 9.99 (1)")
        #expect(Self.movements(byDay["2026-11-04"]!) == "churn 19.99 (1)")
        #expect(Self.movements(byDay["2026-11-05"]!) == "reactivation 8.325 (1)")
        #expect(Self.movements(byDay["2026-11-06"]!) == "new 9.99 (1)")
        #expect(Self.movements(byDay["2026-11-07"]!) == "contraction 1.665 (1)")
        #expect(Self.movements(byDay["2026-11-08"]!) == "expansion 1.665 (1)")
        #expect(Self.movements(byDay["2026-11-09"]!) == "churn 9.99 (1)")
        #expect(Self.movements(byDay["2026-11-10"]!) == "")
        for snapshot in first { #expect(snapshot.analytics?.movementsUnexplained == .zero, "\(snapshot.date)") }
        // The plan mix at the end of Nov 3: u1 on pro, u3 still on premium.
        let mix = byDay["2026-11-03"]!.analytics!
        #expect(mix.byPlan.map { "\($0.plan) \($0.mix.subscriptions) \($0.mix.mrr)" } == ["premium 1 9.99", "pro 1 19.99"])
        #expect(mix.month == .init(subscriptions: 2, mrr: Money("29.98")!) && mix.year == .init())
        #expect(byDay["2026-11-10"]!.analytics!.year == .init(subscriptions: 1, mrr: Money("8.325")!))
        #expect(byDay["2026-11-10"]!.analytics!.retention30d == nil)  // the window starts before the ledger

        // 40 days later the stream holds December only: the ledger alone
        // knows that u5 paid before, so this is a reactivation.
        let december = Self.entries([("2026-12-13T09:00:00Z", Self.pay("conversion", "u5", "9.99"))])
        let later = harness.run(now: Self.ms("2026-12-13T12:00:00Z"), entries: december,
                                subscriptions: subscriptions + [("u5", #"{"amount":"9.99"}"#)]).snapshots
        let today = later.last!
        #expect(Self.movements(today) == "reactivation 9.99 (1)")
        let retention = today.analytics!.retention30d!
        #expect(retention.customersStart == 2 && retention.customersRetained == 2)
        #expect(retention.mrrStart.description == "18.315" && retention.mrrRetained.description == "18.315")
        #expect(retention.mrrNow.description == "18.315")
    }

    @Test func churnCountsCustomersNotCancellations() {
        // One customer 30 days before; four cancellations in the window,
        // two of them by users who subscribed inside it.
        var harness = LedgerHarness()
        let stream = Self.entries([
            ("2026-10-01T00:00:00Z", [("type", "error")]),
            ("2026-11-01T08:00:00Z", Self.pay("cancellation", "old", "9.99")),
            ("2026-11-02T08:00:00Z", Self.pay("conversion", "a", "9.99")),
            ("2026-11-03T08:00:00Z", Self.pay("cancellation", "a", "9.99")),
            ("2026-11-04T08:00:00Z", Self.pay("conversion", "b", "9.99")),
            ("2026-11-05T08:00:00Z", Self.pay("cancellation", "b", "9.99")),
            ("2026-11-06T08:00:00Z", Self.pay("conversion", "a", "9.99")),
            ("2026-11-07T08:00:00Z", Self.pay("cancellation", "a", "9.99")),
        ])
        let snapshots = harness.run(now: Self.ms("2026-11-10T12:00:00Z"), entries: stream).snapshots
        let day = snapshots.first { $0.date.description == "2026-11-09" }!
        #expect(day.revenue.cancellations == 0)
        #expect(day.analytics!.retention30d!.customersStart == 1 && day.analytics!.retention30d!.customersRetained == 0)
        let history = SnapshotHistory(snapshots)
        let figures = DerivedFigures(of: day, in: history, costRate: .one)
        #expect(figures.churnRate30d == Ratio(1, over: 1))
        #expect(figures.grr30d?.value == 0 && figures.nrr30d?.jsonText == "0")
        // Quick ratio over Oct 11 – Nov 9: 19.98 + 9.99 up (new, new, reactivation), 39.96 down.
        #expect(figures.quickRatio?.jsonText == "0.75")
        for snapshot in snapshots {
            if let churn = DerivedFigures(of: snapshot, in: history, costRate: .one).churnRate30d { #expect(churn.value <= 1) }
        }
    }
}
