/// A calendar date with no time zone (`YYYY-MM-DD`), on the proleptic
/// Gregorian calendar.
///
/// Date arithmetic is pure integer arithmetic on days since 1970-01-01, so
/// it never depends on the machine's locale or zone.
public struct LocalDay: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// Days since 1970-01-01.
    public let ordinal: Int

    /// The day `ordinal` days after 1970-01-01.
    public init(ordinal: Int) { self.ordinal = ordinal }

    /// The day of a civil date; nil when the date does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= LocalDay.daysIn(year: year, month: month) else {
            return nil
        }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        ordinal = era * 146_097 + doe - 719_468
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: String) {
        var year = 0, month = 0, day = 0, count = 0
        for byte in text.utf8 {
            if count == 4 || count == 7 {
                guard byte == 45 else { return nil }
            } else {
                guard byte >= 48 && byte <= 57 else { return nil }
                let digit = Int(byte - 48)
                if count < 4 { year = year * 10 + digit } else if count < 7 { month = month * 10 + digit } else { day = day * 10 + digit }
            }
            count += 1
            if count > 10 { return nil }
        }
        guard count == 10 else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Year, month and day of this date.
    public var components: (year: Int, month: Int, day: Int) {
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// ISO weekday: 1 is Monday, 7 is Sunday.
    public var isoWeekday: Int { ((ordinal % 7 + 7) % 7 + 3) % 7 + 1 }

    /// The ISO week-year and week number (2026-12-31 is 2026-W53).
    public var isoWeek: (year: Int, week: Int) {
        let thursday = adding(days: 4 - isoWeekday)
        let year = thursday.components.year
        let jan1 = LocalDay(year: year, month: 1, day: 1)!
        return (year, (thursday.ordinal - jan1.ordinal) / 7 + 1)
    }

    /// The Monday of an ISO week named `YYYY-Www`; nil for another text.
    public static func monday(ofISOWeek name: String) -> LocalDay? {
        let parts = name.split(separator: "-W")
        guard parts.count == 2, let year = Int(parts[0]), let week = Int(parts[1]), (1...53).contains(week),
              let jan4 = LocalDay(year: year, month: 1, day: 4) else { return nil }
        // January 4 is always in week 1.
        let monday = jan4.adding(days: 1 - jan4.isoWeekday + 7 * (week - 1))
        return monday.isoWeekName == name ? monday : nil
    }

    /// `YYYY-Www`, by ISO week-year.
    public var isoWeekName: String {
        let (year, week) = isoWeek
        return "\(LocalDay.pad(year, 4))-W\(LocalDay.pad(week, 2))"
    }

    /// `YYYY-MM`.
    public var monthName: String {
        let (year, month, _) = components
        return "\(LocalDay.pad(year, 4))-\(LocalDay.pad(month, 2))"
    }

    /// Days in this date's month.
    public var daysInMonth: Int {
        let (year, month, _) = components
        return LocalDay.daysIn(year: year, month: month)
    }

    /// The date `days` later (or earlier, when negative).
    public func adding(days: Int) -> LocalDay { LocalDay(ordinal: ordinal + days) }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (year, month, day) = components
        guard (0...9999).contains(year) else { return "\(LocalDay.pad(year, 4))-\(LocalDay.pad(month, 2))-\(LocalDay.pad(day, 2))" }
        // Ten ASCII digits and dashes, made in place: a build names every
        // day in many files (paths, JSON, CSV, links).
        return String(unsafeUninitializedCapacity: 10) { buffer in
            func digit(_ value: Int) -> UInt8 { UInt8(truncatingIfNeeded: 48 + value) }
            buffer[0] = digit(year / 1000); buffer[1] = digit(year / 100 % 10); buffer[2] = digit(year / 10 % 10); buffer[3] = digit(year % 10)
            buffer[4] = 0x2D; buffer[5] = digit(month / 10); buffer[6] = digit(month % 10)
            buffer[7] = 0x2D; buffer[8] = digit(day / 10); buffer[9] = digit(day % 10)
            return 10
        }
    }

    /// Days in a month of the Gregorian calendar.
    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(abs(value))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - text.count)) + text
    }

    public static func < (lhs: LocalDay, rhs: LocalDay) -> Bool { lhs.ordinal < rhs.ordinal }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = LocalDay(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD date: \(text)"))
        }
        self = day
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
