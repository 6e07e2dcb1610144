import Foundation
import Testing
@testable import Delivery
@testable import Metrics

/// Alert messages as people read them, the webhook formats, the signature
/// and the delivery checks made before a run.
@Suite struct AlertTextTests {
    static let paris = DayCalendar(timeZoneName: "Europe/Paris")!
    static let hour: Int64 = 3_600_000
    static let tuesday = paris.instant(day: LocalDay("2026-11-24")!, hour: 10, minute: 0, second: 0, millisecond: 0)

    static func text(dashboard: String? = "https://kpi.example.com/index.html", title: String = "CryptoSentinel AI") -> AlertText {
        AlertText(title: title, calendar: paris, costCurrency: "USD", dashboard: dashboard)
    }

    static func note(_ kind: AlertBook.Notification.Kind, _ reading: AlertReading, since: Int64, at: Int64) -> AlertBook.Notification {
        AlertBook.Notification(kind: kind, reading: reading, since: since, at: at)
    }

    static func keys(_ value: JSONValue) -> [String] {
        guard case .object(let members) = value else { return [] }
        return members.map { String(decoding: $0.key, as: UTF8.self) }
    }

    static let commands = AlertReading(name: .commandsLow, state: .firing, value: .int(112), threshold: .number("240"))

    @Test func anAnomalySaysWhatIsUsual() {
        let message = Self.text().text(Self.note(.firing, Self.commands, since: Self.tuesday, at: Self.tuesday))
        #expect(message == """
            🔴 CryptoSentinel AI: commands_low is firing
            Commands so far 112, usually 240 by 10:00 on a Tuesday
            Since 2026-11-24 10:00 (Europe/Paris)
            https://kpi.example.com/index.html
            """)
        var half = Self.commands
        half.threshold = .number("1240.5")
        #expect(Self.text().figure(Self.note(.firing, half, since: Self.tuesday, at: Self.tuesday))
                == "Commands so far 112, usually 1,240.5 by 10:00 on a Tuesday")
        half.threshold = .null
        #expect(Self.text().figure(Self.note(.firing, half, since: Self.tuesday, at: Self.tuesday)) == "Commands so far 112, no usual level yet")
    }

    @Test func aRepeatAndAResolutionSayForHowLong() {
        let since = Self.tuesday - 7 * Self.hour
        let repeated = Self.text(dashboard: nil).text(Self.note(.firing, Self.commands, since: since, at: Self.tuesday))
        #expect(repeated.hasPrefix("🔴 CryptoSentinel AI: commands_low still firing for 7 h\n") && !repeated.contains("https:"))
        let rate = AlertReading(name: .errorRateHigh, state: .ok, value: .number("0.01"), threshold: .number("0.05"))
        let resolved = Self.text().text(Self.note(.resolved, rate, since: Self.tuesday - 200 * 60_000, at: Self.tuesday))
        #expect(resolved == """
            ✅ CryptoSentinel AI: error_rate_high resolved (ok) after firing for 3 h 20 min
            Error rate, last 24 h: 1.0 % (threshold 5.0 %)
            It fired from 2026-11-24 06:40 to 2026-11-24 10:00 (Europe/Paris)
            https://kpi.example.com/index.html
            """)
    }

    @Test func theWebhookFormats() throws {
        let title = "<!channel> & @everyone"
        let note = Self.note(.firing, Self.commands, since: Self.tuesday, at: Self.tuesday)
        let writer = Self.text(title: title)
        let message = writer.text(note)
        let slack = writer.payload(note, text: message, format: .slack)
        #expect(slack["text"]?.stringValue?.hasPrefix("🔴 &lt;!channel&gt; &amp; @everyone: commands_low is firing") == true)
        #expect(Self.keys(slack) == ["text"])
        let discord = writer.payload(note, text: message, format: .discord)
        #expect(discord["content"]?.stringValue == message)
        #expect(discord["allowed_mentions"]?["parse"] == .array([]))
        let json = writer.payload(note, text: message, format: .json)
        #expect(Self.keys(json) == ["alert", "state", "value", "threshold", "since", "at", "site", "link"])
        #expect(json["value"] == .int(112) && json["site"]?.stringValue == title)
    }

    @Test func theSignatureIsGitHubs() {
        // printf 'hello' | openssl dgst -sha256 -hmac 'secret'
        #expect(Courier.signature(of: Array("hello".utf8), secret: Array("secret".utf8))
                == "sha256=88aab3ede8d3adf94d26ab90d3bafd4a2083070c3bcce9c014ee04a443847c0b")
    }

    @Test func deliveriesThatCannotWorkAreConfigurationErrors() throws {
        func key(_ configuration: Configuration, _ environment: [String: String] = [:]) -> String {
            DeliveryCheck.problem(configuration, origin: "sentinel.toml", environment: environment)?.key ?? "none"
        }
        var configuration = Configuration()
        #expect(key(configuration) == "none")
        configuration.telegram.chatID = "42"
        #expect(key(configuration, ["SENTINEL_TELEGRAM_TOKEN": ""]) == "telegram.token_env")
        let message = DeliveryCheck.problem(configuration, origin: "sentinel.toml", environment: [:])?.description ?? ""
        #expect(message.contains("SENTINEL_TELEGRAM_TOKEN (the variable that holds the bot token) is not set"), "\(message)")
        #expect(key(configuration, ["SENTINEL_TELEGRAM_TOKEN": "1:x"]) == "none")
        configuration.telegram.chatID = ""
        configuration.alerts.webhooks = [.init(url: "https://a.example/x"), .init(url: "https://b.example/y", secretEnv: "HOOK_SECRET")]
        #expect(key(configuration) == "alerts.webhooks[1].secret_env")
        configuration.alerts.webhooks = []
        configuration.email.to = ["founder@example.com"]
        for (command, expected) in [("/nonexistent/sendmail -t", "email.sendmail"), ("/etc/passwd -t", "email.sendmail"),
                                    ("sh -c 'cat > /dev/null'", "none"), ("no-such-mailer-here -t", "email.sendmail"),
                                    ("FOO=1 /usr/sbin/sendmail -t", "none")] {
            configuration.email.sendmail = command
            #expect(key(configuration, ["PATH": "/usr/bin:/bin"]) == expected, "\(command)")
        }
    }

}
