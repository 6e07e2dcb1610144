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
}
