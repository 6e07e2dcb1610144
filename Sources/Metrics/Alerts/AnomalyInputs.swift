/// What the anomaly alerts look at (docs/site.md, "Alerts, version 2"):
/// today's flows so far, and the same flows on the baseline days up to the
/// same local time.
public struct AnomalyInputs: Sendable, Equatable {
    /// The four flows the anomaly alerts watch.
    public struct Flows: Sendable, Equatable {
        /// Events of each kind.
        public var commands = 0, registrations = 0, conversions = 0, errors = 0

        /// Flows from their counts.
        public init(commands: Int = 0, registrations: Int = 0, conversions: Int = 0, errors: Int = 0) {
            self.commands = commands
            self.registrations = registrations
            self.conversions = conversions
            self.errors = errors
        }
    }

    /// Today's flows from the day's start to `now`.
    public var today: Flows
    /// Each baseline day's flows up to the same local time, latest first.
    public var baseline: [Flows]

    /// Inputs from their parts.
    public init(today: Flows, baseline: [Flows]) {
        self.today = today
        self.baseline = baseline
    }

    /// Weeks back a baseline looks (the days d − 7k, k = 1 to 8).
    public static let weeks = 8

    /// The days whose snapshots may form the baseline of `day`, latest first.
    public static func candidateDays(of day: LocalDay) -> [LocalDay] {
        (1...weeks).map { day.adding(days: -7 * $0) }
    }

    /// The inputs at `now` from today's snapshot and the snapshots found
    /// on the candidate days: those of version 2 whose day the ledger covers
    /// (its first entry read at or before the day's start) count.
    public static func of(today: Snapshot, candidates: [Snapshot], now: Int64, calendar: DayCalendar) -> AnomalyInputs {
        let hourly = today.analytics?.hourly ?? SnapshotAnalytics.Hourly()
        let current = Flows(commands: hourly.commands.reduce(0, +), registrations: hourly.registrations.reduce(0, +),
                            conversions: hourly.conversions.reduce(0, +), errors: hourly.errors.reduce(0, +))
        let first = today.coverage.eventsFrom
        let wanted = Set(candidateDays(of: today.date))
        let baseline = candidates.filter { snapshot in
            guard wanted.contains(snapshot.date), snapshot.analytics != nil, let first else { return false }
            return first <= calendar.start(of: snapshot.date)
        }
        .sorted { $0.date > $1.date }
        .map { snapshot -> Flows in
            let elapsed = SoFar.elapsed(on: snapshot.date, sameClockAs: now, calendar: calendar)
            let hours = snapshot.analytics!.hourly
            return Flows(commands: SoFar.count(hours.commands, elapsedMs: elapsed),
                         registrations: SoFar.count(hours.registrations, elapsedMs: elapsed),
                         conversions: SoFar.count(hours.conversions, elapsedMs: elapsed),
                         errors: SoFar.count(hours.errors, elapsedMs: elapsed))
        }
        return AnomalyInputs(today: current, baseline: baseline)
    }
}
