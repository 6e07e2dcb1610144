import Crypto
import Foundation
import Metrics

/// One notification to deliver through one channel, kept in the state's
/// outbox until it is sent or given up.
public struct OutgoingMessage: Sendable, Equatable {
    /// Where it goes.
    public enum Channel: String, Sendable {
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
    /// A PNG for Telegram's `sendPhoto`, `body` its caption.
    public var photo: [UInt8]?
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

    /// The message as the outbox stores it.
    var json: JSONValue {
        var members = [
            JSONMember("body", .text(body)), JSONMember("channel", .text(channel.rawValue)), JSONMember("id", .text(id)),
        ]
        if let photo { members.append(JSONMember("photo", .text(Data(photo).base64EncodedString()))) }
        members += [JSONMember("runs", .int(runs)), JSONMember("summary", .text(summary)), JSONMember("target", .text(target))]
        return .object(members)
    }

    /// A stored message; nil when a field is missing or mistyped.
    init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue, let channel = json["channel"]?.stringValue.flatMap(Channel.init(rawValue:)),
              let target = json["target"]?.stringValue, let body = json["body"]?.stringValue,
              let summary = json["summary"]?.stringValue, let runs = json["runs"]?.intValue else { return nil }
        self.init(id: id, channel: channel, target: target, body: body, summary: summary)
        self.runs = runs
        if let encoded = json["photo"] {
            guard let text = encoded.stringValue, let data = Data(base64Encoded: text) else { return nil }
            photo = Array(data)
        }
    }
}
