
/// The alert rules of docs/metrics.md as pure functions.
public enum AlertRules {
    /// Fewest commands in 24 h for `error_rate_high` to be evaluated.
    public static let minimumCommands = 20
    /// Fewest users for `conversion_rate_low` to be evaluated.
    public static let minimumUsers = 20

    /// Every alert, in the order of docs/metrics.md.
    public static func evaluate(_ inputs: AlertInputs, thresholds alerts: Configuration.Alerts) -> [AlertReading] {
        let measured = [errorRate(inputs, alerts.errorRate), conversionRate(inputs, alerts.conversionRate),
                        apiCost(inputs, alerts.apiCostPerDay), noActivity(inputs, hours: alerts.noActivityHours)]
        return zip(thresholds(alerts), measured).map {
            AlertReading(name: $0.name, state: $1.state, value: $1.value, threshold: $0.threshold)
        }
    }

    /// Each alert's threshold as JSON holds it (a fraction or hours as a
    /// number, money as a string), in the order of docs/metrics.md.
    public static func thresholds(_ alerts: Configuration.Alerts) -> [(name: AlertName, threshold: JSONValue)] {
        [(.errorRateHigh, .number(alerts.errorRate.description)), (.conversionRateLow, .number(alerts.conversionRate.description)),
         (.apiCostHigh, .money(alerts.apiCostPerDay)), (.noActivity, .real(alerts.noActivityHours))]
    }

    /// errors / commands over 24 h above the threshold; at least 20 commands.
    static func errorRate(_ inputs: AlertInputs, _ threshold: Fraction) -> (state: AlertState, value: JSONValue) {
        let commands = inputs.trailing.commands, errors = inputs.trailing.errors
        let value = JSONValue.ratio(Ratio(errors, over: commands))
        return (commands < minimumCommands ? .notEvaluated : threshold.isExceeded(by: errors, of: commands) ? .firing : .ok, value)
    }

    /// premium / total now below the threshold; at least 20 users.
    static func conversionRate(_ inputs: AlertInputs, _ threshold: Fraction) -> (state: AlertState, value: JSONValue) {
        let total = inputs.totalUsers, premium = inputs.premiumUsers
        let value = JSONValue.ratio(Ratio(premium, over: total))
        return (total < minimumUsers ? .notEvaluated : threshold.isUndercut(by: premium, of: total) ? .firing : .ok, value)
    }

    /// api costs over 24 h above the threshold, in the cost currency.
    static func apiCost(_ inputs: AlertInputs, _ threshold: Money) -> (state: AlertState, value: JSONValue) {
        let cost = inputs.trailing.apiCost
        return (cost > threshold ? .firing : .ok, .money(cost))
    }

    /// No active-user event in (now - N h, now]; fires too when none was read.
    static func noActivity(_ inputs: AlertInputs, hours: Double) -> (state: AlertState, value: JSONValue) {
        guard let last = inputs.trailing.lastActivityMs else { return (.firing, .null) }
        let elapsed = Double(inputs.now - last)
        return (elapsed >= hours * 3_600_000 ? .firing : .ok, .real(elapsed / 3_600_000))
    }
}
