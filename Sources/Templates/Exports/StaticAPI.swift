import Metrics

/// `api/*.json` (docs/site.md): the static counterparts of the seed service's
/// `/analytics/*` routes. Keys in a fixed order, money as decimal strings,
/// rates as fractions, `null` where a figure is undefined.
struct StaticAPI {
    let data: SiteData
    /// Day rows to copy from the current release.
    var rows = RowSource.none

    /// Every API file but `health.json`, which needs the build's id.
    func files() -> [SiteFile] {
        [file("overview", overview()), users(), revenue(), engagement(), costs(),
         file("alerts", data.alerts.json(includingNotifications: false))]
    }

    func file(_ name: String, _ json: JSONValue) -> SiteFile {
        SiteFile(path: "api/\(name).json", bytes: json.serialized())
    }

    var asOf: JSONValue { JSONValue.instant(data.latest?.snapshot.capturedAt) }

    /// `as_of` and the latest day's `kpis`, exactly the keys of docs/site.md.
    func overview() -> JSONValue {
        let s = data.latest?.snapshot, f = data.latest?.figures
        let kpis: [(String, JSONValue)] = [
            ("total_users", JSONValue.count(s?.users.total)), ("premium_users", JSONValue.count(s?.users.premium)),
            ("free_users", JSONValue.count(s?.users.free)), ("new_users", JSONValue.count(s?.users.new)),
            ("dau", JSONValue.count(s?.users.active)), ("wau", JSONValue.count(s?.users.active7d)),
            ("mau", JSONValue.count(s?.users.active30d)), ("stickiness", JSONValue.ratio(f?.stickiness)),
            ("mrr", JSONValue.money(s?.revenue.mrr)), ("arr", JSONValue.money(f?.arr)),
            ("arpu", JSONValue.money(f?.arpu)), ("arppu", JSONValue.money(f?.arppu)),
            ("conversion_rate", JSONValue.ratio(f?.conversionRate)), ("churn_rate_30d", JSONValue.ratio(f?.churnRate30d)),
            ("ltv", JSONValue.money(f?.ltv)), ("commands", JSONValue.count(s?.engagement.commands)),
            ("error_rate", JSONValue.ratio(f?.errorRate)), ("api_cost", JSONValue.money(s?.costs.apiTotal)),
            ("infrastructure_cost", JSONValue.money(s?.costs.infrastructure)),
            ("cost_per_active_user", JSONValue.money(f?.costPerActiveUser)), ("net_mrr", JSONValue.money(f?.netMRR)),
            ("grr_30d", JSONValue.ratio(f?.grr30d)), ("nrr_30d", JSONValue.ratio(f?.nrr30d)),
            ("quick_ratio", JSONValue.ratio(f?.quickRatio)),
        ]
        return .object([JSONMember("as_of", asOf), JSONMember("kpis", .object(kpis.map { JSONMember($0.0, $0.1) }))])
    }

