import Glibc

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
    public static func < (lhs: Name, rhs: Name) -> Bool { precedes(lhs.bytes, rhs.bytes) }

    /// The byte order of two byte strings, as `lexicographicallyPrecedes`
    /// gives it, by memcmp: a build sorts thousands of paths and names.
    public static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                let common = min(x.count, y.count)
                let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return order != 0 ? order < 0 : x.count < y.count
            }
        }
    }
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
