import Foundation
import Glibc
import Testing
@testable import Metrics
@testable import Templates

/// `sentinel-gen build` from snapshot files alone.
@Suite struct BuildCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("site-template").path

    /// A state directory holding the golden snapshots of the fixture week.
    static func state(extra: [String: String] = [:]) throws -> String {
        let directory = CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/state/snapshots", withIntermediateDirectories: true)
        for day in ["2026-10-24", "2026-10-25", "2026-10-26"] {
            try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("state/snapshots/\(day).json").path,
                                             toPath: "\(directory)/state/snapshots/\(day).json")
        }
        for (name, text) in extra { try text.write(toFile: "\(directory)/state/snapshots/\(name)", atomically: true, encoding: .utf8) }
        try "timezone = \"Europe/Paris\"\n[revenue]\ncurrency = \"EUR\"\n[exchange_rates]\nUSD = \"0.92\"\n[site]\ntitle = \"CryptoSentinel AI\"\nbase_url = \"https://kpi.example.com/sentinel\"\n"
            .write(toFile: directory + "/sentinel.toml", atomically: true, encoding: .utf8)
        return directory
    }

    static func build(_ directory: String, output: String = "site") throws -> CLI.Result {
        try CLI.run(["build", "--config", directory + "/sentinel.toml", "--state", directory + "/state",
                     "--output", "\(directory)/\(output)", "--templates", templates, "--now", "2026-10-27T09:00:00Z"])
    }

    static func tree(_ link: String) -> [String: Data] {
        let root = URL(fileURLWithPath: link).resolvingSymlinksInPath().path
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: "\(root)/\(path)", isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = FileManager.default.contents(atPath: "\(root)/\(path)")
            }
        }
        return files
    }

    /// An empty complete day: no events, no users yet, every rate undefined.
    static func emptyDay(_ day: String) -> String {
        let snapshot = Snapshot(date: LocalDay(day)!, timezone: "Europe/Paris", status: .complete,
                                capturedAt: AggregationTestsTime.ms("2026-11-02T08:00:00Z"),
                                coverage: .init(eventsFrom: nil, windowsComplete: false), revenueCurrency: "EUR", costCurrency: "USD")
        return String(decoding: snapshot.encoded(), as: UTF8.self)
    }

    @Test func goldenReports() throws {
        // The fixture's three days, an empty day, and a Sunday in November that
        // closes 2026-W44 across the month boundary.
        let directory = try Self.state(extra: ["2026-10-27.json": Self.emptyDay("2026-10-27"),
                                               "2026-11-01.json": Self.emptyDay("2026-11-01")])
        let result = try Self.build(directory)
        #expect(result.status == 0, "\(result.stderr)")
        let site = Self.tree(directory + "/site")
        #expect(site.keys.contains("reports/daily/2026-10-25.html") && site.keys.contains("reports/weekly/2026-W43.md")
                && site.keys.contains("reports/weekly/2026-W44.html") && site.keys.contains("reports/monthly/2026-10.html")
                && site.keys.contains("reports/index.html") && site.keys.contains("index.html") && site.keys.contains("assets/style.css"))
        for name in ["reports/daily/2026-10-25.md", "reports/daily/2026-10-25.html", "reports/daily/2026-10-26.md",
                     "reports/daily/2026-10-27.md", "reports/weekly/2026-W43.md", "reports/weekly/2026-W44.md",
                     "reports/monthly/2026-10.md", "reports/monthly/2026-11.md", "reports/index.html", "index.html",
                     "api/overview.json", "api/alerts.json", "api/users.json", "api/revenue.json", "api/engagement.json",
                     "api/costs.json", "data/metrics.csv", "data/commands.csv", "data/api_costs.csv", "feed.xml", "404.html"] {
            let golden = Self.fixtures.appendingPathComponent("site/" + name)
            let actual = String(decoding: site[name] ?? Data(), as: UTF8.self)
            if ProcessInfo.processInfo.environment["SENTINEL_UPDATE_GOLDEN"] == "1" {
                try actual.write(to: golden, atomically: true, encoding: .utf8)
            }
            #expect(actual == (try String(contentsOf: golden, encoding: .utf8)), "\(name) differs from its golden file")
        }
        // Hostile names show as text: no live markup, no javascript: link.
        let day = String(decoding: site["reports/daily/2026-10-25.html"]!, as: UTF8.self)
        #expect(day.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !day.contains("<script>"))
        #expect(!day.contains("href=\"javascript") && day.contains("a|b*c`d[e](javascript:x)"))
        #expect(day.contains(#"<meta property="og:url" content="https://kpi.example.com/sentinel/reports/daily/2026-10-25.html">"#))
        for (path, data) in site { #expect(!String(decoding: data, as: UTF8.self).contains("user-secret"), "\(path)") }
        // The dashboard's embedded JSON cannot close its element, and the
        // page carries no inline script.
        let home = String(decoding: site["index.html"]!, as: UTF8.self)
        let json = home.components(separatedBy: #"<script type="application/json" id="dashboard-data">"#)[1]
            .components(separatedBy: "</script>")[0]
        #expect(!json.contains("<") && json.contains(#"\u003cscript\u003ealert(1)\u003c/script\u003e"#))
        #expect(home.components(separatedBy: "<script").count == 4)
        #expect(!home.contains(Dashboard.buildIDPlaceholder))
        let health = try JSONParser.parse(Array(site["api/health.json"]!))
        #expect(home.contains("data-build-id=\"\(health["build_id"]!.stringValue!)\""))
        #expect(health["built_at"]?.stringValue == "2026-10-27T09:00:00Z" && health["snapshots"]?.intValue == 5)
    }

    @Test func rebuildsAreByteIdenticalAndKeepUnchangedFiles() throws {
        let directory = try Self.state()
        #expect(try Self.build(directory).status == 0)
        #expect(try Self.build(directory, output: "other").status == 0)
        #expect(Self.tree(directory + "/site") == Self.tree(directory + "/other"))
        let style = directory + "/site/assets/style.css"
        let before = try FileManager.default.attributesOfItem(atPath: style)
        let again = try Self.build(directory)
        #expect(again.stderr.contains("is up to date"))
        // A new day: its files are new, the old day's files stay the same inode and mtime.
        let next = try String(contentsOf: Self.fixtures.appendingPathComponent("state/snapshots/2026-10-26.json"), encoding: .utf8)
            .replacingOccurrences(of: "2026-10-26", with: "2026-10-27")
        try next.write(toFile: directory + "/state/snapshots/2026-10-27.json", atomically: true, encoding: .utf8)
        let grown = try Self.build(directory)
        #expect(grown.status == 0, "\(grown.stderr)")
        let after = try FileManager.default.attributesOfItem(atPath: style)
        #expect(before[.systemFileNumber] as? Int == after[.systemFileNumber] as? Int)
        #expect(before[.modificationDate] as? Date == after[.modificationDate] as? Date)
        #expect(FileManager.default.fileExists(atPath: directory + "/site/reports/daily/2026-10-27.html"))
        let october24 = try FileManager.default.attributesOfItem(atPath: directory + "/site/reports/daily/2026-10-24.md")
        #expect((october24[.referenceCount] as? Int ?? 0) >= 2)
    }

    @Test func aFailedBuildLeavesThePreviousSite() throws {
        let directory = try Self.state()
        #expect(try Self.build(directory).status == 0)
        let before = Self.tree(directory + "/site")
        try "{not json".write(toFile: directory + "/state/snapshots/2026-10-27.json", atomically: true, encoding: .utf8)
        let result = try Self.build(directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("load snapshots:") && result.stderr.contains("2026-10-27.json"), "\(result.stderr)")
        #expect(Self.tree(directory + "/site") == before)
        let other = try Self.state(extra: ["2026-10-28.json": #"{"schema_version": 3}"#])
        let newer = try Self.build(other)
        #expect(newer.status == 1 && newer.stderr.contains("schema_version 3 is not supported"))
    }

    /// A build killed at any moment leaves the previous site, whole; the
    /// next build completes and publishes the new one.
    @Test func aKilledBuildLeavesTheOldSiteOrTheNewOne() throws {
        let directory = try Self.state()
        let template = try String(contentsOf: Self.fixtures.appendingPathComponent("state/snapshots/2026-10-26.json"), encoding: .utf8)
        for offset in 1...300 {
            let day = LocalDay("2026-10-26")!.adding(days: -offset - 2)
            try template.replacingOccurrences(of: "2026-10-26", with: day.description)
                .write(toFile: "\(directory)/state/snapshots/\(day).json", atomically: true, encoding: .utf8)
        }
        #expect(try Self.build(directory).status == 0)
        let old = Self.tree(directory + "/site")
        try template.replacingOccurrences(of: "2026-10-26", with: "2026-10-27")
            .write(toFile: directory + "/state/snapshots/2026-10-27.json", atomically: true, encoding: .utf8)
        #expect(try Self.build(directory, output: "expected").status == 0)
        let new = Self.tree(directory + "/expected")
        #expect(old != new)
        var sawOld = 0
        for delay in [0, 20_000, 50_000, 80_000, 120_000, 160_000, 220_000, 300_000] {
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["build", "--config", directory + "/sentinel.toml", "--state", directory + "/state",
                                 "--output", directory + "/site", "--templates", Self.templates, "-q", "--now", "2026-10-27T09:00:00Z"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(delay))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let now = Self.tree(directory + "/site")
            #expect(now == old || now == new, "after \(delay) µs the site is neither the old one nor the new one")
            if now == old { sawOld += 1 } else { break }
        }
        let finished = try Self.build(directory)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(Self.tree(directory + "/site") == new)
        #expect(sawOld >= 1)
    }

    /// The templates are read while the snapshots load: a broken folder
    /// still fails at its own step, naming the file, and a bad snapshot
    /// is still the first error a build reports.
    @Test func aBrokenTemplateFolderFailsAtItsStep() throws {
        let directory = try Self.state()
        #expect(try Self.build(directory).status == 0)
        let before = Self.tree(directory + "/site")
        let broken = directory + "/templates"
        try FileManager.default.copyItem(atPath: Self.templates, toPath: broken)
        try FileManager.default.removeItem(atPath: broken + "/layout.mustache")
        func build() throws -> CLI.Result {
            try CLI.run(["build", "--config", directory + "/sentinel.toml", "--state", directory + "/state",
                         "--output", directory + "/site", "--templates", broken, "--now", "2026-10-27T09:00:00Z"])
        }
        let result = try build()
        #expect(result.status == 1 && result.stderr.contains("load templates") && result.stderr.contains("layout.mustache"), "\(result.stderr)")
        try "{not json".write(toFile: directory + "/state/snapshots/2026-10-27.json", atomically: true, encoding: .utf8)
        let both = try build()
        #expect(both.status == 1 && both.stderr.contains("load snapshots:") && !both.stderr.contains("load templates"), "\(both.stderr)")
        #expect(Self.tree(directory + "/site") == before)
    }

    @Test func buildNeedsSnapshots() throws {
        let directory = CLI.temporaryDirectory()
        let result = try CLI.run(["build", "--state", directory + "/state", "--output", directory + "/site", "--templates", Self.templates])
        #expect(result.status == 1 && result.stderr.contains("no snapshots"))
    }
}
