/// A compact binary writer for the ledger's blobs: little-endian varints,
/// money as 16 bytes, byte strings with their length.
public struct ByteWriter {
    /// The bytes written.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    /// An unsigned varint.
    public mutating func write(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// A signed integer, zigzag-encoded.
    public mutating func write(_ value: Int) {
        let v = Int64(value)
        write(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    /// A 64-bit signed integer, zigzag-encoded.
    public mutating func write(_ value: Int64) { write(Int(value)) }

    /// An exact amount.
    public mutating func write(_ value: Money) {
        let raw = UInt128(bitPattern: value.micros)
        for shift in stride(from: 0, to: 128, by: 8) { bytes.append(UInt8(truncatingIfNeeded: raw >> UInt128(shift))) }
    }

    /// A byte string.
    public mutating func write(_ value: [UInt8]) {
        write(UInt64(value.count))
        bytes.append(contentsOf: value)
    }
}

/// Reads what `ByteWriter` wrote; a truncated or corrupt blob throws.
public struct ByteReader {
    /// Thrown on a blob that ends early.
    public struct Truncated: Error {}

    private let bytes: [UInt8]
    private var offset = 0

    /// A reader over a blob.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// True when every byte was read.
    public var isAtEnd: Bool { offset == bytes.count }

    /// An unsigned varint.
    public mutating func unsigned() throws(Truncated) -> UInt64 {
        var value: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard offset < bytes.count, shift < 64 else { throw Truncated() }
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// A zigzag-encoded integer.
    public mutating func int() throws(Truncated) -> Int {
        let raw = try unsigned()
        return Int(Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))))
    }

    /// A count (a non-negative integer of reasonable size).
    public mutating func count() throws(Truncated) -> Int {
        let value = try int()
        guard value >= 0 && value <= bytes.count - offset + (1 << 20) else { throw Truncated() }
        return value
    }

    /// An exact amount.
    public mutating func money() throws(Truncated) -> Money {
        guard offset + 16 <= bytes.count else { throw Truncated() }
        var raw: UInt128 = 0
        for i in 0..<16 { raw |= UInt128(bytes[offset + i]) << UInt128(8 * i) }
        offset += 16
        return Money(micros: Int128(bitPattern: raw))
    }

    /// A byte string.
    public mutating func data() throws(Truncated) -> [UInt8] {
        let length = Int(try unsigned())
        guard length <= bytes.count - offset else { throw Truncated() }
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }
}
