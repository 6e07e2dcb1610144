import Metrics

/// `STATE/delivery.json`: what is waiting, what was sent, and which
/// summaries and mails went out, so each is sent once.
public struct DeliveryState: Sendable, Equatable {
    /// Messages not delivered yet.
    public var pending: [OutgoingMessage] = []
    /// Ids of the messages delivered lately (the newest last).
    public var sent: [String] = []
    /// Periods already summarised or mailed: `weekly:2026-W47`, `monthly:2026-11`, `daily:2026-11-24`.
    public var reported: [String] = []

    /// Ids and periods remembered.
    static let memory = 1000
    /// Runs after which an undeliverable message is dropped.
    public static let maximumRuns = 3

    /// An empty state.
    public init() {}

    /// Adds a message unless it was sent or is already waiting.
    public mutating func enqueue(_ message: OutgoingMessage) {
        guard !sent.contains(message.id), !pending.contains(where: { $0.id == message.id }) else { return }
        pending.append(message)
    }

    /// Records a delivered message.
    public mutating func markSent(_ id: String) {
        pending.removeAll { $0.id == id }
        sent.append(id)
        if sent.count > DeliveryState.memory { sent.removeFirst(sent.count - DeliveryState.memory) }
    }

    /// Records a period as reported.
    public mutating func markReported(_ key: String) {
        guard !reported.contains(key) else { return }
        reported.append(key)
        if reported.count > DeliveryState.memory { reported.removeFirst(reported.count - DeliveryState.memory) }
    }

    /// `STATE/delivery.json`, readable by its owner only: messages may name recipients.
    static func file(_ stateDirectory: String) -> StateFile {
        StateFile(path: "\(stateDirectory)/delivery.json", kind: "a delivery state file", mode: 0o600)
    }

    /// Reads the state; an empty one when the file does not exist.
    public static func load(stateDirectory: String) throws(AtomicFile.Failure) -> DeliveryState {
        let file = DeliveryState.file(stateDirectory)
        guard let json = try file.read() else { return DeliveryState() }
        func strings(_ key: String) -> [String]? {
            guard case .array(let items)? = json[key] else { return nil }
            let texts = items.compactMap(\.stringValue)
            return texts.count == items.count ? texts : nil
        }
        guard case .array(let items)? = json["pending"], let sent = strings("sent"), let reported = strings("reported") else {
            throw file.malformed()
        }
        var state = DeliveryState()
        for item in items {
            guard var message = OutgoingMessage(json: item) else { throw file.malformed("a pending message") }
            // An outbox of an earlier version kept webhook URLs whole.
            if message.channel == .webhook && message.target.contains("://") {
                message.target = OutgoingMessage.webhookTarget(message.target)
            }
            state.pending.append(message)
        }
        state.sent = sent
        state.reported = reported
        return state
    }

    /// Replaces the stored state whole.
    public func save(stateDirectory: String) throws(AtomicFile.Failure) {
        try DeliveryState.file(stateDirectory).write(.object([
            JSONMember("pending", .array(pending.map(\.json))),
            JSONMember("reported", .array(reported.map { .text($0) })),
            JSONMember("sent", .array(sent.map { .text($0) })),
        ]))
    }
}

/// A delivery problem worth one line.
public struct DeliveryFailure: Error, CustomStringConvertible {
    /// What went wrong (no secret).
    public let message: String
    public var description: String { message }
}
