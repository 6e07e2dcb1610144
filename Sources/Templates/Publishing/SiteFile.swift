import Metrics

/// One file of the published site: its path inside the site and its bytes,
/// or, for a page whose inputs did not change, the same file of the
/// release `--output` points at (its bytes are not read).
public struct SiteFile: Sendable, Equatable {
    /// Relative path, `/`-separated (`reports/daily/2026-11-25.html`).
    public let path: String
    /// Content; empty for a kept file.
    public let bytes: [UInt8]
    /// Bytes of the content.
    public let size: Int
    /// A digest of the content (FNV-1a based, as the build id).
    public let digest: UInt64
    /// True when the file is the current release's, linked, not written.
    public let kept: Bool
    /// Where its rows are, for a file made of rows (`RowAssembler`): the
    /// next build copies those whose inputs did not change.
    public var rows: [PageRecord.Row] = []

    /// A file from bytes.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        size = bytes.count
        digest = bytes.withUnsafeBytes { FNVHash.hash($0) }
        kept = false
    }

    /// A file from text.
    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// The current release's file, as its page record describes it.
    public init(kept path: String, size: Int, digest: UInt64) {
        self.path = path
        bytes = []
        self.size = size
        self.digest = digest
        kept = true
    }
}
