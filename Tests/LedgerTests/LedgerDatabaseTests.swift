import Foundation
import Ledger
import Metrics
import Testing

/// The ledger's file keeps what a run folded in, byte for byte, and a
/// forget removes the rows of the users it names.
@Suite struct LedgerDatabaseTests {
    static func folder() -> String {
        let path = NSTemporaryDirectory() + "sentinel-ledger-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func state() -> LedgerState {
        let calendar = DayCalendar(timeZoneName: "Europe/Paris")!
        let validator = EventValidator(revenueCurrency: "EUR", exchangeRates: [:])
        var meta = LedgerMeta(key: Array(repeating: 3, count: 32), timezone: "Europe/Paris", revenueCurrency: "EUR", costCurrency: "USD")
        meta.nextPosition = 0
        let now: Int64 = 1_793_000_000_000
        let hash = HashState(users: [], subscriptions: [(Array("u1".utf8), Array(#"{"amount":"9.99","plan":"pro"}"#.utf8))],
                             now: now, pseudonyms: Pseudonymizer(key: meta.key), validator: validator)
        var applier = EventApplier(state: LedgerState(meta: meta), now: now, calendar: calendar, validator: validator, hash: hash)
        let base = now - 5 * 3_600_000
        applier.add(id: "\(base)-0", fields: [("type", "registration"), ("user", "u1"), ("source", "caf\u{E9}")])
        applier.add(id: "\(base + 1)-0", fields: [("type", "command"), ("user", "u1"), ("name", "/analyze"), ("latency_ms", "12.5")])
        applier.add(id: "\(base + 2)-0", fields: [("type", "conversion"), ("user", "u1"), ("amount", "9.99"), ("plan", "pro")])
        applier.add(id: "\(base + 3)-0", fields: [("type", "api_call"), ("provider", "openai"), ("cost", "0.0021")])
        applier.add(id: "\(base + 4)-0", fields: [("type", "command"), ("user", "u2"), ("name", "x"), ("latency_ms", "-1")])
        applier.finish()
        return applier.state
    }

    @Test func whatIsSavedIsLoaded() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let saved = Self.state()
        let database = try LedgerDatabase(path: LedgerDatabase.path(in: folder))
        try database.save(saved)
        var loaded = try #require(try database.load())
        try database.loadDays(Array(saved.days.keys), into: &loaded)
        #expect(loaded.meta == saved.meta)
        #expect(loaded.users.sorted { $0.pseudonym < $1.pseudonym } == saved.users.sorted { $0.pseudonym < $1.pseudonym })
        #expect(loaded.payments == saved.payments)
        let day = try #require(saved.days.keys.first)
        let a = saved.days[day]!, b = loaded.days[day]!
        #expect(a.eventsRead == b.eventsRead && a.rejected == b.rejected && a.latencies == b.latencies)
        #expect(a.hourlyCounts == b.hourlyCounts && a.hourlyCost == b.hourlyCost && a.apiCostTotal == b.apiCostTotal)
        #expect(b.byCommand.map { loaded.commandNames.bytes(of: $0.key) } == [Array("analyze".utf8)])
        #expect(b.byCommandPaying.values.reduce(0, +) == 0)  // the command came before the conversion
        let attributes = try FileManager.default.attributesOfItem(atPath: database.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func forgetRemovesTheRowsAndKeepsThePseudonym() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let saved = Self.state()
        let database = try LedgerDatabase(path: LedgerDatabase.path(in: folder))
        try database.save(saved)
        let u1 = Pseudonymizer(key: saved.meta.key).pseudonym(Array("u1".utf8))
        #expect(try database.forget([u1, 12345], rebuildFrom: 1_792_000_000_000) == 1)
        let loaded = try #require(try database.load())
        #expect(loaded.user(u1) == nil && loaded.payments.isEmpty)
        #expect(loaded.forgotten == [u1, 12345] && loaded.meta.rebuildFrom == 1_792_000_000_000)
    }
}
