/// Retention, lifecycle and the activation funnel (docs/analytics.md):
/// cohorts by the users hash's registration time, activity from the
/// ledger's active days, conversions from the payment timeline. Pure.
public struct CohortFigures {
    let calendar: DayCalendar
    let state: LedgerState
    let hash: HashState
    let timeline: PaymentTimeline
    let now: Int64
    /// The ledger index of each registration's user (−1: none).
    private let registrationUser: [Int32]
    /// Each ledger user's registration time in the hash.
    private let registeredAt: [Int64?]

    /// Figures over a ledger, the hashes and the payments.
    public init(calendar: DayCalendar, state: LedgerState, hash: HashState, timeline: PaymentTimeline, now: Int64) {
        self.calendar = calendar
        self.state = state
        self.hash = hash
        self.timeline = timeline
        self.now = now
        var users = [Int32](repeating: -1, count: hash.registrations.count)
        var times = [Int64?](repeating: nil, count: state.users.count)
        for (i, registration) in hash.registrations.enumerated() where registration.pseudonym != 0 {
            guard let index = state.userIndex[registration.pseudonym] else { continue }
            users[i] = index
            if times[Int(index)] == nil { times[Int(index)] = registration.ms }
        }
        registrationUser = users
        registeredAt = times
    }

    /// The ledger users of registrations, nil for those the ledger never saw.
    private func members(_ range: Range<Int>) -> LazyMapSequence<Range<Int>, (pseudonym: Int64, user: LedgerUser?)> {
        range.lazy.map { i in
            (self.hash.registrations[i].pseudonym, self.registrationUser[i] < 0 ? nil : self.state.users[Int(self.registrationUser[i])])
        }
    }

    private func start(_ day: LocalDay) -> Int64 { calendar.start(of: day) }

    private func cohort(_ day: LocalDay) -> LazyMapSequence<Range<Int>, (pseudonym: Int64, user: LedgerUser?)> {
        members(hash.registered(from: start(day), to: start(day.adding(days: 1))))
    }

    /// Retention day 1, 7 and 30 of day e.
    public func dayN(_ e: LocalDay) -> [SnapshotAnalytics.Cohort] {
        [1, 7, 30].map { n in
            let c = e.adding(days: -n)
            var result = SnapshotAnalytics.Cohort(label: c.description)
            for member in cohort(c) {
                result.size += 1
                if member.user?.wasActive(on: Int32(e.ordinal)) == true { result.active += 1 }
            }
            return result
        }
    }

    /// The 12 weekly cohorts up to d's week, and how many of each were
    /// active in d's week up to d.
    public func weekly(_ d: LocalDay) -> [SnapshotAnalytics.Cohort] {
        let monday = d.adding(days: 1 - d.isoWeekday)
        return (0..<12).reversed().map { k in
            let weekStart = monday.adding(days: -7 * k)
            var result = SnapshotAnalytics.Cohort(label: weekStart.isoWeekName)
            for member in members(hash.registered(from: start(weekStart), to: start(weekStart.adding(days: 7)))) {
                result.size += 1
                if member.user?.wasActive(from: Int32(monday.ordinal), through: Int32(d.ordinal)) == true {
                    result.active += 1
                }
            }
            return result
        }
    }

    /// d's ISO week's active users by history, and last week's who are gone.
    public func lifecycle(_ d: LocalDay) -> SnapshotAnalytics.Lifecycle {
        let monday = d.adding(days: 1 - d.isoWeekday)
        let weekStart = start(monday), weekEnd = start(monday.adding(days: 7))
        let thisWeek = (Int32(monday.ordinal), Int32(d.ordinal)), lastWeek = (Int32(monday.ordinal - 7), Int32(monday.ordinal - 1))
        var result = SnapshotAnalytics.Lifecycle()
        for (index, user) in state.users.enumerated() {
            let now = user.wasActive(from: thisWeek.0, through: thisWeek.1)
            let before = user.wasActive(from: lastWeek.0, through: lastWeek.1)
            if now {
                if let ms = registeredAt[index], ms >= weekStart && ms < weekEnd { result.new += 1 }
                else if before { result.returning += 1 }
                else { result.resurrecting += 1 }
            } else if before {
                result.dormant += 1
            }
        }
        return result
    }

    private func converted(_ pseudonym: Int64, from: Int64, to: Int64) -> Bool {
        timeline.hasConversion(of: pseudonym, from: from, to: to, now: now)
    }

    /// The 7-day funnel of d − 7's cohort.
    public func funnel7(_ d: LocalDay) -> SnapshotAnalytics.Funnel7 {
        let c = d.adding(days: -7)
        var result = SnapshotAnalytics.Funnel7(cohort: c)
        let day = Int32(c.ordinal)
        for member in cohort(c) {
            result.registered += 1
            if converted(member.pseudonym, from: start(c), to: start(c.adding(days: 8))) { result.converted += 1 }
            guard let user = member.user else { continue }
            let activated = [day, day + 1].contains { user.index(of: $0).map { user.activity[$0].ranCommand } ?? false }
            guard activated else { continue }
            result.activated += 1
            if user.wasActive(from: day + 2, through: day + 7) { result.returned += 1 }
        }
        return result
    }

    /// The 30-day conversion of d − 30's cohort, by the source of each
    /// user's first registration event read up to the end of d.
    public func funnel30(_ d: LocalDay, end: Int64) -> SnapshotAnalytics.Funnel30 {
        let c = d.adding(days: -30)
        var result = SnapshotAnalytics.Funnel30(cohort: c)
        var sources: [Name: SnapshotAnalytics.SourceFunnel] = [:]
        for member in cohort(c) {
            let user = member.user
            var source = Name("unknown")
            if let user, let ms = user.firstRegistrationMs, ms < end, let bytes = user.firstSource { source = Name(bytes: bytes) }
            let didConvert = converted(member.pseudonym, from: start(c), to: start(c.adding(days: 31)))
            result.registered += 1
            sources[source, default: .init(source: source)].registered += 1
            if didConvert {
                result.converted += 1
                sources[source, default: .init(source: source)].converted += 1
            }
        }
        result.bySource = sources.values.sorted { $0.source < $1.source }
        return result
    }
}
