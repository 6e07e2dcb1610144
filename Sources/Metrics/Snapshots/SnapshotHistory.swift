/// The daily snapshots a build reads, by day.
public struct SnapshotHistory: Sendable {
    /// Snapshots, oldest first, one per day.
    public let snapshots: [Snapshot]
    // Each day's position in `snapshots` by its ordinal's distance from
    // the first day's, -1 for a day without one: days are looked up some
    // hundred thousand times a build, and an array needs no hashing.
    private let positions: [Int32]
    private let firstOrdinal: Int
    // Each snapshot's file digest, by position, when the files were read.
    private let digestsByPosition: [UInt64?]

    /// A history from snapshots in any order (a later duplicate of a day
    /// wins). `digests` are their files' digests by day ordinal, when the
    /// files were read (a build's pages are rendered again only when one
    /// they show changed); none for snapshots made in memory.
    public init(_ snapshots: [Snapshot], digests: [Int: UInt64] = [:]) {
        if zip(snapshots, snapshots.dropFirst()).allSatisfy({ $0.date.ordinal < $1.date.ordinal }) {
            // As SnapshotStore lists them: nothing to sort.
            self.snapshots = snapshots
        } else {
            var byDay: [Int: Snapshot] = [:]
            for snapshot in snapshots { byDay[snapshot.date.ordinal] = snapshot }
            self.snapshots = byDay.keys.sorted().map { byDay[$0]! }
        }
        let first = self.snapshots.first?.date.ordinal ?? 0
        var positions = [Int32](repeating: -1, count: self.snapshots.last.map { $0.date.ordinal - first + 1 } ?? 0)
        for (position, snapshot) in self.snapshots.enumerated() { positions[snapshot.date.ordinal - first] = Int32(position) }
        firstOrdinal = first
        self.positions = positions
        digestsByPosition = self.snapshots.map { digests[$0.date.ordinal] }
    }

    /// The snapshot of a day, if there is one.
    public func snapshot(on day: LocalDay) -> Snapshot? {
        position(ordinal: day.ordinal).map { snapshots[$0] }
    }

    private func position(ordinal: Int) -> Int? {
        let offset = ordinal - firstOrdinal
        guard offset >= 0, offset < positions.count, positions[offset] >= 0 else { return nil }
        return Int(positions[offset])
    }

    /// A digest of the files of the days from `first` to `last` (a missing
    /// day counts too), nil when one present has no digest.
    public func digest(from first: LocalDay, through last: LocalDay) -> UInt64? {
        var hasher = FNVHash()
        var ordinal = first.ordinal
        while ordinal <= last.ordinal {
            if let position = position(ordinal: ordinal) {
                guard let digest = digestsByPosition[position] else { return nil }
                hasher.combine(word: digest)
            } else {
                hasher.combine(word: 0)
            }
            ordinal += 1
        }
        return hasher.value
    }

    /// The position of a day's snapshot in `snapshots`.
    public func position(of day: LocalDay) -> Int? { position(ordinal: day.ordinal) }

    /// The snapshots of the `count` days ending on `day`; nil if one is
    /// missing. A slice of `snapshots`: every day's figures look at 30
    /// days, and copying a snapshot touches each of its lists.
    public func window(endingOn day: LocalDay, days count: Int) -> ArraySlice<Snapshot>? {
        // Days are unique and sorted, so the window is whole exactly when
        // its first day sits `count - 1` places before its last.
        guard count > 0 else { return snapshots[0..<0] }
        guard let last = position(ordinal: day.ordinal), last >= count - 1,
              snapshots[last - count + 1].date.ordinal == day.ordinal - count + 1 else { return nil }
        return snapshots[(last - count + 1)...last]
    }

    /// The snapshots present among the `count` days ending on `day`.
    public func present(endingOn day: LocalDay, days count: Int) -> [Snapshot] {
        (0..<count).reversed().compactMap { snapshot(on: day.adding(days: -$0)) }
    }
}
