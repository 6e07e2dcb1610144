import ArgumentParser
import Jobs
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
            throw JobFailure(.failure, step: "build", "no site-template folder found; pass --templates DIR")
        }
        try StateLock.check(output: options.output, state: options.state)
        let lock = try StateLock.take(options.state)
        defer { withExtendedLifetime(lock) {} }
        let target = try StateLock.claim(output: options.output, state: options.state)
        var build = SiteBuild(configuration: configuration, stateDirectory: options.state, output: options.output,
                              templatesDirectory: directory, now: now)
        build.freesMemory = false
        _ = try build.run(into: target) { logger.info("\($0)") }
    }
}
