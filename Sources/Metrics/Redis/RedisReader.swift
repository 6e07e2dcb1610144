/// What one consistent read of Redis gives: the stream's bounds and both
/// hashes, taken in one MULTI/EXEC.
public struct RedisState: Sendable {
    /// ID of the oldest stream entry, if any.
    public var firstID: [UInt8]?
    /// ID of the newest stream entry: the stream is read up to it.
    public var lastID: [UInt8]?
    /// Entries of the `users` hash.
    public var users = 0
    /// Entries of the `subscriptions` hash.
    public var subscriptions = 0
    /// Entries in the stream when the state was read (XLEN): a read of the
    /// stream up to `lastID` must find exactly as many.
    public var length = 0
    /// XINFO STREAM's `entries-added` (Redis 7 and later): every entry ever
    /// added, which tells a trimmed stretch from an empty one.
    public var entriesAdded: Int64?
}

/// Reads the contract's keys. It never writes: only TYPE, XRANGE,
/// XREVRANGE, HGETALL inside MULTI/EXEC, then XRANGE batches.
public struct RedisReader {
    /// The connection.
    public let connection: RedisConnection
    /// The key prefix (`sentinel:`).
    public let prefix: String
    /// Entries per XRANGE.
    public var batchSize = 10_000

    /// A reader of the keys under `prefix`.
    public init(connection: RedisConnection, prefix: String) {
        self.connection = connection
        self.prefix = prefix
    }

    var eventsKey: String { prefix + "events" }

