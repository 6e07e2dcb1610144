import Testing
@testable import Metrics
@testable import Templates

@Suite struct DisplayTests {
    @Test func figuresReadTheSameEverywhere() {
        #expect(Display.count(1234) == "1,234" && Display.count(-1_234_567) == "-1,234,567" && Display.count(nil) == "n/a")
        #expect(Display.money(Money("870")!, "EUR") == "€870.00")
        #expect(Display.money(Money("1234567.891")!, "USD") == "$1,234,567.89")
        #expect(Display.money(Money("0.0021")!, "USD") == "$0.0021")
        // Two decimals, or two significant digits for what would read 0.00.
        #expect(Display.money(Money("0.266667")!, "USD") == "$0.27" && Display.money(Money("0.5004")!, "USD") == "$0.50")
        #expect(Display.money(Money("0.9968")!, "EUR") == "€1.00" && Display.money(Money("0.005")!, "USD") == "$0.0050")
        #expect(Display.money(Money("0.0051")!, "USD") == "$0.01" && Display.money(Money("0.000021")!, "USD") == "$0.000021")
        #expect(Display.money(Money("0.000001")!, "USD") == "$0.000001" && Display.money(Money("0.00215")!, "USD") == "$0.0022")
        #expect(Display.money(Money(micros: 995), "USD") == "$0.0010" && Display.money(Money(micros: 9_996), "USD") == "$0.01")
        #expect(Display.money(Money(micros: -2_100), "USD") == "-$0.0021" && Display.money(Money.zero, "USD") == "$0.00")
        #expect(Display.money(Money(micros: -12_500_000), "EUR") == "-€12.50")
        #expect(Display.money(Money("9.315")!, "EUR") == "€9.32" && Display.money(Money("9.325")!, "EUR") == "€9.32")
        #expect(Display.money(Money("5")!, "CHF") == "5.00 CHF" && Display.money(nil, "EUR") == "n/a")
        #expect(Display.percent(Ratio(104, over: 1000)) == "10.4 %" && Display.percent(Ratio(2, over: 3)) == "66.7 %")
        #expect(Display.percent(Ratio(1, over: 2000)) == "0.0 %" && Display.percent(Ratio(3, over: 2000)) == "0.2 %")
        #expect(Display.percent(nil) == "n/a" && Display.latency(120_500_000) == "120.5 ms")
        #expect(Display.latency(3_129_000_000) == "3,129 ms" && Display.latency(3_129_040_000) == "3,129 ms" && Display.latency(150_000) == "0.2 ms")
        #expect(Display.change(5, 3) == "+2" && Display.change(3, 5) == "−2" && Display.change(3, 3) == "±0" && Display.change(3, nil) == "")
        #expect(Display.plural(1, "conversion") == "1 conversion" && Display.plural(2, "conversion") == "2 conversions")
    }

    /// OWASP filter-evasion style payloads and Markdown injection, as command names.
    static let hostile = [
        "<script>alert(1)</script>", "<img src=x onerror=\"document.title='x'\">", "<svg/onload=alert(1)>",
        "javascript:alert(1)", "[click](javascript:alert(1))", "![x](javascript:alert(1))", "<a href=\"javascript:alert(1)\">x</a>",
        "**bold** _it_ ~~s~~", "`code`", "| a | b |", "# heading", "> quote", "1. list", "- item", "&lt;script&gt;",
        "&#60;script&#62;", "<IMG SRC=JaVaScRiPt:alert('XSS')>", "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>", "\\<script>",
        "www.evil.example", "https://evil.example/x", "mailto:a@b.c", "a@b.example", "\u{202E}gnp.exe", "<!-- comment -->",
        "<![CDATA[x]]>", "<style>body{}</style>", "[a]: javascript:alert(1)", "<http://evil.example>", "=cmd|' /C calc'!A0",
    ]

    @Test func hostileNamesRenderAsText() throws {
        let renderer = MarkdownRenderer()
        for name in Self.hostile {
            let html = try renderer.html(from: "| Command | Count |\n| --- | ---: |\n| \(MarkdownText.code(name)) | 1 |\n")
            #expect(!html.contains("<script") && !html.contains("<img") && !html.contains("<svg") && !html.contains("<a ")
                    && !html.contains("<style") && !html.contains("<!--") && !html.contains("<strong>") && !html.contains("<em>")
                    && !html.contains("<del>"), "\(name): \(html)")
            // Shown exactly as typed.
            let escaped = name.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            #expect(html.contains("<td><code>\(escaped)</code></td>"), "\(name): \(html)")
            // Backslash escapes keep trusted text literal too.
            let literal = try renderer.html(from: MarkdownText.literal(name) + "\n")
            #expect(!literal.contains("<script") && !literal.contains("<img") && !literal.contains("<strong>"), "\(name): \(literal)")
            // Exactly one row of two cells: nothing broke out of its cell.
            #expect(html.components(separatedBy: "<td").count == 3, "\(name): \(html)")
        }
    }
}
