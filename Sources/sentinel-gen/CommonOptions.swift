import ArgumentParser
import Foundation
import Jobs
import Logging
import Metrics

/// The options every command takes (docs/cli.md).
struct CommonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("TOML configuration (default: $SENTINEL_CONFIG, else ./sentinel.toml if present).", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Redis URL, redis://host[:port][/db] or unix:///path (default: $SENTINEL_REDIS_URL, else [redis] url, else redis://127.0.0.1:6379). A password belongs in $SENTINEL_REDIS_PASSWORD (the variable redis.password_env names), not here: other users can read a command line.", valueName: "url"))
    var redis: String?

    @Option(help: ArgumentHelp("State directory holding the daily snapshots.", valueName: "dir"))
    var state = "state"

    @Option(help: ArgumentHelp("Output directory of the site.", valueName: "dir"))
    var output = "output"

    @Option(help: ArgumentHelp("Compute as of this ISO-8601 time instead of the wall clock, e.g. 2026-11-25T08:00:00Z.", valueName: "time"))
    var now: String?

    @Flag(name: [.short, .long], help: "Print warnings and errors only.")
    var quiet = false

    /// The configuration: the file, then the environment and flags over it.
    func loadConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Configuration {
        let location = ConfigurationLoader.locate(flag: config, environment: environment)
        do {
            return try ConfigurationLoader.load(path: location?.path)
        } catch {
            throw JobFailure(.usage, error.description)
        }
    }

    /// Where Redis is: `--redis`, else `SENTINEL_REDIS_URL`, else the file,
    /// else the local default; the password from the URL or the variable
    /// named by `redis.password_env`.
    func endpoint(_ configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RedisEndpoint {
        let (origin, url): (String, String)
        if let redis { (origin, url) = ("--redis", redis) }
        else if let value = environment["SENTINEL_REDIS_URL"], !value.isEmpty { (origin, url) = ("SENTINEL_REDIS_URL", value) }
        else if let value = configuration.redis.url { (origin, url) = ("redis.url", value) }
        else { (origin, url) = ("default", "redis://127.0.0.1:6379") }
        var endpoint: RedisEndpoint
        do { endpoint = try RedisEndpoint(url: url) } catch { throw JobFailure(.usage, "\(origin): \(error.message)") }
        if endpoint.password == nil, let password = environment[configuration.redis.passwordEnv], !password.isEmpty {
            endpoint.password = password
        }
        return endpoint
    }

    /// `--now`, resolved in the configured zone, or the wall clock.
    func instant(_ configuration: Configuration) throws -> Int64 {
        guard let now else { return Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
        guard let parsed = Timestamp.parse(now) else {
            throw JobFailure(.usage, "--now: expected an ISO-8601 time such as 2026-11-25T08:00:00Z, got '\(now)'")
        }
        let instant = parsed.resolve(in: configuration.dayCalendar)
        // A future `now` would write empty complete days that are never
        // rewritten: the history would be poisoned for good.
        let clock = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        guard instant <= clock else {
            throw JobFailure(.usage, "--now: \(now) is later than the system clock; nothing was written")
        }
        return instant
    }

    /// A timeout in seconds: finite, from a millisecond to a day (a smaller
    /// one would mean no timeout to the socket, a larger one no bound).
    static func checkSeconds(_ value: Double, _ option: String) throws {
        guard value.isFinite, value >= 0.001, value <= 86_400 else {
            throw JobFailure(.usage, "\(option): expected a number of seconds from 0.001 to 86400, got \(value)")
        }
    }

    /// A logger that prints plain lines on stderr.
    func logger(label: String) -> Logger {
        var logger = Logger(label: label) { _ in PlainLogHandler() }
        logger.logLevel = quiet ? .warning : .info
        return logger
    }
}
