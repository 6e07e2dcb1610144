/// The fields of one stream entry that the contract knows, each the last
/// value given for it (a field given twice: the last value wins).
///
/// The buffers point into the Redis reply and are valid only while it is.
public struct EventFields {
    public var type, user, name, latencyMs, source, kind: UnsafeRawBufferPointer?
    public var amount, plan, currency, interval, provider, cost, model: UnsafeRawBufferPointer?

    /// No fields.
    public init() {}

    /// Records one field; unknown field names are ignored.
    @inline(__always)
    public mutating func set(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        switch name.count {
        case 4:
            let word = name.loadUnaligned(as: UInt32.self)
            switch word {
            case EventFields.word("type"): type = value
            case EventFields.word("user"): user = value
            case EventFields.word("name"): self.name = value
            case EventFields.word("kind"): kind = value
            case EventFields.word("plan"): plan = value
            case EventFields.word("cost"): cost = value
            default: break
            }
        case 5: if EventFields.equal(name, "model") { model = value }
        case 6:
            if EventFields.equal(name, "amount") { amount = value }
            else if EventFields.equal(name, "source") { source = value }
        case 8:
            if EventFields.equal(name, "currency") { currency = value }
            else if EventFields.equal(name, "interval") { interval = value }
            else if EventFields.equal(name, "provider") { provider = value }
        case 10: if EventFields.equal(name, "latency_ms") { latencyMs = value }
        default: break
        }
    }

    static func word(_ text: StaticString) -> UInt32 {
        text.withUTF8Buffer { UnsafeRawBufferPointer($0).loadUnaligned(as: UInt32.self) }
    }

    static func equal(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        text.withUTF8Buffer { expected in
            expected.count == bytes.count && expected.elementsEqual(bytes)
        }
    }
}
