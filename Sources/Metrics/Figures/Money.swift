/// An exact amount of money in millionths of a unit (micro-units).
///
/// Binary floating point never touches money: amounts are parsed from their
/// decimal text, summed exactly, and rounded half to even only where the
/// contract says (a conversion, a division).
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The amount in millionths of a unit.
    public var micros: Int128

    /// Micro-units in one unit.
    public static let scale: Int128 = 1_000_000
    /// Zero.
    public static let zero = Money(micros: 0)

    /// An amount from its micro-units.
    public init(micros: Int128) { self.micros = micros }

    /// Parses the contract's decimal format: 1 to `maxIntegerDigits` ASCII
    /// digits, optionally `.` and 1 to 6 more; nil for anything else.
    public init?<C: Collection<UInt8>>(decimal bytes: C, maxIntegerDigits: Int = 12) {
        var whole: Int128 = 0
        var fraction: Int128 = 0
        var integerDigits = 0
        var fractionDigits = 0
        var seenDot = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                if seenDot || integerDigits == 0 { return nil }
                seenDot = true
                continue
            }
            guard byte >= 48 && byte <= 57 else { return nil }
            if seenDot {
                fractionDigits += 1
                if fractionDigits > 6 { return nil }
                fraction = fraction * 10 + Int128(byte - 48)
            } else {
                integerDigits += 1
                if integerDigits > maxIntegerDigits { return nil }
                whole = whole * 10 + Int128(byte - 48)
            }
        }
        if integerDigits == 0 || (seenDot && fractionDigits == 0) { return nil }
        for _ in fractionDigits..<6 { fraction *= 10 }
        micros = whole * Money.scale + fraction
    }

    /// Parses the contract's decimal format from text.
    public init?(_ text: String) { self.init(decimal: Array(text.utf8)) }

    /// The JSON and CSV form: 2 to 6 fractional digits, no further trailing
    /// zeros (`"839.16"`, `"8.3325"`, `"0.00"`, `"-12.50"`).
    public var description: String {
        let negative = micros < 0
        let magnitude = negative ? -micros : micros
        if let small = UInt64(exactly: magnitude) { return Money.text(negative: negative, micros: small) }
        let whole = magnitude / Money.scale
        var fraction = Array(String(Int(magnitude % Money.scale)).utf8)
        while fraction.count < 6 { fraction.insert(UInt8(ascii: "0"), at: 0) }
        while fraction.count > 2 && fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        return (negative ? "-" : "") + String(whole) + "." + String(decoding: fraction, as: UTF8.self)
    }

    /// `description` for a magnitude of 64 bits, written in place (the API
    /// and the CSV files show every day's amounts): the same text.
    private static func text(negative: Bool, micros: UInt64) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { reversed in
            // Least significant first: six fractional digits, then at least one whole digit.
            var value = micros, digits = 0
            repeat {
                reversed[digits] = UInt8(truncatingIfNeeded: 48 + value % 10)
                value /= 10
                digits += 1
            } while value > 0 || digits < 7
            return String(unsafeUninitializedCapacity: digits + 2) { buffer in
                var count = 0
                if negative { buffer[0] = 0x2D; count = 1 }
                for index in stride(from: digits - 1, through: 6, by: -1) { buffer[count] = reversed[index]; count += 1 }
                buffer[count] = 0x2E
                count += 1
                // Trailing zeros go, but two fractional digits stay.
                var last = 0
                while last < 4 && reversed[last] == 48 { last += 1 }
                for index in stride(from: 5, through: last, by: -1) { buffer[count] = reversed[index]; count += 1 }
                return count
            }
        }
    }

    /// Converts with an exchange rate, rounded to 6 digits half to even.
    /// The product is formed in 256 bits, since a rate's digits (up to 18)
    /// times an amount's can pass 128 bits while the result fits: amounts
    /// stay within `Snapshot.moneyLimit` and rates at most 10⁹.
    public func converted(by rate: ExchangeRate) -> Money {
        let magnitude = micros.magnitude
        let wide = magnitude.multipliedFullWidth(by: UInt128(rate.mantissa))
        let divisor = UInt128(rate.divisor)
        precondition(wide.high < divisor, "a converted amount beyond 128 bits")
        var (quotient, remainder) = divisor.dividingFullWidth(wide)
        let twice = remainder.multipliedReportingOverflow(by: 2)
        if twice.overflow || twice.partialValue > divisor || (twice.partialValue == divisor && quotient % 2 != 0) { quotient += 1 }
        let value = Int128(quotient)
        return Money(micros: micros < 0 ? -value : value)
    }

    /// Divides by a positive count, rounded to 6 digits half to even.
    public func divided(by count: Int) -> Money {
        precondition(count > 0, "division of money by \(count)")
        return Money(micros: Money.divideHalfEven(micros, Int128(count)))
    }

    /// Divides `numerator` by a positive `denominator`, rounding half to even.
    public static func divideHalfEven(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        precondition(denominator > 0)
        // Figures are almost always within 64 bits, where division is one
        // instruction instead of a 128-bit library call.
        if let small = Int64(exactly: numerator), let divisor = Int64(exactly: denominator) {
            var quotient = small / divisor, remainder = small % divisor
            if remainder < 0 {
                quotient -= 1
                remainder += divisor
            }
            // remainder × 2 against the divisor, without overflowing.
            let rest = divisor - remainder
            if remainder > rest || (remainder == rest && quotient % 2 != 0) { quotient += 1 }
            return Int128(quotient)
        }
        var quotient = numerator / denominator
        var remainder = numerator % denominator
        if remainder < 0 {  // floor division, so the tie test below is one-sided
            quotient -= 1
            remainder += denominator
        }
        let twice = remainder * 2
        if twice > denominator || (twice == denominator && quotient % 2 != 0) {
            quotient += 1
        }
        return quotient
    }

    public static func + (lhs: Money, rhs: Money) -> Money { Money(micros: lhs.micros + rhs.micros) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(micros: lhs.micros - rhs.micros) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.micros += rhs.micros }
    public static func -= (lhs: inout Money, rhs: Money) { lhs.micros -= rhs.micros }
    public static func * (lhs: Money, rhs: Int) -> Money { Money(micros: lhs.micros * Int128(rhs)) }
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.micros < rhs.micros }
}

extension Int128 {
    /// The nearest double. The generic `Double(Int128)` conversion costs
    /// tens of times more than a 64-bit one, and charts convert every
    /// amount they draw; both round to nearest, so the value is the same.
    public var nearestDouble: Double {
        if let small = Int64(exactly: self) { return Double(small) }
        return Double(self)
    }
}
