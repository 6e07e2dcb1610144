/// A day's hourly figures from its record and its users' first activity.
enum HourlyFigures {
    /// The first `hours` hours of a day.
    static func of(_ record: DayRecord, hours: Int, firstByHour: [Int]?) -> SnapshotAnalytics.Hourly {
        var result = SnapshotAnalytics.Hourly()
        let n = max(0, min(hours, DayRecord.hourSlots))
        func row(_ kind: DayRecord.HourlyKind) -> [Int] { Array(record.hourly(kind).prefix(n)) }
        result.commands = row(.commands)
        result.errors = row(.errors)
        result.registrations = row(.registrations)
        result.conversions = row(.conversions)
        result.cancellations = row(.cancellations)
        var running = 0
        result.active = (0..<n).map { hour in
            running += firstByHour?[hour] ?? 0
            return running
        }
        result.apiCost = Array(record.hourlyCost.prefix(n))
        return result
    }
}
