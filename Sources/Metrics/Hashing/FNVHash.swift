/// Sentinel's one non-cryptographic hash, FNV-1a 64 style: bytes are taken
/// eight at a time in four independent lanes (so that the multiplications
/// overlap: a build hashes some 15 MB twice), the rest byte by byte, each
/// step followed by a shift so that low bits depend on high ones, and the
/// lanes are mixed at the end. It names builds, mail boundaries and
/// outbox ids, and places names in hash tables; SHA-256 (swift-crypto)
/// is for what must not be guessed.
public struct FNVHash: Sendable {
    @usableFromInline static let prime: UInt64 = 0x100_0000_01b3
    @usableFromInline var a: UInt64 = 0xcbf2_9ce4_8422_2325
    @usableFromInline var b: UInt64 = 0xcbf2_9ce4_8422_2325 ^ 1
    @usableFromInline var c: UInt64 = 0xcbf2_9ce4_8422_2325 ^ 2
    @usableFromInline var d: UInt64 = 0xcbf2_9ce4_8422_2325 ^ 3

    /// An empty hash.
    @inlinable public init() {}

    @inlinable @inline(__always)
    static func mix(_ hash: inout UInt64, _ word: UInt64) {
        hash = (hash ^ word) &* prime
        hash ^= hash >> 29
    }

    /// Adds bytes.
    @inlinable
    public mutating func combine(_ raw: UnsafeRawBufferPointer) {
        var index = 0
        while index + 32 <= raw.count {
            FNVHash.mix(&a, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            FNVHash.mix(&b, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)))
            FNVHash.mix(&c, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)))
            FNVHash.mix(&d, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)))
            index += 32
        }
        while index < raw.count {
            FNVHash.mix(&a, UInt64(raw[index]))
            index += 1
        }
    }

    /// Adds the bytes of an array.
    @inlinable
    public mutating func combine(_ bytes: [UInt8]) { bytes.withUnsafeBytes { combine($0) } }

    /// Adds a word (a length, say, so that "ab"+"c" and "a"+"bc" differ).
    @inlinable
    public mutating func combine(word: UInt64) { FNVHash.mix(&a, word) }

    /// The hash of what was added.
    @inlinable
    public var value: UInt64 {
        var hash = a
        FNVHash.mix(&hash, b)
        FNVHash.mix(&hash, c)
        FNVHash.mix(&hash, d)
        return hash
    }

    /// The hash of some bytes.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hasher = FNVHash()
        hasher.combine(bytes)
        return hasher.value
    }

    /// The hash as 16 lowercase hexadecimal digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hash of a text's UTF-8 as 16 lowercase hexadecimal digits.
    public static func hex(_ text: String) -> String {
        var hasher = FNVHash()
        hasher.combine(Array(text.utf8))
        return hasher.hex
    }
}
