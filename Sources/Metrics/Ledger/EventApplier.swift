/// Folds the stream entries a run reads, oldest first, into the ledger:
/// day records, users' active days, payments. Entries after `now` are only
/// kept aside to rewind the stocks; the cursor stops before them.
///
/// Pure: the caller reads Redis and saves the state.
public struct EventApplier {
    /// The run's `now`, unix ms.
    public let now: Int64
    /// The ledger being extended.
    public var state: LedgerState
    /// Payments after `now`, read but not applied (stream order).
    public private(set) var future: [LedgerPayment] = []
    /// Entries read, applied or not.
    public private(set) var entriesRead = 0
    /// Entries read after `now`, which the cursor does not pass.
    public private(set) var entriesAfterNow = 0
    /// Entries applied (at or before `now`), rejected ones included.
    public private(set) var entriesApplied = 0
    /// Of those, rejected.
    public private(set) var entriesRejected = 0
    /// Time of the first and the last entry read.
    public private(set) var firstReadMs: Int64?, lastReadMs: Int64?
    /// At most `exampleLimit` rejected entries, for the log.
    public private(set) var examples: [RejectionExample] = []

    let calendar: DayCalendar
    let validator: EventValidator
    let pseudonyms: Pseudonymizer
    let hashMRR: [Int64: Money]
    private var runUsers = ByteInterner(capacity: 1 << 12)
    private var runUserIndex: [Int32] = []
    private var pending: [(user: Int32, name: Int32, day: Int, position: Int64)] = []
    private var dayCache = DayCache()
    // The day being filled, taken out of `state.days` while entries of it come.
    private var currentOrdinal: Int?
    private var current = DayRecord()
    private var cursorMs: UInt64 = 0, cursorSeq: UInt64 = 0, advanced = false
    private let unknownSource = Array("unknown".utf8)
    private let premium = Array("premium".utf8)

    /// Maximum rejection examples kept for the log.
    public static let exampleLimit = 5

    /// An applier over a loaded ledger; `hash` gives each user's present MRR
    /// (for the commands of paying users).
    public init(state: LedgerState, now: Int64, calendar: DayCalendar, validator: EventValidator, hash: HashState) {
        self.state = state
        self.now = now
        self.calendar = calendar
        self.validator = validator
        pseudonyms = Pseudonymizer(key: state.meta.key)
        hashMRR = hash.subscriptions.mapValues(\.monthly)
    }

    /// Adds one entry, given its ID (`ms-seq`) and fields.
    public mutating func add(id: UnsafeRawBufferPointer, fields: EventFields) {
        guard let (ms, seq) = EventApplier.idParts(id) else { return }
        entriesRead += 1
        if state.meta.eventsFrom == nil { state.meta.eventsFrom = ms }
        if firstReadMs == nil { firstReadMs = ms }
        lastReadMs = ms
        let result = validator.validate(fields)
        if ms > now {
            entriesAfterNow += 1
            guard case .success(let event) = result, event.type == .conversion || event.type == .cancellation,
                  let user = ledgerUser(event.user!) else { return }
            future.append(payment(event, user: user, ms: ms, position: state.meta.nextPosition + Int64(future.count)))
            return
        }
        var user: Int32?
        // A forgotten user's entries are left out as if never written,
        // rejected ones too.
        let named: UnsafeRawBufferPointer?
        switch result {
        case .success(let event): named = event.user
        case .failure: named = fields.user.flatMap { HashEntryFormat.isUser($0) ? $0 : nil }
        }
        if let bytes = named {
            guard let known = ledgerUser(bytes) else { advance(ms, seq); return }
            if case .success = result { user = known }
        }
        advance(ms, seq)
        let position = state.meta.nextPosition
        state.meta.nextPosition += 1
        let ordinal = dayCache.day(of: ms, calendar: calendar).ordinal
        let start = dayCache.start
        if ordinal != currentOrdinal { switchDay(to: ordinal) }
        entriesApplied += 1
        current.eventsRead += 1
        let event: ValidEvent
        switch result {
        case .failure(let reason): reject(id, reason); return
        case .success(let valid): event = valid
        }
        if let reason = current.outOfRange(event) { reject(id, reason); return }
        record(event, user: user, ms: ms, start: start, ordinal: ordinal, position: position)
    }

    private mutating func switchDay(to ordinal: Int) {
        if let previous = currentOrdinal { state.days[previous] = current }
        current = state.days.removeValue(forKey: ordinal) ?? DayRecord()
        currentOrdinal = ordinal
        state.touchedDays.insert(ordinal)
    }

