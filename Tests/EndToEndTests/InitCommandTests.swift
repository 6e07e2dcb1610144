import Foundation
import Testing
@testable import Metrics
@testable import sentinel_gen

/// `sentinel-gen init`: the starter file is the defaults, and nothing is overwritten.
@Suite struct InitCommandTests {
    @Test func theStarterFileIsTheDefaults() throws {
        let starter = try ConfigurationLoader.parse(StarterConfiguration.text, origin: "starter")
        let defaults = Configuration()
        #expect(starter.timezone == defaults.timezone && starter.revenueCurrency == defaults.revenueCurrency)
        #expect(starter.costCurrency == defaults.costCurrency && starter.infrastructure == defaults.infrastructure)
        #expect(starter.exchangeRates.isEmpty)
        #expect(starter.redis.passwordEnv == defaults.redis.passwordEnv && starter.redis.keyPrefix == defaults.redis.keyPrefix)
        #expect(starter.redis.url == "redis://127.0.0.1:6379")
        #expect(starter.alerts.errorRate == defaults.alerts.errorRate && starter.alerts.conversionRate == defaults.alerts.conversionRate)
        #expect(starter.alerts.apiCostPerDay == defaults.alerts.apiCostPerDay && starter.alerts.webhooks.isEmpty)
        #expect(starter.alerts.noActivityHours == defaults.alerts.noActivityHours && starter.alerts.cooldownHours == defaults.alerts.cooldownHours)
        #expect(starter.site.title == defaults.site.title && starter.site.baseURL == defaults.site.baseURL)
        #expect(starter.telegram.chatID == "" && starter.telegram.tokenEnv == defaults.telegram.tokenEnv && starter.telegram.apiURL == defaults.telegram.apiURL)
        #expect(starter.email.to.isEmpty && starter.email.from == defaults.email.from && starter.email.sendmail == defaults.email.sendmail)
    }

    @Test func initWritesOnceAndRefusesToOverwrite() throws {
        let folder = CLI.temporaryDirectory() + "/site"
        let first = try CLI.run(["init", folder])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("*/15 * * * *") && first.stdout.contains("\(folder)/output"))
        let written = try String(contentsOfFile: folder + "/sentinel.toml", encoding: .utf8)
        #expect(written == StarterConfiguration.text)
        #expect(FileManager.default.fileExists(atPath: folder + "/state") && FileManager.default.fileExists(atPath: folder + "/output"))
        try "timezone = \"Europe/Paris\"\n".write(toFile: folder + "/sentinel.toml", atomically: true, encoding: .utf8)
        let second = try CLI.run(["init", folder])
        #expect(second.status == 2 && second.stderr.contains("exists; init never overwrites"), "\(second.stderr)")
        #expect(try String(contentsOfFile: folder + "/sentinel.toml", encoding: .utf8) == "timezone = \"Europe/Paris\"\n")
    }
}
