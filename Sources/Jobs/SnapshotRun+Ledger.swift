import Foundation
import Ledger
import Metrics

/// The ledger's steps of a snapshot run: open (or rebuild) it, check that
/// it fits the configuration and the stream, find what was trimmed unread,
/// choose the days to write.
extension SnapshotRun {
    /// Opens the ledger; with `--recompute`, reads the old one's key and
    /// forgotten users for a new one, built beside it and swapped in at the
    /// commit (`commit`), so that a failed rebuild keeps the old ledger.
    func openLedger(progress: (String) -> Void) throws(JobFailure) -> (LedgerDatabase?, LedgerState) {
        let path = LedgerDatabase.path(in: stateDirectory)
        LedgerDatabase.recover(in: stateDirectory)
        var carried: LedgerState?
        if recompute && FileManager.default.fileExists(atPath: path) {
            carried = try within("open ledger", path) { () throws(LedgerError) in
                let old = try LedgerDatabase(path: path)
                defer { old.close() }
                return try old.load()
            }
        }
        let exists = !recompute && FileManager.default.fileExists(atPath: path)
        let database = exists ? try within("open ledger", path) { () throws(LedgerError) in try LedgerDatabase(path: path) } : nil
        let loaded = try within("open ledger", path) { () throws(LedgerError) in try database?.load() }
        guard let state = loaded else {
            var meta = LedgerMeta(key: carried?.meta.key ?? Pseudonymizer.makeKey(), timezone: configuration.timezone,
                                  revenueCurrency: configuration.revenueCurrency, costCurrency: configuration.costCurrency)
            meta.nextPosition = 0
            var state = LedgerState(meta: meta)
            state.forgotten = carried?.forgotten ?? []
            return (database, state)
        }
        let settings = [("timezone", state.meta.timezone, configuration.timezone),
                        ("revenue.currency", state.meta.revenueCurrency, configuration.revenueCurrency),
                        ("costs.currency", state.meta.costCurrency, configuration.costCurrency)]
        for (key, was, now) in settings where was != now {
            throw JobFailure(.usage, step: "open ledger", path: path,
                             "\(path) was built with \(key) \(was), the configuration says \(now); nothing was written "
                              + "(run `sentinel-gen snapshot --recompute` to rebuild the ledger for the new setting)")
        }
        if let last = state.meta.lastNow, now < last {
            throw JobFailure(.usage, step: "open ledger", path: path,
                             "--now \(Timestamp.format(ms: now)) is before the previous run's (\(Timestamp.format(ms: last))); "
                              + "nothing was written (a ledger only moves forward: use --recompute to rebuild it)")
        }
        return (database, state)
    }

