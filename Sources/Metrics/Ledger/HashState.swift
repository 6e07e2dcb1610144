/// What the two hashes hold now, by pseudonym: registration times and the
/// present subscriptions, with the entries the contract rejects counted
/// and forgotten users left out.
public struct HashState: Sendable {
    /// A present subscription.
    public struct Subscription: Sendable, Equatable {
        /// Its MRR in the revenue currency.
        public var monthly: Money
        /// Its plan (`premium` by default).
        public var plan: [UInt8]
        /// A yearly plan.
        public var yearly: Bool
    }

    /// Valid registration times at or before `now`, with their pseudonyms
    /// (0 for a registration older than every cohort a run computes, whose
    /// HMAC is left out: a tenth of a run's time at 100,000 users), by time.
    public private(set) var registrations: [(ms: Int64, pseudonym: Int64)] = []
    private var pending: [(ms: Int64, start: Int, count: Int)] = []
    private var ids: [UInt8] = []
    /// Present subscriptions by pseudonym.
    public private(set) var subscriptions: [Int64: Subscription] = [:]
    /// Summed MRR of the subscriptions.
    public private(set) var mrr = Money.zero
    /// `bad_registered_at` entries.
    public private(set) var badRegistrations = 0
    /// `bad_subscription` entries.
    public private(set) var badSubscriptions = 0

    private let now: Int64
    private let pseudonyms: Pseudonymizer
    private let forgotten: Set<Int64>

    /// An empty state for a run at `now`.
    public init(now: Int64, pseudonyms: Pseudonymizer, forgotten: Set<Int64>) {
        self.now = now
        self.pseudonyms = pseudonyms
        self.forgotten = forgotten
    }

    /// Counts one `users` entry.
    public mutating func addUser(_ user: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
        guard HashEntryFormat.isUser(user), let ms = HashEntryFormat.registrationTime(value) else {
            if !isForgotten(user) { badRegistrations += 1 }
            return
        }
        guard ms <= now else { return }
        pending.append((ms, ids.count, user.count))
        ids.append(contentsOf: user)
    }

    /// Counts one `subscriptions` entry.
    public mutating func addSubscription(_ user: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, validator: EventValidator) {
        guard HashEntryFormat.isUser(user),
              let subscription = HashState.subscription(Array(value), validator: validator),
              mrr + subscription.monthly <= Snapshot.moneyLimit else {
            if !isForgotten(user) { badSubscriptions += 1 }
            return
        }
        let pseudonym = pseudonyms.pseudonym(user)
        guard !forgotten.contains(pseudonym) else { return }
        subscriptions[pseudonym] = subscription
        mrr += subscription.monthly
    }

    /// A forgotten user's entries are left out, rejected ones too.
    private func isForgotten(_ user: UnsafeRawBufferPointer) -> Bool {
        !forgotten.isEmpty && HashEntryFormat.isUser(user) && forgotten.contains(pseudonyms.pseudonym(user))
    }

    /// Makes the pseudonyms of the registrations at or after `cohortsFrom`
    /// (of all of them when users are forgotten, to leave those out) and
    /// orders the registrations by time.
    public mutating func finish(cohortsFrom: Int64 = .min) {
        let everyone = !forgotten.isEmpty
        registrations.reserveCapacity(pending.count)
        ids.withUnsafeBytes { bytes in
            for item in pending {
                guard everyone || item.ms >= cohortsFrom else {
                    registrations.append((item.ms, 0))
                    continue
                }
                let pseudonym = pseudonyms.pseudonym(UnsafeRawBufferPointer(rebasing: bytes[item.start..<item.start + item.count]))
                if !forgotten.contains(pseudonym) { registrations.append((item.ms, pseudonym)) }
            }
        }
        pending = []
        ids = []
        registrations.sort { $0.ms < $1.ms }
    }

    /// Registered users at or before an instant.
    public func registered(atOrBefore ms: Int64) -> Int { upperBound(ms) }

    /// Registered users strictly before an instant.
    public func registered(before ms: Int64) -> Int { upperBound(ms - 1) }

    /// Positions in `registrations` of the users registered in [from, to).
    public func registered(from: Int64, to: Int64) -> Range<Int> {
        let low = upperBound(from - 1)
        return low..<max(low, upperBound(to - 1))
    }

    private func upperBound(_ ms: Int64) -> Int {
        var low = 0, high = registrations.count
        while low < high {
            let mid = (low + high) / 2
            if registrations[mid].ms <= ms { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// A subscription's value, or nil when the contract rejects it.
    static func subscription(_ value: [UInt8], validator: EventValidator) -> Subscription? {
        guard let monthly = HashEntryFormat.subscriptionValue(value, validator: validator),
              let root = try? JSONParser.parse(value) else { return nil }
        var plan = Array("premium".utf8)
        if case .string(let text)? = root["plan"] { plan = text }
        var yearly = false
        if case .string(let text)? = root["interval"] { yearly = text == Array("year".utf8) }
        return Subscription(monthly: monthly, plan: plan, yearly: yearly)
    }
}
