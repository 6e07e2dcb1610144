import Crypto
import Foundation

/// Turns user ids into the ledger's pseudonyms (docs/analytics.md): the
/// first 8 bytes of HMAC-SHA256(key, the id's bytes) as a signed integer.
/// Without the key, kept in the ledger only, a pseudonym cannot be matched
/// to an id by trying every Telegram id.
public struct Pseudonymizer: Sendable {
    private let keyed: HMAC<SHA256>

    /// A pseudonymizer for a 32-byte key.
    public init(key: [UInt8]) {
        keyed = HMAC<SHA256>(key: SymmetricKey(data: key))
    }

    /// A new random key.
    public static func makeKey() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// The pseudonym of an id given as bytes.
    public func pseudonym(_ id: UnsafeRawBufferPointer) -> Int64 {
        // The keyed state is copied: the key is hashed once, not per id.
        var mac = keyed
        mac.update(data: id)
        return mac.finalize().withUnsafeBytes { bytes in
            var value: UInt64 = 0
            for i in 0..<8 { value = value << 8 | UInt64(bytes[i]) }
            return Int64(bitPattern: value)
        }
    }

    /// The pseudonym of an id given as text or bytes.
    public func pseudonym(_ id: [UInt8]) -> Int64 {
        id.withUnsafeBytes { pseudonym($0) }
    }
}
