import Foundation
import Testing
@testable import Metrics
@testable import Templates

/// The day rows of the files that list every day: recorded beside a
/// release, and copied by the next build when their inputs did not change.
@Suite struct RowReuseTests {
    static func file(_ path: String, _ rows: [(UInt64, String)], head: String = "head\n") -> SiteFile {
        var out = RowAssembler(nil, capacity: 0)
        out.append(head.utf8)
        for (inputs, text) in rows { out.row(inputs) { $0.append(contentsOf: text.utf8) } }
        return out.file(path)
    }

    @Test func rowsAreRecordedWhereTheyLie() throws {
        let file = Self.file("data/metrics.csv", [(7, "a,1\r\n"), (9, ""), (8, "b,22\r\n")])
        #expect(file.rows == [.init(inputs: 7, offset: 5, length: 5), .init(inputs: 9, offset: 10, length: 0),
                              .init(inputs: 8, offset: 10, length: 6)])
        let record = PageRecord(files: [file], pages: [:])
        #expect(record.text.hasSuffix("rows\tdata/metrics.csv\t0000000000000007\t5\t5\t0000000000000009\t10\t0\t0000000000000008\t10\t6\n"))
        #expect(try #require(PageRecord(text: record.text)) == record)
    }

    @Test func aRowOutsideItsFileIsNoRecord() {
        func record(_ line: String) -> PageRecord? { PageRecord(text: "sentinel-pages 1\nfile\ta.csv\t10\t00\n\(line)\n") }
        #expect(record("rows\ta.csv\t1\t0\t10\t2\t10\t0")?.rows["a.csv"]?.count == 2)
        for bad in ["rows\ta.csv\t1\t5\t6", "rows\ta.csv\t1\t11\t0", "rows\tb.csv\t1\t0\t1", "rows\ta.csv\t1\t0",
                    "rows\ta.csv\tg\t0\t1", "rows\ta.csv\t1\t-1\t1", "rows\ta.csv\t1\t0\t1\textra"] {
            #expect(record(bad) == nil, "\(bad)")
        }
    }

    @Test func recordedRowsAreCopiedTheOthersMade() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rows-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        // The previous release's rows hold other text than the new build
        // would make: what the new file holds shows which were copied.
        let old = Self.file("data/x.csv", [(1, "old one\n"), (2, "old two\n")])
        try Data(old.bytes).write(to: URL(fileURLWithPath: folder + "/data/x.csv"))
        let record = PageRecord(files: [old], pages: [:])
        let source = RowSource(digests: [1, 3, nil, 2], kept: (record, folder))
        let previous = try #require(source.previous("data/x.csv"))
        var out = RowAssembler(previous, capacity: 0)
        out.append("new head\n".utf8)
        for position in 0..<4 { out.row(source.inputs(position)) { $0.append(contentsOf: "made \(position)\n".utf8) } }
        #expect(String(decoding: out.bytes, as: UTF8.self) == "new head\nold one\nmade 1\nmade 2\nold two\n")
        #expect(out.rows.map(\.inputs) == [1, 3, 2], "a row of unknown inputs is not recorded")
        let made = out.file("data/x.csv")
        for row in made.rows where row.inputs == 2 {
            #expect(String(decoding: made.bytes[row.offset..<(row.offset + row.length)], as: UTF8.self) == "old two\n")
        }
    }

    @Test func aFileChangedSinceItsRecordIsNotCopiedFrom() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rows-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        let old = Self.file("data/x.csv", [(1, "one\n")])
        let record = PageRecord(files: [old], pages: [:])
        let source = RowSource(digests: [1], kept: (record, folder))
        #expect(source.previous("data/x.csv") == nil, "no file")
        // Same size, other bytes: the digest tells.
        try Data("head\nOne\n".utf8).write(to: URL(fileURLWithPath: folder + "/data/x.csv"))
        #expect(source.previous("data/x.csv") == nil)
        try Data(old.bytes).write(to: URL(fileURLWithPath: folder + "/data/x.csv"))
        #expect(source.previous("data/x.csv")?.rows[1] == 5..<9)
        #expect(source.previous("data/y.csv") == nil, "no rows recorded")
        #expect(RowSource.none.previous("data/x.csv") == nil)
    }
}

extension RowReuseTests {
    /// A day's rows show the 30 days ending on it: a change to one file
    /// makes the rows of that day and the 29 after it again, and no others.
    @Test func aDaysRowsDependOnTheThirtyDaysEndingOnIt() throws {
        let first = try #require(LocalDay("2026-01-01"))
        let snapshots = (0..<90).map { ChartTests.snapshot(first.adding(days: $0)) }
        func digests(changing changed: Int?) -> [UInt64?] {
            var files: [Int: UInt64] = [:]
            for (index, snapshot) in snapshots.enumerated() { files[snapshot.date.ordinal] = UInt64(index) + (index == changed ? 1_000 : 0) }
            return RowSource(history: SnapshotHistory(snapshots, digests: files), common: 42, kept: nil).digests
        }
        let before = digests(changing: nil), after = digests(changing: 40)
        let changed = before.indices.filter { before[$0] != after[$0] }
        #expect(changed == Array(40...69))
        #expect(Set(before.compactMap { $0 }).count == 90, "each day's rows have inputs of their own")
        #expect(RowSource(history: SnapshotHistory(snapshots), common: 42, kept: nil).digests.allSatisfy { $0 == nil },
                "snapshots made in memory: every row is made")
    }
}
