import ArgumentParser
import Jobs
import Delivery
import Foundation
import Metrics
import Templates

/// `sentinel-gen demo`.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a private redis-server, fill it with realistic bot data, run the whole job on it, and stop it."
    )

    @OptionGroup var options: CommonOptions

    @Option(help: "Seed of the generated data: the same seed, days and --now give the same site.")
    var seed: UInt64 = 1

    @Option(help: "Days of data, ending now.")
    var days = 90

    @Option(help: ArgumentHelp("Templates folder (default: $SENTINEL_TEMPLATES, else ./site-template, else the one installed with sentinel-gen).", valueName: "dir"))
    var templates: String?

    /// The demo's own settings: a configuration file's deliveries must not
    /// get demo alerts, so only --config (given explicitly) is read, and its
    /// webhooks, Telegram and email are switched off.
    static let settings = """
        timezone = "Europe/Paris"
        [revenue]
        currency = "EUR"
        [costs]
        currency = "USD"
        infrastructure = [{ name = "Railway", monthly = "5.00" }, { name = "Redis", monthly = "3.00" }]
        [exchange_rates]
        USD = "0.92"
        [site]
        title = "CryptoSentinel AI (demo)"
        """

    func run() async throws {
        guard (1...3650).contains(days) else { throw JobFailure(.usage, "--days: expected 1 to 3650") }
        // The demo starts a Redis of its own: a --redis would be ignored, and
        // a user who gave one expects it to be read.
        if options.redis != nil {
            throw JobFailure(.usage, "--redis: the demo starts a private redis-server of its own; run `sentinel-gen run --redis URL` to read yours")
        }
        var configuration: Configuration
        do {
            configuration = try options.config.map { try ConfigurationLoader.load(path: $0) }
                ?? ConfigurationLoader.parse(DemoCommand.settings, origin: "demo settings")
        } catch { throw JobFailure(.usage, "\(error)") }
        configuration.alerts.webhooks = []
        configuration.telegram.chatID = ""
        // The daily mail it would send is kept as a file, to open in a mail client.
        let state = URL(fileURLWithPath: options.state).standardizedFileURL.path
        let mail = "\(state)/daily-mail.eml"
        configuration.email.to = ["founder@example.com"]
        configuration.email.from = "sentinel@example.com"
        configuration.email.sendmail = "tee " + DemoCommand.shellQuoted(mail)
        let now = try options.instant(configuration)
        if options.config == nil {
            // Two goals two months ahead, so the dashboard shows forecasts.
            let by = configuration.dayCalendar.day(containing: now).adding(days: 60)
            configuration.goals = [.init(metric: .mrr, target: .money(Money(micros: 1_000_000_000)), by: by),
                                   .init(metric: .premiumUsers, target: .count(120), by: by)]
        }
        guard let directory = TemplateSet.locate(explicit: templates) else {
            throw JobFailure(.failure, "demo: no site-template folder found; pass --templates DIR")
        }
        try StateLock.check(output: options.output, state: options.state)
        try guardState()
        let logger = options.logger(label: "sentinel.demo")

        PrivateRedis.stopOnSignal()
        let server: PrivateRedis
        do { server = try PrivateRedis() } catch { throw JobFailure(.redis, "demo: \(error)") }
        defer { server.stop() }
        var clock = StepClock()
        let data = DemoDataset(seed: seed, days: days, now: now)
        _ = FileManager.default.createFile(atPath: "\(options.state)/.demo", contents: Data())
        // Day by day, as a bot and a daily cron would: the bot writes (and
        // trims the stream to 30 days), then a snapshot run reads what is
        // new into the ledger. The last day is the whole job's.
        let day: Int64 = 86_400_000
        var written = Int64.min
        do {
            let connection = try RedisConnection(endpoint: server.endpoint)
            for past in stride(from: days - 1, through: 0, by: -1) {
                let cut = now - Int64(past) * day
                try data.write(to: connection, prefix: configuration.redis.keyPrefix, after: written, through: cut)
                written = cut
                guard past > 0 else { break }
                var run = SnapshotRun(configuration: configuration, endpoint: server.endpoint, stateDirectory: options.state, now: cut)
                run.readTimeout = 30
                _ = try run.run { _ in }
            }
        } catch let failure as JobFailure { throw failure } catch { throw JobFailure(.redis, "demo: \(error)") }
        logger.info("demo: redis-server on 127.0.0.1:\(server.port) written day by day with \(Format.grouped(data.entries.count)) events and \(Format.grouped(data.users.count)) users (seed \(seed), \(days) days), one snapshot run a day, in \(clock.lap())")

        let courier = Courier(configuration: configuration, telegramToken: nil)
        let job = SentinelJob(configuration: configuration, endpoint: server.endpoint, stateDirectory: options.state,
                              output: options.output, templatesDirectory: directory, now: now, courier: courier)
        _ = try await job.run { logger.info("\($0)") }
        let site = URL(fileURLWithPath: options.output).standardizedFileURL.path
        print("""

            The demo site is in \(site)/ (the redis-server is stopped; its data is gone).
              Open it:  file://\(site)/index.html
              Or serve: python3 -m http.server -d \(options.output) 8000   then http://127.0.0.1:8000/
              Snapshots: \(state)/snapshots/
              The daily mail, with its charts: \(mail)
            """)
    }

    /// A word for `/bin/sh`: in single quotes, each quote written as `'\''`.
    static func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Refuses a state directory that holds another site's snapshots: the
    /// demo must not mix its data into them.
    func guardState() throws {
        let manager = FileManager.default
        let snapshots = (try? manager.contentsOfDirectory(atPath: "\(options.state)/snapshots")) ?? []
        if !snapshots.isEmpty && !manager.fileExists(atPath: "\(options.state)/.demo") {
            throw JobFailure(.usage, "demo: \(options.state) holds snapshots that are not the demo's; pass --state and --output for the demo (e.g. --state demo/state --output demo/output)")
        }
        try? manager.createDirectory(atPath: options.state, withIntermediateDirectories: true)
    }
}
