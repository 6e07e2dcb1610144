import Foundation
import Testing
@testable import Delivery
@testable import Metrics
@testable import Templates

/// The daily mail's subject and lead, its related parts, Telegram's photo
/// summaries and their caption limit.
@Suite struct ReportDeliveryTests {
    static let paris = DayCalendar(timeZoneName: "Europe/Paris")!

    static func snapshot(_ day: LocalDay, mrr: String, active: Int, commands: Int) -> Snapshot {
        var s = Snapshot(date: day, timezone: "Europe/Paris", status: .complete, capturedAt: paris.start(of: day.adding(days: 1)),
                         coverage: .init(eventsFrom: 0, windowsComplete: true), revenueCurrency: "EUR", costCurrency: "USD")
        s.revenue.mrr = Money(mrr)!
        s.users.active = active
        s.users.total = 200
        s.users.premium = 20
        s.engagement.commands = commands
        return s
    }

    static func data(title: String = "CryptoSentinel AI", firing: Bool = false) -> (SiteData, Configuration) {
        var configuration = Configuration()
        configuration.timezone = "Europe/Paris"
        configuration.site.title = title
        configuration.email.to = ["ops@example.com"]
        configuration.telegram.chatID = "-100"
        let history = SnapshotHistory([snapshot(LocalDay("2026-11-23")!, mrr: "807.53", active: 170, commands: 900),
                                       snapshot(LocalDay("2026-11-24")!, mrr: "817.52", active: 174, commands: 880)])
        var alerts = AlertBook.initial(thresholds: configuration.alerts)
        if firing, let index = alerts.entries.firstIndex(where: { $0.reading.name == .errorRateHigh }) {
            alerts.entries[index].reading.state = .firing
            alerts.entries[index].reading.value = .number("0.08")
            alerts.entries[index].since = paris.start(of: LocalDay("2026-11-24")!)
        }
        alerts.asOf = paris.start(of: LocalDay("2026-11-25")!)
        return (SiteData(history: history, settings: ReportSettings(configuration: configuration), alerts: alerts,
                         thresholds: configuration.alerts, now: paris.start(of: LocalDay("2026-11-25")!), baseURL: ""), configuration)
    }

    @Test func theSubjectIsTheHeadline() {
        let (data, configuration) = Self.data()
        let mail = DailyMail(data: data, configuration: configuration, snapshot: data.history.snapshots[1], rasterizer: nil)
        #expect(mail.subject == "CryptoSentinel AI, 2026-11-24: MRR €817.52 (+€9.99), 174 active, 0 alerts firing")
        #expect(mail.figureLines.contains("MRR €817.52  ▲ +€9.99") && mail.figureLines.contains("Commands 880  ▼ −20"))
        let (firingData, _) = Self.data(firing: true)
        let firing = DailyMail(data: firingData, configuration: configuration, snapshot: firingData.history.snapshots[1], rasterizer: nil)
        #expect(firing.subject.hasSuffix("174 active, 1 alert firing"))
        let lines = firing.alertLines(AlertText(title: "CryptoSentinel AI", calendar: Self.paris, costCurrency: "USD", dashboard: nil))
        #expect(lines == ["🔴 error_rate_high is firing (for 1 d): Error rate, last 24 h: 8.0 % (threshold 5.0 %)"])
    }

    @Test func withoutImagesTheMailIsAlternativeWithThemRelated() throws {
        var mail = MailMessage(from: "a@example.com", to: ["b@example.com"], subject: "s", text: "t", html: "<img src=\"cid:x@sentinel\">",
                               date: 0, id: "id")
        #expect(mail.rendered.contains("Content-Type: multipart/alternative") && !mail.rendered.contains("multipart/related"))
        mail.images = [MailMessage.Image(contentID: "x@sentinel", filename: "x.png", png: [0x89, 0x50, 0x4E, 0x47])]
        let text = mail.rendered
        let related = try #require(text.range(of: "Content-Type: multipart/related; boundary=\""))
        let alternative = try #require(text.range(of: "Content-Type: multipart/alternative; boundary=\""))
        #expect(related.lowerBound < alternative.lowerBound)
        #expect(text.contains("Content-ID: <x@sentinel>\r\nContent-Disposition: inline; filename=\"x.png\"\r\n\r\niVBORw==\r\n"))
        #expect(text.hasSuffix("--\r\n"))
    }

