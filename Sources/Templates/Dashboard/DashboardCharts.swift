import Metrics

/// The dashboard's charts: the series embedded in the page for Chart.js,
/// and the same figures as tables for readers without JavaScript.
struct DashboardCharts {
    let data: SiteData
    /// Every provider of the history, by bytes.
    let providers: [Name]
    /// Commands of the 30 days ending on the latest day, most used first.
    let topCommands: [NamedCount]

    /// The charts of a build's data.
    init(data: SiteData) {
        self.data = data
        let snapshots = data.history.snapshots
        providers = Array(Set(snapshots.flatMap { $0.costs.api.map(\.provider) })).sorted()
        var counts: [Name: Int] = [:]
        if let last = snapshots.last {
            for s in data.history.present(endingOn: last.date, days: 30) {
                for item in s.engagement.byCommand { counts[item.name, default: 0] += item.count }
            }
        }
        topCommands = Array(counts.map { NamedCount(name: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
            .prefix(DashboardCharts.topCommandCount))
    }

    /// What the page shows: the embedded JSON and the tables, made once
    /// for both renderings of the dashboard.
    struct Rendered: Sendable {
        let json: String
        let tables: [Table]
    }

    /// The charts, ready for the template.
    func rendered() -> Rendered {
        Rendered(json: String(decoding: json().serialized(), as: UTF8.self), tables: tables())
    }

    /// Rows in each chart's table: the latest days (the CSV has them all).
    static let tableDays = 30
    /// Bars in the top-commands chart.
    static let topCommandCount = 10

    /// A chart's table, for the template.
    struct Table: Sendable {
        let id: String
        let title: String
        let caption: String
        let columns: [String]
        let rows: [[String]]

        var context: [String: Any] {
            ["id": id, "title": title, "caption": caption, "columns": columns,
             "rows": rows.map { ["cells": $0] as [String: Any] }]
        }
    }

    var snapshots: [Snapshot] { data.history.snapshots }
    var revenueCurrency: String { snapshots.last?.revenue.currency ?? "USD" }
    var costCurrency: String { snapshots.last?.costs.currency ?? "USD" }
    /// Costs are charted against revenue only when they can be converted.
    var costsConverted: Bool { data.settings.costRate != nil }

    /// A day's revenue: MRR spread over the days of its month.
    func dailyRevenue(_ s: Snapshot) -> Money { s.revenue.mrr.divided(by: s.date.daysInMonth) }

    /// A cost as charted: in the revenue currency when a rate is known.
    func charted(_ cost: Money) -> Money { data.inRevenueCurrency(cost) ?? cost }

    /// The JSON that `assets/dashboard.js` reads.
    func json() -> JSONValue {
        func series(_ value: (Snapshot, DerivedFigures) -> JSONValue) -> JSONValue {
            .array(zip(snapshots, data.figures).map(value))
        }
        let providerSeries: [JSONValue] = providers.map { provider in
            .object([JSONMember("name", .string(provider.bytes)), JSONMember("values", series { s, _ in
                JSONValue.moneyNumber(charted(s.costs.api.first { $0.provider == provider }?.cost ?? .zero))
            })])
        }
        let top = topCommands
        return .object([
            JSONMember("currency", .text(revenueCurrency)),
            JSONMember("cost_currency", .text(costsConverted ? revenueCurrency : costCurrency)),
            JSONMember("costs_against_revenue", .bool(costsConverted)),
            JSONMember("error_threshold", .number(data.thresholds.errorRate.description)),
            JSONMember("dates", series { s, _ in .text(s.date.description) }),
            JSONMember("in_progress", series { s, _ in .bool(s.status == .partial) }),
            JSONMember("series", .object([
                JSONMember("total", series { s, _ in .int(s.users.total) }),
                JSONMember("premium", series { s, _ in .int(s.users.premium) }),
                JSONMember("dau", series { s, _ in .int(s.users.active) }),
                JSONMember("wau", series { s, _ in .int(s.users.active7d) }),
                JSONMember("mau", series { s, _ in .int(s.users.active30d) }),
                JSONMember("stickiness", series { JSONValue.ratio($1.stickiness) }),
                JSONMember("mrr", series { s, _ in JSONValue.moneyNumber(s.revenue.mrr) }),
                JSONMember("new_mrr", series { s, _ in JSONValue.moneyNumber(s.revenue.newMRR) }),
                JSONMember("churned_mrr", series { s, _ in JSONValue.moneyNumber(s.revenue.churnedMRR) }),
                JSONMember("conversion_rate", series { JSONValue.ratio($1.conversionRate) }),
                JSONMember("infrastructure", series { s, _ in JSONValue.moneyNumber(charted(s.costs.infrastructure)) }),
                JSONMember("revenue", series { s, _ in costsConverted ? JSONValue.moneyNumber(dailyRevenue(s)) : .null }),
                JSONMember("error_rate", series { JSONValue.ratio($1.errorRate) }),
                JSONMember("p50", series { s, _ in JSONValue.latency(s.engagement.latencyP50Micros) }),
                JSONMember("p95", series { s, _ in JSONValue.latency(s.engagement.latencyP95Micros) }),
            ])),
            JSONMember("providers", .array(providerSeries)),
            JSONMember("top_commands", .object([
                JSONMember("names", .array(top.map { .string($0.name.bytes) })),
                JSONMember("counts", .array(top.map { .int($0.count) })),
            ])),
        ])
    }

    /// The eight charts' tables, in the page's order.
    func tables() -> [Table] {
        let recent = Array(zip(snapshots, data.figures).suffix(DashboardCharts.tableDays).reversed())
        let caption = recent.count == snapshots.count ? "every day" : "the latest \(recent.count) days; data/metrics.csv has them all"
        func table(_ id: String, _ title: String, _ columns: [String], _ cells: (Snapshot, DerivedFigures) -> [String]) -> Table {
            Table(id: id, title: title, caption: caption, columns: ["Date"] + columns,
                  rows: recent.map { [$0.0.date.description + ($0.0.status == .partial ? " (so far)" : "")] + cells($0.0, $0.1) })
        }
        let money = { (value: Money?) in Display.money(value, self.revenueCurrency) }
        let costMoney = { (value: Money?) in Display.money(value, self.costsConverted ? self.revenueCurrency : self.costCurrency) }
        let providers = self.providers
        let costTitle = costsConverted ? "Costs by provider and infrastructure, against revenue (\(revenueCurrency) per day)"
            : "Costs by provider and infrastructure (\(costCurrency) per day; no exchange rate to compare with revenue)"
        return [
            table("users", "Users: total and premium", ["Total", "Premium"]) { s, _ in
                [Display.count(s.users.total), Display.count(s.users.premium)]
            },
            table("activity", "Active users: DAU, WAU, MAU and stickiness", ["DAU", "WAU", "MAU", "Stickiness"]) { s, f in
                [Display.count(s.users.active), Display.count(s.users.active7d), Display.count(s.users.active30d), Display.percent(f.stickiness)]
            },
            table("mrr", "MRR, new and churned MRR", ["MRR", "New MRR", "Churned MRR"]) { s, _ in
                [money(s.revenue.mrr), money(s.revenue.newMRR), money(s.revenue.churnedMRR)]
            },
            table("conversion", "Conversion rate (premium / total)", ["Conversion rate"]) { _, f in [Display.percent(f.conversionRate)] },
            table("costs", costTitle, providers.map(\.description) + ["Infrastructure"] + (costsConverted ? ["Revenue"] : [])) { s, _ in
                providers.map { p in costMoney(charted(s.costs.api.first { $0.provider == p }?.cost ?? .zero)) }
                    + [costMoney(charted(s.costs.infrastructure))] + (costsConverted ? [money(dailyRevenue(s))] : [])
            },
            table("errors", "Error rate (alert above \(Display.percent(thresholdRatio)))", ["Errors", "Commands", "Error rate"]) { s, f in
                [Display.count(s.engagement.errors), Display.count(s.engagement.commands), Display.percent(f.errorRate)]
            },
            Table(id: "commands", title: "Top commands, last 30 days", caption: "the \(DashboardCharts.topCommandCount) most used",
                  columns: ["Command", "Count"], rows: topCommands.map { [$0.name.description, Display.count($0.count)] }),
            table("latency", "Command latency p50 and p95 (ms)", ["p50", "p95"]) { s, _ in
                [Display.latency(s.engagement.latencyP50Micros), Display.latency(s.engagement.latencyP95Micros)]
            },
        ]
    }

    /// The error-rate threshold as a ratio for display.
    var thresholdRatio: Ratio? {
        let t = data.thresholds.errorRate
        guard t.denominator <= Int128(Int.max), t.numerator <= Int128(Int.max) else { return nil }
        return Ratio(Int(t.numerator), over: Int(t.denominator))
    }
}
