import ArgumentParser
import Foundation
import Jobs
import Metrics

/// `sentinel-gen forget`.
struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Remove users from the ledger, so that no later figure counts them."
    )

    @OptionGroup var options: CommonOptions

    @Argument(help: ArgumentHelp("User ids as the bot writes them, or - to read one id per line from stdin.", valueName: "user"))
    var users: [String] = []

    func validate() throws {
        guard !users.isEmpty else { throw ValidationError("give at least one user id, or - to read them from stdin") }
    }

    func run() throws {
        let configuration = try options.loadConfiguration()
        var ids: [[UInt8]] = []
        for user in users {
            if user == "-" {
                let input = FileHandle.standardInput.readDataToEndOfFile()
                for line in input.split(separator: UInt8(ascii: "\n")) {
                    var id = Array(line)
                    if id.last == UInt8(ascii: "\r") { id.removeLast() }
                    if !id.isEmpty { ids.append(id) }
                }
            } else {
                ids.append(Array(user.utf8))
            }
        }
        let found = try ForgetRun(configuration: configuration, stateDirectory: options.state).run(ids: ids)
        // Never the ids themselves: the output may end up in a log.
        print("forgot \(ids.count) user id\(ids.count == 1 ? "" : "s"); \(found) \(found == 1 ? "was" : "were") in the ledger")
    }
}
