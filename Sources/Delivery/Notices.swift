import Foundation
import Metrics
import Templates

/// What a run has to say, as messages per channel: alert notifications
/// (webhooks, Telegram), the summary of a week or month that completed
/// (Telegram), the daily report of the day that completed (email).
public struct Notices {
    /// The configuration (channels, title, base URL).
    public let configuration: Configuration
    /// The site's data as just built.
    public let data: SiteData
    /// PNGs of the charts, for mail and Telegram.
    public var rasterizer = ChartRasterizer()

    /// Notices of a run.
    public init(configuration: Configuration, data: SiteData) {
        self.configuration = configuration
        self.data = data
    }

    var title: String { configuration.site.title }
    var baseURL: String { data.baseURL }
    var telegramOn: Bool { !configuration.telegram.chatID.isEmpty }
    var calendar: DayCalendar { configuration.dayCalendar }

    func link(_ path: String) -> String? { baseURL.isEmpty ? nil : baseURL + path }

    /// The alert texts of this site.
    var alertText: AlertText {
        AlertText(title: title, calendar: calendar, costCurrency: configuration.costCurrency, dashboard: link("index.html"))
    }

    /// One message per notification and channel: a POST per webhook in its
    /// format, a Telegram message.
    public func alertMessages(_ notifications: [AlertBook.Notification]) -> [OutgoingMessage] {
        var messages: [OutgoingMessage] = []
        for note in notifications {
            let reading = note.reading
            let key = "alert:\(reading.name.rawValue):\(note.kind.rawValue):\(Timestamp.format(ms: note.at))"
            let summary = "\(reading.name.rawValue) \(note.kind.rawValue)"
            let text = alertText.text(note)
            for (index, hook) in configuration.alerts.webhooks.enumerated() {
                let body = String(decoding: alertText.payload(note, text: text, format: hook.format).serialized(), as: UTF8.self)
                messages.append(OutgoingMessage(id: "\(key):webhook:\(index):\(MailMessage.hex(hook.url))", channel: .webhook,
                                                target: OutgoingMessage.webhookTarget(hook.url), body: body, summary: summary))
            }
            if telegramOn {
                messages.append(OutgoingMessage(id: "\(key):telegram", channel: .telegram, target: configuration.telegram.chatID,
                                                body: text, summary: summary))
            }
        }
        return messages
    }

    /// The latest week and month whose last day is complete, summarised
    /// for Telegram unless already reported; only periods that ended in
    /// the last 8 days, so turning Telegram on does not replay history.
    /// Each is the period's chart with a caption (`sendPhoto`), then the
    /// whole text when the caption could not hold it; text alone when the
    /// chart has no image.
    public func periodSummaries(reported: [String], warn: (String) -> Void = { _ in }) -> [(key: String, message: OutgoingMessage)] {
        guard telegramOn, let today = data.history.snapshots.last?.date else { return [] }
        var result: [(String, OutgoingMessage)] = []
        let charts = ReportCharts(data: data)
        for kind in [PeriodFigures.Kind.week, .month] {
            let closed = data.history.snapshots.last { snapshot in
                snapshot.status == .complete && (kind == .week ? snapshot.date.isoWeekday == 7 : snapshot.date.adding(days: 1).components.day == 1)
            }
            guard let closing = closed, today.ordinal - closing.date.ordinal <= 8 else { continue }
            let period = data.period(kind, containing: closing.date)
            let folder = kind == .week ? "weekly" : "monthly"
            let key = "\(folder):\(period.name)"
            guard !reported.contains(key) else { continue }
            let path = "reports/\(folder)/\(period.name).html"
            let summary = PeriodSummary(data: data, configuration: configuration, period: period, link: link(path) ?? path)
            let chart = charts.period(period).first { $0.name == "movements" }
            let chat = configuration.telegram.chatID, about = "\(folder) summary \(period.name)"
            var photo: [UInt8]?
            if let chart {
                switch rasterizer.png(chart.chart.svg) {
                case .success(let png): photo = png
                case .failure(let failure): warn("the \(about) goes without its chart: \(failure)")
                }
            }
            let text = summary.text
            if let photo {
                let caption = summary.caption
                var message = OutgoingMessage(id: "summary:\(key):telegram:photo", channel: .telegram, target: chat, body: caption.text,
                                              summary: "\(about) (chart)")
                message.photo = photo
                result.append((key, message))
                if caption.complete { continue }
            }
            result.append((key, OutgoingMessage(id: "summary:\(key):telegram", channel: .telegram, target: chat, body: text, summary: about)))
        }
        return result
    }

    /// The daily report of the latest complete day as an HTML mail, unless
    /// already mailed; only the day before today's snapshot or the one
    /// before it, so a restarted job does not mail a backlog. `warn`
    /// hears of a chart that goes without its image.
    public func dailyMail(reported: [String], warn: (String) -> Void = { _ in }) throws -> (key: String, message: OutgoingMessage)? {
        guard !configuration.email.to.isEmpty, let today = data.history.snapshots.last?.date,
              let snapshot = data.history.snapshots.last(where: { $0.status == .complete }),
              today.ordinal - snapshot.date.ordinal <= 2 else { return nil }
        let key = "daily:\(snapshot.date)"
        guard !reported.contains(key) else { return nil }
        let mail = DailyMail(data: data, configuration: configuration, snapshot: snapshot,
                             rasterizer: configuration.email.charts ? rasterizer : nil)
        let message = try mail.message(id: "\(title)/\(key)", link: link("reports/daily/\(snapshot.date).html"), text: alertText, warn: warn)
        return (key, OutgoingMessage(id: "mail:\(key)", channel: .email, target: configuration.email.to.joined(separator: ","),
                                     body: message.rendered, summary: "daily report \(snapshot.date) by email"))
    }
}
