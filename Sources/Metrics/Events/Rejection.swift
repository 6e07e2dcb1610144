/// Why an entry was rejected, named as the Redis contract names it.
public enum Rejection: String, Error, Sendable, CaseIterable, Comparable, Codable {
    case missingType = "missing_type"
    case unknownType = "unknown_type"
    case missingUser = "missing_user"
    case missingName = "missing_name"
    case missingAmount = "missing_amount"
    case missingProvider = "missing_provider"
    case badUser = "bad_user"
    case badName = "bad_name"
    case badLatencyMs = "bad_latency_ms"
    case badSource = "bad_source"
    case badKind = "bad_kind"
    case badAmount = "bad_amount"
    case badPlan = "bad_plan"
    case badCurrency = "bad_currency"
    case badInterval = "bad_interval"
    case badProvider = "bad_provider"
    case badCost = "bad_cost"
    case badModel = "bad_model"
    case unknownCurrency = "unknown_currency"
    case badRegisteredAt = "bad_registered_at"
    case badSubscription = "bad_subscription"

    /// Ordered by the UTF-8 bytes of the reason, as published.
    public static func < (lhs: Rejection, rhs: Rejection) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }

    /// Dense index, for per-day counters.
    var index: Int { Rejection.allCases.firstIndex(of: self)! }
}
