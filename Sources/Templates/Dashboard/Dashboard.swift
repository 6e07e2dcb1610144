import Metrics

/// `index.html`: KPI cards against the day before and 7 days before, the
/// alerts, the charts (data embedded as JSON, tables without JavaScript)
/// and links to the latest reports.
public struct Dashboard {
    let data: SiteData
    /// The latest report name of each kind (`daily`, `weekly`, `monthly`).
    let latestReports: [String: String]
    /// The build's id (what `api/health.json` says), or the placeholder.
    let buildID: String
    /// The charts' data and tables.
    let charts: DashboardCharts.Rendered

    /// Stands for the build's id while the id (a hash of the content) is
    /// computed.
    static let buildIDPlaceholder = "@@sentinel-build-id@@"

    /// The body, for the layout's `content`.
    func context() -> [String: Any] {
        var context: [String: Any] = [
            "site_title": data.settings.title,
            "build_id": buildID,
            "charts": charts.tables.map(\.context),
            "data": charts.json,
            "alerts": alertRows(),
            "alerts_evaluated": data.alerts.asOf != nil,
            "links": links(),
        ]
        if let (snapshot, _) = data.latest {
            context["has_data"] = true
            context["as_of_ms"] = String(snapshot.capturedAt)
            context["as_of"] = "\(snapshot.date), \(data.settings.calendar.clockTime(of: snapshot.capturedAt)) (\(snapshot.timezone))"
            context["in_progress"] = snapshot.status == .partial
            context["stale"] = data.isStale
            context["kpis"] = kpis()
            if let (day, _) = headline {
                context["headline_day"] = day.date.description
                context["headline_complete"] = day.status == .complete
            }
            if let today = TodaySoFar(data: data) { context["today"] = today.context }
            context["growth"] = growth()
            if let (day, _) = headline, !data.settings.goals.isEmpty {
                context["goals"] = GoalCards(data: data, day: day.date).cards()
                context["has_goals"] = true
            }
        }
        if let evaluated = data.alerts.asOf {
            context["alerts_as_of"] = local(evaluated)
        }
        return context
    }

    func local(_ ms: Int64) -> String {
        "\(data.settings.calendar.day(containing: ms)) \(data.settings.calendar.clockTime(of: ms))"
    }

    /// The headline's day: yesterday, complete, while a day is in progress
    /// (its flows so far are the "today so far" row's); else the latest.
    var headline: (snapshot: Snapshot, figures: DerivedFigures)? {
        guard let latest = data.latest else { return nil }
        guard latest.snapshot.status == .partial, let index = data.history.position(of: latest.snapshot.date), index > 0 else { return latest }
        return (data.history.snapshots[index - 1], data.figures[index - 1])
    }

    /// Twelve cards of the headline's day, each with its change against
    /// the day before and the same weekday a week before, in units and in %.
    func kpis() -> [[String: Any]] {
        guard let (s, f) = headline else { return [] }
        let before = data.day(s.date.adding(days: -1)), weekBefore = data.day(s.date.adding(days: -7))
        let revenue = s.revenue.currency, cost = s.costs.currency
        var cards: [[String: Any]] = []
        func card(_ label: String, _ value: String, _ change: ((Snapshot, DerivedFigures)) -> String) {
            cards.append(["label": label, "value": value,
                          "day": before.map(change) ?? "", "week": weekBefore.map(change) ?? "",
                          "has_day": before != nil, "has_week": weekBefore != nil])
        }
        func counted(_ a: Int, _ b: Int) -> String { Display.changeAndPercent(a, b) }
        func money(_ a: Money?, _ b: Money?, _ currency: String) -> String { a.map { Display.changeAndPercent($0, b, currency) } ?? "" }
        card("Total users", Display.count(s.users.total)) { counted(s.users.total, $0.0.users.total) }
        card("Premium users", Display.count(s.users.premium)) { counted(s.users.premium, $0.0.users.premium) }
        card("MRR", Display.money(s.revenue.mrr, revenue)) { money(s.revenue.mrr, $0.0.revenue.mrr, revenue) }
        card("Conversion rate", Display.percent(f.conversionRate)) { Display.change(f.conversionRate, $0.1.conversionRate) }
        card("New users", Display.count(s.users.new)) { counted(s.users.new, $0.0.users.new) }
        card("Active users (DAU)", Display.count(s.users.active)) { counted(s.users.active, $0.0.users.active) }
        card("Stickiness (DAU/MAU)", Display.percent(f.stickiness)) { Display.change(f.stickiness, $0.1.stickiness) }
        card("Churn (30 days)", Display.percent(f.churnRate30d)) { Display.change(f.churnRate30d, $0.1.churnRate30d) }
        card("Commands", Display.count(s.engagement.commands)) { counted(s.engagement.commands, $0.0.engagement.commands) }
        card("Error rate", Display.percent(f.errorRate)) { Display.change(f.errorRate, $0.1.errorRate) }
        card("Total cost", Display.money(f.totalCost, cost)) { money(f.totalCost, $0.1.totalCost, cost) }
        card("Net MRR", Display.money(f.netMRR, revenue)) { money(f.netMRR, $0.1.netMRR, revenue) }
        return cards
    }

