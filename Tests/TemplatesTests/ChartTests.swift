import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Metrics
@testable import Templates

/// The reports' SVG charts: goldens for each kind and edge, XML that
/// parses, labels that stay text.
@Suite struct ChartTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/charts")
    static let paris = DayCalendar(timeZoneName: "Europe/Paris")!

    /// True when `svg` is well-formed XML.
    static func parses(_ svg: String) -> Bool { XMLParser(data: Data(svg.utf8)).parse() }

    static func golden(_ name: String, _ svg: String) throws {
        let file = fixtures.appendingPathComponent("\(name).svg")
        if ProcessInfo.processInfo.environment["SENTINEL_UPDATE_GOLDEN"] == "1" {
            try svg.write(to: file, atomically: true, encoding: .utf8)
        }
        #expect(svg == (try String(contentsOf: file, encoding: .utf8)), "\(name).svg differs from its golden file")
        #expect(parses(svg), "\(name).svg is not well-formed XML")
    }

    /// A day with `commands` in each of its hours, as TodaySoFarTests makes them.
    static func snapshot(_ day: LocalDay, commands: Int = 10, mrr: String = "100") -> Snapshot {
        let start = paris.start(of: day), end = paris.start(of: day.adding(days: 1))
        let hours = Int((end - start) / 3_600_000)
        var s = Snapshot(date: day, timezone: "Europe/Paris", status: .complete, capturedAt: end,
                         coverage: .init(eventsFrom: 0, windowsComplete: true), revenueCurrency: "EUR", costCurrency: "USD")
        var a = SnapshotAnalytics()
        a.hourly.commands = (0..<hours).map { commands + $0 }
        a.hourly.errors = (0..<hours).map { $0 % 5 == 0 ? 1 : 0 }
        a.hourly.active = (1...hours).map { $0 }
        a.movements = [Money("9.99")!, .zero, Money("2.5")!, Money("19.98")!, .zero]
        s.analytics = a
        s.revenue.mrr = Money(mrr)!
        s.engagement.commands = a.hourly.commands.reduce(0, +)
        s.users.active = hours
        return s
    }

    static func data(_ days: [LocalDay]) -> SiteData {
        var configuration = Configuration()
        configuration.timezone = "Europe/Paris"
        return SiteData(history: SnapshotHistory(days.map { snapshot($0) }), settings: ReportSettings(configuration: configuration),
                        alerts: .initial(thresholds: .init()), thresholds: .init(), now: 0, baseURL: "")
    }

    @Test func emptyAndOnePoint() throws {
        let empty = SVGChart(title: "Nothing yet", labels: [], series: [], left: .count, summary: "No data.")
        #expect(empty.isEmpty && empty.svg.contains("No data for this chart."))
        try Self.golden("empty", empty.svg)
        let one = SVGChart(title: "One day", labels: ["11-24"], series: [SVGChart.Series("DAU", [174], style: .line, color: 0)],
                           left: .count, summary: "174 active users on 11-24.")
        #expect(one.svg.contains("<circle"), "a lone value is a dot")
        try Self.golden("one-point", one.svg)
    }

    @Test func negativeBarsStackDownwards() throws {
        let chart = SVGChart(title: "Movements", labels: ["11-23", "11-24", "11-25"], series: [
            SVGChart.Series("New", [10, 0, 30], style: .bar, color: 2),
            SVGChart.Series("Churned", [-20, -5, nil], style: .bar, color: 1),
            SVGChart.Series("MRR", [600, 590, 620], style: .line, right: true, color: 0),
        ], left: .money("EUR"), right: .money("EUR"), summary: "Net −€10, −€5, +€30.")
        let svg = chart.svg
        #expect(svg.contains(">−€20<") && svg.contains(">€0<"), "the axis reaches below zero, in money")
        try Self.golden("negative-bar", svg)
    }

    @Test func hoursOfDaylightSavingDays() throws {
        // 2026-03-29 has 23 hours in Paris (02:00 is skipped), 2026-10-25 25 (02:00 twice).
        for (day, hours, name) in [("2026-03-29", 23, "dst-23-hours"), ("2026-10-25", 25, "dst-25-hours")] {
            let date = LocalDay(day)!
            let charts = ReportCharts(data: Self.data([date.adding(days: -1), date]))
            let chart = try #require(charts.day(date).first { $0.name == "hours" }).chart
            #expect(chart.labels.count == hours)
            #expect(chart.labels.filter { $0 == "02" }.count == (hours == 23 ? 0 : 2))
            #expect(chart.series.map(\.name) == ["Commands, \(day)", "Commands, \(date.adding(days: -1))", "Errors, \(day)"])
            try Self.golden(name, chart.svg)
        }
    }

    @Test func hostileLabelsStayText() throws {
        let hostile = "<script>alert('x')</script> & \"quotes\" \u{0}\u{7}\u{FFFE}]]>"
        let chart = SVGChart(title: hostile, labels: [hostile, "b"], series: [SVGChart.Series(hostile, [1, 2], style: .bar, color: 0)],
                             left: .count, summary: hostile)
        let svg = chart.svg
        #expect(!svg.contains("<script") && svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"))
        #expect(!svg.contains("\u{0}") && !svg.contains("\u{7}") && !svg.contains("]]>"))
        try Self.golden("hostile-label", svg)
    }

    @Test func reportChartsOfADayAndAPeriod() throws {
        let last = LocalDay("2026-11-29")!
        let days = (0..<40).map { last.adding(days: $0 - 39) }
        let data = Self.data(days)
        let charts = ReportCharts(data: data)
        let day = charts.day(last)
        #expect(day.map(\.name) == ["hours", "activity", "revenue"])
        #expect(day[1].chart.labels.count == 30 && day[1].chart.labels.last == "11-29")
        let week = charts.period(data.period(.week, containing: last))
        #expect(week.map(\.name) == ["activity", "movements"])
        let movements = week[1].chart
        #expect(movements.labels == ["11-23", "11-24", "11-25", "11-26", "11-27", "11-28", "11-29"])
        #expect(movements.summary.contains("new €69.93") && movements.summary.contains("churned €139.86"))
        for figure in day + week { #expect(Self.parses(figure.chart.svg), "\(figure.name)") }
        try Self.golden("week-movements", movements.svg)
    }

    @Test func roundTicks() {
        #expect(ChartScale(covering: [0, 437], includeZero: true).ticks == [0, 200, 400, 600])
        #expect(ChartScale(covering: [-20, 30], includeZero: true).ticks == [-20, 0, 20, 40])
        #expect(ChartScale(covering: [0.013, 0.052], includeZero: true).step == 0.02)
        #expect(ChartScale(covering: [], includeZero: true).ticks == [0, 0.25, 0.5, 0.75, 1])
        #expect(ChartUnit.money("EUR").label(1500, decimals: 0) == "€1,500" && ChartUnit.percent.label(0.125, decimals: 3) == "12.5 %")
    }
}

