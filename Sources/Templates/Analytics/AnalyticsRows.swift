import Metrics

/// The rows of the revenue, retention and funnel pages and of their API
/// and CSV files (docs/site.md, "The analytics pages"), made once from the
/// snapshots: pure values, so that the pages, `api/` and `data/` agree.
struct AnalyticsRows: Sendable {
    /// One day's, week's or month's MRR movements and revenue ratios.
    struct Movements: Sendable {
        /// `YYYY-MM-DD`, `YYYY-Www` or `YYYY-MM`.
        var label: String
        /// The five movements in the file's order, nil on a day the ledger
        /// does not cover (a period: when one of its days is not covered).
        var amounts: [Money]?
        /// The day's (a period: its last day's) 30-day figures.
        var quickRatio: Ratio?, churnRate30d: Ratio?, grr30d: Ratio?, nrr30d: Ratio?
        /// True for the day, week or month in progress.
        var inProgress = false
        /// The net MRR change of the movements.
        var net: Money? { amounts.map(RevenueRetention.net) }
    }

    /// A weekly cohort: its size and its active users in each week since.
    struct Cohort: Sendable {
        /// `YYYY-Www`.
        var week: String
        /// Its Monday.
        var monday: LocalDay
        /// Users registered in that week (as the latest snapshot counts them).
        var size: Int
        /// Active users in week 0, 1, … (nil where no snapshot tells).
        var active: [Int?]
        /// True when its last cell is the week in progress.
        var lastInProgress: Bool
    }

    /// One day's retention day 1, 7 and 30 as rates.
    struct DayN: Sendable {
        var date: LocalDay
        var rates: [Ratio?]
    }

    /// One ISO week's lifecycle.
    struct Lifecycle: Sendable {
        var week: String
        var counts: SnapshotAnalytics.Lifecycle
        var inProgress: Bool
    }

    /// A source's 30-day conversion, summed over the last 30 days' cohorts.
    struct Source: Sendable {
        var source: Name
        var registered: Int, converted: Int
    }

    var daily: [Movements] = [], weekly: [Movements] = [], monthly: [Movements] = []
    var cohorts: [Cohort] = []
    var dayN: [DayN] = []
    var lifecycle: [Lifecycle] = []
    var funnel7: [SnapshotAnalytics.Funnel7] = []
    var funnel30: [SnapshotAnalytics.Funnel30] = []
    var bySource: [Source] = []

    /// 7-day funnels summed, step by step.
    static func total(_ funnels: some Sequence<SnapshotAnalytics.Funnel7>) -> (registered: Int, activated: Int, returned: Int, converted: Int) {
        funnels.reduce((0, 0, 0, 0)) { ($0.0 + $1.registered, $0.1 + $1.activated, $0.2 + $1.returned, $0.3 + $1.converted) }
    }

    /// Columns of the cohort triangle: week 0 to 11.
    static let cohortWeeks = 12
}
