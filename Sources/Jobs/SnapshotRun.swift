import Foundation
import Ledger
import Metrics

/// `sentinel-gen snapshot` as named steps: lock, open the ledger, read
/// Redis (the hashes whole, the stream after the cursor), commit the
/// ledger, write the snapshots derived from it. A run that fails before the
/// commit changes nothing; one killed after it is completed by the next.
public struct SnapshotRun: Sendable {
    /// What a run did.
    public struct Outcome: Sendable {
        /// Days written.
        public var written: [LocalDay] = []
        /// Complete days left as they were.
        public var kept = 0
        /// Stream entries applied (at or before now).
        public var eventsRead = 0
        /// Of those, rejected.
        public var rejected = 0
        /// Rejected hash entries.
        public var rejectedHashEntries = 0
        /// At most five rejected entries, for the log.
        public var examples: [RejectionExample] = []
        /// The trailing 24 hours, for alerts.
        public var trailing = TrailingActivity()
        /// The snapshot of the day in progress.
        public var today: Snapshot?
    }

    /// The configuration in force.
    public let configuration: Configuration
    /// Where Redis is.
    public let endpoint: RedisEndpoint
    /// The state directory.
    public let stateDirectory: String
    /// The run's `now`, unix ms.
    public let now: Int64
    /// Rebuild the ledger from Redis and rewrite every day it covers.
    public var recompute = false
    /// Seconds to wait for Redis to answer.
    public var readTimeout: Double = 30
    /// False when the caller already holds the state's lock (`run`).
    public var takesLock = true

    /// Days a run computes at most (docs/cli.md): a stream reaching further
    /// back, or a clock far ahead, is a usage error, not gigabytes of days.
    public static let maximumDays = 3_700

    /// A run.
    public init(configuration: Configuration, endpoint: RedisEndpoint, stateDirectory: String, now: Int64) {
        self.configuration = configuration
        self.endpoint = endpoint
        self.stateDirectory = stateDirectory
        self.now = now
    }

