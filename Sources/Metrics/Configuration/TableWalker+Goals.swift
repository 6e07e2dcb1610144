import TOMLKit

/// `[[goals]]`: a figure, a target of its type and a local date.
extension TableWalker {
    func goals(_ value: TOMLValueConvertible) throws(ConfigurationError) -> [Configuration.Goal] {
        guard let items = value.array else { throw fail("goals", "expected an array of tables ([[goals]]), got \(shown(value))") }
        var goals: [Configuration.Goal] = []
        for (index, item) in items.enumerated() {
            let key = "goals[\(index)]"
            let entry = try table(item, key, allowed: ["metric", "target", "by"])
            guard let metricValue = entry["metric"] else { throw fail("\(key).metric", "missing") }
            let name = try string(metricValue, "\(key).metric")
            guard let metric = Configuration.Goal.Metric(rawValue: name) else {
                let names = Configuration.Goal.Metric.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail("\(key).metric", "expected one of \(names), got \(shown(metricValue))")
            }
            guard let raw = entry["target"] else { throw fail("\(key).target", "missing") }
            let target: Configuration.Goal.Target
            switch metric {
            case .mrr:
                guard raw.type == .string else { throw fail("\(key).target", "expected an amount as a string such as \"870.00\", got \(shown(raw))") }
                target = .money(try money(raw, "\(key).target"))
            case .premiumUsers, .totalUsers, .dau:
                guard let count = raw.int, count > 0 else { throw fail("\(key).target", "expected a whole number above 0, got \(shown(raw))") }
                target = .count(count)
            case .conversionRate:
                target = .rate(try fraction(raw, "\(key).target"))
            }
            guard let byValue = entry["by"] else { throw fail("\(key).by", "missing") }
            let text = byValue.string ?? byValue.date.map { "\($0.year)-\(LocalDay.pad(Int($0.month), 2))-\(LocalDay.pad(Int($0.day), 2))" }
            guard let text, let by = LocalDay(text) else { throw fail("\(key).by", "expected a date such as \"2026-03-31\", got \(shown(byValue))") }
            goals.append(Configuration.Goal(metric: metric, target: target, by: by))
        }
        return goals
    }
}
