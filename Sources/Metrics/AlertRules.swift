/// The four alerts of metrics.md, in its order.
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

/// The alert rules of metrics.md as pure functions.
public enum AlertRules {
    /// Fewest commands in 24 h for `error_rate_high` to be evaluated.
    public static let minimumCommands = 20
    /// Fewest users for `conversion_rate_low` to be evaluated.
    public static let minimumUsers = 20

    /// Every alert, in the order of metrics.md.
    public static func evaluate(_ inputs: AlertInputs, thresholds: Configuration.Alerts) -> [AlertReading] {
        [errorRate(inputs, thresholds.errorRate), conversionRate(inputs, thresholds.conversionRate),
         apiCost(inputs, thresholds.apiCostPerDay), noActivity(inputs, hours: thresholds.noActivityHours)]
    }

    /// errors / commands over 24 h above the threshold; at least 20 commands.
    static func errorRate(_ inputs: AlertInputs, _ threshold: Fraction) -> AlertReading {
        let commands = inputs.trailing.commands, errors = inputs.trailing.errors
        let value = Ratio(errors, over: commands).map { JSONValue.number($0.jsonText) } ?? .null
        let state: AlertState = commands < minimumCommands ? .notEvaluated
            : threshold.isExceeded(by: errors, of: commands) ? .firing : .ok
        return AlertReading(name: .errorRateHigh, state: state, value: value, threshold: .number(threshold.description))
    }

    /// premium / total now below the threshold; at least 20 users.
    static func conversionRate(_ inputs: AlertInputs, _ threshold: Fraction) -> AlertReading {
        let total = inputs.totalUsers, premium = inputs.premiumUsers
        let value = Ratio(premium, over: total).map { JSONValue.number($0.jsonText) } ?? .null
        let state: AlertState = total < minimumUsers ? .notEvaluated
            : threshold.isUndercut(by: premium, of: total) ? .firing : .ok
        return AlertReading(name: .conversionRateLow, state: state, value: value, threshold: .number(threshold.description))
    }

    /// api costs over 24 h above the threshold, in the cost currency.
    static func apiCost(_ inputs: AlertInputs, _ threshold: Money) -> AlertReading {
        let cost = inputs.trailing.apiCost
        return AlertReading(name: .apiCostHigh, state: cost > threshold ? .firing : .ok,
                            value: .text(cost.description), threshold: .text(threshold.description))
    }

    /// No active-user event in (now - N h, now]; fires too when none was read.
    static func noActivity(_ inputs: AlertInputs, hours: Double) -> AlertReading {
        let threshold = JSONValue.number(Ratio.jsonText(hours))
        guard let last = inputs.trailing.lastActivityMs else {
            return AlertReading(name: .noActivity, state: .firing, value: .null, threshold: threshold)
        }
        let elapsed = Double(inputs.now - last)
        let state: AlertState = elapsed >= hours * 3_600_000 ? .firing : .ok
        return AlertReading(name: .noActivity, state: state, value: .number(Ratio.jsonText(elapsed / 3_600_000)), threshold: threshold)
    }
}
