import Foundation
import Metrics
import Templates

/// The daily mail (docs/site.md, "The daily mail"): a subject with the
/// headline, the alerts that are firing first, the headline figures as
/// text with ▲/▼ (for clients that show no images), the report's charts as
/// PNG parts shown by `cid:`, then the whole report.
struct DailyMail {
    /// The site's data as just built.
    let data: SiteData
    /// Title, currencies, addresses.
    let configuration: Configuration
    /// The day mailed (complete).
    let snapshot: Snapshot
    /// PNGs of the charts; nil sends none (`[email] charts = false`).
    let rasterizer: ChartRasterizer?

    var revenue: String { snapshot.revenue.currency }
    var before: (snapshot: Snapshot, figures: DerivedFigures)? { data.day(snapshot.date.adding(days: -1)) }

    /// The alerts firing as of the run.
    var firing: [AlertBook.Entry] { data.alerts.entries.filter { $0.reading.state == .firing } }

    /// `CryptoSentinel AI, 2026-11-24: MRR €817.52 (+€9.99), 174 active, 0 alerts firing`.
    var subject: String {
        let change = Display.change(snapshot.revenue.mrr, before?.snapshot.revenue.mrr, revenue)
        let count = firing.count
        return "\(configuration.site.title), \(snapshot.date): MRR \(Display.money(snapshot.revenue.mrr, revenue))"
            + (change.isEmpty ? "" : " (\(change))") + ", \(Display.count(snapshot.users.active)) active, "
            + "\(count) alert\(count == 1 ? "" : "s") firing"
    }

    /// One line per firing alert: what it measures, since when.
    func alertLines(_ text: AlertText) -> [String] {
        let now = data.alerts.asOf ?? data.now
        return firing.map { entry in
            let note = AlertBook.Notification(kind: .firing, reading: entry.reading, since: entry.since ?? now, at: now)
            return "🔴 \(entry.reading.name.rawValue) is firing (for \(Display.duration(ms: now - note.since))): \(text.figure(note))"
        }
    }

    /// The headline figures against the day before, `▲`/`▼` before each change.
    var figureLines: [String] {
        guard let today = data.day(snapshot.date) else { return [] }
        let cost = snapshot.costs.currency
        func arrow(_ change: String) -> String {
            change.isEmpty ? "" : change.hasPrefix("+") ? "  ▲ \(change)" : change.hasPrefix("−") ? "  ▼ \(change)" : "  \(change)"
        }
        let users = snapshot.users, earlier = before
        return [
            "MRR \(Display.money(snapshot.revenue.mrr, revenue))\(arrow(Display.change(snapshot.revenue.mrr, earlier?.snapshot.revenue.mrr, revenue)))",
            "Active users \(Display.count(users.active))\(arrow(Display.change(users.active, earlier?.snapshot.users.active)))",
            "New users \(Display.count(users.new))\(arrow(Display.change(users.new, earlier?.snapshot.users.new)))",
            "Premium users \(Display.count(users.premium))\(arrow(Display.change(users.premium, earlier?.snapshot.users.premium)))",
            "Conversion rate \(Display.percent(today.figures.conversionRate))\(arrow(Display.change(today.figures.conversionRate, earlier?.figures.conversionRate)))",
            "Commands \(Display.count(snapshot.engagement.commands))\(arrow(Display.change(snapshot.engagement.commands, earlier?.snapshot.engagement.commands)))",
            "Error rate \(Display.percent(today.figures.errorRate))\(arrow(Display.change(today.figures.errorRate, earlier?.figures.errorRate)))",
            "Total cost \(Display.money(today.figures.totalCost, cost))\(arrow(Display.change(today.figures.totalCost, earlier?.figures.totalCost, cost)))",
        ]
    }

    /// The message; `warn` hears of a chart sent without its image.
    func message(id: String, link: String?, text alerts: AlertText, warn: (String) -> Void) throws -> MailMessage {
        var images: [MailMessage.Image] = []
        var charts: [(path: String, alt: String)] = []
        if let rasterizer {
            for figure in ReportCharts(data: data).day(snapshot.date) {
                switch rasterizer.png(figure.chart.svg) {
                case .success(let png):
                    let contentID = "\(figure.name).\(FNVHash.hex(id))@sentinel"
                    images.append(MailMessage.Image(contentID: contentID, filename: "\(snapshot.date)-\(figure.name).png", png: png))
                    charts.append(("cid:\(contentID)", figure.chart.summary))
                case .failure(let failure):
                    // No image: its text alternative, which states the figures, stands in.
                    charts.append(("", figure.chart.summary))
                    warn("the daily mail's \(figure.name) chart goes as text: \(failure)")
                }
            }
        }
        var report = DailyReport(snapshot: snapshot, settings: data.settings) { data.day($0) }
        report.charts = charts
        let lead = alertLines(alerts) + (firing.isEmpty ? [] : [""]) + figureLines
        let html = try ReportMail.html(markdown: report.markdown, title: report.title, link: link, lead: lead)
        var text = lead.joined(separator: "\n") + "\n\n" + report.markdown
        if let link { text += "\nThe report online: \(link)\n" }
        var mail = MailMessage(from: configuration.email.from, to: configuration.email.to, subject: subject, text: text, html: html,
                               date: data.now, id: id)
        mail.images = images
        return mail
    }
}
