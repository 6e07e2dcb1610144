import Foundation
import Testing
@testable import Delivery

/// How answers become results, and the mail command under its deadline.
@Suite struct CourierTests {
    @Test func statusesDecideTheResult() {
        func verdict(_ status: Int) -> Courier.Result {
            Courier.verdict(.success(HTTPPost.Answer(status: status, body: [])), timeout: 1)
        }
        #expect(verdict(204) == .sent)
        #expect(verdict(302) == .failed("HTTP 302 (a redirect, not followed: check the URL)"))
        #expect(verdict(307) == .failed("HTTP 307 (a redirect, not followed: check the URL)"))
        #expect(verdict(503) == .failed("HTTP 503"))
        #expect(verdict(404) == .rejected("HTTP 404"))
        #expect(Courier.verdict(.failure(.timedOut), timeout: 2.5) == .failed("timed out after 2.5 s"))
    }

    @Test func telegramsRetryAfterIsRead() {
        let body = #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#
        #expect(Courier.retryAfter(Array(body.utf8)) == 7)
        #expect(Courier.retryAfter(Array(#"{"ok":false}"#.utf8)) == nil)
        #expect(Courier.retryAfter(Array("not json".utf8)) == nil)
    }

    @Test func theOutboxKeepsADigestOfAWebhook() {
        let url = "https://user:s3cret@hooks.example.com/services/T/B/XYZ"
        let target = OutgoingMessage.webhookTarget(url)
        #expect(target.hasPrefix("sha256:") && target.count == 7 + 64 && !target.contains("s3cret") && !target.contains("XYZ"))
        #expect(target == OutgoingMessage.webhookTarget(url) && target != OutgoingMessage.webhookTarget(url + "x"))
    }

    @Test func aChildHoldingThePipeIsKilledWithItsGroupAtTheDeadline() {
        let marker = "sleep 31.4159"
        let child = ChildProcess(command: "sh -c 'cat >/dev/null; \(marker) & \(marker)'", environment: ["PATH=/usr/bin:/bin"], timeout: 0.5)
        let started = Date()
        #expect(child.run(input: Array("mail".utf8)) == .timedOut)
        #expect(Date().timeIntervalSince(started) < 3)
        Thread.sleep(forTimeInterval: 0.2)
        let left = CourierTests.processes(matching: marker)
        #expect(left.isEmpty, "still running: \(left)")
    }

    @Test func aCommandThatExitsIsNotHeldByItsChild() {
        let child = ChildProcess(command: "sh -c 'cat >/dev/null; sleep 2.71828 & echo queued; exit 0'", environment: ["PATH=/usr/bin:/bin"], timeout: 5)
        let started = Date()
        #expect(child.run(input: Array(repeating: UInt8(ascii: "x"), count: 200_000)) == .exited(0, output: "queued"))
        #expect(Date().timeIntervalSince(started) < 1.5)
    }

    @Test func theCommandGetsOnlyTheEnvironmentItIsGiven() {
        let child = ChildProcess(command: "sh -c 'echo ${SENTINEL_TELEGRAM_TOKEN:-unset}-$KEPT; exit 3'", environment: ["PATH=/usr/bin:/bin", "KEPT=yes"], timeout: 5)
        #expect(child.run(input: []) == .exited(3, output: "unset-yes"))
    }

    /// Command lines of this machine's processes that contain `text`.
    static func processes(matching text: String) -> String {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid -> String? in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text) ? line : nil
        }.joined(separator: "; ")
    }
}
