/// One local day on which a user was active: a registration or a command
/// (docs/metrics.md, "Activity").
public struct ActiveDay: Sendable, Equatable {
    /// The local day's ordinal.
    public var day: Int32
    /// The first activity of the day, in ms after the day's start.
    public var firstOffsetMs: Int32
    /// The user ran a command that day (the funnel's "activated").
    public var ranCommand: Bool

    /// A day of activity.
    public init(day: Int32, firstOffsetMs: Int32, ranCommand: Bool) {
        self.day = day
        self.firstOffsetMs = firstOffsetMs
        self.ranCommand = ranCommand
    }
}

/// What the ledger keeps of one user, known only by its pseudonym.
public struct LedgerUser: Sendable, Equatable {
    /// HMAC-SHA256(key, id), first 8 bytes as a signed integer.
    public var pseudonym: Int64
    /// The first registration event read, unix ms.
    public var firstRegistrationMs: Int64?
    /// That event's source (`unknown` when it had none).
    public var firstSource: [UInt8]?
    /// Active days, oldest first, one element per day.
    public var activity: [ActiveDay] = []

    /// A user seen for the first time.
    public init(pseudonym: Int64) { self.pseudonym = pseudonym }

    /// True when the user was active on a day.
    public func wasActive(on day: Int32) -> Bool { index(of: day) != nil }

    /// True when the user was active on a day of `first ... last`.
    public func wasActive(from first: Int32, through last: Int32) -> Bool {
        let i = lowerBound(first)
        return i < activity.count && activity[i].day <= last
    }

    /// The element for a day, if the user was active then.
    public func index(of day: Int32) -> Int? {
        let i = lowerBound(day)
        return i < activity.count && activity[i].day == day ? i : nil
    }

    /// The first element on or after a day.
    public func lowerBound(_ day: Int32) -> Int {
        var low = 0, high = activity.count
        while low < high {
            let mid = (low + high) / 2
            if activity[mid].day < day { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// One conversion or cancellation entry applied to the ledger.
public struct LedgerPayment: Sendable, Equatable {
    /// Stream order: the entry's place among every entry the ledger applied.
    public var position: Int64
    /// The user's pseudonym.
    public var pseudonym: Int64
    /// The entry's time, unix ms.
    public var ms: Int64
    /// A conversion (else a cancellation).
    public var isConversion: Bool
    /// Its MRR in the revenue currency, converted when it was read.
    public var monthly: Money
    /// Its plan (`premium` when the entry gave none).
    public var plan: [UInt8]
    /// A yearly plan.
    public var yearly: Bool

    /// A payment entry.
    public init(position: Int64, pseudonym: Int64, ms: Int64, isConversion: Bool, monthly: Money, plan: [UInt8], yearly: Bool) {
        self.position = position
        self.pseudonym = pseudonym
        self.ms = ms
        self.isConversion = isConversion
        self.monthly = monthly
        self.plan = plan
        self.yearly = yearly
    }

    /// Its effect on the MRR after it: + for a conversion, − for a cancellation.
    public var signedMonthly: Money { isConversion ? monthly : Money(micros: -monthly.micros) }
}

/// A stretch of the stream that was trimmed before it was read.
public struct UnreadGap: Sendable, Equatable {
    /// The last instant read before it (the cursor's), unix ms.
    public var fromMs: Int64
    /// The first instant read after it, unix ms.
    public var toMs: Int64

    /// A gap.
    public init(fromMs: Int64, toMs: Int64) {
        self.fromMs = fromMs
        self.toMs = toMs
    }
}
