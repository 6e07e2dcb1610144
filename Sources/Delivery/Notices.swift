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
    public func periodSummaries(reported: [String]) -> [(key: String, message: OutgoingMessage)] {
        guard telegramOn, let today = data.history.snapshots.last?.date else { return [] }
        var result: [(String, OutgoingMessage)] = []
        for kind in [PeriodFigures.Kind.week, .month] {
            let closed = data.history.snapshots.last { snapshot in
                snapshot.status == .complete && (kind == .week ? snapshot.date.isoWeekday == 7 : snapshot.date.adding(days: 1).components.day == 1)
            }
            guard let closing = closed, today.ordinal - closing.date.ordinal <= 8 else { continue }
            let period = data.period(kind, containing: closing.date)
            let folder = kind == .week ? "weekly" : "monthly"
            let key = "\(folder):\(period.name)"
            guard !reported.contains(key) else { continue }
            let previous = data.period(kind, containing: period.first.adding(days: -1))
            let revenue = configuration.revenueCurrency, cost = configuration.costCurrency
            let mrr = closing.revenue.mrr
            var text = "📊 \(title): \(kind == .week ? "week" : "month") \(period.name) (\(period.first) to \(period.last))\n"
            // No period before (a new site): no change, not empty brackets.
            func against(_ change: String) -> String { change.isEmpty ? "" : " (\(change))" }
            text += "MRR \(Display.money(mrr, revenue))\(against(Display.change(mrr, previous.closing?.revenue.mrr, revenue)))\n"
            text += "Users \(Display.count(closing.users.total))\(against(Display.change(closing.users.total, previous.closing?.users.total))), "
            text += "premium \(Display.count(closing.users.premium))\(against(Display.change(closing.users.premium, previous.closing?.users.premium)))\n"
            text += "New users \(Display.count(period.newUsers)) · conversions \(Display.count(period.conversions)) · cancellations \(Display.count(period.cancellations))\n"
            text += "Commands \(Display.count(period.commands)) · error rate \(Display.percent(period.errorRate))\n"
            text += "Costs \(Display.money(period.totalCost, cost))"
            for line in data.goalLines(on: closing.date) { text += "\n🎯 " + line }
            text += "\nReport: " + (link("reports/\(folder)/\(period.name).html") ?? "reports/\(folder)/\(period.name).html")
            result.append((key, OutgoingMessage(id: "summary:\(key):telegram", channel: .telegram,
                                                target: configuration.telegram.chatID, body: text, summary: "\(folder) summary \(period.name)")))
        }
        return result
    }

    /// The daily report of the latest complete day as an HTML mail, unless
    /// already mailed; only the day before today's snapshot or the one
    /// before it, so a restarted job does not mail a backlog.
    public func dailyMail(reported: [String]) throws -> (key: String, message: OutgoingMessage)? {
        guard !configuration.email.to.isEmpty, let today = data.history.snapshots.last?.date,
              let snapshot = data.history.snapshots.last(where: { $0.status == .complete }),
              today.ordinal - snapshot.date.ordinal <= 2 else { return nil }
        let key = "daily:\(snapshot.date)"
        guard !reported.contains(key) else { return nil }
        let report = DailyReport(snapshot: snapshot, settings: data.settings) { data.day($0) }
        let page = link("reports/daily/\(snapshot.date).html")
        let html = try ReportMail.html(markdown: report.markdown, title: report.title, link: page)
        let text = report.markdown + (page.map { "\nThe report online: \($0)\n" } ?? "")
        let mail = MailMessage(from: configuration.email.from, to: configuration.email.to, subject: report.title,
                               text: text, html: html, date: data.now, id: "\(title)/\(key)")
        return (key, OutgoingMessage(id: "mail:\(key)", channel: .email, target: configuration.email.to.joined(separator: ","),
                                     body: mail.rendered, summary: "daily report \(snapshot.date) by email"))
    }
}