    /// Commits the ledger: into its file, or for `--recompute` into a new
    /// one that then takes the old one's place, the old one kept aside.
    func commit(_ state: LedgerState, to database: LedgerDatabase?, progress: (String) -> Void) throws(JobFailure) {
        let path = LedgerDatabase.path(in: stateDirectory)
        if let database {
            try within("commit ledger", path) { () throws(LedgerError) in try database.save(state) }
            return
        }
        guard recompute else {
            try within("commit ledger", path) { () throws(LedgerError) in try LedgerDatabase(path: path).save(state) }
            return
        }
        let new = path + ".new"
        for file in [new, new + "-wal", new + "-shm"] { unlink(file) }
        try within("commit ledger", new) { () throws(LedgerError) in
            let built = try LedgerDatabase(path: new)
            defer { built.close() }
            try built.save(state)
        }
        if FileManager.default.fileExists(atPath: path) {
            let kept = try renameAside(path)
            progress("kept the previous ledger as \(kept)")
        }
        guard rename(new, path) == 0 else {
            throw JobFailure(.failure, step: "commit ledger", path: path, "\(new): cannot rename it to \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func renameAside(_ path: String) throws(JobFailure) -> String {
        // `ledger-20261201T132148Z.sqlite`: the wall clock, when it was kept.
        let stamp = String(Timestamp.format(ms: Int64(Date().timeIntervalSince1970 * 1000))
            .filter { $0 != "-" && $0 != ":" }.prefix(15)) + "Z"
        var target = stateDirectory + "/ledger-\(stamp).sqlite"
        var attempt = 2
        while FileManager.default.fileExists(atPath: target) {
            target = stateDirectory + "/ledger-\(stamp)-\(attempt).sqlite"
            attempt += 1
        }
        guard rename(path, target) == 0 else {
            throw JobFailure(.failure, step: "open ledger", path: path, "\(path): cannot rename it to \(target): \(String(cString: strerror(errno)))")
        }
        for suffix in ["-wal", "-shm"] { unlink(path + suffix) }
        return target
    }

    /// After `forget`, applies again what the stream holds of the days
    /// without a complete snapshot, without the forgotten users; when the
    /// stream no longer holds all of it, the days keep what they counted.
    func rebuildAfterForget(_ state: inout LedgerState, redis: RedisState, progress: (String) -> Void) -> Bool {
        guard let from = state.meta.rebuildFrom else { return false }
        let first = redis.firstID.flatMap { id in id.withUnsafeBytes { EventApplier.milliseconds(of: $0) } }
        guard let first, first <= from else {
            state.meta.rebuildFrom = nil
            progress("warning: the stream no longer holds every entry since \(Timestamp.format(ms: from)): the days since keep the counts of the users forgotten before them")
            return false
        }
        let calendar = configuration.dayCalendar
        state.rewind(to: from, day: calendar.day(containing: from).ordinal) { calendar.start(of: LocalDay(ordinal: $0)) }
        return true
    }

    /// Stops a run whose stream was replaced, or which would compute more
    /// days than a run may.
    func checkStream(_ redis: RedisState, state: LedgerState) throws(JobFailure) {
        if let cursor = state.meta.cursor, let last = redis.lastID, EventApplier.precedes(last, cursor) {
            throw JobFailure(.redis, step: "read state", path: endpoint.location,
                             "the stream's last entry (\(String(decoding: last, as: UTF8.self))) is older than the ledger's cursor "
                              + "(\(String(decoding: cursor, as: UTF8.self))): the stream was replaced (deleted and written again, "
                              + "or restored from a backup); nothing was written. `--recompute` rebuilds the ledger from what Redis holds, keeping the old one")
        }
        let calendar = configuration.dayCalendar
        let streamFirst = redis.firstID.flatMap { id in id.withUnsafeBytes { EventApplier.milliseconds(of: $0) } }
        guard let oldest = [streamFirst, state.meta.eventsFrom].compactMap({ $0 }).min() else { return }
        let first = calendar.day(containing: min(oldest, now)), today = calendar.day(containing: now)
        let days = today.ordinal - first.ordinal + 1
        guard days <= SnapshotRun.maximumDays else {
            throw JobFailure(.usage, step: "read state", path: endpoint.location,
                             "the stream's oldest entry is on \(first), \(Format.grouped(days)) days before \(today); "
                              + "a run computes at most \(Format.grouped(SnapshotRun.maximumDays)) days (check --now and the entries' IDs); nothing was written")
        }
    }

    /// The stretch trimmed before this run could read it, if any.
    func unreadGap(_ redis: RedisState, before meta: LedgerMeta, applier: EventApplier) -> UnreadGap? {
        guard let cursor = meta.cursor, let cursorMs = meta.cursorMs else {
            // A first read that found fewer entries than XLEN: some were
            // trimmed between two batches.
            guard applier.entriesRead < redis.length, let first = applier.firstReadMs, let last = applier.lastReadMs else { return nil }
            return UnreadGap(fromMs: first, toMs: last)
        }
        var missing = false
        if let added = redis.entriesAdded, let through = meta.addedThroughCursor {
            // Fewer added since the cursor than are left: a deleted and
            // recreated stream (its count starts again) is a gap too.
            missing = added < through || Int64(applier.entriesRead) < added - through
        } else if let first = redis.firstID {
            missing = EventApplier.precedes(cursor, first)
        }
        guard missing else { return nil }
        // Trimmed while read (the stream still began at or before the
        // cursor): the hole is somewhere in what was read.
        if let first = redis.firstID, !EventApplier.precedes(cursor, first), let last = applier.lastReadMs {
            return UnreadGap(fromMs: cursorMs, toMs: max(last, cursorMs))
        }
        return UnreadGap(fromMs: cursorMs, toMs: max(applier.firstReadMs ?? now, cursorMs))
    }

    /// The days to write: today, and every day since the ledger's first
    /// without a complete snapshot (with `--recompute`, every covered day).
    func daysToCompute(state: inout LedgerState, store: SnapshotStore, progress: (String) -> Void) -> (days: [LocalDay], kept: Int, todayKept: Bool) {
        let calendar = configuration.dayCalendar
        let first = configuration.snapshotComputer.firstDay(of: state, now: now), today = calendar.day(containing: now)
        var days: [LocalDay] = [], kept = 0
        var verified = recompute ? nil : state.meta.verifiedThrough
        var contiguous = true, todayKept = false
        var day = first
        if let through = verified, through >= first.ordinal {
            kept = min(through, today.ordinal - 1) - first.ordinal + 1
            day = LocalDay(ordinal: min(through, today.ordinal - 1) + 1)
        }
        while day <= today {
            switch store.existing(day) {
            case .complete:
                if recompute && state.covers(dayStart: calendar.start(of: day)) {
                    days.append(day)
                } else if day == today {
                    // Computed for the alerts, never written over.
                    days.append(day)
                    kept += 1
                    todayKept = true
                } else {
                    kept += 1
                    if contiguous { verified = day.ordinal }
                }
            case .replaceable(let reason?):
                progress("warning: \(store.path(for: day)): \(reason); replaced")
                days.append(day)
                contiguous = false
            default:
                days.append(day)
                contiguous = false
            }
            day = day.adding(days: 1)
        }
        state.meta.verifiedThrough = verified
        return (days, kept, todayKept)
    }
}

/// Runs a ledger operation, tagging its failure with the step and path.
func within<T>(_ step: String, _ path: String, _ body: () throws(LedgerError) -> T) throws(JobFailure) -> T {
    do { return try body() } catch { throw JobFailure(.failure, step: step, path: path, error.description) }
}