/// Edges the review of the charts found.
@Suite struct ChartEdgeTests {
    @Test func theDayAfterADSTChangeComparesTheSameClockHours() throws {
        // 2026-10-25 had 25 hours in Paris: its 23:00 is index 24, its 02:00 twice (indices 2 and 3).
        let day = LocalDay("2026-10-26")!
        let data = ChartTests.data([day.adding(days: -1), day])
        let chart = try #require(ReportCharts(data: data).day(day).first { $0.name == "hours" }).chart
        let before = try #require(chart.series.first { $0.style == .dashed }).values
        // ChartTests.snapshot holds 10 + i commands in hour i.
        #expect(before[23] == 10 + 24 && before[2] == Double(10 + 2 + 10 + 3) && before[3] == 10 + 4)
    }

    @Test func aSnapshotWithMoreHoursThanItsDayDoesNotTrap() throws {
        var snapshot = ChartTests.snapshot(LocalDay("2026-11-24")!)
        snapshot.analytics!.hourly.commands = Array(repeating: 1, count: 24) + [500]
        var configuration = Configuration()
        configuration.timezone = "Europe/Paris"
        let data = SiteData(history: SnapshotHistory([snapshot]), settings: ReportSettings(configuration: configuration),
                            alerts: .initial(thresholds: .init()), thresholds: .init(), now: 0, baseURL: "")
        let chart = try #require(ReportCharts(data: data).day(snapshot.date).first { $0.name == "hours" }).chart
        #expect(chart.labels.count == 24 && chart.summary.contains("the busiest hour 00:00 with 1"))
    }

    @Test func onlyNegativeBarsStillShareTheZeroLine() {
        let chart = SVGChart(title: "Churn only", labels: ["a", "b"], series: [
            SVGChart.Series("Churned", [-10, -20], style: .bar, color: 1),
            SVGChart.Series("MRR", [500, 480], style: .line, right: true, color: 0),
        ], left: .money("EUR"), right: .money("EUR"), summary: "s")
        let layout = SVGChart.Layout(chart: chart, legendRows: 1)
        #expect(abs(layout.y(0, right: false) - layout.y(0, right: true)) < 0.01)
        #expect(layout.y(500, right: true) >= layout.top - 0.01)
    }

    @Test func tinyTicksKeepTheirDigits() {
        let scale = ChartScale(covering: [0.00005, 0.00009], includeZero: true)
        let labels = scale.ticks.map { ChartUnit.money("USD").label($0, decimals: scale.decimals) }
        #expect(Set(labels).count == labels.count, "\(labels)")
    }
}
