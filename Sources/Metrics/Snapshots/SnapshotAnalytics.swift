/// The fields version 2 adds to a snapshot (docs/analytics.md). Optional
/// members are the per-user fields, `nil` on days the ledger does not cover.
public struct SnapshotAnalytics: Sendable, Equatable {
    /// The five kinds of MRR movement, in the file's order.
    public enum Movement: Int, CaseIterable, Sendable {
        case new, expansion, contraction, churn, reactivation
        /// The key in the file.
        public var key: String { ["new", "expansion", "contraction", "churn", "reactivation"][rawValue] }
    }

    /// A plan's or an interval's subscriptions and MRR at the end of the day.
    public struct Mix: Sendable, Equatable {
        public var subscriptions = 0
        public var mrr = Money.zero
        public init(subscriptions: Int = 0, mrr: Money = .zero) { self.subscriptions = subscriptions; self.mrr = mrr }
    }

    /// Paying customers over the 30 days ending on the day.
    public struct Retention30: Sendable, Equatable {
        public var customersStart = 0, customersRetained = 0
        public var mrrStart = Money.zero, mrrRetained = Money.zero, mrrNow = Money.zero
        public init() {}
    }

    /// One cohort's size and how many of it were active.
    public struct Cohort: Sendable, Equatable {
        /// `YYYY-MM-DD` or `YYYY-Www`.
        public var label: String
        public var size = 0, active = 0
        public init(label: String, size: Int = 0, active: Int = 0) { self.label = label; self.size = size; self.active = active }
    }

    /// This week's active users split by their history, and the dormant.
    public struct Lifecycle: Sendable, Equatable {
        public var new = 0, returning = 0, resurrecting = 0, dormant = 0
        public init() {}
    }

    /// The 7-day activation funnel of the cohort of d − 7.
    public struct Funnel7: Sendable, Equatable {
        public var cohort: LocalDay
        public var registered = 0, activated = 0, returned = 0, converted = 0
        public init(cohort: LocalDay) { self.cohort = cohort }
    }

    /// A source's registrations and conversions in the 30-day funnel.
    public struct SourceFunnel: Sendable, Equatable {
        public var source: Name
        public var registered = 0, converted = 0
        public init(source: Name) { self.source = source }
    }

    /// The 30-day conversion of the cohort of d − 30.
    public struct Funnel30: Sendable, Equatable {
        public var cohort: LocalDay
        public var registered = 0, converted = 0
        /// By source, sorted by bytes.
        public var bySource: [SourceFunnel] = []
        public init(cohort: LocalDay) { self.cohort = cohort }
    }

    /// Per hour of the day (23, 24 or 25 elements; those begun, for today).
    public struct Hourly: Sendable, Equatable {
        public var commands: [Int] = [], errors: [Int] = [], registrations: [Int] = []
        public var conversions: [Int] = [], cancellations: [Int] = []
        /// Distinct active users from the day's start to each hour's end.
        public var active: [Int] = []
        public var apiCost: [Money] = []
        public init() {}
    }

    /// Movement amounts by `Movement.rawValue`.
    public var movements: [Money]?
    /// Users with each movement.
    public var movementUsers: [Int]?
    /// What the movements leave of the MRR's change (negative MRR_u only).
    public var movementsUnexplained: Money?
    /// Subscriptions and MRR by plan, sorted by bytes, zero plans left out.
    public var byPlan: [(plan: Name, mix: Mix)] = []
    /// Monthly plans.
    public var month = Mix()
    /// Yearly plans.
    public var year = Mix()
    public var retention30d: Retention30?
    /// Commands run by paying users, sorted by bytes.
    public var byCommandPaying: [NamedCount]?
    public var unreadGap = false
    public var hourly = Hourly()
    /// N = 1, 7, 30.
    public var dayN: [Cohort]?
    /// The 12 ISO weeks up to this one, oldest first.
    public var weekly: [Cohort]?
    public var lifecycle: Lifecycle?
    public var funnel7: Funnel7?
    public var funnel30: Funnel30?

    /// Empty figures.
    public init() {}

    public static func == (lhs: SnapshotAnalytics, rhs: SnapshotAnalytics) -> Bool {
        lhs.movements == rhs.movements && lhs.movementUsers == rhs.movementUsers
            && lhs.movementsUnexplained == rhs.movementsUnexplained
            && lhs.byPlan.map(\.plan) == rhs.byPlan.map(\.plan) && lhs.byPlan.map(\.mix) == rhs.byPlan.map(\.mix)
            && lhs.month == rhs.month && lhs.year == rhs.year && lhs.retention30d == rhs.retention30d
            && lhs.byCommandPaying == rhs.byCommandPaying && lhs.unreadGap == rhs.unreadGap && lhs.hourly == rhs.hourly
            && lhs.dayN == rhs.dayN && lhs.weekly == rhs.weekly && lhs.lifecycle == rhs.lifecycle
            && lhs.funnel7 == rhs.funnel7 && lhs.funnel30 == rhs.funnel30
    }
}