    /// `api/NAME.json`: `as_of`, `head`, a row a day and the weekly and
    /// monthly rows, written as `JSONValue.serialized()` writes the whole;
    /// a day's row is copied from the current release when its inputs did
    /// not change (`RowSource`).
    func document(_ name: String, _ head: [JSONMember], day: (Snapshot, DerivedFigures) -> [JSONMember],
                  period: (PeriodFigures) -> [JSONMember]) -> SiteFile {
        let path = "api/\(name).json"
        let snapshots = data.history.snapshots
        var out = RowAssembler(rows.previous(path), capacity: 512 * (snapshots.count + 1))
        // The members around `days` as `JSONValue.write` writes an object's.
        var text: [UInt8] = [UInt8(ascii: "{")], first = true
        func member(_ item: JSONMember, value: Bool = true) {
            if !first { text.append(UInt8(ascii: ",")) }
            first = false
            JSONValue.newline(&text, 1)
            JSONValue.string(item.key).write(to: &text, depth: 1)
            text.append(contentsOf: ": ".utf8)
            if value { item.value.write(to: &text, depth: 1) }
        }
        for item in [JSONMember("as_of", asOf)] + head { member(item) }
        member(JSONMember("days", .null), value: false)
        text.append(contentsOf: snapshots.isEmpty ? "[]".utf8 : "[".utf8)
        out.append(text)
        for (position, snapshot) in snapshots.enumerated() {
            text.removeAll(keepingCapacity: true)
            if position > 0 { text.append(UInt8(ascii: ",")) }
            JSONValue.newline(&text, 2)
            out.append(text)
            out.row(rows.inputs(position)) { bytes in
                JSONValue.object([JSONMember("date", .text(snapshot.date.description)), JSONMember("status", .text(snapshot.status.rawValue))]
                                 + day(snapshot, data.figures[position])).write(to: &bytes, depth: 2)
            }
        }
        text.removeAll(keepingCapacity: true)
        if !snapshots.isEmpty {
            JSONValue.newline(&text, 1)
            text.append(UInt8(ascii: "]"))
        }
        func periods(_ kind: PeriodFigures.Kind) -> JSONValue {
            .array(data.periods(kind).map { p in
                .object([JSONMember("period", .text(p.name)), JSONMember("first_day", .text(p.first.description)),
                         JSONMember("last_day", .text(p.last.description)), JSONMember("in_progress", .bool(p.inProgress)),
                         JSONMember("days_present", .int(p.days.count))] + period(p))
            })
        }
        member(JSONMember("weeks", periods(.week)))
        member(JSONMember("months", periods(.month)))
        JSONValue.newline(&text, 0)
        text.append(contentsOf: "}\n".utf8)
        out.append(text)
        return out.file(path)
    }

    func users() -> SiteFile {
        document("users", [], day: { s, f in
            [JSONMember("total", .int(s.users.total)), JSONMember("premium", .int(s.users.premium)),
             JSONMember("free", .int(s.users.free)), JSONMember("new", .int(s.users.new)),
             JSONMember("dau", .int(s.users.active)), JSONMember("wau", .int(s.users.active7d)),
             JSONMember("mau", .int(s.users.active30d)), JSONMember("stickiness", JSONValue.ratio(f.stickiness)),
             JSONMember("conversion_rate", JSONValue.ratio(f.conversionRate)),
             JSONMember("by_source", JSONValue.counts(s.acquisitionBySource))]
        }, period: { p in
            let closing = p.closing
            return [JSONMember("total", JSONValue.count(closing?.users.total)), JSONMember("premium", JSONValue.count(closing?.users.premium)),
                    JSONMember("new", .int(p.newUsers)), JSONMember("active", JSONValue.count(p.active)),
                    JSONMember("avg_dau", JSONValue.real(p.averageDAU)), JSONMember("by_source", JSONValue.counts(p.bySource))]
        })
    }

    func revenue() -> SiteFile {
        let currency = data.latest?.snapshot.revenue.currency
        return document("revenue", [JSONMember("currency", currency.map { .text($0) } ?? .null)], day: { s, f in
            [JSONMember("mrr", .text(s.revenue.mrr.description)), JSONMember("arr", .text(f.arr.description)),
             JSONMember("arpu", JSONValue.money(f.arpu)), JSONMember("arppu", JSONValue.money(f.arppu)),
             JSONMember("new_mrr", .text(s.revenue.newMRR.description)), JSONMember("churned_mrr", .text(s.revenue.churnedMRR.description)),
             JSONMember("conversions", .int(s.revenue.conversions)), JSONMember("cancellations", .int(s.revenue.cancellations)),
             JSONMember("conversion_rate", JSONValue.ratio(f.conversionRate)),
             JSONMember("churn_rate_30d", JSONValue.ratio(f.churnRate30d)), JSONMember("ltv", JSONValue.money(f.ltv)),
             JSONMember("net_mrr", JSONValue.money(f.netMRR))]
        }, period: { p in
            [JSONMember("mrr", JSONValue.money(p.closing?.revenue.mrr)), JSONMember("new_mrr", .text(p.newMRR.description)),
             JSONMember("churned_mrr", .text(p.churnedMRR.description)), JSONMember("conversions", .int(p.conversions)),
             JSONMember("cancellations", .int(p.cancellations))]
        })
    }

