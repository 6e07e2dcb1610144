import Dispatch
import Metrics

/// What every part of the site reads: the snapshots, each day's derived
/// figures, the alert book and the build's `now`.
public struct SiteData: Sendable {
    /// The snapshots.
    public let history: SnapshotHistory
    /// Derived figures, one per snapshot, in the same order.
    public let figures: [DerivedFigures]
    /// Titles, zone, rates.
    public let settings: ReportSettings
    /// The last alert evaluation.
    public let alerts: AlertBook
    /// `[alerts]` as configured (the error-rate threshold line).
    public let thresholds: Configuration.Alerts
    /// The build's `now`, unix ms: `built_at`, and whether the data is stale.
    public let now: Int64
    /// `site.base_url` with a final `/`, or empty.
    public let baseURL: String
    /// Every ISO week and calendar month with a snapshot, oldest first.
    public let weeks: [PeriodFigures], months: [PeriodFigures]
    private let weekIndex: [String: Int], monthIndex: [String: Int]

    /// The data of a build.
    public init(history: SnapshotHistory, settings: ReportSettings, alerts: AlertBook,
                thresholds: Configuration.Alerts, now: Int64, baseURL: String) {
        self.history = history
        self.settings = settings
        self.alerts = alerts
        self.thresholds = thresholds
        self.now = now
        self.baseURL = baseURL.isEmpty || baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        // Days, weeks and months are independent of each other: they are
        // computed on every core.
        var weekStarts: [LocalDay] = [], monthStarts: [LocalDay] = []
        for snapshot in history.snapshots {
            if weekStarts.last?.isoWeekName != snapshot.date.isoWeekName { weekStarts.append(snapshot.date) }
            if monthStarts.last?.monthName != snapshot.date.monthName { monthStarts.append(snapshot.date) }
        }
        let weekFirst = weekStarts, monthFirst = monthStarts
        let costRate = settings.costRate, days = history.snapshots.count, periodCount = weekStarts.count + monthStarts.count
        var periods: [PeriodFigures] = []
        figures = Array(unsafeUninitializedCapacity: days) { figures, figuresCount in
            periods = Array(unsafeUninitializedCapacity: periodCount) { periods, periodsCount in
                let sharedFigures = SendableBuffer(figures), sharedPeriods = SendableBuffer(periods)
                // Months first, then weeks, then days: the longest jobs
                // start first, so no core is left with one at the end.
                DispatchQueue.concurrentPerform(iterations: periodCount + days) { index in
                    if index < monthFirst.count {
                        (sharedPeriods.buffer.baseAddress! + weekFirst.count + index).initialize(
                            to: PeriodFigures(kind: .month, containing: monthFirst[index], history: history))
                    } else if index < periodCount {
                        (sharedPeriods.buffer.baseAddress! + index - monthFirst.count).initialize(
                            to: PeriodFigures(kind: .week, containing: weekFirst[index - monthFirst.count], history: history))
                    } else {
                        (sharedFigures.buffer.baseAddress! + index - periodCount).initialize(
                            to: DerivedFigures(of: history.snapshots[index - periodCount], in: history, costRate: costRate))
                    }
                }
                periodsCount = periodCount
            }
            figuresCount = days
        }
        weeks = Array(periods[..<weekStarts.count])
        months = Array(periods[weekStarts.count...])
        weekIndex = Dictionary(uniqueKeysWithValues: weeks.enumerated().map { ($1.name, $0) })
        monthIndex = Dictionary(uniqueKeysWithValues: months.enumerated().map { ($1.name, $0) })
    }

    /// The latest snapshot and its figures.
    public var latest: (snapshot: Snapshot, figures: DerivedFigures)? {
        guard let snapshot = history.snapshots.last else { return nil }
        return (snapshot, figures[figures.count - 1])
    }

    /// The snapshot and figures of a day, if present.
    public func day(_ day: LocalDay) -> (snapshot: Snapshot, figures: DerivedFigures)? {
        guard let index = history.position(of: day) else { return nil }
        return (history.snapshots[index], figures[index])
    }

    /// Data older than this at viewing time earns a warning (the cron job
    /// has stopped).
    public static let staleAfterMs: Int64 = 26 * 3_600_000

    /// True when the latest capture is older than 26 hours at build time.
    public var isStale: Bool {
        guard let latest else { return false }
        return now - latest.snapshot.capturedAt > SiteData.staleAfterMs
    }

    /// Every ISO week or calendar month with a snapshot, oldest first.
    public func periods(_ kind: PeriodFigures.Kind) -> [PeriodFigures] { kind == .week ? weeks : months }

    /// The week or month that holds `day` (computed when it has no snapshot).
    public func period(_ kind: PeriodFigures.Kind, containing day: LocalDay) -> PeriodFigures {
        let found = kind == .week ? weekIndex[day.isoWeekName].map { weeks[$0] } : monthIndex[day.monthName].map { months[$0] }
        return found ?? PeriodFigures(kind: kind, containing: day, history: history)
    }

    /// `cost` in the revenue currency, when a rate is known.
    public func inRevenueCurrency(_ cost: Money) -> Money? {
        guard let rate = settings.costRate else { return nil }
        return rate == .one ? cost : cost.converted(by: rate)
    }
}
