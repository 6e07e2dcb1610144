import ArgumentParser
import Foundation
import Glibc
import Jobs
import Metrics
import Templates

/// `sentinel-gen init`.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented sentinel.toml and the state and output folders into a folder, and print the next steps."
    )

    @Argument(help: ArgumentHelp("The folder to set up (created if missing).", valueName: "dir"))
    var directory = "."

    func run() throws {
        let folder = URL(fileURLWithPath: directory).standardizedFileURL.path
        let file = "\(folder)/sentinel.toml"
        var info = stat()
        guard lstat(file, &info) != 0 else {
            throw JobFailure(.usage, step: "init", path: file, "\(file) exists; init never overwrites a file: edit it, or choose another folder")
        }
        do {
            try AtomicFile.makeDirectory(folder)
            // O_EXCL: a file that appeared meanwhile is not overwritten either.
            try AtomicFile.create(Array(StarterConfiguration.text.utf8), at: file)
        } catch {
            throw JobFailure(.failure, step: "init", path: error.path, error.description)
        }
        for name in ["state", "output"] {
            do { try AtomicFile.makeDirectory("\(folder)/\(name)") } catch {
                throw JobFailure(.failure, step: "init", path: error.path, error.description)
            }
        }
        print(InitCommand.nextSteps(folder: folder, binary: TemplateSet.executablePath()))
    }

    /// What to do after `init`.
    static func nextSteps(folder: String, binary: String) -> String {
        let share = URL(fileURLWithPath: binary).deletingLastPathComponent().deletingLastPathComponent().path + "/share/sentinel"
        return """
            Wrote \(folder)/sentinel.toml (every key with its default) and the folders \(folder)/state and \(folder)/output.

            Next:
              1. Edit \(folder)/sentinel.toml: timezone, currencies, alerts, deliveries.
                 Secrets go in the environment, never in the file: SENTINEL_REDIS_PASSWORD, SENTINEL_TELEGRAM_TOKEN.
              2. Try it once, as the user who will run it (the state's lock and files are that user's):
                   cd \(folder) && \(binary) run
              3. Run it every 15 minutes, with cron (in that user's crontab):
                   */15 * * * * cd \(folder) && \(binary) run --quiet >>\(folder)/sentinel.log 2>&1
                 or with systemd: \(share)/systemd/sentinel.service and sentinel.timer (see docs/deploying.md).
              4. Serve the site: point nginx's root at the output symlink:
                   server { listen 80; root \(folder)/output; index index.html; error_page 404 /404.html; }
            """
    }
}
