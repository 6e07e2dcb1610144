import Metrics

/// The day rows of the files that list every day (the API's documents, the
/// CSV files) as the release `--output` points at holds them, and what
/// each day's rows are made from now: a build copies the rows whose inputs
/// did not change instead of making them again (docs/site.md, "Publishing").
public struct RowSource: Sendable {
    /// The inputs' digest of each snapshot's rows, by position in the
    /// history; nil when a snapshot they show has no file digest.
    let digests: [UInt64?]
    /// The current release's record and folder, if any.
    let kept: (record: PageRecord, folder: String)?

    /// A file of the current release as its record describes it, and its
    /// rows by inputs.
    struct Previous {
        /// The file's bytes.
        let bytes: [UInt8]
        /// Each row's place in `bytes`, by the digest of its inputs.
        let rows: [UInt64: Range<Int>]
    }

    /// Nothing to copy: every row is made (and recorded for the next build).
    public static let none = RowSource(digests: [], kept: nil)

    init(digests: [UInt64?], kept: (record: PageRecord, folder: String)?) {
        self.digests = digests
        self.kept = kept
    }

    /// The rows of `history` over the `kept` release. A day's rows show
    /// its snapshot and the figures of the 30 days ending on it
    /// (`DerivedFigures`), so their inputs are those files, the day, and
    /// `common`: the settings and the program (`ReportSite.commonInputs`).
    public init(history: SnapshotHistory, common: UInt64, kept: (record: PageRecord, folder: String)?) {
        self.kept = kept
        digests = history.snapshots.map { snapshot in
            guard let days = history.digest(from: snapshot.date.adding(days: -29), through: snapshot.date) else { return nil }
            var hasher = FNVHash()
            hasher.combine(word: common)
            hasher.combine(word: UInt64(bitPattern: Int64(snapshot.date.ordinal)))
            hasher.combine(word: days)
            return hasher.value
        }
    }

    /// The inputs of the rows of the snapshot at `position`.
    func inputs(_ position: Int) -> UInt64? { position < digests.count ? digests[position] : nil }

    /// The current release's file at `path` with its recorded rows, when
    /// its bytes are exactly those recorded (a file changed since is not
    /// copied from).
    func previous(_ path: String) -> Previous? {
        guard let kept, let rows = kept.record.rows[path], let file = kept.record.files[path],
              let bytes = try? AtomicFile.read("\(kept.folder)/\(path)"), bytes.count == file.size,
              bytes.withUnsafeBytes({ FNVHash.hash($0) }) == file.digest else { return nil }
        var byInputs: [UInt64: Range<Int>] = [:]
        byInputs.reserveCapacity(rows.count)
        for row in rows { byInputs[row.inputs] = row.offset..<(row.offset + row.length) }
        return Previous(bytes: bytes, rows: byInputs)
    }
}

/// A file made of a day's rows after another, between fixed text: a row
/// whose inputs the previous release recorded is copied from its file,
/// the others are made; where each row lands is recorded for the next.
struct RowAssembler {
    /// The file so far.
    private(set) var bytes: [UInt8] = []
    /// Its rows so far.
    private(set) var rows: [PageRecord.Row] = []
    private let previous: RowSource.Previous?

    /// An empty file, copying from `previous`.
    init(_ previous: RowSource.Previous?, capacity: Int) {
        self.previous = previous
        bytes.reserveCapacity(capacity)
    }

    /// Text between rows.
    mutating func append<Bytes: Sequence<UInt8>>(_ text: Bytes) { bytes.append(contentsOf: text) }

    /// A row with inputs `inputs` (nil: unknown, always made, not recorded).
    mutating func row(_ inputs: UInt64?, make: (inout [UInt8]) -> Void) {
        let start = bytes.count
        if let inputs, let previous, let range = previous.rows[inputs] {
            bytes.append(contentsOf: previous.bytes[range])
        } else {
            make(&bytes)
        }
        if let inputs { rows.append(PageRecord.Row(inputs: inputs, offset: start, length: bytes.count - start)) }
    }

    /// The site file at `path`, with its rows.
    func file(_ path: String) -> SiteFile {
        var file = SiteFile(path: path, bytes: bytes)
        file.rows = rows
        return file
    }
}
