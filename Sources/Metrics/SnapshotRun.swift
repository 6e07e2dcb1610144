import Foundation

/// `sentinel-gen snapshot` as named steps: lock, read Redis, aggregate,
/// write. Every day is computed before any file is written, so a run that
/// fails writes nothing.
public struct SnapshotRun: Sendable {
    /// A failure, tagged with the step and the path it concerns.
    public struct Failure: Error, CustomStringConvertible {
        /// What kind of failure, for the exit status.
        public enum Kind: Sendable { case redis, io, lock, usage }
        /// The step's name.
        public let step: String
        /// The file or server concerned.
        public let path: String?
        /// One line for the user.
        public let message: String
        /// Its kind.
        public let kind: Kind
        public var description: String { "\(step): \(message)" }
    }

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

    /// Days a run computes at most (site.md): a stream reaching further
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
    public func run(progress: (String) -> Void) throws(Failure) -> Outcome {
        let store = SnapshotStore(stateDirectory: stateDirectory)
        let lock: RunLock?
        do {
            try AtomicFile.makeDirectory(stateDirectory)
            lock = takesLock ? try RunLock(stateDirectory: stateDirectory) : nil
            try store.prepare()
            AtomicFile.removeLeftovers(in: stateDirectory) { ["alerts.json", "delivery.json"].contains($0) }
        } catch let error as RunLock.Failure {
            if case .held(let path) = error { throw Failure(step: "lock", path: path, message: error.description, kind: .lock) }
            throw Failure(step: "lock", path: stateDirectory, message: error.description, kind: .io)
        } catch let error as AtomicFile.Failure {
            throw Failure(step: "prepare", path: error.path, message: error.description, kind: .io)
        } catch {
            throw Failure(step: "prepare", path: stateDirectory, message: "\(error)", kind: .io)
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
            throw Failure(step: "read state", path: endpoint.location, message: error.message, kind: .redis)
        }
        accounts.finish()
        progress("[1/4] read \(Format.grouped(state.users)) users and \(Format.grouped(state.subscriptions)) subscriptions from \(endpoint) in \(clock.lap())")

        let oldest = state.firstID.flatMap { id in id.withUnsafeBytes { StreamAggregator.milliseconds(of: $0) } }
        if let oldest {
            let calendar = configuration.dayCalendar
            let first = calendar.day(containing: min(oldest, now)), today = calendar.day(containing: now)
            let days = today.ordinal - first.ordinal + 1
            guard days <= SnapshotRun.maximumDays else {
                throw Failure(step: "read state", path: endpoint.location,
                              message: "the stream's oldest entry is on \(first), \(Format.grouped(days)) days before \(today); "
                                  + "a run computes at most \(Format.grouped(SnapshotRun.maximumDays)) days (check --now and the entries' IDs); nothing was written",
                              kind: .usage)
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
                throw Failure(step: "read events", path: endpoint.location, message: error.message, kind: .redis)
            }
        }
        // Entries trimmed or deleted while the stream was read would silently
        // be missing from the figures: the run stops, and the next one reads
        // a consistent stream.
        guard entries == state.length else {
            throw Failure(step: "read events", path: endpoint.location,
                          message: "the stream changed while it was read (\(Format.grouped(state.length)) entries at the start, "
                              + "\(Format.grouped(entries)) read: trimmed or deleted meanwhile); nothing was written, run again",
                          kind: .redis)
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
                throw Failure(step: "compute", path: store.path(for: snapshot.date),
                              message: "\(store.path(for: snapshot.date)): \(problem); nothing was written", kind: .io)
            }
        }
        do {
            try store.write(toWrite)
        } catch {
            throw Failure(step: "write snapshots", path: error.path, message: error.description, kind: .io)
        }
        outcome.written = toWrite.map(\.date)
        progress("[4/4] wrote \(toWrite.count) snapshot\(toWrite.count == 1 ? "" : "s") to \(store.directory)\(outcome.kept > 0 ? " (\(outcome.kept) complete kept)" : "") in \(clock.lap())")
        return outcome
    }
}

/// Number formatting that does not depend on the machine's locale.
public enum Format {
    /// `1,234,567`.
    public static func grouped(_ value: Int) -> String {
        if value > -1000 && value < 1000 { return String(value) }
        return grouped(digits: String(value.magnitude), negative: value < 0)
    }

    /// `1,234,567` of a wide integer (an amount in micro-units).
    public static func grouped(_ value: Int128) -> String {
        if value > -1000 && value < 1000 { return String(value) }
        return grouped(digits: String(value.magnitude), negative: value < 0)
    }

    private static func grouped(digits text: String, negative: Bool) -> String {
        let digits = Array(text.utf8)
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        out.reserveCapacity(digits.count + digits.count / 3 + 1)
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(UInt8(ascii: ",")) }
            out.append(digit)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
