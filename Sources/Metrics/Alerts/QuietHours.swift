/// `[alerts] quiet_hours` (docs/configuration.md): a local [start, end)
/// range of clock times, crossing midnight when the end is earlier, in
/// which `no_activity` is not evaluated and whose time it does not count.
public struct QuietHours: Sendable, Equatable, CustomStringConvertible {
    /// Milliseconds after local midnight of the start and the end.
    public var startMs: Int64, endMs: Int64

    /// Reads `HH:MM-HH:MM`; nil when it is not two different times of day.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        // "24:00" may end a range: the end of the day.
        let day: Int64 = 86_400_000
        guard parts.count == 2, let start = QuietHours.clock(parts[0]),
              let end = parts[1] == "24:00" ? day : QuietHours.clock(parts[1]), start != end, !(start == 0 && end == day) else {
            return nil
        }
        startMs = start
        endMs = end
    }

    static func clock(_ text: Substring) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"),
              [0, 1, 3, 4].allSatisfy({ (48...57).contains(bytes[$0]) }) else { return nil }
        let hour = Int64(bytes[0] - 48) * 10 + Int64(bytes[1] - 48), minute = Int64(bytes[3] - 48) * 10 + Int64(bytes[4] - 48)
        guard hour < 24, minute < 60 else { return nil }
        return (hour * 60 + minute) * 60_000
    }

    /// `HH:MM-HH:MM`.
    public var description: String {
        func text(_ ms: Int64) -> String { LocalDay.pad(Int(ms / 3_600_000), 2) + ":" + LocalDay.pad(Int(ms / 60_000 % 60), 2) }
        return text(startMs) + "-" + text(endMs)
    }

    /// True when an instant's local clock time lies in the range.
    public func contains(_ ms: Int64, calendar: DayCalendar) -> Bool {
        let clock = calendar.clockMs(of: ms)
        return startMs < endMs ? (clock >= startMs && clock < endMs) : (clock >= startMs || clock < endMs)
    }

    /// Milliseconds of quiet time in (from, to]: each day's range runs from
    /// the instant its start names to the instant its end names (on the
    /// next day when it crosses midnight).
    public func overlap(from: Int64, to: Int64, calendar: DayCalendar) -> Int64 {
        guard to > from else { return 0 }
        var total: Int64 = 0
        var day = calendar.day(containing: from).adding(days: -1)
        let last = calendar.day(containing: to)
        while day <= last {
            let start = calendar.instant(clockMs: startMs, on: day)
            let end = endMs == 86_400_000 ? calendar.start(of: day.adding(days: 1))
                : calendar.instant(clockMs: endMs, on: startMs < endMs ? day : day.adding(days: 1))
            total += max(0, min(end, to) - max(start, from))
            day = day.adding(days: 1)
        }
        return total
    }
}
