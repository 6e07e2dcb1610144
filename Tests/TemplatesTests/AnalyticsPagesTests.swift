import Foundation
import Testing
@testable import Metrics
@testable import Templates

/// The revenue, retention and funnel pages and their API and CSV files, on
/// three weeks of version 2 snapshots built here: movements of every kind,
/// days the ledger does not cover, a partial cohort triangle with the week
/// in progress, an empty funnel day and sources with hostile names.
@Suite struct AnalyticsPagesTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/analytics")
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("site-template").path
    static let paris = DayCalendar(timeZoneName: "Europe/Paris")!
    static let first = LocalDay("2026-11-02")!  // a Monday, 2026-W45
    static let hostile = "<img src=x onerror=alert(1)>"

    static func money(_ text: String) -> Money { Money(text)! }

    /// Day i of 21; the first two are not covered by the ledger (version 1).
    static func snapshot(_ i: Int) -> Snapshot {
        let day = first.adding(days: i)
        let last = i == 20
        var s = Snapshot(date: day, timezone: "Europe/Paris", status: last ? .partial : .complete,
                         capturedAt: paris.start(of: day.adding(days: last ? 0 : 1)) + (last ? 10 * 3_600_000 : 0),
                         coverage: .init(eventsFrom: paris.start(of: first.adding(days: 2)), windowsComplete: true),
                         revenueCurrency: "EUR", costCurrency: "USD")
        s.users.total = 100 + 3 * i
        s.users.premium = 10 + i / 3
        s.users.active = 40 + i % 7
        s.revenue.mrr = money("99.90") + money("9.99") * (i / 3)
        guard i >= 2 else { return s }
        var a = SnapshotAnalytics()
        // Every kind over the days: new most days, an expansion, a contraction, churn and a reactivation now and then.
        a.movements = [money(i % 3 == 0 ? "9.99" : "0"), money(i == 5 ? "1.68" : "0"), money(i == 9 ? "1.665" : "0"),
                       money(i % 5 == 0 ? "9.99" : "0"), money(i == 12 ? "9.99" : "0")]
        a.movementUsers = a.movements!.map { $0 == .zero ? 0 : 1 }
        a.movementsUnexplained = .zero
        a.byPlan = [(Name("premium"), SnapshotAnalytics.Mix(subscriptions: s.users.premium, mrr: s.revenue.mrr)),
                    (Name(hostile), SnapshotAnalytics.Mix(subscriptions: 1, mrr: money("0.0021")))]
        a.month = SnapshotAnalytics.Mix(subscriptions: s.users.premium - 1, mrr: s.revenue.mrr - money("8.325"))
        a.year = SnapshotAnalytics.Mix(subscriptions: 1, mrr: money("8.325"))
        var r = SnapshotAnalytics.Retention30()
        r.customersStart = 10; r.customersRetained = 9 - i % 2
        r.mrrStart = money("99.90"); r.mrrRetained = money("89.91"); r.mrrNow = s.revenue.mrr
        a.retention30d = r
        a.dayN = [SnapshotAnalytics.Cohort(label: day.adding(days: -1).description, size: 4, active: i % 3),
                  SnapshotAnalytics.Cohort(label: day.adding(days: -7).description, size: i == 7 ? 0 : 5, active: i == 7 ? 0 : 1),
                  SnapshotAnalytics.Cohort(label: day.adding(days: -30).description, size: 6, active: 1)]
        if day.isoWeekday == 7 || last {
            // Three cohorts known from 2026-W45 on: a partial triangle.
            let weeks = (0...(i / 7)).map { first.adding(days: 7 * $0).isoWeekName }
            a.weekly = weeks.enumerated().map { k, name in
                SnapshotAnalytics.Cohort(label: name, size: 20 + k, active: name == day.isoWeekName ? 20 + k : 9 - (i / 7 - k) * 2)
            }
            var l = SnapshotAnalytics.Lifecycle()
            l.new = 20 + i / 7; l.returning = 15; l.resurrecting = 2 + i % 3; l.dormant = 30 + i
            a.lifecycle = l
        }
        var f7 = SnapshotAnalytics.Funnel7(cohort: day.adding(days: -7))
        if i != 10 { f7.registered = 6; f7.activated = 5; f7.returned = 3; f7.converted = i % 4 == 0 ? 1 : 0 }  // day 10: an empty cohort
        a.funnel7 = f7
        var f30 = SnapshotAnalytics.Funnel30(cohort: day.adding(days: -30))
        f30.registered = 7; f30.converted = i % 2
        var organic = SnapshotAnalytics.SourceFunnel(source: Name("organic")); organic.registered = 4; organic.converted = i % 2
        var ads = SnapshotAnalytics.SourceFunnel(source: Name(hostile)); ads.registered = 2
        var formula = SnapshotAnalytics.SourceFunnel(source: Name("=HYPERLINK(\"x\")")); formula.registered = 1
        f30.bySource = [organic, ads, formula].sorted { $0.source < $1.source }
        a.funnel30 = f30
        s.analytics = a
        return s
    }

    static func site() throws -> [String: String] {
        var configuration = Configuration()
        configuration.timezone = "Europe/Paris"
        configuration.revenueCurrency = "EUR"
        configuration.costCurrency = "USD"
        configuration.site.title = "CryptoSentinel AI"
        let history = SnapshotHistory((0..<21).map(snapshot))
        let data = SiteData(history: history, settings: ReportSettings(configuration: configuration),
                            alerts: .initial(thresholds: configuration.alerts), thresholds: configuration.alerts,
                            now: history.snapshots.last!.capturedAt, baseURL: "")
        let files = AnalyticsPages(data: data, templates: try TemplateSet(directory: templates), rows: AnalyticsRows(data: data)).files()
        return Dictionary(uniqueKeysWithValues: files.map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) })
    }

    static let names = ["revenue.html", "retention.html", "funnel.html", "api/movements.json", "api/retention.json", "api/funnel.json",
                        "data/movements.csv", "data/retention.csv", "data/funnel.csv"]

    @Test func goldenPagesAPIAndCSV() throws {
        let site = try Self.site()
        #expect(Set(site.keys) == Set(Self.names))
        for name in Self.names {
            let golden = Self.fixtures.appendingPathComponent(name.replacingOccurrences(of: "/", with: "-"))
            if ProcessInfo.processInfo.environment["SENTINEL_UPDATE_GOLDEN"] == "1" {
                try site[name]!.write(to: golden, atomically: true, encoding: .utf8)
            }
            #expect(site[name] == (try String(contentsOf: golden, encoding: .utf8)), "\(name) differs from its golden file")
        }
    }

    @Test func hostileNamesStayText() throws {
        let site = try Self.site()
        for page in ["revenue.html", "funnel.html"] {
            #expect(site[page]!.contains("&lt;img src=x onerror=alert(1)&gt;") && !site[page]!.contains("<img"), "\(page)")
        }
        #expect(site["api/funnel.json"]!.contains(#""source": "\u003cimg src=x onerror=alert(1)\u003e""#))
        // A cell that a spreadsheet would read as a formula is neutralised.
        #expect(!site["data/funnel.csv"]!.contains("\r\n="))
    }

    @Test func theTriangleIsPartialAndMarksTheWeekInProgress() throws {
        let rows = AnalyticsRows.weeks((0..<21).map(Self.snapshot)).0
        #expect(rows.map(\.week) == ["2026-W45", "2026-W46", "2026-W47"])
        #expect(rows.map(\.active.count) == [3, 2, 1])
        #expect(rows[0].active == [20, 7, 5] && rows[0].lastInProgress && rows[2].active == [22])
        let page = try Self.site()["retention.html"]!
        #expect(page.contains("class=\"num cohort shade-10 in-progress\""))
        #expect(page.contains("<td class=\"num cell-empty\"></td>"))
    }

    @Test func weeksSumTheirDaysAndUncoveredDaysAreNA() throws {
        let site = try Self.site()
        let movements = try JSONParser.parse(Array(site["api/movements.json"]!.utf8))
        guard case .array(let daily)? = movements["daily"], case .array(let weekly)? = movements["weekly"] else {
            Issue.record("no daily or weekly rows")
            return
        }
        #expect(daily.count == 21 && daily[0]["new"] == .null && daily[0]["net"] == .null)
        #expect(daily[5]["expansion"] == .text("1.68") && daily[9]["contraction"] == .text("1.665"))
        // 2026-W45 has two uncovered days: its movements are null; W46 sums its seven.
        #expect(weekly[0]["new"] == .null && weekly[1]["week"] == .text("2026-W46"))
        #expect(weekly[1]["new"] == .text("19.98") && weekly[1]["reactivation"] == .text("9.99") && weekly[1]["churn"] == .text("9.99"))
        #expect(weekly[1]["net"] == .text("18.315"))  // 19.98 + 9.99 − 1.665 − 9.99
    }
}
