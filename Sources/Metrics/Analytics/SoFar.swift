/// "So far" (docs/analytics.md): a day's hourly figures up to a local
/// time, linearly interpolated within the hour, counts rounded half to
/// even and money to the micro-unit, so that a day in progress is compared
/// with other days up to the same local time, never with whole days.
public enum SoFar {
    /// Milliseconds from `day`'s start to the local time of `now` on that
    /// day (the earlier of a repeated time, the end of a skipped one).
    public static func elapsed(on day: LocalDay, sameClockAs now: Int64, calendar: DayCalendar) -> Int64 {
        calendar.instant(clockMs: calendar.clockMs(of: now), on: day) - calendar.start(of: day)
    }

    /// Events of an hourly flow (one count per hour) in the first
    /// `elapsedMs` of the day.
    public static func count(_ hourly: [Int], elapsedMs: Int64) -> Int {
        let (hours, rest) = split(elapsedMs)
        let whole = Int128(hourly.prefix(hours).reduce(0, +))
        let part = hours < hourly.count ? Int128(hourly[hours]) : 0
        return Int(Money.divideHalfEven(whole * Int128(DayCalendar.hourMs) + part * Int128(rest), Int128(DayCalendar.hourMs)))
    }

    /// A cumulative hourly figure (`hourly.active`: the value at each
    /// hour's end) at `elapsedMs` into the day.
    public static func cumulative(_ totals: [Int], elapsedMs: Int64) -> Int {
        let (hours, rest) = split(elapsedMs)
        guard !totals.isEmpty else { return 0 }
        let before = hours == 0 ? 0 : Int128(totals[min(hours, totals.count) - 1])
        let after = hours < totals.count ? Int128(totals[hours]) : before
        return Int(Money.divideHalfEven(before * Int128(DayCalendar.hourMs) + (after - before) * Int128(rest), Int128(DayCalendar.hourMs)))
    }

    /// Money of an hourly flow in the first `elapsedMs` of the day.
    public static func money(_ hourly: [Money], elapsedMs: Int64) -> Money {
        let (hours, rest) = split(elapsedMs)
        let whole = hourly.prefix(hours).reduce(Money.zero, +).micros
        let part = hours < hourly.count ? hourly[hours].micros : 0
        return Money(micros: Money.divideHalfEven(whole * Int128(DayCalendar.hourMs) + part * Int128(rest), Int128(DayCalendar.hourMs)))
    }

    static func split(_ elapsedMs: Int64) -> (hours: Int, rest: Int64) {
        let clamped = max(0, elapsedMs)
        return (Int(clamped / DayCalendar.hourMs), clamped % DayCalendar.hourMs)
    }
}
