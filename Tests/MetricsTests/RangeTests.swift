import Testing
@testable import Metrics

/// Figures stay in a range where no sum, conversion or ratio can trap:
/// absurd events are counted rejections, absurd files are errors naming the field.
@Suite struct RangeTests {
    @Test func conversionIsExactPast128BitProducts() {
        // 10¹⁸ units at a rate with 18 digits: the product of micro-units
        // and the rate's digits needs 140 bits, the result far fewer.
        let rate = ExchangeRate("999999999.999999999")!
        let amount = Snapshot.moneyLimit
        #expect(amount.converted(by: rate).description == "999999999999999999000000000.00")
        #expect(Money(micros: -amount.micros).converted(by: rate).description == "-999999999999999999000000000.00")
        // Ties still go to the even digit, either sign.
        #expect(Money(micros: 5).converted(by: ExchangeRate("0.5")!).micros == 2)
        #expect(Money(micros: 7).converted(by: ExchangeRate("0.5")!).micros == 4)
        #expect(Money(micros: -5).converted(by: ExchangeRate("0.5")!).micros == -2)
        #expect(Money("9.99")!.converted(by: ExchangeRate("0.92")!).description == "9.1908")
    }

    @Test func ratesStayBelowOneBillion() {
        #expect(ExchangeRate("999999999.999999999") != nil)
        #expect(ExchangeRate("000999999999") != nil)
        #expect(ExchangeRate("1000000000") == nil)
        #expect(ExchangeRate("999999999999999999") == nil)
    }

    @Test func thresholdsKeepEighteenDigits() {
        #expect(Fraction("0.123456789012345678") != nil)
        #expect(Fraction("0.1234567890123456789") == nil)
        #expect(Fraction("1e-19") == nil)
    }

    @Test func eventsThatWouldCarryADayOutOfRangeAreRejected() {
        let calendar = DayCalendar(timeZoneName: "UTC")!
        let validator = EventValidator(revenueCurrency: "EUR", exchangeRates: ["USD": ExchangeRate("999999999")!])
        let now: Int64 = 1_764_000_000_000
        var entries: [(id: String, fields: [(String, String)])] = (0..<3).map {
            ("\(now - 900)-\($0)", [("type", "api_call"), ("provider", "p"), ("cost", "999999999999.999999")])
        }
        // 10¹² USD a month at 999999999 EUR each is past 10¹⁸ EUR: rejected.
        entries.append(("\(now - 800)-0", [("type", "conversion"), ("user", "u"), ("amount", "1000000000000"), ("currency", "USD")]))
        entries.append(("\(now - 800)-1", [("type", "conversion"), ("user", "u"), ("amount", "1000"), ("currency", "USD")]))
        var harness = LedgerHarness(calendar: calendar, validator: validator)
        harness.state.meta.revenueCurrency = "EUR"
        let day = harness.run(now: now, entries: entries,
                              subscriptions: [("u", #"{"amount":"1000000000000","currency":"USD"}"#), ("v", #"{"amount":"1","currency":"USD"}"#)]).snapshots.last!
        #expect(day.costs.apiTotal.description == "2999999999999.999997")
        #expect(day.revenue.conversions == 1 && day.revenue.newMRR.description == "999999999000.00")
        #expect(day.dataQuality.rejected.map { "\($0.name)=\($0.count)" } == ["bad_amount=1", "bad_subscription=1"])
        #expect(day.revenue.mrr.description == "999999999.00" && day.rangeProblem() == nil)
    }

    @Test func aCostPastTheDaysLimitIsBadCost() {
        // A million calls at the largest cost reach the limit; one more would pass it.
        var tally = DayRecord()
        tally.apiCostTotal = Money(micros: Snapshot.moneyLimit.micros - 999_999_999_999_999_999)
        var call = ValidEvent(type: .apiCall)
        call.cost = Money("999999999999.999999")!
        #expect(tally.outOfRange(call) == nil)
        tally.apiCostTotal = Money(micros: tally.apiCostTotal.micros + 1)
        #expect(tally.outOfRange(call) == .badCost)
        #expect(tally.outOfRange(ValidEvent(type: .command)) == nil)
    }

    @Test func filesOutOfRangeNameTheField() throws {
        var snapshot = Snapshot(date: LocalDay("2026-11-24")!, timezone: "UTC", status: .complete, capturedAt: 0,
                                coverage: .init(eventsFrom: nil, windowsComplete: true), revenueCurrency: "EUR", costCurrency: "USD")
        #expect(snapshot.rangeProblem() == nil)
        snapshot.users.premium = -3  // a stock may be negative
        #expect(snapshot.rangeProblem() == nil)
        snapshot.engagement.commands = Int.max
        #expect(snapshot.rangeProblem() == "engagement.commands: 9223372036854775807 is out of range (at most 10^12)")
        snapshot.engagement.commands = 0
        snapshot.users.total = -5
        #expect(snapshot.rangeProblem() == "users.total: -5 is negative")
        snapshot.users.total = 0
        snapshot.revenue.mrr = Money(micros: -Snapshot.moneyLimit.micros - 1)
        #expect(snapshot.rangeProblem()?.hasPrefix("revenue.mrr: ") == true)
        snapshot.revenue.mrr = .zero
        snapshot.acquisitionBySource = [NamedCount(name: Name("ref:<b>"), count: -1)]
        #expect(snapshot.rangeProblem() == "acquisition.by_source.ref:<b>: -1 is negative")
        // Decoding checks the same range.
        snapshot.acquisitionBySource = []
        snapshot.costs.apiTotal = Money(micros: Snapshot.moneyLimit.micros + 1)
        #expect(throws: Snapshot.DecodingFailure.self) { try Snapshot(decoding: snapshot.encoded()) }
    }

    @Test func onlyOurTemporaryNamesAreLeftovers() {
        #expect(AtomicFile.leftoverTarget(".tmp-123-2026-11-24.json") == "2026-11-24.json")
        #expect(AtomicFile.leftoverTarget(".tmp-9-staging") == "staging")
        #expect(AtomicFile.leftoverTarget(".tmp-notes") == nil)
        #expect(AtomicFile.leftoverTarget(".tmp--x") == nil)
        #expect(AtomicFile.leftoverTarget(".tmp-12-") == nil)
        #expect(AtomicFile.leftoverTarget("tmp-12-x") == nil)
    }
}
