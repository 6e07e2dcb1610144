import Crypto
import Foundation
import Metrics

/// Sends messages: an HTTP POST for webhooks and Telegram's Bot API, a
/// sendmail-compatible command for email. Each message gets a few tries
/// with backoff and a timeout; nothing here ever logs a token.
public struct Courier: Sendable {
    /// Seconds before a request or the mail command is given up.
    public var timeout: Double
    /// Tries per message and run.
    public var attempts: Int
    /// Seconds to wait before the second try; doubled after each.
    public var backoff: Double
    /// Telegram's API base (`[telegram] api_url`).
    public var telegramAPI: String
    /// The bot token, from the variable `[telegram] token_env` names.
    public var telegramToken: String?
    /// The mail command (`[email] sendmail`).
    public var sendmail: String
    /// The configured webhook URLs by the digest the outbox keeps of them.
    public var webhooks: [String: String] = [:]
    /// Signing keys of the webhooks with `secret_env`, by the same digest.
    public var webhookSecrets: [String: [UInt8]] = [:]
    /// Variables the mail command does not inherit: Sentinel's secrets.
    public var secretVariables: Set<String> = ["SENTINEL_REDIS_URL", "SENTINEL_REDIS_PASSWORD", "SENTINEL_TELEGRAM_TOKEN"]

    /// A courier.
    public init(timeout: Double = 10, attempts: Int = 3, backoff: Double = 1, telegramAPI: String,
                telegramToken: String?, sendmail: String) {
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self.telegramAPI = telegramAPI
        self.telegramToken = telegramToken
        self.sendmail = sendmail
    }

    /// A courier for a configuration: its webhooks, and its secrets' variables kept from the mail command.
    public init(configuration: Configuration, timeout: Double = 10, telegramToken: String?,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(timeout: timeout, telegramAPI: configuration.telegram.apiURL, telegramToken: telegramToken,
                  sendmail: configuration.email.sendmail)
        for hook in configuration.alerts.webhooks {
            let digest = OutgoingMessage.webhookTarget(hook.url)
            webhooks[digest] = hook.url
            if let name = hook.secretEnv {
                secretVariables.insert(name)
                if let secret = environment[name], !secret.isEmpty { webhookSecrets[digest] = Array(secret.utf8) }
            }
        }
        secretVariables.formUnion([configuration.redis.passwordEnv, configuration.telegram.tokenEnv])
    }

