extension EventApplier {
    /// Adds an entry from text, for tests and small inputs.
    public mutating func add(id: String, fields: [(String, String)]) {
        add(id: Array(id.utf8), fields: fields.map { (Array($0.0.utf8), Array($0.1.utf8)) })
    }

    /// Adds an entry from bytes (names and values may be any bytes).
    public mutating func add(id: [UInt8], fields: [([UInt8], [UInt8])]) {
        validator.withFields(fields) { parsed in
            id.withUnsafeBytes { add(id: $0, fields: parsed) }
        }
    }
}

extension HashState {
    /// A state from hash entries given as byte pairs, for tests and small inputs.
    public init(users: [(field: [UInt8], value: [UInt8])], subscriptions: [(field: [UInt8], value: [UInt8])],
                now: Int64, pseudonyms: Pseudonymizer, forgotten: Set<Int64> = [], validator: EventValidator) {
        self.init(now: now, pseudonyms: pseudonyms, forgotten: forgotten)
        for (user, value) in users {
            user.withUnsafeBytes { u in value.withUnsafeBytes { addUser(u, $0) } }
        }
        for (user, value) in subscriptions {
            user.withUnsafeBytes { u in value.withUnsafeBytes { addSubscription(u, $0, validator: validator) } }
        }
        finish()
    }
}
