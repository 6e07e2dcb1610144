/// The `snapshots/` folder of the state directory: one JSON file per day.
public struct SnapshotStore: Sendable {
    /// `STATE/snapshots`.
    public let directory: String

    /// What is on disk for a day.
    public enum Existing: Equatable {
        case none
        case snapshot(Snapshot.Status)
        case unreadable(String)
    }

    /// The store of a state directory.
    public init(stateDirectory: String) {
        directory = stateDirectory + "/snapshots"
    }

    /// `snapshots/YYYY-MM-DD.json`.
    public func path(for day: LocalDay) -> String { "\(directory)/\(day).json" }

    /// Creates the folder and removes an interrupted run's temporary files.
    public func prepare() throws(AtomicFile.Failure) {
        try AtomicFile.makeDirectory(directory)
        AtomicFile.removeLeftovers(in: directory)
    }

    /// The status of the day's file, if there is one.
    public func existing(_ day: LocalDay) -> Existing {
        let bytes: [UInt8]?
        do { bytes = try AtomicFile.read(path(for: day)) } catch { return .unreadable(error.reason) }
        guard let bytes else { return .none }
        do { return .snapshot(try Snapshot(decoding: bytes).status) } catch { return .unreadable(error.description) }
    }

    /// Writes each snapshot whole (temporary file, fsync, rename), then
    /// makes the renames durable.
    public func write(_ snapshots: [Snapshot]) throws(AtomicFile.Failure) {
        for snapshot in snapshots {
            try AtomicFile.write(snapshot.encoded(), to: path(for: snapshot.date), syncDirectory: false)
        }
        if !snapshots.isEmpty { try AtomicFile.syncDirectory(directory) }
    }

    /// Reads the snapshot of a day, if present.
    public func read(_ day: LocalDay) throws(SnapshotStoreError) -> Snapshot? {
        let file = path(for: day)
        let bytes: [UInt8]?
        do { bytes = try AtomicFile.read(file) } catch { throw SnapshotStoreError(path: file, reason: error.reason) }
        guard let bytes else { return nil }
        do { return try Snapshot(decoding: bytes) } catch { throw SnapshotStoreError(path: file, reason: error.description) }
    }
}

/// A snapshot file that could not be read, naming it.
public struct SnapshotStoreError: Error, CustomStringConvertible {
    /// The file.
    public let path: String
    /// Why.
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
