import Foundation
import Testing
@testable import Delivery

/// The MIME message that goes to sendmail.
@Suite struct MailMessageTests {
    @Test func headersCannotBeInjectedAndUTF8IsEncoded() {
        let mail = MailMessage(from: "sentinel@example.com", to: ["ops@example.com\r\nBcc: evil@example.com"],
                               subject: "Rapport: café ☕", text: "plain", html: "<p>html</p>", date: 0, id: "x")
        let text = mail.rendered
        #expect(!text.contains("\r\nBcc:"))
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(text.contains("Content-Type: multipart/alternative; boundary=\"sentinel-"))
        #expect(text.components(separatedBy: "Content-Transfer-Encoding: base64").count == 3)
    }

    @Test func aLongSubjectIsFoldedIntoShortEncodedWords() {
        let subject = "CryptoSentinel AI, 2026-11-24: MRR €817.52 (+€9.99), 174 active, 0 alerts firing — " + String(repeating: "é", count: 40)
        let header = MailMessage.encodedWord(subject)
        let words = header.components(separatedBy: "\r\n ")
        #expect(words.count > 2 && words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        let decoded = words.map { word in
            String(decoding: Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))!, as: UTF8.self)
        }.joined()
        #expect(decoded == subject)
        #expect(MailMessage.encodedWord("plain ASCII") == "plain ASCII")
    }

    @Test func mailHTMLHasInlineStylesAndTheLink() throws {
        let html = try ReportMail.html(markdown: "# T\n\n| a | b |\n| --- | ---: |\n| `<x>` | 1 |\n", title: "T & U",
                                       link: "https://kpi.example.com/reports/daily/2026-11-24.html")
        #expect(html.contains("<table style=") && html.contains("<td style=") && html.contains("<thead>"))
        #expect(html.contains("&lt;x&gt;") && !html.contains("<x>"))
        #expect(html.contains("<title>T &amp; U</title>") && html.contains("href=\"https://kpi.example.com/reports/daily/2026-11-24.html\""))
    }

    @Test func aMessageIsQueuedOnceAndForgottenWhenSent() {
        var state = DeliveryState()
        let message = OutgoingMessage(id: "a", channel: .webhook, target: "http://x", body: "{}", summary: "s")
        state.enqueue(message)
        state.enqueue(message)
        #expect(state.pending.count == 1)
        state.markSent("a")
        state.enqueue(message)
        #expect(state.pending.isEmpty && state.sent == ["a"])
    }
}
