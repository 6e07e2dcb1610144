
/// The contract's rules for stream entries, with the configured currencies.
public struct EventValidator: Sendable {
    private let revenueCurrency: UInt32
    private let rates: [UInt32: ExchangeRate]

    /// A validator for a revenue currency and the rates into it.
    public init(revenueCurrency: String, exchangeRates: [String: ExchangeRate]) {
        self.revenueCurrency = EventValidator.code(revenueCurrency)
        var rates: [UInt32: ExchangeRate] = [:]
        for (currency, rate) in exchangeRates { rates[EventValidator.code(currency)] = rate }
        self.rates = rates
    }

    /// The rate of a three-letter code into the revenue currency, if known.
    func rate(forCode code: UInt32) -> ExchangeRate? {
        code == revenueCurrency ? .one : rates[code]
    }

    /// The rate of a currency into the revenue currency, if known.
    public func rate(for currency: String) -> ExchangeRate? {
        currency.utf8.count == 3 ? rate(forCode: EventValidator.code(currency)) : nil
    }

    static func code(_ text: String) -> UInt32 {
        var bytes = Array(text.utf8.prefix(3))
        while bytes.count < 3 { bytes.append(0) }
        return UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16
    }

    /// Validates an entry: the first failing check of the contract's order
    /// names the rejection.
    public func validate(_ f: EventFields) -> Result<ValidEvent, Rejection> {
        guard let typeBytes = f.type, !typeBytes.isEmpty else { return .failure(.missingType) }
        guard let type = EventValidator.eventType(typeBytes) else { return .failure(.unknownType) }
        var event = ValidEvent(type: type)
        switch type {
        case .registration:
            guard let user = f.user, !user.isEmpty else { return .failure(.missingUser) }
            guard FieldFormat.isText(user, maxBytes: 128) else { return .failure(.badUser) }
            if let source = f.source {
                guard FieldFormat.isText(source, maxBytes: 64) else { return .failure(.badSource) }
                event.source = source
            }
            event.user = user
        case .command:
            guard let user = f.user, !user.isEmpty else { return .failure(.missingUser) }
            guard let name = f.name, !name.isEmpty else { return .failure(.missingName) }
            guard FieldFormat.isText(user, maxBytes: 128) else { return .failure(.badUser) }
            guard let stripped = EventValidator.commandName(name) else { return .failure(.badName) }
            if let latency = f.latencyMs {
                guard let micros = FieldFormat.latencyMicros(latency) else { return .failure(.badLatencyMs) }
                event.latencyMicros = micros
            }
            event.user = user
            event.name = stripped
        case .error:
            if let user = f.user {
                guard FieldFormat.isText(user, maxBytes: 128) else { return .failure(.badUser) }
                event.user = user
            }
            if let name = f.name {
                guard let stripped = EventValidator.commandName(name) else { return .failure(.badName) }
                event.name = stripped
            }
            if let kind = f.kind, !FieldFormat.isLabel(kind) { return .failure(.badKind) }
        case .conversion, .cancellation:
            guard let user = f.user, !user.isEmpty else { return .failure(.missingUser) }
            guard let amountBytes = f.amount, !amountBytes.isEmpty else { return .failure(.missingAmount) }
            guard FieldFormat.isText(user, maxBytes: 128) else { return .failure(.badUser) }
            guard let amount = Money(decimal: amountBytes) else { return .failure(.badAmount) }
            if let plan = f.plan, !FieldFormat.isLabel(plan) { return .failure(.badPlan) }
            var code = revenueCurrency
            if let currency = f.currency {
                guard FieldFormat.isCurrency(currency) else { return .failure(.badCurrency) }
                code = UInt32(currency[0]) | UInt32(currency[1]) << 8 | UInt32(currency[2]) << 16
            }
            var yearly = false
            if let interval = f.interval {
                if EventFields.equal(interval, "year") { yearly = true }
                else if !EventFields.equal(interval, "month") { return .failure(.badInterval) }
            }
            guard let rate = rate(forCode: code) else { return .failure(.unknownCurrency) }
            event.user = user
            event.plan = f.plan
            event.yearly = yearly
            event.monthlyAmount = EventValidator.monthly(amount, rate: rate, yearly: yearly)
        case .apiCall:
            guard let provider = f.provider, !provider.isEmpty else { return .failure(.missingProvider) }
            guard FieldFormat.isText(provider, maxBytes: 64) else { return .failure(.badProvider) }
            if let cost = f.cost {
                guard let value = Money(decimal: cost) else { return .failure(.badCost) }
                event.cost = value
            }
            if let latency = f.latencyMs, FieldFormat.latencyMicros(latency) == nil { return .failure(.badLatencyMs) }
            if let user = f.user {
                guard FieldFormat.isText(user, maxBytes: 128) else { return .failure(.badUser) }
                event.user = user
            }
            if let model = f.model, !FieldFormat.isLabel(model) { return .failure(.badModel) }
            event.provider = provider
        }
        return .success(event)
    }

