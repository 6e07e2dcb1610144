import Foundation

/// Local clock times of a day, for "so far" comparisons and quiet hours:
/// the same local time on another day, whatever DST did to either.
extension DayCalendar {
    /// Milliseconds of an hour.
    public static let hourMs: Int64 = 3_600_000

    /// The local wall-clock time of an instant, in milliseconds since
    /// local midnight (09:30 is 34 200 000 on any day, DST or not).
    public func clockMs(of ms: Int64) -> Int64 {
        let wall = localWall(ms)
        return wall - Timestamp.floorDiv(wall, 86_400_000) * 86_400_000
    }

    /// The instant a local wall-clock time names on `day` (docs/analytics.md,
    /// "so far"): of two (the hour DST repeats), the earlier; in the hour
    /// DST skips, the first instant after the gap. Always inside the day.
    public func instant(clockMs: Int64, on day: LocalDay) -> Int64 {
        let start = self.start(of: day), end = self.start(of: day.adding(days: 1))
        let wall = Int64(day.ordinal) * 86_400_000 + clockMs
        var found: Int64?
        for probe in [start, end - 1, start + (end - start) / 2] {
            let candidate = wall - (localWall(probe) - probe)
            guard candidate >= start, candidate < end, localWall(candidate) == wall else { continue }
            found = min(found ?? candidate, candidate)
        }
        if let found { return found }
        // A skipped time: the first instant whose wall clock reads later.
        var low = start, high = end
        while low < high {
            let middle = low + (high - low) / 2
            if localWall(middle) >= wall { high = middle } else { low = middle + 1 }
        }
        return min(low, end - 1)
    }

    /// The instant's local wall-clock time as milliseconds from 1970-01-01 local.
    func localWall(_ ms: Int64) -> Int64 {
        ms + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(Timestamp.floorDiv(ms, 1000))))) * 1000
    }

    /// The English name of a local day's weekday ("Tuesday").
    public static func weekdayName(_ day: LocalDay) -> String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][day.isoWeekday - 1]
    }
}

extension DayCalendar: Equatable {
    /// Two calendars of the same zone are the same.
    public static func == (lhs: DayCalendar, rhs: DayCalendar) -> Bool { lhs.timeZoneName == rhs.timeZoneName }
}
