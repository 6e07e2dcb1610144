import ArgumentParser
import Metrics
import Templates

/// `sentinel-gen build`.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Read the state directory only and write the site: dashboard, reports, API, CSV and feed."
    )

    @OptionGroup var options: CommonOptions

    @Option(help: ArgumentHelp("Templates folder (default: $SENTINEL_TEMPLATES, else ./site-template, else the one installed with sentinel-gen).", valueName: "dir"))
    var templates: String?

    func run() throws {
        let configuration = try options.loadConfiguration()
        let now = try options.instant(configuration)
        let logger = options.logger(label: "sentinel.build")
        guard let directory = TemplateSet.locate(explicit: templates) else {
            throw CLIFailure(status: .failure, message: "build: no site-template folder found; pass --templates DIR")
        }
        do { try PublishTarget.check(output: options.output, state: options.state) } catch { throw CLIFailure(error) }
        let lock: RunLock
        do {
            try AtomicFile.makeDirectory(options.state)
            lock = try RunLock(stateDirectory: options.state)
        } catch let error as RunLock.Failure {
            if case .held = error { throw CLIFailure(status: .locked, message: error.description) }
            throw CLIFailure(status: .failure, message: "lock: \(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        let target: PublishTarget
        do { target = try PublishTarget(output: options.output, state: options.state) } catch { throw CLIFailure(error) }
        let build = SiteBuild(configuration: configuration, stateDirectory: options.state, output: options.output,
                              templatesDirectory: directory, now: now)
        do {
            _ = try build.run(into: target) { logger.info("\($0)") }
        } catch {
            throw CLIFailure(status: .failure, message: error.description)
        }
    }
}
