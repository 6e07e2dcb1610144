import Foundation
import Metrics

/// `sentinel-gen snapshot` as named steps: lock, read Redis, aggregate,
/// write. Every day is computed before any file is written, so a run that
/// fails writes nothing.
public struct SnapshotRun: Sendable {
    /// What a run did.
    public struct Outcome: Sendable {
        /// Days written.
        public var written: [LocalDay] = []
        /// Complete days left as they were.
        public var kept = 0
        /// Stream entries read at or before now.
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
    /// Rewrite complete days whose events were all read.
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

        let validator = configuration.eventValidator
        let state: RedisState
        let connection: RedisConnection
        // The hashes are summed up as they are read, never copied.
        var accounts = AccountState()
        do {
            connection = try RedisConnection(endpoint: endpoint, readTimeout: readTimeout)
            state = try RedisReader(connection: connection, prefix: configuration.redis.keyPrefix).readState(
                users: { accounts.addUser($0, $1, now: now) },
                subscriptions: { accounts.addSubscription($0, $1, validator: validator) })
        } catch {
            throw JobFailure(.redis, step: "read state", path: endpoint.location, error.message)
        }
        accounts.finish()
        progress("[1/4] read \(Format.grouped(state.users)) users and \(Format.grouped(state.subscriptions)) subscriptions from \(endpoint) in \(clock.lap())")

        let oldest = state.firstID.flatMap { id in id.withUnsafeBytes { StreamAggregator.milliseconds(of: $0) } }
        if let oldest {
            let calendar = configuration.dayCalendar
            let first = calendar.day(containing: min(oldest, now)), today = calendar.day(containing: now)
            let days = today.ordinal - first.ordinal + 1
            guard days <= SnapshotRun.maximumDays else {
                throw JobFailure(.usage, step: "read state", path: endpoint.location,
                                 "the stream's oldest entry is on \(first), \(Format.grouped(days)) days before \(today); "
                                  + "a run computes at most \(Format.grouped(SnapshotRun.maximumDays)) days (check --now and the entries' IDs); nothing was written")
            }
        }
        var aggregator = StreamAggregator(now: now, oldestEntryMs: oldest, calendar: configuration.dayCalendar, validator: validator)
        var entries = 0
        if let lastID = state.lastID {
            do {
                try RedisReader(connection: connection, prefix: configuration.redis.keyPrefix).readStream(upTo: lastID) { batch in
                    entries += batch.count
                    batch.forEachEntry { id, list in
                        var fields = EventFields()
                        list.forEachPair { fields.set(name: $0, value: $1) }
                        aggregator.add(id: id, fields: fields)
                    }
                }
            } catch {
                throw JobFailure(.redis, step: "read events", path: endpoint.location, error.message)
            }
        }
        // Entries trimmed or deleted while the stream was read would silently
        // be missing from the figures: the run stops, and the next one reads
        // a consistent stream.
        guard entries == state.length else {
            throw JobFailure(.redis, step: "read events", path: endpoint.location,
                             "the stream changed while it was read (\(Format.grouped(state.length)) entries at the start, "
                              + "\(Format.grouped(entries)) read: trimmed or deleted meanwhile); nothing was written, run again")
        }
        progress("[2/4] read \(Format.grouped(entries)) events in \(clock.lap())")

        let snapshots = configuration.snapshotComputer.snapshots(from: aggregator, accounts: accounts)
        var outcome = Outcome()
        outcome.examples = aggregator.rejectionExamples
        outcome.trailing = aggregator.trailingActivity
        outcome.today = snapshots.last
        outcome.rejectedHashEntries = accounts.badRegistrations + accounts.badSubscriptions
        for snapshot in snapshots {
            outcome.eventsRead += snapshot.dataQuality.eventsRead
            outcome.rejected += snapshot.dataQuality.rejected.reduce(0) { $0 + $1.count }
        }
        outcome.rejected -= outcome.rejectedHashEntries * snapshots.count
        progress("[3/4] computed \(snapshots.count) day\(snapshots.count == 1 ? "" : "s") (\(Format.grouped(outcome.rejected)) entries rejected) in \(clock.lap())")

        let eventsFrom = aggregator.oldestEntryRead
        let calendar = configuration.dayCalendar
        var toWrite: [Snapshot] = []
        for snapshot in snapshots {
            switch store.existing(snapshot.date) {
            case .complete:
                let allRead = eventsFrom.map { calendar.start(of: snapshot.date) >= $0 } ?? false
                if recompute && allRead { toWrite.append(snapshot) } else { outcome.kept += 1 }
            case .replaceable(let reason?):
                progress("warning: \(store.path(for: snapshot.date)): \(reason); replaced")
                toWrite.append(snapshot)
            case .none, .replaceable(nil):
                toWrite.append(snapshot)
            }
        }
        // A figure out of range (absurd data the rejections did not catch,
        // such as a rewind past a huge churn) would make every later build
        // fail on the file: the run stops first, writing nothing.
        for snapshot in toWrite {
            if let problem = snapshot.rangeProblem() {
                throw JobFailure(.failure, step: "compute", path: store.path(for: snapshot.date),
                                 "\(store.path(for: snapshot.date)): \(problem); nothing was written")
            }
        }
        do {
            try store.write(toWrite)
        } catch {
            throw JobFailure(.failure, step: "write snapshots", path: error.path, error.description)
        }
        outcome.written = toWrite.map(\.date)
        progress("[4/4] wrote \(toWrite.count) snapshot\(toWrite.count == 1 ? "" : "s") to \(store.directory)\(outcome.kept > 0 ? " (\(outcome.kept) complete kept)" : "") in \(clock.lap())")
        return outcome
    }
}
