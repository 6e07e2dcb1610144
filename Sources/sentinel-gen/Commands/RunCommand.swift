import ArgumentParser
import Jobs
import Delivery
import Foundation
import Metrics
import Templates

/// `sentinel-gen run`: the cron job.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Snapshot Redis, evaluate the alerts, build the site and deliver notifications: the cron job.",
        discussion: """
            Exit statuses: 0 success; 1 a failed build or an unexpected error; 2 usage or configuration error; \
            3 Redis unreachable, refused or failing; 4 the site was published but a delivery failed; \
            75 another run holds the lock (nothing was done).
            """
    )

    @OptionGroup var options: CommonOptions

    @Option(help: ArgumentHelp("Templates folder (default: $SENTINEL_TEMPLATES, else ./site-template, else the one installed with sentinel-gen).", valueName: "dir"))
    var templates: String?

    @Option(help: ArgumentHelp("Seconds to wait for Redis to answer.", valueName: "seconds"))
    var redisTimeout: Double = 30

    @Option(help: ArgumentHelp("Seconds before a webhook, Telegram or mail delivery is given up (3 tries per run).", valueName: "seconds"))
    var deliveryTimeout: Double = 10

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let endpoint = try options.endpoint(configuration)
        let now = try options.instant(configuration)
        try CommonOptions.checkSeconds(redisTimeout, "--redis-timeout")
        try CommonOptions.checkSeconds(deliveryTimeout, "--delivery-timeout")
        guard let directory = TemplateSet.locate(explicit: templates) else {
            throw JobFailure(.failure, "run: no site-template folder found; pass --templates DIR")
        }
        let environment = ProcessInfo.processInfo.environment
        let origin = ConfigurationLoader.locate(flag: options.config, environment: environment)
            .map { ($0.path as NSString).lastPathComponent } ?? "the defaults"
        if let problem = DeliveryCheck.problem(configuration, origin: origin, environment: environment) {
            throw JobFailure(.usage, problem.description)
        }
        let logger = options.logger(label: "sentinel.run")
        RedisConnection.keepHeapForLargeReplies()
        let courier = Courier(configuration: configuration, timeout: deliveryTimeout, telegramToken: environment[configuration.telegram.tokenEnv])
        var job = SentinelJob(configuration: configuration, endpoint: endpoint, stateDirectory: options.state, output: options.output,
                              templatesDirectory: directory, now: now, courier: courier)
        job.readTimeout = redisTimeout
        let outcome = try await job.run { line in
            if line.hasPrefix("warning: ") { logger.warning("\(line.dropFirst(9))") } else { logger.info("\(line)") }
        }
        for failure in outcome.failed { logger.warning("delivery: \(failure)") }
        if !outcome.failed.isEmpty {
            throw JobFailure(.delivery, "the site was published, but \(outcome.failed.count) delivery failed (see the warnings above)")
        }
    }
}
