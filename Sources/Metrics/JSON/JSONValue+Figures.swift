/// The JSON forms of figures, shared by the snapshot files and the site's
/// API: money as a decimal string, rates and latencies as numbers, names as
/// their bytes, `null` where a figure is undefined.
extension JSONValue {
    /// Money as a string (`"839.16"`).
    public static func money(_ value: Money?) -> JSONValue { value.map { .text($0.description) } ?? .null }
    /// Money as a number, for the charts.
    public static func moneyNumber(_ value: Money?) -> JSONValue { value.map { .number($0.description) } ?? .null }
    /// A rate as a fraction.
    public static func ratio(_ value: Ratio?) -> JSONValue { value.map { .number($0.jsonText) } ?? .null }
    /// A count.
    public static func count(_ value: Int?) -> JSONValue { value.map { .int($0) } ?? .null }
    /// A measured quantity (hours, a mean).
    public static func real(_ value: Double?) -> JSONValue { value.map { .number(Ratio.jsonText($0)) } ?? .null }
    /// An instant, ISO-8601 UTC.
    public static func instant(_ ms: Int64?) -> JSONValue { ms.map { .text(Timestamp.format(ms: $0)) } ?? .null }
    /// A latency in milliseconds, exact.
    public static func latency(_ micros: Int64?) -> JSONValue { micros.map { .number(decimalText(micros: $0)) } ?? .null }
    /// Names and their counts, in the list's order.
    public static func counts(_ list: [NamedCount]) -> JSONValue {
        .object(list.map { JSONMember(key: $0.name.bytes, value: .int($0.count)) })
    }
    /// Providers with their calls and cost, in the list's order.
    public static func providers(_ list: [ProviderCost]) -> JSONValue {
        .object(list.map {
            JSONMember(key: $0.provider.bytes, value: .object([JSONMember("calls", .int($0.calls)), JSONMember("cost", .money($0.cost))]))
        })
    }
}
