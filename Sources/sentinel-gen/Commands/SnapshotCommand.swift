import ArgumentParser
import Jobs
import Metrics

/// `sentinel-gen snapshot`.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Read Redis and write the daily snapshots into the state directory."
    )

    @OptionGroup var options: CommonOptions

    @Flag(help: "Rewrite complete snapshots whose day's events were all read.")
    var recompute = false

    @Option(help: ArgumentHelp("Seconds to wait for Redis to answer.", valueName: "seconds"))
    var redisTimeout: Double = 30

    func run() throws {
        let configuration = try options.loadConfiguration()
        let endpoint = try options.endpoint(configuration)
        let now = try options.instant(configuration)
        try CommonOptions.checkSeconds(redisTimeout, "--redis-timeout")
        let logger = options.logger(label: "sentinel.snapshot")
        RedisConnection.keepHeapForLargeReplies()
        var run = SnapshotRun(configuration: configuration, endpoint: endpoint, stateDirectory: options.state, now: now)
        run.recompute = recompute
        run.readTimeout = redisTimeout
        let outcome = try run.run { line in
            if line.hasPrefix("warning: ") { logger.warning("\(line.dropFirst(9))") } else { logger.info("\(line)") }
        }
        for example in outcome.examples {
            logger.warning("rejected stream entry \(example.entryID): \(example.reason.rawValue)")
        }
        if outcome.rejectedHashEntries > 0 {
            logger.warning("\(outcome.rejectedHashEntries) hash entries rejected (bad_registered_at, bad_subscription)")
        }
    }
}
