/// Checks of the contract's text and number formats, on raw bytes.
public enum FieldFormat {
    /// 1 to `maxBytes` bytes of valid UTF-8 holding no control character
    /// (U+0000-U+001F, U+007F).
    public static func isText(_ bytes: UnsafeRawBufferPointer, maxBytes: Int) -> Bool {
        guard !bytes.isEmpty, bytes.count <= maxBytes else { return false }
        var ascii = true
        for byte in bytes {
            if byte < 0x20 || byte == 0x7F { return false }
            if byte >= 0x80 { ascii = false }
        }
        return ascii || isValidUTF8(bytes)
    }

    /// `plan`, `kind`, `model`: any non-empty UTF-8 (every field value is
    /// UTF-8; the control-character rule is only for the four text fields).
    public static func isLabel(_ bytes: UnsafeRawBufferPointer) -> Bool {
        !bytes.isEmpty && isValidUTF8(bytes)
    }

    /// Strict UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
    public static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return false
            }
            guard i + length <= n else { return false }
            let b1 = bytes[i + 1]
            guard b1 >= lower && b1 <= upper else { return false }
            for k in 2..<max(2, length) where k < length {
                guard bytes[i + k] & 0xC0 == 0x80 else { return false }
            }
            i += length
        }
        return true
    }

    /// `latency_ms`: 1 to 9 ASCII digits, optionally `.` and 1 to 6 more;
    /// returns the value in millionths of a millisecond.
    public static func latencyMicros(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard let money = Money(decimal: bytes, maxIntegerDigits: 9) else { return nil }
        return Int64(money.micros)
    }

    /// `currency`: three capital ASCII letters.
    public static func isCurrency(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count == 3 && bytes.allSatisfy { $0 >= 65 && $0 <= 90 }
    }
}