    /// A payment's share of MRR: round6(amount × rate), then round6(/ 12)
    /// for a yearly plan.
    public static func monthly(_ amount: Money, rate: ExchangeRate, yearly: Bool) -> Money {
        let converted = rate == .one ? amount : amount.converted(by: rate)
        return yearly ? converted.divided(by: 12) : converted
    }

    /// A command or component name, 1 to 64 bytes as written, with one
    /// leading `/` stripped; nil when malformed or empty after stripping.
    static func commandName(_ name: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard FieldFormat.isText(name, maxBytes: 64) else { return nil }
        let stripped = name[0] == UInt8(ascii: "/") ? UnsafeRawBufferPointer(rebasing: name[1...]) : name
        return stripped.isEmpty ? nil : stripped
    }

    static func eventType(_ bytes: UnsafeRawBufferPointer) -> EventType? {
        switch bytes.count {
        case 5: return EventFields.equal(bytes, "error") ? .error : nil
        case 7: return EventFields.equal(bytes, "command") ? .command : nil
        case 8: return EventFields.equal(bytes, "api_call") ? .apiCall : nil
        case 10: return EventFields.equal(bytes, "conversion") ? .conversion : nil
        case 12:
            if EventFields.equal(bytes, "registration") { return .registration }
            return EventFields.equal(bytes, "cancellation") ? .cancellation : nil
        default: return nil
        }
    }
}

extension EventValidator {
    /// The rejection of an entry given as byte pairs, or nil when it is valid.
    public func rejection(of fields: [([UInt8], [UInt8])]) -> Rejection? {
        withFields(fields) { parsed in
            if case .failure(let reason) = validate(parsed) { return reason }
            return nil
        }
    }

    /// The rejection of an entry given as text pairs, or nil when it is valid.
    public func rejection(of fields: [(String, String)]) -> Rejection? {
        rejection(of: fields.map { (Array($0.0.utf8), Array($0.1.utf8)) })
    }

    /// Calls `body` with the parsed fields of byte pairs.
    func withFields<R>(_ fields: [([UInt8], [UInt8])], _ body: (EventFields) -> R) -> R {
        let flat = fields.flatMap { [$0.0, $0.1] }
        let buffers = flat.map { bytes -> UnsafeMutableRawBufferPointer in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
            buffer.copyBytes(from: bytes)
            return buffer
        }
        defer { for buffer in buffers { buffer.deallocate() } }
        var parsed = EventFields()
        for index in stride(from: 0, to: flat.count, by: 2) {
            parsed.set(name: UnsafeRawBufferPointer(rebasing: buffers[index][0..<flat[index].count]),
                       value: UnsafeRawBufferPointer(rebasing: buffers[index + 1][0..<flat[index + 1].count]))
        }
        return body(parsed)
    }
}
