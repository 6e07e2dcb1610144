/// What the two hashes hold now: registration times, active subscriptions
/// and MRR, with the entries the contract rejects counted.
public struct AccountState: Sendable, Equatable {
    /// Valid registration times at or before `now`, sorted, unix ms.
    public var registrations: [Int64] = []
    /// Valid active subscriptions.
    public var premium = 0
    /// Their summed monthly value, in the revenue currency.
    public var mrr = Money.zero
    /// `bad_registered_at` entries.
    public var badRegistrations = 0
    /// `bad_subscription` entries.
    public var badSubscriptions = 0

    /// No users, no subscriptions.
    public init() {}

    /// Validates `sentinel:users` and `sentinel:subscriptions` entries.
    public init(users: [(field: [UInt8], value: [UInt8])], subscriptions: [(field: [UInt8], value: [UInt8])],
                now: Int64, validator: EventValidator) {
        for (user, value) in users {
            user.withUnsafeBytes { u in value.withUnsafeBytes { addUser(u, $0, now: now) } }
        }
        for (user, value) in subscriptions {
            user.withUnsafeBytes { u in value.withUnsafeBytes { addSubscription(u, $0, validator: validator) } }
        }
        finish()
    }

    /// Counts one `users` entry (registrations after `now` are left out).
    public mutating func addUser(_ user: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, now: Int64) {
        guard AccountState.isUser(user), let ms = AccountState.registrationTime(value) else {
            badRegistrations += 1
            return
        }
        if ms <= now { registrations.append(ms) }
    }

    /// Counts one `subscriptions` entry.
    public mutating func addSubscription(_ user: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, validator: EventValidator) {
        // A subscription that would carry the MRR past the snapshots' range
        // (an absurd amount at an absurd rate) is rejected like a malformed one.
        guard AccountState.isUser(user), let monthly = AccountState.subscriptionValue(Array(value), validator: validator),
              mrr + monthly <= Snapshot.moneyLimit else {
            badSubscriptions += 1
            return
        }
        premium += 1
        mrr += monthly
    }

    /// Orders the registrations once every user is added.
    public mutating func finish() { registrations.sort() }

    public func registered(atOrBefore ms: Int64) -> Int { upperBound(ms) }

    /// Registered users strictly before an instant.
    public func registered(before ms: Int64) -> Int { upperBound(ms - 1) }

    private func upperBound(_ ms: Int64) -> Int {
        var low = 0, high = registrations.count
        while low < high {
            let mid = (low + high) / 2
            if registrations[mid] <= ms { low = mid + 1 } else { high = mid }
        }
        return low
    }

    static func isUser(_ bytes: UnsafeRawBufferPointer) -> Bool {
        FieldFormat.isText(bytes, maxBytes: 128)
    }

    /// A decimal integer: an optional `-` and ASCII digits. A value past
    /// Int64's range is clamped, which keeps its place before or after `now`.
    static func registrationTime(_ value: UnsafeRawBufferPointer) -> Int64? {
        let negative = value.first == UInt8(ascii: "-")
        let digits = negative ? value.dropFirst() : value[...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        var magnitude: Int64 = 0
        for digit in digits {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(Int64(digit - 48))
            if o1 || o2 { return negative ? Int64.min : Int64.max }
            magnitude = plus
        }
        return negative ? -magnitude : magnitude
    }

    /// A subscription's monthly value in the revenue currency, or nil when
    /// the contract rejects it.
    static func subscriptionValue(_ value: [UInt8], validator: EventValidator) -> Money? {
        guard let root = try? JSONParser.parse(value), case .object = root else { return nil }
        guard case .string(let amountText)? = root["amount"], let amount = Money(decimal: amountText) else { return nil }
        if let plan = root["plan"] {
            guard case .string(let text) = plan, !text.isEmpty else { return nil }
        }
        var currency: String?
        if let field = root["currency"] {
            guard case .string(let text) = field,
                  text.withUnsafeBytes({ FieldFormat.isCurrency($0) }) else { return nil }
            currency = String(decoding: text, as: UTF8.self)
        }
        var yearly = false
        if let field = root["interval"] {
            guard case .string(let text) = field else { return nil }
            switch String(decoding: text, as: UTF8.self) {
            case "month": yearly = false
            case "year": yearly = true
            default: return nil
            }
        }
        if let since = root["since"], !since.isInteger { return nil }
        let rate = currency.map { validator.rate(for: $0) } ?? .one
        guard let rate else { return nil }
        return EventValidator.monthly(amount, rate: rate, yearly: yearly)
    }
}