    @Test func theMailCarriesItsChartsAsPNG() throws {
        let (data, configuration) = Self.data()
        let mail = DailyMail(data: data, configuration: configuration, snapshot: data.history.snapshots[1], rasterizer: ChartRasterizer())
        let message = try mail.message(id: "x", link: nil, text: AlertText(title: "t", calendar: Self.paris, costCurrency: "USD", dashboard: nil)) {
            Issue.record("a chart went without its image: \($0)")
        }
        #expect(message.images.map(\.filename) == ["2026-11-24-activity.png", "2026-11-24-revenue.png"])
        for image in message.images {
            #expect(image.png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && image.png.count < ChartRasterizer.sizeLimit)
            #expect(message.html.contains("src=\"cid:\(image.contentID)\""))
        }
        // The same SVG gives the same bytes.
        let again = try mail.message(id: "x", link: nil, text: AlertText(title: "t", calendar: Self.paris, costCurrency: "USD", dashboard: nil)) { _ in }
        #expect(again.images == message.images)
    }

    @Test func aMissingRasteriserSendsTheTextAlternative() throws {
        let (data, configuration) = Self.data()
        var rasterizer = ChartRasterizer()
        rasterizer.program = "sentinel-no-such-program"
        let mail = DailyMail(data: data, configuration: configuration, snapshot: data.history.snapshots[1], rasterizer: rasterizer)
        var warnings: [String] = []
        let message = try mail.message(id: "x", link: nil, text: AlertText(title: "t", calendar: Self.paris, costCurrency: "USD", dashboard: nil)) {
            warnings.append($0)
        }
        #expect(message.images.isEmpty && warnings.count == 2 && warnings[0].contains("librsvg2-bin"))
        #expect(!message.html.contains("<img"))
    }

    @Test func aLongSummaryHasAShortCaptionThenTheWholeText() {
        let (data, configuration) = Self.data(title: String(repeating: "Long title ", count: 40))
        let period = data.period(.week, containing: LocalDay("2026-11-24")!)
        let summary = PeriodSummary(data: data, configuration: configuration, period: period, link: "https://kpi.example.com/w.html")
        #expect(summary.text.hasPrefix("📊 \(configuration.site.title): week 2026-W48 (2026-11-23 to 2026-11-29)\n"))
        let long = PeriodSummary(data: data, configuration: { var c = configuration; c.site.title = String(repeating: "🚀 big ", count: 200); return c }(),
                             period: period, link: "https://kpi.example.com/w.html")
        let caption = long.caption
        #expect(!caption.complete && caption.text.utf16.count <= PeriodSummary.captionLimit)
        let short = PeriodSummary(data: data, configuration: { var c = configuration; c.site.title = "Bot"; return c }(), period: period, link: "x")
        #expect(short.caption.complete && short.caption.text == short.text)
        #expect(short.text.contains("\nMRR €817.52\n") && short.text.contains("Commands 1,780 · error rate 0.0 %\n") && short.text.hasSuffix("\nReport: x"), "\(short.text)")
    }

    @Test func thePhotoIsMultipartFormData() {
        let form = Courier.photoForm(chat: "-100", caption: "📊 week", png: [1, 2, 3], boundary: "b")
        let text = String(decoding: form.body, as: UTF8.self)
        #expect(form.contentType == "multipart/form-data; boundary=b")
        #expect(text.hasPrefix("--b\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n-100\r\n--b\r\n"))
        #expect(text.contains("name=\"photo\"; filename=\"chart.png\"\r\nContent-Type: image/png\r\n\r\n\u{1}\u{2}\u{3}\r\n--b--\r\n"))
    }

    @Test func aPhotoSurvivesTheOutbox() throws {
        var message = OutgoingMessage(id: "p", channel: .telegram, target: "-100", body: "caption", summary: "s")
        message.photo = [0, 255, 7]
        let read = try #require(OutgoingMessage(json: message.json))
        #expect(read == message)
    }
}
