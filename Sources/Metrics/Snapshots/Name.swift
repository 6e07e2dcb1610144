/// A name from event text (a command, source, provider or reason), kept as
/// its exact UTF-8 bytes and ordered by them.
public struct Name: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The UTF-8 bytes.
    public let bytes: [UInt8]
    /// A name from its bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }
    /// A name from text.
    public init(_ text: String) { bytes = Array(text.utf8) }
    /// The text (names are validated UTF-8).
    public var description: String { String(decoding: bytes, as: UTF8.self) }
    public static func < (lhs: Name, rhs: Name) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

/// A name and how often it occurred.
public struct NamedCount: Sendable, Equatable {
    /// The name.
    public var name: Name
    /// Occurrences.
    public var count: Int
    /// A named count.
    public init(name: Name, count: Int) { self.name = name; self.count = count }
}

/// Calls and cost of one api provider in a day.
public struct ProviderCost: Sendable, Equatable {
    /// The provider.
    public var provider: Name
    /// api_call events.
    public var calls: Int
    /// Their summed cost, in the cost currency.
    public var cost: Money
    /// A provider's figures.
    public init(provider: Name, calls: Int, cost: Money) { self.provider = provider; self.calls = calls; self.cost = cost }
}
