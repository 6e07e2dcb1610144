import Testing
@testable import Metrics

@Suite struct DerivedFiguresTests {
    /// A snapshot with the figures that matter here.
    static func day(_ text: String, total: Int = 100, premium: Int = 10, mrr: String = "99.90", active: Int = 5,
                    active7d: Int = 20, active30d: Int = 40, commands: Int = 50, errors: Int = 2,
                    cancellations: Int = 0, api: String = "1.00", infrastructure: String = "0.266667",
                    status: Snapshot.Status = .complete) -> Snapshot {
        var snapshot = Snapshot(date: LocalDay(text)!, timezone: "UTC", status: status, capturedAt: 0,
                                coverage: .init(eventsFrom: 0, windowsComplete: true), revenueCurrency: "EUR", costCurrency: "USD")
        snapshot.users = .init(total: total, premium: premium, free: total - premium, new: 1, active: active,
                               active7d: active7d, active30d: active30d)
        snapshot.revenue.mrr = Money(mrr)!
        snapshot.revenue.cancellations = cancellations
        snapshot.engagement.commands = commands
        snapshot.engagement.errors = errors
        snapshot.costs.apiTotal = Money(api)!
        snapshot.costs.infrastructure = Money(infrastructure)!
        return snapshot
    }

    static func month() -> [Snapshot] {
        (0..<31).map { offset in
            let date = LocalDay("2026-10-01")!.adding(days: offset).description
            var snapshot = day(date, premium: offset == 0 ? 12 : 10, cancellations: offset == 5 || offset == 20 ? 1 : 0)
            var analytics = SnapshotAnalytics()
            // Oct 2: 9.99 new; the 6th and the 21st: a churn each.
            analytics.movements = [offset == 1 ? Money("9.99")! : .zero, .zero, .zero,
                                   offset == 5 || offset == 20 ? Money("9.99")! : .zero, .zero]
            var retention = SnapshotAnalytics.Retention30()
            retention.customersStart = 12
            retention.customersRetained = 10
            retention.mrrStart = Money("119.88")!
            retention.mrrRetained = Money("99.90")!
            retention.mrrNow = Money("109.89")!
            analytics.retention30d = retention
            snapshot.analytics = analytics
            return snapshot
        }
    }

    @Test func everyFigureOfADay() {
        let history = SnapshotHistory(Self.month())
        let last = history.snapshot(on: LocalDay("2026-10-31")!)!
        let figures = DerivedFigures(of: last, in: history, costRate: ExchangeRate("0.92"))
        #expect(figures.arr.description == "1198.80")
        #expect(figures.arpu?.description == "0.999")
        #expect(figures.arppu?.description == "9.99")
        #expect(figures.conversionRate == Ratio(10, over: 100))
        #expect(figures.errorRate == Ratio(2, over: 50))
        #expect(figures.stickiness == Ratio(5, over: 40))
        // 2 of the 12 customers of Oct 2 lost by the end of Oct 31.
        #expect(figures.churnRate30d == Ratio(2, over: 12))
        #expect(figures.grr30d == Ratio(Money("99.90")!, over: Money("119.88")!))
        #expect(figures.nrr30d?.jsonText == "0.9166666667")
        // Oct 2–31: 9.99 up, 19.98 down.
        #expect(figures.quickRatio?.jsonText == "0.5")
        // LTV = round6(9.99 / (2/12)) = 59.94
        #expect(figures.ltv?.description == "59.94")
        #expect(figures.totalCost.description == "1.266667")
        // 30 × 1.266667 = 38.00001 over 40 active users = 0.95000025 -> 0.95
        #expect(figures.costPerActiveUser?.description == "0.95")
        // 99.90 − round6(38.00001 × 0.92) = 99.90 − 34.960009
        #expect(figures.netMRR?.description == "64.939991")
    }

