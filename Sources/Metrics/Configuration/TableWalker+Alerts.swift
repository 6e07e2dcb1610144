import TOMLKit

/// `[alerts]`: thresholds, quiet hours, the anomaly switch and webhooks.
extension TableWalker {
    func alerts(_ value: TOMLValueConvertible) throws(ConfigurationError) -> Configuration.Alerts {
        var result = Configuration.Alerts()
        let alerts = try table(value, "alerts", allowed: ["error_rate", "conversion_rate", "api_cost_per_day", "no_activity_hours",
                                                           "cooldown_hours", "quiet_hours", "anomalies", "webhooks"])
        if let v = alerts["error_rate"] { result.errorRate = try fraction(v, "alerts.error_rate") }
        if let v = alerts["conversion_rate"] { result.conversionRate = try fraction(v, "alerts.conversion_rate") }
        if let v = alerts["api_cost_per_day"] { result.apiCostPerDay = try money(v, "alerts.api_cost_per_day") }
        if let v = alerts["no_activity_hours"] { result.noActivityHours = try hours(v, "alerts.no_activity_hours", allowZero: false) }
        if let v = alerts["cooldown_hours"] { result.cooldownHours = try hours(v, "alerts.cooldown_hours", allowZero: true) }
        if let v = alerts["quiet_hours"] {
            let text = try string(v, "alerts.quiet_hours")
            guard let range = QuietHours(text) else {
                // Not a secret: shown whole when short and on one line.
                let got = text.count <= 32 && !text.contains(where: \.isNewline) ? "\"\(text)\"" : shown(v)
                throw fail("alerts.quiet_hours", "expected a range of two different local times such as \"01:00-07:00\", got \(got)")
            }
            result.quietHours = range
        }
        if let v = alerts["anomalies"] {
            guard let flag = v.bool else { throw fail("alerts.anomalies", "expected true or false, got \(shown(v))") }
            result.anomalies = flag
        }
        if let v = alerts["webhooks"] {
            guard let items = v.array else { throw fail("alerts.webhooks", "expected an array of URLs or tables, got \(shown(v))") }
            for (index, item) in items.enumerated() { result.webhooks.append(try webhook(item, "alerts.webhooks[\(index)]")) }
        }
        return result
    }

    /// A URL, or `{ url, format, secret_env }`.
    func webhook(_ item: TOMLValueConvertible, _ key: String) throws(ConfigurationError) -> Configuration.Webhook {
        if item.type == .string { return Configuration.Webhook(url: try httpURL(item, key, allowEmpty: false)) }
        guard item.table != nil else { throw fail(key, "expected a URL or a table { url = ..., format = ... }, got \(shown(item))") }
        let entry = try table(item, key, allowed: ["url", "format", "secret_env"])
        guard let url = entry["url"] else { throw fail("\(key).url", "missing") }
        var hook = Configuration.Webhook(url: try httpURL(url, "\(key).url", allowEmpty: false))
        if let v = entry["format"] {
            let name = try string(v, "\(key).format")
            guard let format = Configuration.Webhook.Format(rawValue: name) else {
                throw fail("\(key).format", "expected \"json\", \"slack\" or \"discord\", got \(shown(v))")
            }
            hook.format = format
        }
        if let v = entry["secret_env"] { hook.secretEnv = try variableName(v, "\(key).secret_env") }
        return hook
    }
}
