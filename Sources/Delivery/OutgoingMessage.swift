import Crypto
import Foundation
import Metrics

/// One notification to deliver through one channel, kept in the state's
/// outbox until it is sent or given up.
public struct OutgoingMessage: Codable, Sendable, Equatable {
    /// Where it goes.
    public enum Channel: String, Codable, Sendable {
        case webhook, telegram, email
    }

    /// Stable id: the same notification is never sent twice.
    public var id: String
    /// Channel.
    public var channel: Channel
    /// The webhook's digest (`webhookTarget`: never its URL, which holds
    /// credentials), Telegram chat id, or the mail's recipients (comma-separated).
    public var target: String
    /// JSON text (webhook), message text (Telegram) or a whole MIME message (email).
    public var body: String
    /// A short description for the log (never a secret).
    public var summary: String
    /// Runs that tried to deliver it.
    public var runs = 0

    /// What the outbox keeps of a webhook URL: `sha256:<hex>`, resolved
    /// against the configured webhooks when the message is sent.
    public static func webhookTarget(_ url: String) -> String {
        "sha256:" + SHA256.hash(data: Data(url.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A message.
    public init(id: String, channel: Channel, target: String, body: String, summary: String) {
        self.id = id
        self.channel = channel
        self.target = target
        self.body = body
        self.summary = summary
    }
}

/// `STATE/delivery.json`: what is waiting, what was sent, and which
/// summaries and mails went out, so each is sent once.
public struct DeliveryState: Codable, Sendable, Equatable {
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

    /// Reads the state; an empty one when the file does not exist.
    public static func load(stateDirectory: String) throws -> DeliveryState {
        let path = "\(stateDirectory)/delivery.json"
        guard let bytes = try AtomicFile.read(path) else { return DeliveryState() }
        do {
            var state = try JSONDecoder().decode(DeliveryState.self, from: Data(bytes))
            // An outbox of an earlier version kept webhook URLs whole.
            for index in state.pending.indices where state.pending[index].channel == .webhook && state.pending[index].target.contains("://") {
                state.pending[index].target = OutgoingMessage.webhookTarget(state.pending[index].target)
            }
            return state
        } catch {
            throw DeliveryFailure(message: "\(path): not a delivery state file (\(error)); delete it to start afresh")
        }
    }

    /// Replaces the stored state whole.
    public func save(stateDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(Array(try encoder.encode(self)) + [0x0A], to: "\(stateDirectory)/delivery.json", mode: 0o600)
    }
}

/// A delivery problem worth one line.
public struct DeliveryFailure: Error, CustomStringConvertible {
    /// What went wrong (no secret).
    public let message: String
    public var description: String { message }
}

