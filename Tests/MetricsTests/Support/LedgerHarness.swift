@testable import Metrics

/// Runs entries and hashes through the ledger's pure path, as a snapshot
/// run does without Redis or SQLite: apply, then compute every day from
/// the ledger's first to today.
struct LedgerHarness {
    var calendar = DayCalendar(timeZoneName: "UTC")!
    var validator = EventValidator(revenueCurrency: "USD", exchangeRates: [:])
    var infrastructure: [Money] = []
    var state = LedgerState(meta: LedgerMeta(key: Array(repeating: 7, count: 32), timezone: "UTC", revenueCurrency: "USD", costCurrency: "USD"))

    /// A run at `now` over entries (IDs as given) and the hashes.
    mutating func run(now: Int64, entries: [(id: String, fields: [(String, String)])],
                      users: [(String, String)] = [], subscriptions: [(String, String)] = []) -> (snapshots: [Snapshot], applier: EventApplier) {
        let hash = HashState(users: users.map { (Array($0.0.utf8), Array($0.1.utf8)) },
                             subscriptions: subscriptions.map { (Array($0.0.utf8), Array($0.1.utf8)) },
                             now: now, pseudonyms: Pseudonymizer(key: state.meta.key), forgotten: state.forgotten, validator: validator)
        var applier = EventApplier(state: state, now: now, calendar: calendar, validator: validator, hash: hash)
        for entry in entries { applier.add(id: entry.id, fields: entry.fields) }
        applier.finish()
        state = applier.state
        state.meta.lastNow = now
        let computer = LedgerSnapshotComputer(calendar: calendar, revenueCurrency: state.meta.revenueCurrency,
                                              costCurrency: state.meta.costCurrency, infrastructure: infrastructure)
        let first = computer.firstDay(of: state, now: now), today = calendar.day(containing: now)
        let days = (first.ordinal...today.ordinal).map { LocalDay(ordinal: $0) }
        return (computer.snapshots(of: days, state: state, hash: hash, future: applier.future, now: now), applier)
    }
}
