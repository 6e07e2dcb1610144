/// The daily snapshots a build reads, by day.
public struct SnapshotHistory: Sendable {
    /// Snapshots, oldest first, one per day.
    public let snapshots: [Snapshot]
    private let index: [Int: Int]
    /// A digest of each snapshot's file, by day ordinal, when the files
    /// were read (a build's pages are rendered again only when one they
    /// show changed); empty for snapshots made in memory.
    public var digests: [Int: UInt64] = [:]

    /// A history from snapshots in any order (a later duplicate of a day wins).
    public init(_ snapshots: [Snapshot]) {
        var byDay: [Int: Snapshot] = [:]
        for snapshot in snapshots { byDay[snapshot.date.ordinal] = snapshot }
        self.snapshots = byDay.keys.sorted().map { byDay[$0]! }
        var index: [Int: Int] = [:]
        for (position, snapshot) in self.snapshots.enumerated() { index[snapshot.date.ordinal] = position }
        self.index = index
    }

    /// The snapshot of a day, if there is one.
    public func snapshot(on day: LocalDay) -> Snapshot? {
        index[day.ordinal].map { snapshots[$0] }
    }

    /// A digest of the files of the days from `first` to `last` (a missing
    /// day counts too), nil when one present has no digest.
    public func digest(from first: LocalDay, through last: LocalDay) -> UInt64? {
        var hasher = FNVHash()
        var ordinal = first.ordinal
        while ordinal <= last.ordinal {
            if index[ordinal] != nil {
                guard let digest = digests[ordinal] else { return nil }
                hasher.combine(word: digest)
            } else {
                hasher.combine(word: 0)
            }
            ordinal += 1
        }
        return hasher.value
    }

    /// The position of a day's snapshot in `snapshots`.
    public func position(of day: LocalDay) -> Int? { index[day.ordinal] }

    /// The snapshots of the `count` days ending on `day`; nil if one is
    /// missing. A slice of `snapshots`: every day's figures look at 30
    /// days, and copying a snapshot touches each of its lists.
    public func window(endingOn day: LocalDay, days count: Int) -> ArraySlice<Snapshot>? {
        // Days are unique and sorted, so the window is whole exactly when
        // its first day sits `count - 1` places before its last.
        guard count > 0 else { return snapshots[0..<0] }
        guard let last = index[day.ordinal], last >= count - 1,
              snapshots[last - count + 1].date.ordinal == day.ordinal - count + 1 else { return nil }
        return snapshots[(last - count + 1)...last]
    }

    /// The snapshots present among the `count` days ending on `day`.
    public func present(endingOn day: LocalDay, days count: Int) -> [Snapshot] {
        (0..<count).reversed().compactMap { snapshot(on: day.adding(days: -$0)) }
    }
}
