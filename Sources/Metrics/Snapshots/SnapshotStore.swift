/// The `snapshots/` folder of the state directory: one JSON file per day.
public struct SnapshotStore: Sendable {
    /// `STATE/snapshots`.
    public let directory: String

    /// What is on disk for a day.
    public enum Existing: Equatable {
        /// No file.
        case none
        /// A complete snapshot: kept (history older than Redis's retention lives only there).
        case complete
        /// Anything else (partial, or not a snapshot): replaced, with the reason.
        case replaceable(String?)
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
        AtomicFile.removeLeftovers(in: directory) { name in
            name.hasSuffix(".json") && LocalDay(String(name.dropLast(5))) != nil
        }
    }

    /// What the day's file is. Only its `status` decides: a file that says
    /// `complete` is kept even if this version cannot read the rest (a newer
    /// schema, say); a partial or unparseable one is replaced.
    public func existing(_ day: LocalDay) -> Existing {
        let bytes: [UInt8]?
        do { bytes = try AtomicFile.read(path(for: day)) } catch { return .replaceable(error.reason) }
        guard let bytes else { return .none }
        guard let root = try? JSONParser.parse(bytes), case .object = root else { return .replaceable("not a JSON object") }
        if root["status"]?.stringValue == Snapshot.Status.complete.rawValue { return .complete }
        return root["status"]?.stringValue == Snapshot.Status.partial.rawValue ? .replaceable(nil) : .replaceable("no status")
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
        var digest: UInt64?
        return try read(day, digest: &digest)
    }

    /// The snapshot of `day` and a digest of its file's bytes.
    public func read(_ day: LocalDay, digest: inout UInt64?) throws(SnapshotStoreError) -> Snapshot? {
        let file = path(for: day)
        let bytes: [UInt8]?
        do { bytes = try AtomicFile.read(file) } catch { throw SnapshotStoreError(path: file, reason: error.reason) }
        guard let bytes else { return nil }
        digest = bytes.withUnsafeBytes { FNVHash.hash($0) }
        let snapshot: Snapshot
        do { snapshot = try Snapshot(decoding: bytes) } catch { throw SnapshotStoreError(path: file, reason: error.description) }
        guard snapshot.date == day else {
            throw SnapshotStoreError(path: file, reason: "date: \(snapshot.date) is not the day the file is named after")
        }
        return snapshot
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