    private mutating func record(_ event: ValidEvent, user: Int32?, ms: Int64, start: Int64, ordinal: Int, position: Int64) {
        let hour = min(Int((ms - start) / 3_600_000), DayRecord.hourSlots - 1)
        let recent = ms > now - 86_400_000
        switch event.type {
        case .registration:
            let source = event.source.map { Array($0) } ?? unknownSource
            current.bySource[state.sourceNames.intern(source), default: 0] += 1
            current.count(.registrations, hour: hour)
            if state.users[Int(user!)].firstRegistrationMs == nil {
                state.update(user!) { $0.firstRegistrationMs = ms; $0.firstSource = source }
            }
            markActive(user!, day: ordinal, offset: ms - start, command: false, ms: ms)
        case .command:
            current.commands += 1
            let name = state.commandNames.intern(event.name!)
            current.byCommand[name, default: 0] += 1
            if let latency = event.latencyMicros { current.latencies.append(latency) }
            current.count(.commands, hour: hour)
            if recent { state.meta.recent.commands.append(ms) }
            pending.append((user!, name, ordinal, position))
            markActive(user!, day: ordinal, offset: ms - start, command: true, ms: ms)
        case .error:
            current.errors += 1
            current.count(.errors, hour: hour)
            if recent { state.meta.recent.errors.append(ms) }
        case .conversion, .cancellation:
            let conversion = event.type == .conversion
            if conversion {
                current.conversions += 1
                current.newMRR += event.monthlyAmount
            } else {
                current.cancellations += 1
                current.churnedMRR += event.monthlyAmount
            }
            let kind: DayRecord.HourlyKind = conversion ? .conversions : .cancellations
            current.count(kind, hour: hour)
            state.payments.append(payment(event, user: user!, ms: ms, position: position))
        case .apiCall:
            let provider = state.providerNames.intern(event.provider!)
            current.apiCalls[provider, default: 0] += 1
            current.apiCost[provider, default: .zero] += event.cost
            current.apiCostTotal += event.cost
            current.hourlyCost[hour] += event.cost
            if recent { state.meta.recent.apiCosts.append((ms, event.cost)) }
        }
    }

    /// Ends the run's reading: counts the commands of paying users, moves
    /// the cursor to the last entry applied, drops what alerts no longer need.
    public mutating func finish() {
        if let ordinal = currentOrdinal { state.days[ordinal] = current }
        currentOrdinal = nil
        // Each user's MRR from the hash, then the payments read this run:
        // arrays by user index, since there is one lookup per command.
        var base = [Money](repeating: .zero, count: state.users.count)
        for (pseudonym, mrr) in hashMRR { if let index = state.userIndex[pseudonym] { base[Int(index)] = mrr } }
        var runPayments: [Int32: [(position: Int64, signed: Money)]] = [:]
        for payment in state.newPayments + future {
            if let index = state.userIndex[payment.pseudonym] { runPayments[index, default: []].append((payment.position, payment.signedMonthly)) }
        }
        var paying: [Int: [Int32: Int]] = [:]
        for command in pending {
            var mrr = base[Int(command.user)]
            if let later = runPayments[command.user] {
                for payment in later where payment.position > command.position { mrr -= payment.signed }
            }
            if mrr > .zero { paying[command.day, default: [:]][command.name, default: 0] += 1 }
        }
        for (day, counts) in paying {
            for (name, count) in counts { state.days[day]?.byCommandPaying[name, default: 0] += count }
        }
        pending = []
        if advanced { state.meta.cursor = Array("\(cursorMs)-\(cursorSeq)".utf8) }
        state.meta.recent.prune(now: now)
    }

    /// True when this run moved the cursor.
    public var movedCursor: Bool { advanced }

    private mutating func advance(_ ms: Int64, _ seq: UInt64) {
        cursorMs = UInt64(ms)
        cursorSeq = seq
        advanced = true
    }

    private mutating func reject(_ id: UnsafeRawBufferPointer, _ reason: Rejection) {
        current.rejected[reason.index] += 1
        entriesRejected += 1
        if examples.count < EventApplier.exampleLimit {
            examples.append(RejectionExample(entryID: String(decoding: id, as: UTF8.self), reason: reason))
        }
    }

    private func payment(_ event: ValidEvent, user: Int32, ms: Int64, position: Int64) -> LedgerPayment {
        LedgerPayment(position: position, pseudonym: state.users[Int(user)].pseudonym, ms: ms,
                      isConversion: event.type == .conversion, monthly: event.monthlyAmount,
                      plan: event.plan.map { Array($0) } ?? premium, yearly: event.yearly)
    }

    /// The ledger index of a user id, or nil for a forgotten user. The HMAC
    /// is computed once per distinct id per run.
    private mutating func ledgerUser(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        let id = Int(runUsers.intern(bytes))
        if id == runUserIndex.count {
            let pseudonym = pseudonyms.pseudonym(bytes)
            runUserIndex.append(state.forgotten.contains(pseudonym) ? -1 : state.index(of: pseudonym))
        }
        let index = runUserIndex[id]
        return index < 0 ? nil : index
    }

    private mutating func markActive(_ user: Int32, day: Int, offset: Int64, command: Bool, ms: Int64) {
        state.meta.recent.lastActivityMs = max(state.meta.recent.lastActivityMs ?? ms, ms)
        let day32 = Int32(day)
        if let last = state.users[Int(user)].activity.last, last.day == day32 {
            if command && !last.ranCommand { state.update(user) { $0.activity[$0.activity.count - 1].ranCommand = true } }
            return
        }
        let element = ActiveDay(day: day32, firstOffsetMs: Int32(offset), ranCommand: command)
        state.update(user) { record in
            if let last = record.activity.last, last.day > day32 {
                // Entries come in stream order, so only a clock gone back lands here.
                let at = record.lowerBound(day32)
                if at < record.activity.count && record.activity[at].day == day32 {
                    record.activity[at].ranCommand = record.activity[at].ranCommand || command
                } else {
                    record.activity.insert(element, at: at)
                }
            } else {
                record.activity.append(element)
            }
        }
    }
}
