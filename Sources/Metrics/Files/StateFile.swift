import Glibc

/// A JSON file of the state directory (the alert book, the outbox), the
/// one way each is read and written: parsed with Sentinel's JSON parser,
/// replaced whole through `AtomicFile`, a file that is not what it should
/// be named with the way out (delete it to start afresh).
public struct StateFile: Sendable {
    /// The file's path.
    public let path: String
    /// What the file holds, for messages: "an alert state file".
    public let kind: String
    /// Its mode when written: 0o600 for a file only its owner may read.
    public var mode: mode_t = 0o644

    /// The file at `path`, holding `kind`.
    public init(path: String, kind: String, mode: mode_t = 0o644) {
        self.path = path
        self.kind = kind
        self.mode = mode
    }

    /// The document, or nil when the file does not exist.
    public func read() throws(AtomicFile.Failure) -> JSONValue? {
        guard let bytes = try AtomicFile.read(path) else { return nil }
        do { return try JSONParser.parse(bytes) } catch {
            throw AtomicFile.Failure(path: path, reason: "not JSON (\(error)); delete it to start afresh")
        }
    }

    /// The error for a document that parses but is not `kind`.
    public func malformed(_ detail: String? = nil) -> AtomicFile.Failure {
        AtomicFile.Failure(path: path, reason: "not \(kind)\(detail.map { " (\($0))" } ?? ""); delete it to start afresh")
    }

    /// Replaces the file with the document.
    public func write(_ document: JSONValue) throws(AtomicFile.Failure) {
        try AtomicFile.write(document.serialized(), to: path, mode: mode)
    }
}
