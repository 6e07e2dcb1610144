/// Version 2's fields in the snapshot file, in docs/analytics.md's order.
extension SnapshotAnalytics {
    /// After `revenue`'s version 1 fields.
    var revenueMembers: [JSONMember] {
        func mix(_ value: Mix) -> JSONValue {
            .object([JSONMember("subscriptions", .int(value.subscriptions)), JSONMember("mrr", .money(value.mrr))])
        }
        let retention: JSONValue = retention30d.map { r in
            .object([JSONMember("customers_start", .int(r.customersStart)), JSONMember("customers_retained", .int(r.customersRetained)),
                     JSONMember("mrr_start", .money(r.mrrStart)), JSONMember("mrr_retained", .money(r.mrrRetained)),
                     JSONMember("mrr_now", .money(r.mrrNow))])
        } ?? .null
        return [
            JSONMember("movements", movements.map { values in
                .object(Movement.allCases.map { JSONMember($0.key, .money(values[$0.rawValue])) })
            } ?? .null),
            JSONMember("movement_users", movementUsers.map { values in
                .object(Movement.allCases.map { JSONMember($0.key, .int(values[$0.rawValue])) })
            } ?? .null),
            JSONMember("movements_unexplained", .money(movementsUnexplained)),
            JSONMember("by_plan", .object(byPlan.map { JSONMember(key: $0.plan.bytes, value: mix($0.mix)) })),
            JSONMember("by_interval", .object([JSONMember("month", mix(month)), JSONMember("year", mix(year))])),
            JSONMember("retention_30d", retention),
        ]
    }

    /// The objects after `data_quality`.
    var trailingMembers: [JSONMember] {
        func cohort(_ c: Cohort, _ key: String) -> JSONValue {
            .object([JSONMember(key, .text(c.label)), JSONMember("size", .int(c.size)), JSONMember("active", .int(c.active))])
        }
        let ints: ([Int]) -> JSONValue = { .array($0.map { .int($0) }) }
        let dayN: JSONValue = self.dayN.map { list in
            .object(zip(["1", "7", "30"], list).map { JSONMember($0.0, cohort($0.1, "cohort")) })
        } ?? .null
        let lifecycle: JSONValue = self.lifecycle.map { l in
            .object([JSONMember("new", .int(l.new)), JSONMember("returning", .int(l.returning)),
                     JSONMember("resurrecting", .int(l.resurrecting)), JSONMember("dormant", .int(l.dormant))])
        } ?? .null
        let d7: JSONValue = funnel7.map { f in
            .object([JSONMember("cohort", .text(f.cohort.description)), JSONMember("registered", .int(f.registered)),
                     JSONMember("activated", .int(f.activated)), JSONMember("returned", .int(f.returned)),
                     JSONMember("converted", .int(f.converted))])
        } ?? .null
        let d30: JSONValue = funnel30.map { f in
            .object([JSONMember("cohort", .text(f.cohort.description)), JSONMember("registered", .int(f.registered)),
                     JSONMember("converted", .int(f.converted)),
                     JSONMember("by_source", .object(f.bySource.map { s in
                         JSONMember(key: s.source.bytes, value: .object([JSONMember("registered", .int(s.registered)),
                                                                         JSONMember("converted", .int(s.converted))]))
                     }))])
        } ?? .null
        return [
            JSONMember("hourly", .object([
                JSONMember("commands", ints(hourly.commands)), JSONMember("errors", ints(hourly.errors)),
                JSONMember("registrations", ints(hourly.registrations)), JSONMember("conversions", ints(hourly.conversions)),
                JSONMember("cancellations", ints(hourly.cancellations)), JSONMember("active", ints(hourly.active)),
                JSONMember("api_cost", .array(hourly.apiCost.map { .money($0) })),
            ])),
            // Per-user objects are null as a whole on a day the ledger does
            // not cover; on a covered day their members may still be null.
            JSONMember("retention", movements == nil ? .null : .object([
                JSONMember("day_n", dayN),
                JSONMember("weekly", weekly.map { .array($0.map { cohort($0, "week") }) } ?? .null),
            ])),
            JSONMember("lifecycle", lifecycle),
            JSONMember("funnel", movements == nil ? .null : .object([JSONMember("d7", d7), JSONMember("d30", d30)])),
        ]
    }

    /// Reads the version 2 fields of a snapshot document.
    init(reading reader: FieldReader) throws(Snapshot.DecodingFailure) {
        self.init()
        func isNull(_ path: String) throws(Snapshot.DecodingFailure) -> Bool {
            if case .null = try reader.value(path) { return true }
            return false
        }
        func mix(_ path: String) throws(Snapshot.DecodingFailure) -> Mix {
            Mix(subscriptions: try reader.int(path + ".subscriptions"), mrr: try reader.money(path + ".mrr"))
        }
        if try !isNull("revenue.movements") {
            movements = try Movement.allCases.map { (m: Movement) throws(Snapshot.DecodingFailure) in try reader.money("revenue.movements." + m.key) }
            movementUsers = try Movement.allCases.map { (m: Movement) throws(Snapshot.DecodingFailure) in try reader.int("revenue.movement_users." + m.key) }
            movementsUnexplained = try reader.money("revenue.movements_unexplained")
        }
        for member in try reader.members("revenue.by_plan") {
            let inner = FieldReader(root: member.value, prefix: "revenue.by_plan")
            byPlan.append((Name(bytes: member.key), Mix(subscriptions: try inner.int("subscriptions"), mrr: try inner.money("mrr"))))
        }
        month = try mix("revenue.by_interval.month")
        year = try mix("revenue.by_interval.year")
        if try !isNull("revenue.retention_30d") {
            var r = Retention30()
            r.customersStart = try reader.int("revenue.retention_30d.customers_start")
            r.customersRetained = try reader.int("revenue.retention_30d.customers_retained")
            r.mrrStart = try reader.money("revenue.retention_30d.mrr_start")
            r.mrrRetained = try reader.money("revenue.retention_30d.mrr_retained")
            r.mrrNow = try reader.money("revenue.retention_30d.mrr_now")
            retention30d = r
        }
        if try !isNull("engagement.by_command_paying") { byCommandPaying = try reader.counts("engagement.by_command_paying") }
        unreadGap = try reader.bool("data_quality.unread_gap")
        try readTrailing(reader)
    }
}
