import Testing
@testable import Templates

/// The record kept beside each release: what lets a build keep the
/// reports whose inputs did not change.
@Suite struct PageRecordTests {
    static let files = [SiteFile(path: "reports/daily/2026-11-24.md", text: "# day"),
                        SiteFile(path: "reports/daily/2026-11-24.html", text: "<h1>day</h1>"),
                        SiteFile(path: "index.html", text: "dashboard")]

    @Test func roundTrip() throws {
        let record = PageRecord(files: Self.files, pages: ["daily/2026-11-24": .init(inputs: 0xDEAD_BEEF, files: Self.files.prefix(2).map(\.path))])
        let read = try #require(PageRecord(text: record.text))
        #expect(read == record)
        #expect(read.files["index.html"] == PageRecord.File(size: 9, digest: Self.files[2].digest))
        #expect(record.text.hasPrefix("sentinel-pages 1\nfile\tindex.html\t9\t"))
    }

    @Test func anythingElseIsNoRecord() {
        let good = PageRecord(files: Self.files, pages: ["daily/x": .init(inputs: 1, files: ["index.html"])]).text
        for bad in ["", "garbage", String(good.dropLast()), good.replacingOccurrences(of: "sentinel-pages 1", with: "sentinel-pages 2"),
                    good + "page\tweekly/x\t1\tmissing.html\n", good + "file\ta\tnot-a-size\t00\n", good + "other\tline\n"] {
            #expect(PageRecord(text: bad) == nil, "\(bad.prefix(40))")
        }
    }

    @Test func keptFilesCountByTheirRecord() {
        let kept = SiteFile(kept: "index.html", size: 9, digest: Self.files[2].digest)
        #expect(kept.kept && kept.bytes.isEmpty)
        // The build id does not depend on whether a file was rendered or kept.
        #expect(SitePublisher.buildID(of: [Self.files[0], kept]) == SitePublisher.buildID(of: [Self.files[0], Self.files[2]]))
    }
}

extension PageRecordTests {
    @Test func aRecordNamesOnlyFilesInsideTheSite() {
        for path in ["../x", "/etc/passwd", "a/../../b", "a//b", "a\u{1}b", ""] {
            #expect(PageRecord(text: "sentinel-pages 1\nfile\t\(path)\t1\t00\n") == nil, "\(path)")
        }
        #expect(PageRecord(text: "sentinel-pages 1\nfile\treports/daily/charts/x.svg\t1\t00\n") != nil)
    }

    @Test func fieldsAreReadExactly() {
        func record(_ line: String) -> PageRecord? { PageRecord(text: "sentinel-pages 1\n\(line)\n") }
        for path in ["a/", "/", "..", "a/..", "../", "a\u{7F}b"] { #expect(record("file\t\(path)\t1\t00") == nil, "\(path)") }
        for path in [".", "a/./b", "...", "a/.b", ".well-known/x", "é/ü.html"] { #expect(record("file\t\(path)\t1\t00") != nil, "\(path)") }
        for size in ["+5", "-1", "", "1e3", " 1", "1234567890123456789"] { #expect(record("file\ta\t\(size)\t00") == nil, "\(size)") }
        for digest in ["", "g", "12345678901234567", "-1", "0x1"] { #expect(record("file\ta\t1\t\(digest)") == nil, "\(digest)") }
        #expect(record("file\ta\t1\tFFFFFFFFFFFFFFFF")?.files["a"] == PageRecord.File(size: 1, digest: .max))
        #expect(record("file\ta\t0\t0\npage\tdaily/x\tAb\ta")?.pages["daily/x"] == PageRecord.Page(inputs: 0xAB, files: ["a"]))
        #expect(record("file\ta\t1\t00\textra") == nil && record("file\ta\t1") == nil && record("page\tdaily/x") == nil)
        #expect(record("") == nil && record("file\ta\t1\t00\n") == nil)
    }

    @Test func theStoredTextListsPathsInByteOrder() throws {
        // "Z" (0x5A) sorts before "a" (0x61) and "é" (0xC3 0xA9) after both.
        let files = ["é.html", "a.html", "Z.html"].map { SiteFile(path: $0, text: $0) }
        let text = PageRecord(files: files, pages: [:]).text
        let paths = text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t")[1] }
        #expect(paths == ["Z.html", "a.html", "é.html"])
        #expect(try #require(PageRecord(text: text)).files.count == 3)
    }

    @Test func numbersAreWrittenAsTheyAreRead() {
        for value in [0, 7, 10, 4_600_000, 999_999_999_999_999_999] {
            var out: [UInt8] = []
            PageRecord.appendDecimal(value, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(value))
            #expect(PageRecord.decimal(out) == value)
        }
        for value: UInt64 in [0, 0x0123_4567_89AB_CDEF, .max] {
            var out: [UInt8] = []
            PageRecord.appendHex(value, to: &out)
            #expect(out.count == 16 && PageRecord.hexValue(out) == value)
        }
        var out: [UInt8] = []
        PageRecord.appendHex(0xAB, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "00000000000000ab")
    }
}