    /// The stream's bounds and both hashes, in one transaction.
    public func readState(users addUser: (_ user: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void,
                          subscriptions addSubscription: (_ user: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void)
        throws(RedisError) -> RedisState {
        do {
            return try readState(withInfo: true, users: addUser, subscriptions: addSubscription)
        } catch let error where error.refusedInfo {
            // An ACL that denies XINFO: the trimmed-stretch check then
            // falls back to the stream's first ID (docs/analytics.md).
            return try readState(withInfo: false, users: addUser, subscriptions: addSubscription)
        }
    }

    private func readState(withInfo: Bool, users addUser: (_ user: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void,
                           subscriptions addSubscription: (_ user: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void)
        throws(RedisError) -> RedisState {
        let events = eventsKey, users = prefix + "users", subscriptions = prefix + "subscriptions"
        var commands = [["MULTI"], ["TYPE", events], ["TYPE", users], ["TYPE", subscriptions],
                        ["XRANGE", events, "-", "+", "COUNT", "1"], ["XREVRANGE", events, "+", "-", "COUNT", "1"],
                        ["HGETALL", users], ["HGETALL", subscriptions], ["XLEN", events]]
        if withInfo { commands.append(["XINFO", "STREAM", events]) }
        commands.append(["EXEC"])
        for args in commands { try connection.append(args) }
        var refused: String?
        for _ in 0..<(commands.count - 1) {
            if case .error(let text) = try connection.nextReply(), refused == nil { refused = text }
        }
        if let refused {
            _ = try? connection.nextReply()  // EXECABORT
            var error = serverError(refused)
            error.refusedInfo = withInfo && refused.hasPrefix("NOPERM") && refused.lowercased().contains("xinfo")
            throw error
        }
        // The EXEC reply holds both hashes whole: read flat, packed, released.
        let reply = try connection.nextFlatReply()
        defer { connection.releaseArena() }
        let members = commands.count - 2
        guard reply.count > 0, reply.kind(0) == .array, reply.elements(0) == members else {
            throw RedisError(kind: .protocolError, message: "Redis at \(connection.endpoint.location) aborted the read transaction")
        }
        var starts: [Int] = []
        var index = 1
        for _ in 0..<members {
            guard index < reply.count else { throw RedisError(kind: .protocolError, message: "truncated reply from Redis at \(connection.endpoint.location)") }
            starts.append(index)
            index = reply.index(after: index)
        }
        for (position, (key, expected)) in [(events, "stream"), (users, "hash"), (subscriptions, "hash")].enumerated() {
            let type = String(decoding: reply.bytes(starts[position]), as: UTF8.self)
            if reply.kind(starts[position]) == .error { throw serverError(type) }
            guard type == expected || type == "none" else {
                throw RedisError(kind: .wrongType,
                                 message: "Redis key \(key) is a \(type), expected a \(expected) (see the Redis contract); check redis.key_prefix")
            }
        }
        var state = RedisState()
        state.firstID = RedisReader.firstEntryID(reply, at: starts[3])
        state.lastID = RedisReader.firstEntryID(reply, at: starts[4])
        state.users = try pairs(reply, at: starts[5], key: users, addUser)
        state.subscriptions = try pairs(reply, at: starts[6], key: subscriptions, addSubscription)
        state.length = reply.kind(starts[7]) == .integer ? Int(reply.integer(starts[7])) : 0
        state.entriesAdded = withInfo ? RedisReader.entriesAdded(reply, at: starts[8]) : nil
        return state
    }

    /// Reads the stream after `cursor` (from its start without one) up to
    /// `lastID`, oldest first, one batch at a time. The next request is sent
    /// before a batch is handed over, so Redis prepares it while the caller
    /// aggregates.
    public func readStream(after cursor: [UInt8]? = nil, upTo lastID: [UInt8], _ body: (StreamBatch) -> Void) throws(RedisError) {
        let key = Array(eventsKey.utf8)
        let count = Array(String(batchSize).utf8)
        let start = cursor.map { [UInt8(ascii: "(")] + $0 } ?? Array("-".utf8)
        try connection.append([Array("XRANGE".utf8), key, start, lastID, Array("COUNT".utf8), count])
        while true {
            let batch = try connection.nextStreamBatch()
            let full = batch.count >= batchSize
            if full, let last = batch.lastID, last != lastID {
                try connection.append([Array("XRANGE".utf8), key, [UInt8(ascii: "(")] + last, lastID, Array("COUNT".utf8), count])
                try connection.flush()
                body(batch)
            } else {
                body(batch)
                return
            }
        }
    }

    private func serverError(_ text: String) -> RedisError {
        if text.hasPrefix("NOAUTH") {
            return RedisError(kind: .authentication,
                              message: "Redis at \(connection.endpoint.location) requires a password: set it in the variable named by redis.password_env")
        }
        return RedisError(kind: .server, message: "Redis at \(connection.endpoint.location) refused the read: \(text.prefix(160))")
    }

    /// `entries-added` of an XINFO STREAM reply (a flat list of names and
    /// values), or nil when the key is absent or Redis predates the field.
    private static func entriesAdded(_ reply: FlatReply, at index: Int) -> Int64? {
        guard reply.kind(index) == .array else { return nil }
        let count = reply.elements(index)
        var item = index + 1
        var position = 0
        while position + 1 < count {
            let name = reply.bytes(item)
            let value = reply.index(after: item)
            if reply.kind(item) == .string, name.elementsEqual("entries-added".utf8), reply.kind(value) == .integer {
                return reply.integer(value)
            }
            item = reply.index(after: value)
            position += 2
        }
        return nil
    }

    /// The ID of the first entry of an XRANGE reply: `[[id, [fields]], ...]`.
    private static func firstEntryID(_ reply: FlatReply, at index: Int) -> [UInt8]? {
        guard reply.kind(index) == .array, reply.elements(index) > 0, reply.kind(index + 1) == .array,
              reply.elements(index + 1) > 0, reply.kind(index + 2) == .string else { return nil }
        return Array(reply.bytes(index + 2))
    }

    /// Hands each pair of an HGETALL reply to `body`, straight from the
    /// arena; returns the number of pairs.
    private func pairs(_ reply: FlatReply, at index: Int, key: String,
                       _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) throws(RedisError) -> Int {
        guard reply.kind(index) == .array else {
            if reply.kind(index) == .error { throw serverError(String(decoding: reply.bytes(index), as: UTF8.self)) }
            throw RedisError(kind: .protocolError, message: "unexpected reply to HGETALL \(key)")
        }
        let count = reply.elements(index)
        var item = 0
        while item + 1 < count {
            body(reply.bytes(index + 1 + item), reply.bytes(index + 2 + item))
            item += 2
        }
        return count / 2
    }
}
