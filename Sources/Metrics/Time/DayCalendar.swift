import Foundation

/// Local days of one IANA time zone, as instants in unix milliseconds.
///
/// A day runs from the first instant whose local date is that day to the
/// first instant of the next one, so DST days last 23 or 25 hours and a zone
/// that skips midnight starts its day at the first existing instant.
public struct DayCalendar: Sendable {
    /// The IANA name as configured.
    public let timeZoneName: String
    private let calendar: Calendar
    /// The zone, for wall-clock arithmetic.
    let zone: TimeZone

    /// A calendar for an IANA zone name; nil when the zone is unknown.
    public init?(timeZoneName: String) {
        guard DayCalendar.isKnownZone(timeZoneName), let zone = TimeZone(identifier: timeZoneName) else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
        self.zone = zone
        self.timeZoneName = timeZoneName
    }

    /// True when the name is an IANA zone of this machine's tz database.
    public static func isKnownZone(_ name: String) -> Bool {
        if TimeZone.knownTimeZoneIdentifiers.contains(name) { return true }
        // UTC, Etc/GMT+1, EST and other links that Foundation does not list.
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains(".."),
              name.utf8.allSatisfy({ $0 > 32 && $0 < 127 })
        else { return false }
        return FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/" + name)
    }

    /// The first instant of `day`, in unix milliseconds.
    public func start(of day: LocalDay) -> Int64 {
        let (year, month, dayOfMonth) = day.components
        // Noon always exists; its start of day is the day's first instant.
        let noon = calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth, hour: 12))!
        return Int64((calendar.startOfDay(for: noon).timeIntervalSince1970 * 1000).rounded())
    }

    /// The local day that holds an instant.
    public func day(containing ms: Int64) -> LocalDay {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        var day = LocalDay(year: parts.year!, month: parts.month!, day: parts.day!)!
        // Guard against sub-millisecond rounding at a boundary.
        if start(of: day) > ms { day = day.adding(days: -1) }
        if start(of: day.adding(days: 1)) <= ms { day = day.adding(days: 1) }
        return day
    }

    /// Local hour and minute of an instant (`HH:MM`).
    public func clockTime(of ms: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return LocalDay.pad(parts.hour!, 2) + ":" + LocalDay.pad(parts.minute!, 2)
    }

    /// Starts of `count + 1` consecutive days from `first`: day `i` is
    /// `[bounds[i], bounds[i + 1])`.
    public func boundaries(from first: LocalDay, count: Int) -> [Int64] {
        (0...count).map { start(of: first.adding(days: $0)) }
    }

    /// The instant of a local wall-clock time (for `--now` without an offset):
    /// in a gap, the first instant after it.
    public func instant(day: LocalDay, hour: Int, minute: Int, second: Int, millisecond: Int) -> Int64 {
        let (year, month, dayOfMonth) = day.components
        let date = calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth,
                                                      hour: hour, minute: minute, second: second))!
        return Int64((date.timeIntervalSince1970 * 1000).rounded()) + Int64(millisecond)
    }
}
