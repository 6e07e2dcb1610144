import Testing
@testable import Metrics

@Suite struct MoneyTests {
    @Test(arguments: ["9.99", "0.000150", "12", "999999999999.999999", "0", "0.5"])
    func parsesContractAmounts(_ text: String) {
        #expect(Money(text) != nil)
    }

    @Test(arguments: ["-1", "1e3", ".5", "1,5", "1.", "", "1.2345678", "1234567890123", " 1", "1 ", "+1", "0x10", "١٢"])
    func rejectsMalformedAmounts(_ text: String) {
        #expect(Money(text) == nil)
    }

    @Test func formatsWithTwoToSixDigits() {
        #expect(Money("839.16")!.description == "839.16")
        #expect(Money("8.3325")!.description == "8.3325")
        #expect(Money.zero.description == "0.00")
        #expect(Money("0.166667")!.description == "0.166667")
        #expect(Money("12")!.description == "12.00")
        #expect(Money(micros: -12_500_000).description == "-12.50")
        #expect(Money(micros: -1).description == "-0.000001")
        #expect(Money("0.000150")!.description == "0.00015")
    }

    @Test func formatsAmountsBeyondSixtyFourBitsAlike() {
        // Amounts of 64 bits are written by a faster path; both give the same text.
        #expect(Money(micros: 10_000_000).description == "10.00")
        #expect(Money(micros: 1_234_567).description == "1.234567")
        #expect(Money(micros: 1_230_000).description == "1.23")
        #expect(Money(micros: 1_200_000).description == "1.20")
        #expect(Money(micros: 1_000_100).description == "1.0001")
        #expect(Money(micros: Int128(Int64.max)).description == "9223372036854.775807")
        #expect(Money(micros: -Int128(UInt64.max)).description == "-18446744073709.551615")
        #expect(Money(micros: Int128(UInt64.max) + 1).description == "18446744073709.551616")
        #expect(Money(micros: -(Int128(UInt64.max) + 10_000)).description == "-18446744073709.561615")
        #expect(Money(micros: Int128(UInt64.max) + 448_385).description == "18446744073710.00")
    }

    @Test func dividesHalfToEvenAtSixtyFourBitsAndBeyond() {
        // Within 64 bits the division takes a faster path: the same results.
        let big = Int128(Int64.max)
        #expect(Money.divideHalfEven(big, big) == 1)
        #expect(Money.divideHalfEven(big, 2) == big / 2 + 1)  // …807 / 2 = …903.5: the tie goes to the even …904
        #expect(Money.divideHalfEven(big - 1, 2) == (big - 1) / 2)
        #expect(Money.divideHalfEven(-big, big - 1) == -1)
        #expect(Money.divideHalfEven(Int128(Int64.min), 3) == -3_074_457_345_618_258_603)
        #expect(Money.divideHalfEven(big * 4 + 2, 4) == big + 1)  // a tie at 128 bits: …807.5 goes to …808
        #expect(Money.divideHalfEven(-(big * 4 + 2), 4) == -big - 1)
        #expect(Format.grouped(Int128(Int64.max) * 10) == "92,233,720,368,547,758,070")
        #expect(Format.grouped(Int.min) == "-9,223,372,036,854,775,808")
        #expect(Format.grouped(-1_000) == "-1,000" && Format.grouped(999) == "999" && Format.grouped(1_234_567) == "1,234,567")
    }

    @Test func dividesHalfToEven() {
        #expect(Money.divideHalfEven(5, 2) == 2)
        #expect(Money.divideHalfEven(7, 2) == 4)
        #expect(Money.divideHalfEven(-5, 2) == -2)
        #expect(Money.divideHalfEven(-7, 2) == -4)
        #expect(Money.divideHalfEven(10, 4) == 2)
        #expect(Money.divideHalfEven(11, 4) == 3)
        #expect(Money("9.99")!.divided(by: 12).description == "0.8325")
        #expect(Money("10")!.divided(by: 12).description == "0.833333")
        #expect(Money("5.00")!.divided(by: 31).description == "0.16129")
        #expect(Money("3.00")!.divided(by: 30).description == "0.10")
        // 0.000006 / 4 = 0.0000015: the tie goes to the even 0.000002; 0.000010 / 4 = 0.0000025 to 0.000002.
        #expect(Money(micros: 6).divided(by: 4).micros == 2)
        #expect(Money(micros: 10).divided(by: 4).micros == 2)
    }

    @Test func convertsOncePerEventHalfToEven() {
        let rate = ExchangeRate("0.92")!
        #expect(Money("9.99")!.converted(by: rate).description == "9.1908")
        let half = ExchangeRate("0.5")!
        #expect(Money(micros: 1).converted(by: half).micros == 0)
        #expect(Money(micros: 3).converted(by: half).micros == 2)
        #expect(Money(micros: 5).converted(by: half).micros == 2)
        // A yearly plan: round6(round6(amount × rate) / 12).
        let yearly = EventValidator.monthly(Money("99.99")!, rate: ExchangeRate("1.0833")!, yearly: true)
        // 99.99 × 1.0833 = 108.319167 (exact: 108.3191670), / 12 = 9.02659725 -> 9.026597
        #expect(yearly.description == "9.026597")
    }

    @Test func exchangeRatesAreExactPositiveDecimals() {
        #expect(ExchangeRate("0.92") != nil)
        #expect(ExchangeRate("0.000035714") != nil)
        #expect(ExchangeRate("0") == nil)
        #expect(ExchangeRate("0.000") == nil)
        #expect(ExchangeRate("-1") == nil)
        #expect(ExchangeRate("1e3") == nil)
        #expect(ExchangeRate("") == nil)
        #expect(ExchangeRate("1234567890123456789") == nil)
    }

    @Test func sumsStayExactAtScale() {
        var total = Money.zero
        for _ in 0..<1000 { total += Money("999999999999.999999")! }
        #expect(total.description == "999999999999999.999")
    }
}

@Suite struct FractionTests {
    @Test func parsesTomlNumberText() {
        #expect(Fraction("0.05") == Fraction(numerator: 5, denominator: 100))
        #expect(Fraction("1e-05")!.description == "0.00001")
        #expect(Fraction("5")!.description == "5")
        #expect(Fraction("abc") == nil)
    }

    @Test func comparesExactly() {
        let five = Fraction("0.05")!
        #expect(!five.isExceeded(by: 1, of: 20))  // 5 % is not above 5 %
        #expect(five.isExceeded(by: 2, of: 39))
        #expect(five.isUndercut(by: 4, of: 81))
        #expect(!five.isUndercut(by: 5, of: 100))
    }
}
