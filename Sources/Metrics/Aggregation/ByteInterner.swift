/// Maps byte strings to dense integer ids (0, 1, 2, ...), comparing bytes
/// exactly: no Unicode normalisation, so `café` precomposed and decomposed
/// are two names.
///
/// An open-addressing table over one byte arena: one allocation per growth,
/// none per lookup, which matters at a million events.
public struct ByteInterner: Sendable {
    private var arena: [UInt8] = []
    private var starts: [Int] = []
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int

    /// An empty interner.
    public init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        starts.reserveCapacity(capacity + 1)
        starts.append(0)
    }

    /// The number of distinct strings.
    public var count: Int { hashes.count }

    /// The id of `bytes`, adding it when new.
    @inline(__always)
    public mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let hash = ByteInterner.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = slots[slot]
            if id < 0 { break }
            if hashes[Int(id)] == hash && matches(Int(id), bytes) { return id }
            slot = (slot + 1) & mask
        }
        let id = Int32(hashes.count)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(hash)
        slots[slot] = id
        if hashes.count * 2 > slots.count { grow() }
        return id
    }

    /// The id of a string, adding it when new.
    public mutating func intern(_ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBytes { intern($0) }
    }

    /// The bytes of an id.
    public func bytes(of id: Int32) -> [UInt8] {
        Array(arena[starts[Int(id)]..<starts[Int(id) + 1]])
    }

    @inline(__always)
    private func matches(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[id]
        let length = starts[id + 1] - start
        guard length == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { stored in
            guard length > 0 else { return true }
            return memcmpBytes(stored.baseAddress! + start, bytes.baseAddress!, length)
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }

    /// The slot hash: Sentinel's FNV, whose low bits vary with every byte.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 { FNVHash.hash(bytes) }
}

@inline(__always)
private func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    let b = b.assumingMemoryBound(to: UInt8.self)
    for i in 0..<count where a[i] != b[i] { return false }
    return true
}
