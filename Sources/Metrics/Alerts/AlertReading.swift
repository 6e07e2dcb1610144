/// The four alerts of docs/metrics.md, then the four anomaly alerts of
/// docs/site.md, in their order.
public enum AlertName: String, Sendable, CaseIterable {
    case errorRateHigh = "error_rate_high"
    case conversionRateLow = "conversion_rate_low"
    case apiCostHigh = "api_cost_high"
    case noActivity = "no_activity"
    case commandsLow = "commands_low"
    case registrationsLow = "registrations_low"
    case conversionsLow = "conversions_low"
    case errorsHigh = "errors_high"

    /// True for the alerts whose threshold is a baseline, not a setting.
    public var isAnomaly: Bool {
        switch self {
        case .commandsLow, .registrationsLow, .conversionsLow, .errorsHigh: return true
        default: return false
        }
    }
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
    /// The configured threshold (an anomaly alert's: its baseline median).
    public var threshold: JSONValue
    /// Not evaluated inside quiet hours: the end of a firing is not notified.
    public var silent = false

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
    /// Today so far and its baseline, for the anomaly alerts.
    public var anomaly: AnomalyInputs
    /// The configured zone, for quiet hours.
    public var calendar: DayCalendar

    /// The inputs of one evaluation.
    public init(now: Int64, trailing: TrailingActivity, totalUsers: Int, premiumUsers: Int,
                anomaly: AnomalyInputs = AnomalyInputs(today: .init(), baseline: []),
                calendar: DayCalendar = DayCalendar(timeZoneName: "UTC")!) {
        self.now = now
        self.trailing = trailing
        self.totalUsers = totalUsers
        self.premiumUsers = premiumUsers
        self.anomaly = anomaly
        self.calendar = calendar
    }
}
