import Foundation
import Metrics

/// `data/*.csv`: one row per day with every scalar snapshot field and the
/// derived figures, and long-format companions for the maps. RFC 4180
/// (CRLF, quotes where needed); a text cell that a spreadsheet would read
/// as a formula is neutralised.
struct CSVExport {
    let data: SiteData
    /// Day rows to copy from the current release.
    var rows = RowSource.none

    /// A cell: numbers are written as they are, text is quoted when needed
    /// and neutralised.
    enum Cell {
        case number(String)
        case text(String)
        case empty
    }

    /// Every CSV file.
    func files() -> [SiteFile] {
        [
            file("metrics", header: CSVExport.metricsHeader) { [metricsRow($0, $1)] },
            file("commands", header: ["date", "command", "count"]) { s, _ in
                s.engagement.byCommand.map { [.text(s.date.description), .text($0.name.description), .number(String($0.count))] }
            },
            file("api_costs", header: ["date", "provider", "calls", "cost"]) { s, _ in
                s.costs.api.map { [.text(s.date.description), .text($0.provider.description), .number(String($0.calls)), .number($0.cost.description)] }
            },
            file("acquisition", header: ["date", "source", "count"]) { s, _ in
                s.acquisitionBySource.map { [.text(s.date.description), .text($0.name.description), .number(String($0.count))] }
            },
            file("rejections", header: ["date", "reason", "count"]) { s, _ in
                s.dataQuality.rejected.map { [.text(s.date.description), .text($0.name.description), .number(String($0.count))] }
            },
        ]
    }

    /// `data/NAME.csv`: the header, then each day's rows, copied from the
    /// current release when their inputs did not change (`RowSource`).
    func file(_ name: String, header: [String], day: (Snapshot, DerivedFigures) -> [[Cell]]) -> SiteFile {
        let path = "data/\(name).csv"
        var out = RowAssembler(rows.previous(path), capacity: 64 * (data.history.snapshots.count + 1))
        out.append(header.joined(separator: ",").utf8)
        out.append("\r\n".utf8)
        for (position, snapshot) in data.history.snapshots.enumerated() {
            out.row(rows.inputs(position)) { bytes in
                var text = ""
                CSVExport.append(day(snapshot, data.figures[position]), to: &text)
                bytes.append(contentsOf: text.utf8)
            }
        }
        return out.file(path)
    }

    static let metricsHeader = [
        "date", "timezone", "status", "captured_at", "events_from", "windows_complete",
        "users_total", "users_premium", "users_free", "users_new", "users_active", "users_active_7d", "users_active_30d",
        "revenue_currency", "revenue_mrr", "revenue_conversions", "revenue_cancellations", "revenue_new_mrr", "revenue_churned_mrr",
        "engagement_commands", "engagement_errors", "engagement_latency_p50_ms", "engagement_latency_p95_ms",
        "costs_currency", "costs_api_total", "costs_infrastructure", "data_quality_events_read", "data_quality_rejected",
        "arr", "arpu", "arppu", "conversion_rate", "error_rate", "stickiness", "churn_rate_30d", "ltv",
        "total_cost", "cost_per_active_user", "net_mrr",
    ]

    func metricsRow(_ s: Snapshot, _ f: DerivedFigures) -> [Cell] {
        func count(_ v: Int) -> Cell { .number(String(v)) }
        func money(_ v: Money?) -> Cell { v.map { .number($0.description) } ?? .empty }
        func ratio(_ v: Ratio?) -> Cell { v.map { .number($0.jsonText) } ?? .empty }
        func latency(_ v: Int64?) -> Cell { v.map { .number(decimalText(micros: $0)) } ?? .empty }
        let u = s.users, r = s.revenue, e = s.engagement
        return [
            .text(s.date.description), .text(s.timezone), .text(s.status.rawValue), .text(Timestamp.format(ms: s.capturedAt)),
            s.coverage.eventsFrom.map { .text(Timestamp.format(ms: $0)) } ?? .empty, .text(s.coverage.windowsComplete ? "true" : "false"),
            count(u.total), count(u.premium), count(u.free), count(u.new), count(u.active), count(u.active7d), count(u.active30d),
            .text(r.currency), money(r.mrr), count(r.conversions), count(r.cancellations), money(r.newMRR), money(r.churnedMRR),
            count(e.commands), count(e.errors), latency(e.latencyP50Micros), latency(e.latencyP95Micros),
            .text(s.costs.currency), money(s.costs.apiTotal), money(s.costs.infrastructure),
            count(s.dataQuality.eventsRead), count(s.dataQuality.rejected.reduce(0) { $0 + $1.count }),
            money(f.arr), money(f.arpu), money(f.arppu), ratio(f.conversionRate), ratio(f.errorRate), ratio(f.stickiness),
            ratio(f.churnRate30d), money(f.ltv), money(f.totalCost), money(f.costPerActiveUser), money(f.netMRR),
        ]
    }

    /// `data/NAME.csv` of a header and rows.
    static func file(_ name: String, header: [String], rows: [[Cell]]) -> SiteFile {
        var out = ""
        out.reserveCapacity(64 * (rows.count + 1))
        out += header.joined(separator: ",")
        out += "\r\n"
        append(rows, to: &out)
        return SiteFile(path: "data/\(name).csv", text: out)
    }

    /// Rows, each ended by CRLF.
    static func append(_ rows: [[Cell]], to out: inout String) {
        for row in rows {
            for (index, cell) in row.enumerated() {
                if index > 0 { out += "," }
                CSVExport.append(cell, to: &out)
            }
            out += "\r\n"
        }
    }

    /// One cell's text: a text cell that starts like a formula (`=`, `+`,
    /// `-`, `@`, tab, CR) gets a leading `'`, as OWASP advises; a cell with
    /// a comma, a quote or a line break is quoted, quotes doubled.
    static func encode(_ cell: Cell) -> String {
        var out = ""
        append(cell, to: &out)
        return out
    }

    /// `encode`, appended to a file's text.
    static func append(_ cell: Cell, to out: inout String) {
        let text: String, formula: Bool
        switch cell {
        case .empty: return
        case .number(let value): text = value; formula = false
        case .text(let value):
            text = value
            switch value.utf8.first {
            case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: formula = true
            default: formula = false
            }
        }
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) else {
            if formula { out += "'" }
            out += text
            return
        }
        out += formula ? "\"'" : "\""
        out += text.replacingOccurrences(of: "\"", with: "\"\"")
        out += "\""
    }
}
