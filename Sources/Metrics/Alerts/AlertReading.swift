/// The four alerts of docs/metrics.md, in its order.
public enum AlertName: String, Sendable, CaseIterable {
    case errorRateHigh = "error_rate_high"
    case conversionRateLow = "conversion_rate_low"
    case apiCostHigh = "api_cost_high"
    case noActivity = "no_activity"
}

/// An alert's state at one evaluation.
public enum AlertState: String, Sendable {
    case firing, ok
    case notEvaluated = "not_evaluated"
}

/// One alert as measured at `now`: state, measured value and threshold,
/// both in their JSON form (a fraction or hours as a number, money as a string).
public struct AlertReading: Sendable, Equatable {
    /// Which alert.
    public var name: AlertName
    /// Its state.
    public var state: AlertState
    /// The measured figure, or `.null` where it is undefined.
    public var value: JSONValue
    /// The configured threshold.
    public var threshold: JSONValue

    /// A reading.
    public init(name: AlertName, state: AlertState, value: JSONValue, threshold: JSONValue) {
        self.name = name
        self.state = state
        self.value = value
        self.threshold = threshold
    }
}

/// What the rules look at: the trailing 24 hours and the stocks now.
public struct AlertInputs: Sendable, Equatable {
    /// The run's `now`, unix ms.
    public var now: Int64
    /// Commands, errors, api costs of (now - 24 h, now] and the latest
    /// active-user event.
    public var trailing: TrailingActivity
    /// Users registered at `now`.
    public var totalUsers: Int
    /// Premium users at `now`.
    public var premiumUsers: Int

    /// The inputs of one evaluation.
    public init(now: Int64, trailing: TrailingActivity, totalUsers: Int, premiumUsers: Int) {
        self.now = now
        self.trailing = trailing
        self.totalUsers = totalUsers
        self.premiumUsers = premiumUsers
    }
}
