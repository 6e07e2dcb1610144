/// Reading back the objects version 2 adds after `data_quality`.
extension SnapshotAnalytics {
    mutating func readTrailing(_ reader: FieldReader) throws(Snapshot.DecodingFailure) {
        func ints(_ path: String) throws(Snapshot.DecodingFailure) -> [Int] {
            var list: [Int] = []
            for item in try reader.array(path) {
                guard item.isInteger, let value = item.intValue else { throw reader.missing(path) }
                list.append(value)
            }
            return list
        }
        func isNull(_ path: String) throws(Snapshot.DecodingFailure) -> Bool {
            if case .null = try reader.value(path) { return true }
            return false
        }
        hourly.commands = try ints("hourly.commands")
        hourly.errors = try ints("hourly.errors")
        hourly.registrations = try ints("hourly.registrations")
        hourly.conversions = try ints("hourly.conversions")
        hourly.cancellations = try ints("hourly.cancellations")
        hourly.active = try ints("hourly.active")
        for item in try reader.array("hourly.api_cost") {
            hourly.apiCost.append(try FieldReader(root: item, prefix: "hourly.api_cost").money(""))
        }
        let retentionNull = try isNull("retention"), funnelNull = try isNull("funnel")
        if !retentionNull, try !isNull("retention.day_n") {
            dayN = try ["1", "7", "30"].map { (n: String) throws(Snapshot.DecodingFailure) in
                Cohort(label: try reader.string("retention.day_n.\(n).cohort"), size: try reader.int("retention.day_n.\(n).size"),
                       active: try reader.int("retention.day_n.\(n).active"))
            }
        }
        if !retentionNull, try !isNull("retention.weekly") {
            weekly = try reader.array("retention.weekly").map { (item: JSONValue) throws(Snapshot.DecodingFailure) in
                let inner = FieldReader(root: item, prefix: "retention.weekly")
                return Cohort(label: try inner.string("week"), size: try inner.int("size"), active: try inner.int("active"))
            }
        }
        if try !isNull("lifecycle") {
            var l = Lifecycle()
            l.new = try reader.int("lifecycle.new")
            l.returning = try reader.int("lifecycle.returning")
            l.resurrecting = try reader.int("lifecycle.resurrecting")
            l.dormant = try reader.int("lifecycle.dormant")
            lifecycle = l
        }
        if !funnelNull, try !isNull("funnel.d7") {
            var f = Funnel7(cohort: try reader.day("funnel.d7.cohort"))
            f.registered = try reader.int("funnel.d7.registered")
            f.activated = try reader.int("funnel.d7.activated")
            f.returned = try reader.int("funnel.d7.returned")
            f.converted = try reader.int("funnel.d7.converted")
            funnel7 = f
        }
        if !funnelNull, try !isNull("funnel.d30") {
            var f = Funnel30(cohort: try reader.day("funnel.d30.cohort"))
            f.registered = try reader.int("funnel.d30.registered")
            f.converted = try reader.int("funnel.d30.converted")
            for member in try reader.members("funnel.d30.by_source") {
                let inner = FieldReader(root: member.value, prefix: "funnel.d30.by_source")
                var source = SourceFunnel(source: Name(bytes: member.key))
                source.registered = try inner.int("registered")
                source.converted = try inner.int("converted")
                f.bySource.append(source)
            }
            funnel30 = f
        }
    }
}

extension FieldReader {
    func array(_ path: String) throws(Snapshot.DecodingFailure) -> [JSONValue] {
        guard case .array(let items) = try value(path) else { throw missing(path) }
        return items
    }
}