    /// `X-Sentinel-Signature: sha256=<hex>`: HMAC-SHA256 of the body, as
    /// GitHub and Stripe sign theirs.
    public static func signature(of body: [UInt8], secret: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// How one delivery ended.
    public enum Result: Sendable, Equatable {
        case sent
        /// Worth another run (a timeout, a 5xx, a refused connection).
        case failed(String)
        /// Will never work as it is (a 4xx, no token): dropped at once.
        case rejected(String)
        /// Not tried, or asked to wait past the step's end: kept for the
        /// next run, which does not count as one of its tries.
        case deferred(String)
        /// Asked to wait this many seconds first (Telegram's retry_after).
        case waitFor(Int)
        /// Addressed to a channel the configuration no longer has: dropped,
        /// as the configuration asks, not a failure.
        case obsolete(String)
    }

    /// Delivers one message, trying again with backoff on a transient
    /// failure, and never past `deadline` (the delivery step's end).
    public func deliver(_ message: OutgoingMessage, before deadline: Date = .distantFuture) async -> Result {
        var wait = backoff
        var last = Result.deferred("not tried: the delivery step ran out of time")
        for attempt in 1...max(1, attempts) {
            let left = deadline.timeIntervalSinceNow
            guard left > 0.05 else { return last }
            last = await once(message, timeout: min(timeout, left))
            switch last {
            case .waitFor(let seconds):
                // Telegram's retry_after: waited for when the step has time
                // for the wait and one more try, else the next run sends it.
                guard Double(seconds) + min(timeout, 1) < deadline.timeIntervalSinceNow, attempt < attempts else {
                    return .deferred("Telegram asked to wait \(seconds) s; left for the next run")
                }
                try? await Task.sleep(nanoseconds: UInt64(min(seconds, 86_400)) * 1_000_000_000)
                continue
            case .failed:
                guard attempt < attempts, wait < deadline.timeIntervalSinceNow else { return last }
                try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
                wait *= 2
            default:
                return last
            }
        }
        if case .waitFor(let seconds) = last { return .deferred("Telegram asked to wait \(seconds) s; left for the next run") }
        return last
    }

    func once(_ message: OutgoingMessage, timeout: Double) async -> Result {
        switch message.channel {
        case .webhook:
            guard let address = webhooks[message.target] ?? (message.target.hasPrefix("http") ? message.target : nil) else {
                return .obsolete("its webhook is no longer configured")
            }
            var post = HTTPPost(url: address, body: Array(message.body.utf8), timeout: timeout)
            if let secret = webhookSecrets[message.target] {
                post.headers.append("X-Sentinel-Signature: " + Courier.signature(of: post.body, secret: secret))
            }
            return Courier.verdict(await post.send(), timeout: timeout)
        case .telegram:
            guard let token = telegramToken, !token.isEmpty else { return .rejected("no bot token in the environment") }
            let base = telegramAPI.hasSuffix("/") ? String(telegramAPI.dropLast()) : telegramAPI
            var post: HTTPPost
            if let photo = message.photo {
                let form = Courier.photoForm(chat: message.target, caption: message.body, png: photo, boundary: "sentinel-\(MailMessage.hex(message.id))")
                post = HTTPPost(url: "\(base)/bot\(token)/sendPhoto", body: form.body, timeout: timeout, bodyLimit: Courier.answerLimit)
                post.contentType = form.contentType
            } else {
                let payload = JSONValue.object([JSONMember("chat_id", .text(message.target)), JSONMember("disable_web_page_preview", .bool(true)),
                                                JSONMember("text", .text(message.body))])
                post = HTTPPost(url: "\(base)/bot\(token)/sendMessage", body: payload.serialized(), timeout: timeout, bodyLimit: Courier.answerLimit)
            }
            let answer = await post.send()
            if case .success(let reply) = answer, reply.status == 429, let seconds = Courier.retryAfter(reply.body) {
                return .waitFor(seconds)
            }
            return Courier.verdict(answer, timeout: timeout)
        case .email:
            return mail(message.body, timeout: timeout)
        }
    }

    /// A `sendPhoto` request as multipart/form-data (RFC 7578): the chat,
    /// the caption, the PNG.
    static func photoForm(chat: String, caption: String, png: [UInt8], boundary: String) -> (body: [UInt8], contentType: String) {
        var body: [UInt8] = []
        func field(_ name: String, _ value: [UInt8], file: String? = nil, type: String? = nil) {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
            if let file { head += "; filename=\"\(file)\"" }
            head += "\r\n"
            if let type { head += "Content-Type: \(type)\r\n" }
            body += Array((head + "\r\n").utf8) + value + Array("\r\n".utf8)
        }
        field("chat_id", Array(chat.utf8))
        field("caption", Array(caption.utf8), type: "text/plain; charset=utf-8")
        field("photo", png, file: "chart.png", type: "image/png")
        body += Array("--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// Bytes of an answer read at most: Telegram's error fits in far fewer.
    static let answerLimit = 4096

    /// 2xx is sent; 3xx (never followed), 408, 429, 5xx and network errors
    /// may pass later; another status never will.
    static func verdict(_ answer: Swift.Result<HTTPPost.Answer, HTTPPost.Failure>, timeout: Double) -> Result {
        switch answer {
        case .success(let reply):
            let status = reply.status
            if (200..<300).contains(status) { return .sent }
            if (300..<400).contains(status) { return .failed("HTTP \(status) (a redirect, not followed: check the URL)") }
            if status == 408 || status == 429 || status >= 500 { return .failed("HTTP \(status)") }
            return .rejected("HTTP \(status)")
        case .failure(.timedOut): return .failed("timed out after \(seconds(timeout))")
        case .failure(.network(let reason)): return .failed(reason)
        }
    }

    /// `parameters.retry_after` of a Bot API error.
    static func retryAfter(_ body: [UInt8]) -> Int? {
        guard let answer = try? JSONParser.parse(body), let value = answer["parameters"]?["retry_after"]?.intValue, value >= 0 else {
            return nil
        }
        return value
    }

    /// Pipes a MIME message into the sendmail command, in an environment
    /// without Sentinel's secrets.
    func mail(_ message: String, timeout: Double) -> Result {
        let environment = ProcessInfo.processInfo.environment.filter { !secretVariables.contains($0.key) }
            .map { "\($0.key)=\($0.value)" }.sorted()
        let child = ChildProcess(command: sendmail, environment: environment, timeout: timeout)
        switch child.run(input: Array(message.utf8)) {
        case .exited(0, _): return .sent
        case .exited(let status, let output):
            return .failed("the mail command exited with \(status)\(output.isEmpty ? "" : ": \(output.prefix(200))")")
        case .timedOut: return .failed("the mail command timed out after \(Courier.seconds(timeout))")
        case .notStarted(let reason): return .rejected("cannot start the mail command: \(reason)")
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }
}
