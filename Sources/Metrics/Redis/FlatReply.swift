import CSupport
import Glibc

/// The entries of one XRANGE reply, read in place from the connection's
/// arena. Buffers handed to `forEachEntry` are valid only during the call,
/// and the batch only until the next reply is read.
public struct StreamBatch {
    private let tokens: UnsafePointer<sentinel_token>
    private let bytes: UnsafeRawPointer?
    /// Token index of each entry's ID.
    private let starts: [Int]

    /// Checks the shape (an array of [id, [name, value, ...] or nil]).
    init?(tokens: UnsafePointer<sentinel_token>, count: Int, bytes: UnsafeRawPointer?) {
        guard tokens[0].type == SENTINEL_TOKEN_ARRAY || tokens[0].type == SENTINEL_TOKEN_NIL else { return nil }
        self.tokens = tokens
        self.bytes = bytes
        let entries = tokens[0].type == SENTINEL_TOKEN_ARRAY ? Int(tokens[0].count) : 0
        var starts: [Int] = []
        starts.reserveCapacity(entries)
        var index = 1
        for _ in 0..<entries {
            guard index + 2 < count || (index + 2 == count && tokens[index].count == 1),
                  tokens[index].type == SENTINEL_TOKEN_ARRAY, tokens[index].count >= 1,
                  tokens[index + 1].type == SENTINEL_TOKEN_STRING else { return nil }
            starts.append(index + 1)
            if tokens[index].count == 1 { index += 2; continue }
            let fields = tokens[index + 2]
            if fields.type == SENTINEL_TOKEN_ARRAY {
                index += 3 + Int(fields.count)
            } else {
                index += 3
            }
            guard index <= count else { return nil }
        }
        self.starts = starts
    }

    /// Entries in the batch.
    public var count: Int { starts.count }

    /// The ID of the last entry, for an exclusive-start continuation.
    public var lastID: [UInt8]? {
        guard let last = starts.last else { return nil }
        return Array(buffer(tokens[last]))
    }

    /// Calls `body` with each entry's ID and its field-value pairs, flat.
    @inline(__always)
    public func forEachEntry(_ body: (_ id: UnsafeRawBufferPointer, _ fields: FieldList) -> Void) {
        for start in starts {
            let header = tokens[start - 1]
            var list = FieldList(batch: self, first: 0, count: 0)
            if header.count >= 2, tokens[start + 1].type == SENTINEL_TOKEN_ARRAY {
                list = FieldList(batch: self, first: start + 2, count: Int(tokens[start + 1].count))
            }
            body(buffer(tokens[start]), list)
        }
    }

    @inline(__always)
    func buffer(_ token: sentinel_token) -> UnsafeRawBufferPointer {
        guard let bytes, token.length > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: bytes + Int(token.offset), count: Int(token.length))
    }

    @inline(__always)
    func token(_ index: Int) -> sentinel_token { tokens[index] }
}

/// The flat name, value, name, value... list of one stream entry.
public struct FieldList {
    let batch: StreamBatch
    let first: Int
    /// Names plus values.
    public let count: Int

    /// Calls `body` with each name-value pair, in order.
    @inline(__always)
    public func forEachPair(_ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void) {
        var index = 0
        while index + 1 < count {
            body(batch.buffer(batch.token(first + index)), batch.buffer(batch.token(first + index + 1)))
            index += 2
        }
    }
}

/// A reply flattened in pre-order: an array's elements follow it.
public struct FlatReply {
    /// What an element is.
    public enum Kind: Sendable { case string, status, error, integer, array, null }
    let tokens: UnsafePointer<sentinel_token>?
    /// Elements, nested ones included.
    public let count: Int
    let bytes: UnsafeRawPointer?

    /// The kind of element `i`.
    public func kind(_ i: Int) -> Kind {
        switch tokens![i].type {
        case SENTINEL_TOKEN_STRING: return .string
        case SENTINEL_TOKEN_STATUS: return .status
        case SENTINEL_TOKEN_ERROR: return .error
        case SENTINEL_TOKEN_INTEGER: return .integer
        case SENTINEL_TOKEN_ARRAY: return .array
        default: return .null
        }
    }

    /// The number of elements of array `i`.
    public func elements(_ i: Int) -> Int { Int(tokens![i].count) }

    /// The bytes of string, status or error `i`.
    public func bytes(_ i: Int) -> UnsafeRawBufferPointer {
        let token = tokens![i]
        guard let bytes, token.length > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: bytes + Int(token.offset), count: Int(token.length))
    }

    /// The value of integer `i`.
    public func integer(_ i: Int) -> Int64 {
        let token = tokens![i]
        return Int64(bitPattern: UInt64(token.length) << 32 | UInt64(token.offset))
    }

    /// The index after element `i` and everything inside it.
    public func index(after i: Int) -> Int {
        var index = i, pending = 1
        while pending > 0 {
            pending -= 1
            if kind(index) == .array { pending += elements(index) }
            index += 1
        }
        return index
    }
}
