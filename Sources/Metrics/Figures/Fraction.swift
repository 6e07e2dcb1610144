/// An exact non-negative decimal fraction, such as an alert threshold
/// (`0.05`), compared without binary rounding.
public struct Fraction: Sendable, Hashable, CustomStringConvertible {
    /// Numerator.
    public let numerator: Int128
    /// Denominator, a positive power of ten.
    public let denominator: Int128

    /// A fraction `numerator / denominator`.
    public init(numerator: Int128, denominator: Int128) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// Parses `digits[.digits][e[+-]digits]` (the text TOML gives for a number).
    public init?(_ text: String) {
        var mantissa = Substring(text)
        var exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(mantissa[mantissa.index(after: e)...]), abs(value) <= 30 else { return nil }
            exponent = value
            mantissa = mantissa[..<e]
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              parts.count == 1 || !parts[1].isEmpty
        else { return nil }
        let digits = parts.joined().drop(while: { $0 == "0" })
        // 18 digits and scale: products with counts stay inside 128 bits.
        guard digits.count <= 18 else { return nil }
        var value: Int128 = 0
        for c in digits.utf8 { value = value * 10 + Int128(c - 48) }
        var scale = (parts.count == 2 ? parts[1].count : 0) - exponent
        while scale < 0 { value *= 10; scale += 1 }
        guard scale <= 18 else { return nil }
        var denominator: Int128 = 1
        for _ in 0..<scale { denominator *= 10 }
        self.init(numerator: value, denominator: denominator)
    }

    /// The value as a double, for display and JSON.
    public var doubleValue: Double { numerator.nearestDouble / denominator.nearestDouble }

    /// The shortest decimal text of the value.
    public var description: String {
        let whole = numerator / denominator
        var rest = numerator % denominator
        guard rest != 0 else { return String(whole) }
        var digits = ""
        var d = denominator
        while d > 1 { d /= 10; digits.append(Character(String(Int(rest / d)))); rest %= d }
        while digits.last == "0" { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    /// True when `part / whole` is greater than this fraction (whole > 0).
    public func isExceeded(by part: Int, of whole: Int) -> Bool {
        Int128(part) * denominator > numerator * Int128(whole)
    }

    /// True when `part / whole` is below this fraction (whole > 0).
    public func isUndercut(by part: Int, of whole: Int) -> Bool {
        Int128(part) * denominator < numerator * Int128(whole)
    }
}