    func engagement() -> SiteFile {
        document("engagement", [], day: { s, f in
            [JSONMember("commands", .int(s.engagement.commands)), JSONMember("errors", .int(s.engagement.errors)),
             JSONMember("error_rate", JSONValue.ratio(f.errorRate)),
             JSONMember("latency_ms", .object([JSONMember("p50", JSONValue.latency(s.engagement.latencyP50Micros)),
                                               JSONMember("p95", JSONValue.latency(s.engagement.latencyP95Micros))])),
             JSONMember("by_command", JSONValue.counts(s.engagement.byCommand))]
        }, period: { p in
            [JSONMember("commands", .int(p.commands)), JSONMember("errors", .int(p.errors)),
             JSONMember("error_rate", JSONValue.ratio(p.errorRate)), JSONMember("by_command", JSONValue.counts(p.byCommand))]
        })
    }

    func costs() -> SiteFile {
        let latest = data.latest?.snapshot
        return document("costs", [JSONMember("currency", latest.map { .text($0.costs.currency) } ?? .null),
                         JSONMember("revenue_currency", latest.map { .text($0.revenue.currency) } ?? .null),
                         JSONMember("exchange_rate", data.settings.costRate.map { .text($0.description) } ?? .null)], day: { s, f in
            [JSONMember("api", JSONValue.providers(s.costs.api)), JSONMember("api_total", .text(s.costs.apiTotal.description)),
             JSONMember("infrastructure", .text(s.costs.infrastructure.description)), JSONMember("total", .text(f.totalCost.description)),
             JSONMember("cost_per_active_user", JSONValue.money(f.costPerActiveUser)), JSONMember("net_mrr", JSONValue.money(f.netMRR))]
        }, period: { p in
            [JSONMember("api", JSONValue.providers(p.api)), JSONMember("api_total", .text(p.apiCost.description)),
             JSONMember("infrastructure", .text(p.infrastructure.description)), JSONMember("total", .text(p.totalCost.description))]
        })
    }

    /// `api/health.json`: the build, the data's freshness and quality.
    func health(buildID: String) -> SiteFile {
        let latest = data.latest?.snapshot
        var events = 0
        var reasons: [Name: Int] = [:]
        for snapshot in data.history.snapshots {
            events += snapshot.dataQuality.eventsRead
            for item in snapshot.dataQuality.rejected { reasons[item.name, default: 0] += item.count }
        }
        let rejected = reasons.map { NamedCount(name: $0.key, count: $0.value) }.sorted { $0.name < $1.name }
        let snapshot: JSONValue = latest.map { s in
            .object([JSONMember("date", .text(s.date.description)), JSONMember("status", .text(s.status.rawValue)),
                     JSONMember("captured_at", JSONValue.instant(s.capturedAt)),
                     JSONMember("coverage", .object([JSONMember("events_from", JSONValue.instant(s.coverage.eventsFrom)),
                                                     JSONMember("windows_complete", .bool(s.coverage.windowsComplete))]))])
        } ?? .null
        let json = JSONValue.object([
            JSONMember("build_id", .text(buildID)),
            JSONMember("built_at", JSONValue.instant(data.now)),
            JSONMember("data_as_of", asOf),
            JSONMember("stale", .bool(data.isStale)),
            JSONMember("timezone", .text(data.settings.calendar.timeZoneName)),
            JSONMember("latest_snapshot", snapshot),
            JSONMember("snapshots", .int(data.history.snapshots.count)),
            JSONMember("first_day", data.history.snapshots.first.map { .text($0.date.description) } ?? .null),
            JSONMember("data_quality", .object([JSONMember("events_read", .int(events)),
                                                JSONMember("rejected", JSONValue.counts(rejected)),
                                                JSONMember("rejected_total", .int(rejected.reduce(0) { $0 + $1.count }))])),
            JSONMember("alerts_evaluated_at", JSONValue.instant(data.alerts.asOf)),
            JSONMember("version", .text(SentinelVersion.current)),
        ])
        return file("health", json)
    }
}
