import Foundation
import Ledger
import Metrics

/// `sentinel-gen forget`: removes users from the ledger (and from every
/// ledger kept by `--recompute`) and lists them as forgotten, so that no
/// later figure counts their entries. Complete snapshots, which hold
/// aggregates only, stay as they are.
public struct ForgetRun: Sendable {
    /// The configuration in force (a new ledger's settings).
    public let configuration: Configuration
    /// The state directory.
    public let stateDirectory: String

    /// A run over a state directory.
    public init(configuration: Configuration, stateDirectory: String) {
        self.configuration = configuration
        self.stateDirectory = stateDirectory
    }

    /// Forgets the ids; returns how many of them the current ledger knew.
    public func run(ids: [[UInt8]]) throws(JobFailure) -> Int {
        let lock = try StateLock.take(stateDirectory)
        defer { withExtendedLifetime(lock) {} }
        let path = LedgerDatabase.path(in: stateDirectory)
        LedgerDatabase.recover(in: stateDirectory)
        let database = try within("open ledger", path) { () throws(LedgerError) in try LedgerDatabase(path: path) }
        var loaded = try within("open ledger", path) { () throws(LedgerError) in try database.loadMeta() }
        if loaded == nil {
            let meta = LedgerMeta(key: Pseudonymizer.makeKey(), timezone: configuration.timezone,
                                  revenueCurrency: configuration.revenueCurrency, costCurrency: configuration.costCurrency)
            try within("create ledger", path) { () throws(LedgerError) in try database.create(meta) }
            loaded = meta
        }
        let meta = loaded!
        let pseudonyms = Pseudonymizer(key: meta.key)
        let list = ids.map { pseudonyms.pseudonym($0) }
        // One transaction: the rows go, and the next run rebuilds the open days.
        let from = rebuildStart(meta)
        let found = try within("forget", path) { () throws(LedgerError) in try database.forget(list, rebuildFrom: from) }
        for kept in keptLedgers() {
            let old = try within("forget", kept) { () throws(LedgerError) in try LedgerDatabase(path: kept) }
            guard let oldKey = try within("forget", kept, { () throws(LedgerError) in try old.loadMeta() })?.key else { continue }
            let oldPseudonyms = Pseudonymizer(key: oldKey)
            _ = try within("forget", kept) { () throws(LedgerError) in try old.forget(ids.map { oldPseudonyms.pseudonym($0) }) }
        }
        return found
    }

    /// Where the next run starts applying again: the day after the last
    /// complete snapshot (the days before are aggregates only), not before
    /// the ledger's first entry; nil when it read nothing yet.
    private func rebuildStart(_ meta: LedgerMeta) -> Int64? {
        guard let first = meta.eventsFrom, let calendar = DayCalendar(timeZoneName: meta.timezone) else { return nil }
        let store = SnapshotStore(stateDirectory: stateDirectory)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: store.directory)) ?? []).sorted(by: >)
        for name in names where name.hasSuffix(".json") {
            guard let day = LocalDay(String(name.dropLast(5))), store.existing(day) == .complete else { continue }
            return max(calendar.start(of: day.adding(days: 1)), first)
        }
        return first
    }

    /// The ledgers `--recompute` renamed aside.
    private func keptLedgers() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: stateDirectory)) ?? []
        return names.filter { $0.hasPrefix("ledger-") && $0.hasSuffix(".sqlite") }.sorted().map { stateDirectory + "/" + $0 }
    }
}