    /// Growth over 7 and 30 days of the headline day's stocks, in %.
    func growth() -> [[String: String]] {
        guard let (s, _) = headline else { return [] }
        let week = data.day(s.date.adding(days: -7))?.snapshot, month = data.day(s.date.adding(days: -30))?.snapshot
        func rate(_ value: (Snapshot) -> Money, _ then: Snapshot?) -> String {
            guard let then else { return Display.undefined }
            return Display.signedPercent(Ratio(value(s) - value(then), over: value(then)))
        }
        let items: [(String, (Snapshot) -> Money)] = [
            ("MRR", { $0.revenue.mrr }), ("Premium users", { Money(micros: Int128($0.users.premium)) }),
            ("Total users", { Money(micros: Int128($0.users.total)) }),
        ]
        return items.map { ["label": $0.0, "week": rate($0.1, week), "month": rate($0.1, month)] }
    }

    /// What each alert measures, for people.
    public static let alertLabels: [AlertName: String] = [
        .errorRateHigh: "Error rate, last 24 h", .conversionRateLow: "Conversion rate",
        .apiCostHigh: "API cost, last 24 h", .noActivity: "Hours since the last activity",
        .commandsLow: "Commands today so far", .registrationsLow: "Registrations today so far",
        .conversionsLow: "Conversions today so far", .errorsHigh: "Errors today so far",
    ]

    /// One row per alert of the last evaluation.
    func alertRows() -> [[String: Any]] {
        let cost = data.latest?.snapshot.costs.currency ?? "USD"
        func shown(_ name: AlertName, _ value: JSONValue) -> String { Display.alertFigure(name, value, costCurrency: cost) }
        return data.alerts.entries.map { entry in
            let reading = entry.reading
            return ["name": reading.name.rawValue, "label": Dashboard.alertLabels[reading.name] ?? reading.name.rawValue,
                    "state": reading.state.rawValue, "state_label": reading.state.rawValue.replacingUnderscores,
                    "firing": reading.state == .firing,
                    "value": shown(reading.name, reading.value),
                    "threshold": (reading.name.isAnomaly && reading.threshold != .null ? "usually " : "") + shown(reading.name, reading.threshold),
                    "since": entry.since.map(local) ?? ""]
        }
    }

    /// Links to the latest reports and the data.
    func links() -> [[String: String]] {
        var links: [[String: String]] = AnalyticsPages.pages.map { ["href": "\($0.0).html", "label": $0.1] }
        for (kind, label) in [("daily", "Latest daily report"), ("weekly", "Latest weekly report"), ("monthly", "Latest monthly report")] {
            if let name = latestReports[kind] { links.append(["href": "reports/\(kind)/\(name).html", "label": "\(label): \(name)"]) }
        }
        links.append(["href": "reports/index.html", "label": "All reports"])
        links.append(["href": "feed.xml", "label": "Atom feed"])
        links.append(["href": "data/metrics.csv", "label": "CSV"])
        links.append(["href": "api/overview.json", "label": "JSON API"])
        return links
    }
}

extension String {
    /// `not_evaluated` -> `not evaluated`.
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