    /// Runs the steps; `progress` gets one line per step.
    public func run(progress: (String) -> Void) throws(JobFailure) -> Outcome {
        let store = SnapshotStore(stateDirectory: stateDirectory)
        let lock = takesLock ? try StateLock.take(stateDirectory) : nil
        do {
            try AtomicFile.makeDirectory(stateDirectory)
            try store.prepare()
            AtomicFile.removeLeftovers(in: stateDirectory) { ["alerts.json", "delivery.json"].contains($0) }
        } catch {
            throw JobFailure(.failure, step: "prepare", path: error.path, error.description)
        }
        defer { withExtendedLifetime(lock) {} }
        var clock = StepClock()

        let (database, loaded) = try openLedger(progress: progress)
        let openTime = clock.lap()
        let calendar = configuration.dayCalendar
        let validator = configuration.eventValidator
        var hash = HashState(now: now, pseudonyms: Pseudonymizer(key: loaded.meta.key), forgotten: loaded.forgotten)
        let redis: RedisState
        let connection: RedisConnection
        do {
            connection = try RedisConnection(endpoint: endpoint, readTimeout: readTimeout)
            redis = try RedisReader(connection: connection, prefix: configuration.redis.keyPrefix).readState(
                users: { hash.addUser($0, $1) },
                subscriptions: { hash.addSubscription($0, $1, validator: validator) })
        } catch {
            throw JobFailure(.redis, step: "read state", path: endpoint.location, error.message)
        }
        try checkStream(redis, state: loaded)
        progress("[1/4] opened the ledger (\(Format.grouped(loaded.users.count)) users) in \(openTime), read \(Format.grouped(redis.users)) users and \(Format.grouped(redis.subscriptions)) subscriptions from \(endpoint) in \(clock.lap())")

        var state = loaded
        let rebuilding = rebuildAfterForget(&state, redis: redis, progress: progress)
        let cursorDay = state.meta.cursorMs.map { calendar.day(containing: min($0, now)) } ?? calendar.day(containing: now)
        let path = LedgerDatabase.path(in: stateDirectory)
        try within("read ledger", path) { () throws(LedgerError) in
            try database?.loadDays(Array(cursorDay.ordinal...calendar.day(containing: now).ordinal), into: &state)
        }
        var applier = EventApplier(state: state, now: now, calendar: calendar, validator: validator, hash: hash)
        if let lastID = redis.lastID {
            do {
                try RedisReader(connection: connection, prefix: configuration.redis.keyPrefix).readStream(after: state.meta.cursor, upTo: lastID) { batch in
                    batch.forEachEntry { id, list in
                        var fields = EventFields()
                        list.forEachPair { fields.set(name: $0, value: $1) }
                        applier.add(id: id, fields: fields)
                    }
                }
            } catch {
                throw JobFailure(.redis, step: "read events", path: endpoint.location, error.message)
            }
        }
        let gap = rebuilding ? nil : unreadGap(redis, before: loaded.meta, applier: applier)
        applier.finish()
        state = applier.state
        if let gap {
            state.meta.gaps.append(gap)
            progress("warning: \(endpoint): stream entries between \(Timestamp.format(ms: gap.fromMs)) and \(Timestamp.format(ms: gap.toMs)) were trimmed before they were read; the days they cover are marked unread_gap")
        }
        state.meta.lastNow = now
        if let added = redis.entriesAdded { state.meta.addedThroughCursor = added - Int64(applier.entriesAfterNow) } else { state.meta.addedThroughCursor = nil }
        progress("[2/4] read \(Format.grouped(applier.entriesRead)) new events in \(clock.lap())")

        let (days, kept, todayKept) = daysToCompute(state: &state, store: store, progress: progress)
        hash.finish(cohortsFrom: configuration.snapshotComputer.earliestCohortStart(of: days))
        try within("read ledger", path) { () throws(LedgerError) in
            try database?.loadDays(days.map(\.ordinal).filter { state.days[$0] == nil }, into: &state)
        }
        let snapshots = configuration.snapshotComputer.snapshots(of: days, state: state, hash: hash, future: applier.future, now: now)
        try checkRanges(snapshots, store: store)
        try commit(state, to: database, progress: progress)
        var outcome = Outcome()
        outcome.examples = applier.examples
        outcome.trailing = state.meta.recent.trailing(now: now)
        outcome.today = snapshots.last
        outcome.rejectedHashEntries = hash.badRegistrations + hash.badSubscriptions
        outcome.eventsRead = applier.entriesApplied
        outcome.rejected = applier.entriesRejected
        outcome.kept = kept
        progress("[3/4] committed \(Format.grouped(applier.entriesApplied)) events to the ledger and computed \(snapshots.count) day\(snapshots.count == 1 ? "" : "s") (\(Format.grouped(outcome.rejected)) entries rejected) in \(clock.lap())")

        let toWrite = todayKept ? Array(snapshots.dropLast()) : snapshots
        do {
            try store.write(toWrite)
        } catch {
            throw JobFailure(.failure, step: "write snapshots", path: error.path, error.description)
        }
        outcome.written = toWrite.map(\.date)
        progress("[4/4] wrote \(toWrite.count) snapshot\(toWrite.count == 1 ? "" : "s") to \(store.directory)\(kept > 0 ? " (\(kept) complete kept)" : "") in \(clock.lap())")
        return outcome
    }

    private func checkRanges(_ snapshots: [Snapshot], store: SnapshotStore) throws(JobFailure) {
        // A figure out of range (absurd data the rejections did not catch,
        // such as a rewind past a huge churn) would make every later build
        // fail on the file: the run stops before committing anything.
        for snapshot in snapshots {
            if let problem = snapshot.rangeProblem() {
                throw JobFailure(.failure, step: "compute", path: store.path(for: snapshot.date),
                                 "\(store.path(for: snapshot.date)): \(problem); nothing was written")
            }
        }
    }
}
