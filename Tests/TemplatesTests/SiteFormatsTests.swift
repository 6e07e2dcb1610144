import Testing
@testable import Metrics
@testable import Templates

/// CSV cells, feed text and the dashboard's placeholder.
@Suite struct SiteFormatsTests {
    @Test(arguments: [
        ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\tx", "'\tx"),
        ("analyze", "analyze"),
        ("a,b", "\"a,b\""),
        ("line\nbreak", "\"line\nbreak\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("caf\u{E9}", "caf\u{E9}"),
    ])
    func textCellsAreQuotedAndNeutralised(_ text: String, _ expected: String) {
        #expect(CSVExport.encode(.text(text)) == expected)
    }

    @Test func numbersAreNeverNeutralised() {
        #expect(CSVExport.encode(.number("-12.50")) == "-12.50")
        #expect(CSVExport.encode(.empty) == "")
    }

    @Test func feedTextIsEscapedAndValidXML() {
        #expect(AtomFeed.escape("<b>&\"x\"</b>") == "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;")
        #expect(AtomFeed.escape("a\u{1}b\u{7F}c") == "ab\u{7F}c")
        let feed = AtomFeed(title: "Crypto Sentinel AI!", baseURL: "", items: [])
        #expect(feed.slug == "crypto-sentinel-ai" && feed.feedID == "urn:sentinel:crypto-sentinel-ai:feed")
    }

    @Test func entryIDsDoNotDependOnTheAddress() {
        let item = AtomFeed.Item(kind: "daily", name: "2026-10-25", title: "t", summary: { "s" }, updated: 0)
        let here = AtomFeed(title: "S", baseURL: "https://a.example/", items: [item])
        let there = AtomFeed(title: "S", baseURL: "", items: [item])
        #expect(here.entryID(item) == there.entryID(item))
        let text = String(decoding: here.file().bytes, as: UTF8.self)
        #expect(text.contains("href=\"https://a.example/reports/daily/2026-10-25.html\"") && text.contains("<link rel=\"self\""))
    }

    @Test func feedKeepsTheNewestFifty() {
        let items = (0..<60).map { AtomFeed.Item(kind: "daily", name: "d\($0)", title: "t", summary: { "" }, updated: Int64($0) * 86_400_000) }
        let text = String(decoding: AtomFeed(title: "S", baseURL: "", items: items).file().bytes, as: UTF8.self)
        #expect(text.components(separatedBy: "<entry>").count - 1 == 50)
        #expect(text.contains(":daily:d59<") && !text.contains(":daily:d9<"))
    }
}
