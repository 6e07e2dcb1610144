import Foundation
import Testing
@testable import Metrics
@testable import sentinel_gen

/// What the command line hides and refuses before anything runs.
@Suite struct CommandLineTests {
    func password(_ url: String) -> String? {
        let bytes = Array(url.utf8)
        return ArgumentScrubber.passwordRange(in: bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    @Test func thePasswordIsFoundAsRedisEndpointReadsIt() throws {
        #expect(password("redis://:pw@127.0.0.1:6379/0") == "pw")
        #expect(password("--redis=redis://user:p@ss@host") == "p@ss")
        #expect(password("redis://:ab/cd?e@host:1") == "ab/cd?e")
        #expect(password("redis://secret@host") == "secret")
        #expect(password("redis://127.0.0.1:6379") == nil)
        #expect(password("redis://:@host") == nil)
        #expect(password("unix:///run/redis.sock") == nil)
        // The same password RedisEndpoint takes, for each form.
        for (url, expected) in [("redis://:ab/cd@host", "ab/cd"), ("redis://secret@host", "secret"), ("redis://u:p@ss@host", "p@ss")] {
            #expect(try RedisEndpoint(url: url).password == expected)
        }
    }

    @Test func configurationErrorsShowNoSecret() throws {
        for text in ["[telegram]\ntoken_env = \"123456:AAHsecret-token\"", "[alerts]\nwebhooks = \"https://hooks.slack.com/services/T0/B0/SECRET\"",
                     "[redis]\npassword_env = \"p@ss!word\""] {
            #expect(throws: ConfigurationError.self) { try ConfigurationLoader.parse(text, origin: "sentinel.toml") }
            do { _ = try ConfigurationLoader.parse(text, origin: "sentinel.toml") } catch {
                let line = error.description
                #expect(!line.contains("AAHsecret") && !line.contains("SECRET") && !line.contains("p@ss"), "\(line)")
                #expect(line.contains("not shown"), "\(line)")
            }
        }
    }

    @Test func timeoutsAndOutputsThatCannotWorkAreRefused() throws {
        for value in ["inf", "1e19", "0.0000001", "nan"] {
            let result = try CLI.run(["snapshot", "--redis-timeout", value, "--state", CLI.temporaryDirectory()])
            #expect(result.status == 2 && result.stderr.contains("--redis-timeout: expected a number of seconds"), "\(value): \(result.stderr)")
        }
        let work = CLI.temporaryDirectory()
        for output in ["..", "\(work)/x/..", "."] {
            let result = try CLI.run(["build", "--state", "\(work)/state", "--output", output, "--now", "2026-11-25T08:00:00Z"], directory: work)
            #expect(result.status == 2, "\(output): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(work)/state"))
    }
}
