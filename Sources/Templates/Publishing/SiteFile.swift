/// One file of the published site: its path inside the site and its bytes.
public struct SiteFile: Sendable, Equatable {
    /// Relative path, `/`-separated (`reports/daily/2026-11-25.html`).
    public let path: String
    /// Content.
    public let bytes: [UInt8]

    /// A file from bytes.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// A file from text.
    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }
}
