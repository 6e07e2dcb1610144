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
        // Every snapshot read is checked; the messages are made only for one out of range.
        guard !isInRange else { return nil }
        func flow(_ value: Int, _ field: String) -> String? {
            value < 0 ? "\(field): \(value) is negative" : stock(value, field)
        }
        func stock(_ value: Int, _ field: String) -> String? {
            value.magnitude > UInt(Snapshot.countLimit) ? "\(field): \(value) is out of range (at most 10^12)" : nil
        }
        func amount(_ value: Money, _ field: String, negativeAllowed: Bool = false) -> String? {
            if !negativeAllowed && value.micros < 0 { return "\(field): \(value) is negative" }
            return value.micros.magnitude > Snapshot.moneyLimit.micros.magnitude ? "\(field): \(value) is out of range (at most 10^18)" : nil
        }
        func counts(_ list: [NamedCount], _ field: String) -> String? {
            list.lazy.compactMap { flow($0.count, "\(field).\($0.name)") }.first
        }
        let checks: [() -> String?] = [
            { flow(users.total, "users.total") }, { stock(users.premium, "users.premium") }, { stock(users.free, "users.free") },
            { flow(users.new, "users.new") }, { flow(users.active, "users.active") },
            { flow(users.active7d, "users.active_7d") }, { flow(users.active30d, "users.active_30d") },
            { amount(revenue.mrr, "revenue.mrr", negativeAllowed: true) },
            { flow(revenue.conversions, "revenue.conversions") }, { flow(revenue.cancellations, "revenue.cancellations") },
            { amount(revenue.newMRR, "revenue.new_mrr") }, { amount(revenue.churnedMRR, "revenue.churned_mrr") },
            { flow(engagement.commands, "engagement.commands") }, { flow(engagement.errors, "engagement.errors") },
            { counts(engagement.byCommand, "engagement.by_command") },
            { costs.api.lazy.compactMap { flow($0.calls, "costs.api.\($0.provider).calls") ?? amount($0.cost, "costs.api.\($0.provider).cost") }.first },
            { amount(costs.apiTotal, "costs.api_total") }, { amount(costs.infrastructure, "costs.infrastructure") },
            { counts(acquisitionBySource, "acquisition.by_source") },
            { flow(dataQuality.eventsRead, "data_quality.events_read") }, { counts(dataQuality.rejected, "data_quality.rejected") },
        ]
        for check in checks {
            if let problem = check() { return problem }
        }
        return nil
    }

    /// The same checks as `rangeProblem()`, without a message.
    private var isInRange: Bool {
        let count = UInt(Snapshot.countLimit), money = Snapshot.moneyLimit.micros.magnitude
        func flow(_ value: Int) -> Bool { value >= 0 && value.magnitude <= count }
        func stock(_ value: Int) -> Bool { value.magnitude <= count }
        func amount(_ value: Money) -> Bool { value.micros >= 0 && value.micros.magnitude <= money }
        func counts(_ list: [NamedCount]) -> Bool { list.allSatisfy { flow($0.count) } }
        return flow(users.total) && stock(users.premium) && stock(users.free) && flow(users.new) && flow(users.active)
            && flow(users.active7d) && flow(users.active30d) && revenue.mrr.micros.magnitude <= money
            && flow(revenue.conversions) && flow(revenue.cancellations) && amount(revenue.newMRR) && amount(revenue.churnedMRR)
            && flow(engagement.commands) && flow(engagement.errors) && counts(engagement.byCommand)
            && costs.api.allSatisfy { flow($0.calls) && amount($0.cost) }
            && amount(costs.apiTotal) && amount(costs.infrastructure) && counts(acquisitionBySource)
            && flow(dataQuality.eventsRead) && counts(dataQuality.rejected)
    }
}
