/// Distinct active users per day, per trailing window and per hour, for a
/// range of days, from one pass over the users' active days.
public struct ActivityIndex: Sendable {
    /// The first day of the range.
    public let first: Int
    /// DAU by day (index: ordinal − first).
    public private(set) var dau: [Int]
    /// WAU (7 days ending on the day).
    public private(set) var wau: [Int]
    /// MAU (30 days ending on the day).
    public private(set) var mau: [Int]
    /// Users whose first activity of the day fell in each hour.
    public private(set) var firstByHour: [[Int]]

    /// The figures of days `first ... last` over every user.
    public init(users: [LedgerUser], first: Int, last: Int) {
        self.first = first
        let count = max(last - first + 1, 0)
        dau = Array(repeating: 0, count: count)
        firstByHour = Array(repeating: Array(repeating: 0, count: DayRecord.hourSlots), count: count)
        var diff7 = [Int](repeating: 0, count: count + 1), diff30 = diff7
        guard count > 0 else { wau = []; mau = []; return }
        let lowest = Int32(first - 29), highest = Int32(last)
        for user in users {
            var covered7 = Int32.min, covered30 = Int32.min
            var i = user.lowerBound(lowest)
            while i < user.activity.count, user.activity[i].day <= highest {
                let active = user.activity[i]
                let index = Int(active.day) - first
                if index >= 0 {
                    dau[index] += 1
                    firstByHour[index][min(Int(active.firstOffsetMs / 3_600_000), DayRecord.hourSlots - 1)] += 1
                }
                ActivityIndex.cover(Int(active.day), width: 7, first: first, count: count, covered: &covered7, diff: &diff7)
                ActivityIndex.cover(Int(active.day), width: 30, first: first, count: count, covered: &covered30, diff: &diff30)
                i += 1
            }
        }
        wau = ActivityIndex.running(diff7, count)
        mau = ActivityIndex.running(diff30, count)
    }

    /// Adds the days `day ... day + width − 1` of the range not yet
    /// covered for a user to a window's difference array.
    private static func cover(_ day: Int, width: Int, first: Int, count: Int, covered: inout Int32, diff: inout [Int]) {
        let end = day + width - 1
        let start = max(day, Int(covered) + 1, first)
        let last = min(end, first + count - 1)
        if start <= last {
            diff[start - first] += 1
            diff[last - first + 1] -= 1
        }
        covered = Int32(max(Int(covered), end))
    }

    private static func running(_ diff: [Int], _ count: Int) -> [Int] {
        var total = 0
        return (0..<count).map { total += diff[$0]; return total }
    }

    /// The index of a day in the arrays, if in range.
    public func slot(_ day: LocalDay) -> Int? {
        let i = day.ordinal - first
        return i >= 0 && i < dau.count ? i : nil
    }
}
