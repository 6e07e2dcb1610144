/// ISO-8601 in and out, for `--now`, `captured_at` and `events_from`.
public enum Timestamp {
    /// `YYYY-MM-DDTHH:MM:SSZ`, with `.sss` when the milliseconds are not zero.
    public static func format(ms: Int64) -> String {
        let day = LocalDay(ordinal: Int(floorDiv(ms, 86_400_000)))
        let inDay = Int(ms - Int64(day.ordinal) * 86_400_000)
        let seconds = inDay / 1000
        var text = "\(day)T\(LocalDay.pad(seconds / 3600, 2)):\(LocalDay.pad(seconds / 60 % 60, 2)):\(LocalDay.pad(seconds % 60, 2))"
        if inDay % 1000 != 0 { text += "." + LocalDay.pad(inDay % 1000, 3) }
        return text + "Z"
    }

    /// A parsed `--now`: an instant, or a wall-clock time in the configured zone.
    public enum Parsed: Sendable, Equatable {
        /// An instant in unix milliseconds (the text had `Z` or an offset).
        case instant(Int64)
        /// A local time with no offset, to be read in the configured zone.
        case local(day: LocalDay, hour: Int, minute: Int, second: Int, millisecond: Int)

        /// The instant, reading a local time in `calendar`'s zone.
        public func resolve(in calendar: DayCalendar) -> Int64 {
            switch self {
            case .instant(let ms): return ms
            case let .local(day, hour, minute, second, millisecond):
                return calendar.instant(day: day, hour: hour, minute: minute, second: second, millisecond: millisecond)
            }
        }
    }

    /// Parses `YYYY-MM-DD[THH:MM[:SS[.fff…]]][Z|±HH:MM]`; fractions beyond
    /// milliseconds are truncated (entry times are whole milliseconds).
    public static func parse(_ text: String) -> Parsed? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, let day = LocalDay(String(decoding: bytes[0..<10], as: UTF8.self)) else { return nil }
        var index = 10
        var hour = 0, minute = 0, second = 0, millisecond = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + width] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ char: Character) -> Bool {
            guard index < bytes.count, bytes[index] == char.asciiValue! else { return false }
            index += 1
            return true
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: " ") {
            index += 1
            guard let h = number(2), expect(":"), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h; minute = m
            if expect(":") {
                guard let s = number(2), s < 60 else { return nil }
                second = s
                if expect(".") || expect(",") {
                    var digits = 0
                    while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                        if digits < 3 { millisecond = millisecond * 10 + Int(bytes[index] - 48) }
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in min(digits, 3)..<3 { millisecond *= 10 }
                }
            }
        }
        let wall = Int64(day.ordinal) * 86_400_000 + Int64(((hour * 60 + minute) * 60 + second) * 1000 + millisecond)
        if index == bytes.count {
            return .local(day: day, hour: hour, minute: minute, second: second, millisecond: millisecond)
        }
        if expect("Z") || expect("z") {
            return index == bytes.count ? .instant(wall) : nil
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
        let sign: Int64 = bytes[index] == UInt8(ascii: "+") ? 1 : -1
        index += 1
        guard let oh = number(2), oh <= 23 else { return nil }
        _ = expect(":")
        guard let om = number(2), om < 60, index == bytes.count else { return nil }
        return .instant(wall - sign * Int64((oh * 60 + om) * 60_000))
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
