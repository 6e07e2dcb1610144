/// What happened in the trailing 24 hours before `now`, and the latest
/// active-user event: the inputs of the alert rules.
public struct TrailingActivity: Sendable, Equatable {
    /// Command events in (now - 24 h, now].
    public var commands = 0
    /// Error events in (now - 24 h, now].
    public var errors = 0
    /// Summed api costs in (now - 24 h, now], in the cost currency.
    public var apiCost = Money.zero
    /// Time of the latest registration or command event at or before now.
    public var lastActivityMs: Int64?

    /// No activity.
    public init() {}
}

/// One rejected entry, for the log: its ID and reason, never its user.
public struct RejectionExample: Sendable, Equatable {
    /// The stream entry ID.
    public let entryID: String
    /// Why it was rejected.
    public let reason: Rejection
}
