import CSupport

/// An exact fraction of two counts (a conversion rate, a churn rate) or
/// of two amounts (a revenue retention): never rounded, so figures
/// computed from it use its exact value.
public struct Ratio: Sendable, Hashable, CustomStringConvertible {
    /// Numerator.
    public let numerator: Int128
    /// Denominator, never zero.
    public let denominator: Int128

    /// `numerator / denominator`, or nil when the denominator is zero.
    public init?(_ numerator: Int, over denominator: Int) {
        self.init(exactly: Int128(numerator), over: Int128(denominator))
    }

    /// `numerator / denominator` of two amounts, or nil when the denominator is zero.
    public init?(_ numerator: Money, over denominator: Money) {
        self.init(exactly: numerator.micros, over: denominator.micros)
    }

    private init?(exactly numerator: Int128, over denominator: Int128) {
        guard denominator != 0 else { return nil }
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The value as a double: what JSON and pages show.
    public var value: Double { numerator.nearestDouble / denominator.nearestDouble }

    /// JSON number text with 10 significant digits (`0.1041666667`, `0.05`).
    public var jsonText: String { Ratio.jsonText(value) }

    public var description: String { jsonText }

    /// A double as a JSON number of 10 significant digits, without a
    /// trailing `.0` or exponent for ordinary magnitudes.
    public static func jsonText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == 0 { return "0" }
        let text = printed(value, sentinel_format_g10)
        // A byte search: String's contains(String) goes through Foundation.
        guard text.utf8.contains(UInt8(ascii: "e")) else { return text }
        var fixed = Substring(printed(value, sentinel_format_f12))
        while fixed.hasSuffix("0") { fixed.removeLast() }
        if fixed.hasSuffix(".") { fixed.removeLast() }
        return String(fixed)
    }

    /// C's printf of one double, through a fixed-format helper: the API's
    /// thousands of figures notice both Foundation's String(format:) and a
    /// va_list built per number.
    private static func printed(_ value: Double, _ format: (Double, UnsafeMutablePointer<CChar>?, Int) -> Int32) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buffer in
            let count = format(value, buffer.baseAddress, 512)
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(min(max(count, 0), 511))), as: UTF8.self)
        }
    }
}

extension Money {
    /// round6(self / divisor) half to even, for any non-zero divisor.
    public func divided(byCount divisor: Int) -> Money? {
        guard divisor != 0 else { return nil }
        let sign: Int128 = divisor < 0 ? -1 : 1
        return Money(micros: Money.divideHalfEven(micros * sign, Int128(divisor.magnitude)))
    }

    /// round6(self × rate⁻¹) for an exact ratio: self × denominator / numerator.
    public func divided(by ratio: Ratio) -> Money? {
        guard ratio.numerator != 0 else { return nil }
        // 10²⁴ micros × a count stays far inside 128 bits; an amount ratio
        // (never used here) could not, so it is computed in 256 bits' stead.
        let (high, low) = micros.multipliedFullWidth(by: ratio.denominator)
        guard high == (low >> 127 == 1 ? -1 : 0) else { return nil }
        let numerator = Int128(bitPattern: low)
        let sign: Int128 = ratio.numerator < 0 ? -1 : 1
        return Money(micros: Money.divideHalfEven(numerator * sign, Int128(ratio.numerator.magnitude)))
    }
}