    @Test func undefinedFiguresAreNil() {
        let lonely = Self.day("2026-10-31", total: 0, premium: 0, mrr: "0", active: 0, active30d: 0, commands: 0)
        let figures = DerivedFigures(of: lonely, in: SnapshotHistory([lonely]), costRate: nil)
        #expect(figures.arpu == nil && figures.arppu == nil && figures.conversionRate == nil)
        #expect(figures.errorRate == nil && figures.stickiness == nil && figures.churnRate30d == nil)
        #expect(figures.ltv == nil && figures.costPerActiveUser == nil && figures.netMRR == nil)
        #expect(figures.arr == .zero && figures.totalCost.description == "1.266667")
        // Churn 0 leaves LTV undefined; a missing day of the 30 leaves the 30-day costs undefined.
        var days = Self.month().map { snapshot -> Snapshot in
            var s = snapshot
            s.analytics?.retention30d?.customersRetained = 12
            s.analytics?.movements = [.zero, .zero, .zero, .zero, .zero]
            return s
        }
        days.remove(at: 15)
        let history = SnapshotHistory(days)
        let last = DerivedFigures(of: history.snapshot(on: LocalDay("2026-10-31")!)!, in: history, costRate: .one)
        #expect(last.churnRate30d == Ratio(0, over: 12) && last.ltv == nil)
        #expect(last.costPerActiveUser == nil && last.netMRR == nil && last.quickRatio == nil)
        // A version 1 snapshot has no churn at all.
        var old = Self.month()
        old[30].analytics = nil
        let v1 = DerivedFigures(of: old[30], in: SnapshotHistory(old), costRate: .one)
        #expect(v1.churnRate30d == nil && v1.grr30d == nil && v1.ltv == nil && v1.quickRatio == nil)
    }

    @Test func ratiosPrintWithTenSignificantDigits() {
        #expect(Ratio(1, over: 12)!.jsonText == "0.08333333333")
        #expect(Ratio(104, over: 1000)!.jsonText == "0.104")
        #expect(Ratio(0, over: 5)!.jsonText == "0")
        #expect(Ratio(1, over: 0) == nil)
        #expect(Ratio(1, over: 3_000_000)!.jsonText == "0.000000333333")
        #expect(Ratio(-7, over: 8)!.jsonText == "-0.875")
        #expect(Ratio.jsonText(12345678901.5) == "12345678901.5")
        #expect(Ratio.jsonText(-0.0) == "0" && Ratio.jsonText(.nan) == "null" && Ratio.jsonText(.infinity) == "null")
        // Beyond %.10g's range the fixed form is whole: no truncated digits.
        #expect(Ratio.jsonText(1e300).count == 301 && Ratio.jsonText(1e300).hasPrefix("1000000000000000052504760255204420248704"))
    }

    @Test func weeksAndMonths() {
        var days = Self.month()
        days.append(contentsOf: (1...4).map { Self.day(LocalDay("2026-11-01")!.adding(days: $0 - 1).description,
                                                       status: $0 == 4 ? .partial : .complete) })
        let history = SnapshotHistory(days)
        // 2026-W44 runs from Monday Oct 26 to Sunday Nov 1: across the month boundary.
        let week = PeriodFigures(kind: .week, containing: LocalDay("2026-10-28")!, history: history)
        #expect(week.name == "2026-W44" && week.first.description == "2026-10-26" && week.last.description == "2026-11-01")
        #expect(week.days.count == 7 && !week.inProgress && week.active == 20)
        #expect(week.commands == 350 && week.errors == 14 && week.newUsers == 7)
        #expect(week.averageDAU == 5 && week.errorRate == Ratio(14, over: 350))
        #expect(week.previous(in: history).name == "2026-W43")
        // The week in progress: its Sunday has no snapshot yet.
        let current = PeriodFigures(kind: .week, containing: LocalDay("2026-11-04")!, history: history)
        #expect(current.inProgress && current.active == nil && current.days.count == 3 && current.closing?.status == .partial)
        let october = PeriodFigures(kind: .month, containing: LocalDay("2026-10-15")!, history: history)
        #expect(october.name == "2026-10" && october.days.count == 31 && october.active == 40 && october.cancellations == 2)
        #expect(october.infrastructure.description == "8.266677" && october.apiCost.description == "31.00")
        let november = PeriodFigures(kind: .month, containing: LocalDay("2026-11-02")!, history: history)
        #expect(november.inProgress && november.active == nil && november.days.count == 4)
    }
}
