import Testing
@testable import Metrics

/// `[[goals]]` forecasts: a least-squares line through the last 28 days.
@Suite struct GoalForecastTests {
    static let today = LocalDay("2026-11-30")!

    static func points(_ values: [Double]) -> [(day: LocalDay, value: Double)] {
        values.enumerated().map { (today.adding(days: $0.offset - values.count + 1), $0.element) }
    }

    @Test func onTrackLateReachedNeverAndPast() throws {
        // +2 a day from 800: 870 is 35 days after the last day's 854.
        let rising = Self.points((0..<28).map { 800 + 2 * Double($0) })
        let onTrack = try #require(GoalForecast(points: rising, target: 870, by: LocalDay("2026-12-31")!))
        #expect(onTrack.current == 854 && onTrack.perDay.map { abs($0 - 2) < 1e-9 } == true)
        #expect(onTrack.outlook == .onTrack(LocalDay("2026-12-08")!))
        #expect(GoalForecast(points: rising, target: 870, by: LocalDay("2026-12-05")!)?.outlook == .late(LocalDay("2026-12-08")!))
        #expect(GoalForecast(points: rising, target: 850, by: LocalDay("2026-12-05")!)?.outlook == .reached)
        let flat = Self.points(Array(repeating: 500, count: 28))
        #expect(GoalForecast(points: flat, target: 870, by: LocalDay("2027-12-31")!)?.outlook == .notAtThisPace)
        let falling = Self.points((0..<28).map { 900 - Double($0) })
        #expect(GoalForecast(points: falling, target: 880, by: LocalDay("2027-12-31")!)?.outlook == .notAtThisPace)
        #expect(GoalForecast(points: rising, target: 870, by: LocalDay("2026-11-29")!)?.outlook == .pastTheDate)
        // Only the last 28 days count: an old plateau does not flatten the trend.
        let longer = Self.points(Array(repeating: 100, count: 30) + (0..<28).map { 800 + 2 * Double($0) })
        #expect(GoalForecast(points: longer, target: 870, by: LocalDay("2026-12-31")!)?.outlook == .onTrack(LocalDay("2026-12-08")!))
        #expect(GoalForecast(points: [], target: 1, by: Self.today) == nil)
        #expect(GoalForecast(points: Self.points([3]), target: 5, by: LocalDay("2026-12-31")!)?.outlook == .tooFewDays)
    }
}
