/// The entries of the last 24 hours that the alert rules read, kept in the
/// ledger so that a run which reads only what is new still sees them.
public struct RecentActivity: Sendable, Equatable {
    /// Times of command events, unix ms.
    public var commands: [Int64] = []
    /// Times of error events.
    public var errors: [Int64] = []
    /// Times and costs of api calls.
    public var apiCosts: [(ms: Int64, cost: Money)] = []
    /// The latest registration or command event applied.
    public var lastActivityMs: Int64?

    /// Nothing recent.
    public init() {}

    /// Drops what is at or before `now` − 24 h: no later run needs it,
    /// since `now` never goes back.
    public mutating func prune(now: Int64) {
        let limit = now - 86_400_000
        commands.removeAll { $0 <= limit }
        errors.removeAll { $0 <= limit }
        apiCosts.removeAll { $0.ms <= limit }
    }

    /// The trailing 24 hours at `now`, for the alert rules.
    public func trailing(now: Int64) -> TrailingActivity {
        let limit = now - 86_400_000
        var result = TrailingActivity()
        result.commands = commands.reduce(0) { $0 + ($1 > limit && $1 <= now ? 1 : 0) }
        result.errors = errors.reduce(0) { $0 + ($1 > limit && $1 <= now ? 1 : 0) }
        result.apiCost = apiCosts.reduce(.zero) { $1.ms > limit && $1.ms <= now ? $0 + $1.cost : $0 }
        result.lastActivityMs = lastActivityMs
        return result
    }

    public static func == (lhs: RecentActivity, rhs: RecentActivity) -> Bool {
        lhs.commands == rhs.commands && lhs.errors == rhs.errors && lhs.lastActivityMs == rhs.lastActivityMs
            && lhs.apiCosts.map(\.ms) == rhs.apiCosts.map(\.ms) && lhs.apiCosts.map(\.cost) == rhs.apiCosts.map(\.cost)
    }
}
