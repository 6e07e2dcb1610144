/// The range every snapshot figure stays in, checked when a snapshot is
/// read and before one is written. Within it, no sum over the days of a
/// period, conversion at a configured rate (at most 10⁹) or ratio that a
/// build computes can overflow, so arithmetic never traps; a hand-edited
/// file out of range is an error naming it and the field instead.
extension Snapshot {
    /// Any amount: at most 10¹⁸ units (a quintillion euros) either way.
    public static let moneyLimit = Money(micros: 1_000_000_000_000_000_000_000_000)
    /// Any count: at most 10¹² (a trillion) either way.
    public static let countLimit = 1_000_000_000_000

    /// The first field out of range, as `field: reason`; nil when every one is in range.
    /// Flows and `users.total` are never negative; stocks (premium, free,
    /// MRR) may be, as docs/metrics.md says of a rewind past an inconsistency.
    public func rangeProblem() -> String? {
        // Every snapshot read is checked: each check passes on a plain
        // comparison, and its message (and field name) is made only for
        // the one that fails.
        var problem: String?
        func flow(_ value: Int, _ field: @autoclosure () -> String) -> Bool {
            guard value >= 0 else { problem = "\(field()): \(value) is negative"; return false }
            return stock(value, field())
        }
        func stock(_ value: Int, _ field: @autoclosure () -> String) -> Bool {
            guard value.magnitude <= UInt(Snapshot.countLimit) else {
                problem = "\(field()): \(value) is out of range (at most 10^12)"
                return false
            }
            return true
        }
        func amount(_ value: Money, _ field: @autoclosure () -> String, negativeAllowed: Bool = false) -> Bool {
            guard negativeAllowed || value.micros >= 0 else { problem = "\(field()): \(value) is negative"; return false }
            guard value.micros.magnitude <= Snapshot.moneyLimit.micros.magnitude else {
                problem = "\(field()): \(value) is out of range (at most 10^18)"
                return false
            }
            return true
        }
        func counts(_ list: [NamedCount], _ field: String) -> Bool {
            list.allSatisfy { flow($0.count, "\(field).\($0.name)") }
        }
        _ = flow(users.total, "users.total") && stock(users.premium, "users.premium") && stock(users.free, "users.free")
            && flow(users.new, "users.new") && flow(users.active, "users.active")
            && flow(users.active7d, "users.active_7d") && flow(users.active30d, "users.active_30d")
            && amount(revenue.mrr, "revenue.mrr", negativeAllowed: true)
            && flow(revenue.conversions, "revenue.conversions") && flow(revenue.cancellations, "revenue.cancellations")
            && amount(revenue.newMRR, "revenue.new_mrr") && amount(revenue.churnedMRR, "revenue.churned_mrr")
            && flow(engagement.commands, "engagement.commands") && flow(engagement.errors, "engagement.errors")
            && counts(engagement.byCommand, "engagement.by_command")
            && costs.api.allSatisfy { flow($0.calls, "costs.api.\($0.provider).calls") && amount($0.cost, "costs.api.\($0.provider).cost") }
            && amount(costs.apiTotal, "costs.api_total") && amount(costs.infrastructure, "costs.infrastructure")
            && counts(acquisitionBySource, "acquisition.by_source")
            && flow(dataQuality.eventsRead, "data_quality.events_read") && counts(dataQuality.rejected, "data_quality.rejected")
        return problem
    }
}
