/// `STATE/alerts.json`: the alert book between runs, replaced whole.
public struct AlertStore: Sendable {
    /// The state directory.
    public let stateDirectory: String

    /// The store of a state directory.
    public init(stateDirectory: String) { self.stateDirectory = stateDirectory }

    /// The file's path.
    public var path: String { "\(stateDirectory)/alerts.json" }

    /// The stored book, aligned with the configured thresholds; the initial
    /// book (every alert `not_evaluated`) when none was stored yet.
    public func load(thresholds: Configuration.Alerts) throws(AtomicFile.Failure) -> AlertBook {
        guard let bytes = try AtomicFile.read(path) else { return .initial(thresholds: thresholds) }
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch {
            throw AtomicFile.Failure(path: path, reason: "not JSON (\(error)); delete it to start the alerts afresh")
        }
        guard let book = AlertBook(json: json) else {
            throw AtomicFile.Failure(path: path, reason: "not an alert state file; delete it to start the alerts afresh")
        }
        return book.aligned(with: thresholds)
    }

    /// Replaces the stored book.
    public func save(_ book: AlertBook) throws(AtomicFile.Failure) {
        try AtomicFile.write(book.json(includingNotifications: true).serialized(), to: path)
    }
}
