import Foundation

/// Number formatting that does not depend on the machine's locale.
public enum Format {
    /// `1,234,567`.
    public static func grouped(_ value: Int) -> String {
        if value > -1000 && value < 1000 { return String(value) }
        // Written in place, last digit first: no intermediate text.
        var magnitude = value.magnitude
        return String(unsafeUninitializedCapacity: 27) { buffer in
            var end = 27, digits = 0
            repeat {
                if digits > 0 && digits % 3 == 0 { end -= 1; buffer[end] = UInt8(ascii: ",") }
                end -= 1
                buffer[end] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
                magnitude /= 10
                digits += 1
            } while magnitude > 0
            if value < 0 { end -= 1; buffer[end] = UInt8(ascii: "-") }
            let count = 27 - end
            for index in 0..<count { buffer[index] = buffer[end + index] }
            return count
        }
    }

    /// `1,234,567` of a wide integer (an amount in micro-units).
    public static func grouped(_ value: Int128) -> String {
        if let small = Int(exactly: value) { return grouped(small) }
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
