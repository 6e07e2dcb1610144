import Metrics
import Templates

/// An alert notification as people read it, in Telegram, Slack or Discord:
/// what fires, the figure against what is usual or its threshold, and for
/// how long it has been firing (or fired).
public struct AlertText {
    /// `[site] title`.
    public let title: String
    /// The configured zone, for local times.
    public let calendar: DayCalendar
    /// The cost currency, for `api_cost_high`.
    public let costCurrency: String
    /// The dashboard's absolute URL, when `site.base_url` is set.
    public let dashboard: String?

    /// A writer of alert texts.
    public init(title: String, calendar: DayCalendar, costCurrency: String, dashboard: String?) {
        self.title = title
        self.calendar = calendar
        self.costCurrency = costCurrency
        self.dashboard = dashboard
    }

    func local(_ ms: Int64) -> String { "\(calendar.day(containing: ms)) \(calendar.clockTime(of: ms))" }

    /// The whole message.
    public func text(_ note: AlertBook.Notification) -> String {
        let name = note.reading.name.rawValue
        var lines: [String]
        switch note.kind {
        case .firing where note.at == note.since:
            lines = ["🔴 \(title): \(name) is firing", figure(note), "Since \(local(note.since)) (\(calendar.timeZoneName))"]
        case .firing:
            lines = ["🔴 \(title): \(name) still firing for \(Display.duration(ms: note.at - note.since))", figure(note),
                     "Since \(local(note.since)) (\(calendar.timeZoneName))"]
        case .resolved:
            let state = note.reading.state.rawValue.replacingOccurrences(of: "_", with: " ")
            lines = ["✅ \(title): \(name) resolved (\(state)) after firing for \(Display.duration(ms: note.at - note.since))",
                     figure(note), "It fired from \(local(note.since)) to \(local(note.at)) (\(calendar.timeZoneName))"]
        }
        if let dashboard { lines.append(dashboard) }
        return lines.joined(separator: "\n")
    }

    /// The figure: an anomaly's count against its usual level at this
    /// time of this weekday, another alert's value against its threshold.
    public func figure(_ note: AlertBook.Notification) -> String {
        let reading = note.reading
        func shown(_ value: JSONValue) -> String { Display.alertFigure(reading.name, value, costCurrency: costCurrency) }
        guard reading.name.isAnomaly else {
            let label = Dashboard.alertLabels[reading.name] ?? reading.name.rawValue
            return "\(label): \(shown(reading.value)) (threshold \(shown(reading.threshold)))"
        }
        let flow = AlertText.flows[reading.name] ?? reading.name.rawValue
        let day = calendar.day(containing: note.at)
        guard reading.threshold != .null else { return "\(flow) so far \(shown(reading.value)), no usual level yet" }
        return "\(flow) so far \(shown(reading.value)), usually \(shown(reading.threshold)) by \(calendar.clockTime(of: note.at)) "
            + "on a \(DayCalendar.weekdayName(day))"
    }

    /// A webhook's body: Sentinel's object (`json`), or the text as Slack
    /// (`text`, with its three control characters escaped so a title
    /// cannot mention `<!channel>`) or Discord (`content`, mentions off)
    /// take it.
    public func payload(_ note: AlertBook.Notification, text: String, format: Configuration.Webhook.Format) -> JSONValue {
        switch format {
        case .json:
            return .object([
                JSONMember("alert", .text(note.reading.name.rawValue)),
                JSONMember("state", .text(note.kind.rawValue)),
                JSONMember("value", note.reading.value),
                JSONMember("threshold", note.reading.threshold),
                JSONMember("since", .text(Timestamp.format(ms: note.since))),
                JSONMember("at", .text(Timestamp.format(ms: note.at))),
                JSONMember("site", .text(title)),
                JSONMember("link", dashboard.map { .text($0) } ?? .null),
            ])
        case .slack:
            let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
            return .object([JSONMember("text", .text(escaped))])
        case .discord:
            return .object([JSONMember("content", .text(text)),
                            JSONMember("allowed_mentions", .object([JSONMember("parse", .array([]))]))])
        }
    }

    static let flows: [AlertName: String] = [
        .commandsLow: "Commands", .registrationsLow: "Registrations", .conversionsLow: "Conversions", .errorsHigh: "Errors",
    ]
}
