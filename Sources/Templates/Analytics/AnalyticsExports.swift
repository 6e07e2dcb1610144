import Metrics

/// `api/movements.json`, `retention.json`, `funnel.json` and
/// `data/movements.csv`, `retention.csv`, `funnel.csv` (docs/site.md):
/// the analytics pages' rows, money as decimal strings, rates as
/// fractions, null (in CSV: an empty cell) where a figure is undefined.
struct AnalyticsExports {
    let rows: AnalyticsRows

    /// The three API files and the three CSV files.
    func files() -> [SiteFile] {
        [api("movements", movements()), api("retention", retention()), api("funnel", funnel()),
         CSVExport.file("movements", header: ["date"] + AnalyticsExports.movementColumns, rows: rows.daily.map(movementCells)),
         CSVExport.file("retention", header: ["week", "k", "size", "active"], rows: rows.cohorts.flatMap { cohort in
             cohort.active.enumerated().compactMap { k, active in
                 active.map { [.text(cohort.week), .number(String(k)), .number(String(cohort.size)), .number(String($0))] }
             }
         }),
         CSVExport.file("funnel", header: ["funnel", "cohort", "registered", "activated", "returned", "converted"],
                  rows: rows.funnel7.map { f in
                      [.text("d7"), .text(f.cohort.description), count(f.registered), count(f.activated), count(f.returned), count(f.converted)]
                  } + rows.funnel30.map { f in
                      [.text("d30"), .text(f.cohort.description), count(f.registered), .empty, .empty, count(f.converted)]
                  })]
    }

    static let movementColumns = ["new", "expansion", "contraction", "churn", "reactivation", "net",
                                  "quick_ratio", "churn_rate_30d", "grr_30d", "nrr_30d"]

    func api(_ name: String, _ json: JSONValue) -> SiteFile { SiteFile(path: "api/\(name).json", bytes: json.serialized()) }

    func count(_ value: Int) -> CSVExport.Cell { .number(String(value)) }

    func movementCells(_ row: AnalyticsRows.Movements) -> [CSVExport.Cell] {
        func money(_ v: Money?) -> CSVExport.Cell { v.map { .number($0.description) } ?? .empty }
        func ratio(_ v: Ratio?) -> CSVExport.Cell { v.map { .number($0.jsonText) } ?? .empty }
        return [.text(row.label)] + (0..<5).map { money(row.amounts?[$0]) }
            + [money(row.net), ratio(row.quickRatio), ratio(row.churnRate30d), ratio(row.grr30d), ratio(row.nrr30d)]
    }

    func movementMembers(_ key: String, _ row: AnalyticsRows.Movements) -> JSONValue {
        let amounts = SnapshotAnalytics.Movement.allCases.map { JSONMember($0.key, JSONValue.money(row.amounts?[$0.rawValue])) }
        return .object([JSONMember(key, .text(row.label))] + amounts + [
            JSONMember("net", JSONValue.money(row.net)), JSONMember("quick_ratio", JSONValue.ratio(row.quickRatio)),
            JSONMember("churn_rate_30d", JSONValue.ratio(row.churnRate30d)), JSONMember("grr_30d", JSONValue.ratio(row.grr30d)),
            JSONMember("nrr_30d", JSONValue.ratio(row.nrr30d)),
        ])
    }

    func movements() -> JSONValue {
        .object([JSONMember("daily", .array(rows.daily.map { movementMembers("date", $0) })),
                 JSONMember("weekly", .array(rows.weekly.map { movementMembers("week", $0) })),
                 JSONMember("monthly", .array(rows.monthly.map { movementMembers("month", $0) }))])
    }

    func retention() -> JSONValue {
        .object([
            JSONMember("cohorts", .array(rows.cohorts.map { c in
                .object([JSONMember("week", .text(c.week)), JSONMember("size", .int(c.size)),
                         JSONMember("active", .array(c.active.map { JSONValue.count($0) }))])
            })),
            JSONMember("day_n", .array(rows.dayN.map { d in
                .object([JSONMember("date", .text(d.date.description)), JSONMember("d1", JSONValue.ratio(d.rates[0])),
                         JSONMember("d7", JSONValue.ratio(d.rates[1])), JSONMember("d30", JSONValue.ratio(d.rates[2]))])
            })),
            JSONMember("lifecycle", .array(rows.lifecycle.map { l in
                .object([JSONMember("week", .text(l.week)), JSONMember("new", .int(l.counts.new)),
                         JSONMember("returning", .int(l.counts.returning)), JSONMember("resurrecting", .int(l.counts.resurrecting)),
                         JSONMember("dormant", .int(l.counts.dormant))])
            })),
        ])
    }

    func funnel() -> JSONValue {
        .object([
            JSONMember("d7", .array(rows.funnel7.map { f in
                .object([JSONMember("cohort", .text(f.cohort.description)), JSONMember("registered", .int(f.registered)),
                         JSONMember("activated", .int(f.activated)), JSONMember("returned", .int(f.returned)),
                         JSONMember("converted", .int(f.converted))])
            })),
            JSONMember("d30", .array(rows.funnel30.map { f in
                .object([JSONMember("cohort", .text(f.cohort.description)), JSONMember("registered", .int(f.registered)),
                         JSONMember("converted", .int(f.converted))])
            })),
            JSONMember("by_source", .array(rows.bySource.map { s in
                .object([JSONMember("source", .string(s.source.bytes)), JSONMember("registered", .int(s.registered)),
                         JSONMember("converted", .int(s.converted))])
            })),
        ])
    }
}
