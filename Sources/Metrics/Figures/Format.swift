import Foundation

/// Number formatting that does not depend on the machine's locale.
public enum Format {
    /// `1,234,567`.
    public static func grouped(_ value: Int) -> String {
        if value > -1000 && value < 1000 { return String(value) }
        return grouped(digits: String(value.magnitude), negative: value < 0)
    }

    /// `1,234,567` of a wide integer (an amount in micro-units).
    public static func grouped(_ value: Int128) -> String {
        if value > -1000 && value < 1000 { return String(value) }
        return grouped(digits: String(value.magnitude), negative: value < 0)
    }

    private static func grouped(digits text: String, negative: Bool) -> String {
        let digits = Array(text.utf8)
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        out.reserveCapacity(digits.count + digits.count / 3 + 1)
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(UInt8(ascii: ",")) }
            out.append(digit)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
