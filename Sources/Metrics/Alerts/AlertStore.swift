/// `STATE/alerts.json`: the alert book between runs, replaced whole.
public struct AlertStore: Sendable {
    /// The state directory.
    public let stateDirectory: String

    /// The store of a state directory.
    public init(stateDirectory: String) { self.stateDirectory = stateDirectory }

    /// The file's path.
    public var path: String { file.path }

    var file: StateFile { StateFile(path: "\(stateDirectory)/alerts.json", kind: "an alert state file") }

    /// The stored book, aligned with the configured thresholds; the initial
    /// book (every alert `not_evaluated`) when none was stored yet.
    public func load(thresholds: Configuration.Alerts) throws(AtomicFile.Failure) -> AlertBook {
        guard let json = try file.read() else { return .initial(thresholds: thresholds) }
        guard let book = AlertBook(json: json) else { throw file.malformed() }
        return book.aligned(with: thresholds)
    }

    /// Replaces the stored book.
    public func save(_ book: AlertBook) throws(AtomicFile.Failure) {
        try file.write(book.json(includingNotifications: true))
    }
}
