/// One unit of a currency expressed in the revenue currency: an exact
/// positive decimal below 10⁹ of at most 18 significant digits.
public struct ExchangeRate: Sendable, Hashable, CustomStringConvertible {
    /// The digits of the rate without its decimal point.
    public let mantissa: Int128
    /// Ten to the power of the number of fractional digits.
    public let divisor: Int128
    /// The rate as written, normalised.
    public let description: String

    /// The identity rate.
    public static let one = ExchangeRate(mantissa: 1, divisor: 1, description: "1")

    private init(mantissa: Int128, divisor: Int128, description: String) {
        self.mantissa = mantissa
        self.divisor = divisor
        self.description = description
    }

    /// Parses `digits[.digits]`; nil when malformed, zero, or too precise.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let integer = parts.first, !integer.isEmpty,
              parts.count == 1 || !parts[1].isEmpty,
              text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 })
        else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        let digits = (integer + fraction).drop(while: { $0 == "0" })
        // Below 10⁹: no pair of currencies is further apart, and converted
        // amounts then stay far inside 128 bits.
        guard !digits.isEmpty, digits.count <= 18, fraction.count <= 18, integer.drop(while: { $0 == "0" }).count <= 9 else { return nil }
        var value: Int128 = 0
        for byte in digits.utf8 { value = value * 10 + Int128(byte - 48) }
        var divisor: Int128 = 1
        for _ in 0..<fraction.count { divisor *= 10 }
        self.init(mantissa: value, divisor: divisor, description: text)
    }
}
