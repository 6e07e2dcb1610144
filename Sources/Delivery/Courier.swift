import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

    /// How one delivery ended.
    public enum Result: Sendable, Equatable {
        case sent
        /// Worth another run (a timeout, a 5xx, a refused connection).
        case failed(String)
        /// Will never work as it is (a 4xx, no token): dropped at once.
        case rejected(String)
    }

    /// Delivers one message, trying again with backoff on a transient failure.
    public func deliver(_ message: OutgoingMessage) async -> Result {
        var wait = backoff
        var last = Result.failed("not tried")
        for attempt in 1...max(1, attempts) {
            last = await once(message)
            guard case .failed = last, attempt < attempts else { return last }
            try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
            wait *= 2
        }
        return last
    }

    func once(_ message: OutgoingMessage) async -> Result {
        switch message.channel {
        case .webhook:
            guard let url = URL(string: message.target) else { return .rejected("not a URL") }
            return await post(url, body: Data(message.body.utf8))
        case .telegram:
            guard let token = telegramToken, !token.isEmpty else { return .rejected("no bot token in the environment") }
            let base = telegramAPI.hasSuffix("/") ? String(telegramAPI.dropLast()) : telegramAPI
            guard let url = URL(string: "\(base)/bot\(token)/sendMessage") else { return .rejected("api_url is not a URL") }
            let payload: [String: Any] = ["chat_id": message.target, "text": message.body, "disable_web_page_preview": true]
            guard let body = try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]) else {
                return .rejected("cannot encode the message")
            }
            return await post(url, body: body)
        case .email:
            return await mail(message.body)
        }
    }

    /// A JSON POST; 2xx is sent, 408/429/5xx and network errors may pass later,
    /// another status never will.
    func post(_ url: URL, body: Data) async -> Result {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue("sentinel-gen", forHTTPHeaderField: "User-Agent")
        request.httpBody = body
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        do {
            let (_, response) = try await session.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if (200..<300).contains(status) { return .sent }
            if status == 408 || status == 429 || status >= 500 { return .failed("HTTP \(status)") }
            return .rejected("HTTP \(status)")
        } catch let error as URLError {
            return .failed(error.code == .timedOut ? "timed out after \(Courier.seconds(timeout))" : "network error \(error.code.rawValue)")
        } catch {
            return .failed("network error")
        }
    }

    /// Pipes a MIME message into the sendmail command (run by /bin/sh; with
    /// `exec`, so a timeout's kill reaches the command itself).
    func mail(_ message: String) async -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec " + sendmail]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch { return .rejected("cannot start the mail command") }
        let deadline = Date().addingTimeInterval(timeout)
        // Input and output go through other threads: a command that reads
        // nothing, or says a lot, must neither block nor kill the run (SIGPIPE
        // is ignored by the command line; a broken pipe is a failed write).
        let writer = input.fileHandleForWriting, reader = output.fileHandleForReading
        let bytes = Data(message.utf8)
        DispatchQueue.global().async {
            try? writer.write(contentsOf: bytes)
            try? writer.close()
        }
        let said = OutputBox()
        let drained = DispatchGroup()
        drained.enter()
        DispatchQueue.global().async {
            said.set(reader.readDataToEndOfFile())
            drained.leave()
        }
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return .failed("the mail command timed out after \(Courier.seconds(timeout))")
            }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        _ = drained.wait(timeout: .now() + 1)
        let first = String(decoding: said.get().prefix(200), as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        return process.terminationStatus == 0 ? .sent
            : .failed("the mail command exited with \(process.terminationStatus)\(first.isEmpty ? "" : ": \(first)")")
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}

/// What the mail command printed, filled by the thread that reads it.
final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
