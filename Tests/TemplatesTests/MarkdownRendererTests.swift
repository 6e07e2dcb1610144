import Dispatch
import Foundation
import Testing
@testable import Templates

private struct Slots: @unchecked Sendable { let buffer: UnsafeMutableBufferPointer<String?> }

@Suite struct MarkdownRendererTests {
    static let document = """
        # Daily report

        | figure | value |
        | --- | ---: |
        | users | 1,234 |
        | MRR | €870.00 |

        ~~old~~ new, see https://example.com and www.example.org.

        <script>alert(1)</script> <img src=x onerror="document.title='x'">

        [click](javascript:alert(1)) and `code | pipe`

        """

    /// The real cmark-gfm command line, on the same text.
    func reference(_ markdown: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cmark-gfm", "-e", "table", "-e", "strikethrough", "-e", "autolink"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(markdown.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "cmark-gfm is missing: run scripts/bootstrap")
        return String(decoding: data, as: UTF8.self)
    }

    @Test func matchesTheCommandLineByteForByte() throws {
        let html = try MarkdownRenderer().html(from: Self.document)
        #expect(html == (try reference(Self.document)))
        #expect(html.contains("<table>") && html.contains("<del>old</del>") && html.contains(#"<a href="https://example.com">"#))
    }

    @Test func renderersMadeOnManyThreadsAtOnceAgree() throws {
        let expected = try reference(Self.document)
        // Many renders at once: cmark-gfm's global tables of special
        // characters are switched during each parse (see MarkdownRenderer).
        let count = 3000
        let results = UnsafeMutableBufferPointer<String?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        let shared = Slots(buffer: results)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            shared.buffer[index] = try? MarkdownRenderer().html(from: Self.document)
        }
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func rawHTMLNeverPasses() throws {
        let html = try MarkdownRenderer().html(from: Self.document)
        #expect(!html.contains("<script>") && !html.contains("<img") && !html.contains("javascript:"))
        #expect(html.contains("<!-- raw HTML omitted -->"))
    }
}
