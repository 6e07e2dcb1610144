import ArgumentParser
import Jobs
import Foundation
import Logging
import Metrics

/// `sentinel-gen`: turns a bot's analytics in Redis into a static KPI site.
@main
struct SentinelGen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentinel-gen",
        abstract: "Turn a SaaS bot's analytics in Redis into a static KPI site.",
        discussion: """
            Exit statuses: 0 success; 1 failure; 2 usage or configuration error; \
            3 Redis unreachable, refused or failing; 4 site published but a delivery failed; \
            75 another run holds the lock.
            """,
        version: SentinelVersion.current,
        subcommands: [SnapshotCommand.self, BuildCommand.self, RunCommand.self, DemoCommand.self, InitCommand.self, ForgetCommand.self]
    )

    /// Parses, runs, and maps every failure to one line on stderr and the
    /// exit statuses of docs/cli.md (usage errors exit 2, not 64).
    static func main() async {
        // A mail command that exits without reading its input must give a
        // failed delivery, not kill the run.
        signal(SIGPIPE, SIG_IGN)
        ArgumentScrubber.scrubPasswords()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as JobFailure {
            StandardError.write("sentinel-gen: \(failure)\n")
            Foundation.exit(ExitStatus(failure.kind).rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            StandardError.write("sentinel-gen: \(message) (see 'sentinel-gen --help')\n")
            Foundation.exit(ExitStatus.usage.rawValue)
        }
    }
}
