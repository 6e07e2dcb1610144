/// The contract's formats of the two hashes' entries (docs/redis-contract.md):
/// a user id, a registration time, a subscription's JSON.
enum HashEntryFormat {
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
