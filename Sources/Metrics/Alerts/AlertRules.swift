
/// The alert rules of docs/metrics.md as pure functions.
public enum AlertRules {
    /// Fewest commands in 24 h for `error_rate_high` to be evaluated.
    public static let minimumCommands = 20
    /// Fewest users for `conversion_rate_low` to be evaluated.
    public static let minimumUsers = 20

    /// Every alert: the four of docs/metrics.md, then the four anomaly
    /// alerts of docs/site.md.
    public static func evaluate(_ inputs: AlertInputs, thresholds alerts: Configuration.Alerts) -> [AlertReading] {
        let measured = [errorRate(inputs, alerts.errorRate), conversionRate(inputs, alerts.conversionRate),
                        apiCost(inputs, alerts.apiCostPerDay)]
        var readings = zip(thresholds(alerts), measured).map {
            AlertReading(name: $0.name, state: $1.state, value: $1.value, threshold: $0.threshold)
        }
        readings.append(noActivity(inputs, hours: alerts.noActivityHours, quiet: alerts.quietHours))
        return readings + AnomalyRules.evaluate(inputs.anomaly, enabled: alerts.anomalies)
    }

    /// Each alert's threshold as JSON holds it (a fraction or hours as a
    /// number, money as a string), in the order of docs/metrics.md; an
    /// anomaly alert's is its baseline, unknown before an evaluation.
    public static func thresholds(_ alerts: Configuration.Alerts) -> [(name: AlertName, threshold: JSONValue)] {
        [(.errorRateHigh, .number(alerts.errorRate.description)), (.conversionRateLow, .number(alerts.conversionRate.description)),
         (.apiCostHigh, .money(alerts.apiCostPerDay)), (.noActivity, .real(alerts.noActivityHours))]
            + AlertName.allCases.filter(\.isAnomaly).map { ($0, JSONValue.null) }
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

    /// No active-user event in the last N hours, not counting quiet hours;
    /// fires too when none was read; inside quiet hours, not evaluated and
    /// silent (its end of firing is not notified).
    static func noActivity(_ inputs: AlertInputs, hours: Double, quiet: QuietHours?) -> AlertReading {
        var reading = AlertReading(name: .noActivity, state: .firing, value: .null, threshold: .real(hours))
        if let last = inputs.trailing.lastActivityMs {
            let elapsed = Double(inputs.now - last - (quiet?.overlap(from: last, to: inputs.now, calendar: inputs.calendar) ?? 0))
            reading.value = .real(elapsed / 3_600_000)
            reading.state = elapsed >= hours * 3_600_000 ? .firing : .ok
        }
        if let quiet, quiet.contains(inputs.now, calendar: inputs.calendar) {
            reading.state = .notEvaluated
            reading.silent = true
        }
        return reading
    }
}
