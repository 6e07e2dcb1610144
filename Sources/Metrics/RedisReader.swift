/// What one consistent read of Redis gives: the stream's bounds and both
/// hashes, taken in one MULTI/EXEC.
public struct RedisState: Sendable {
    /// ID of the oldest stream entry, if any.
    public var firstID: [UInt8]?
    /// ID of the newest stream entry: the stream is read up to it.
    public var lastID: [UInt8]?
    /// `users` hash pairs.
    public var users: [(field: [UInt8], value: [UInt8])] = []
    /// `subscriptions` hash pairs.
    public var subscriptions: [(field: [UInt8], value: [UInt8])] = []
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
    public func readState() throws(RedisError) -> RedisState {
        let events = eventsKey, users = prefix + "users", subscriptions = prefix + "subscriptions"
        for args in [["MULTI"], ["TYPE", events], ["TYPE", users], ["TYPE", subscriptions],
                     ["XRANGE", events, "-", "+", "COUNT", "1"], ["XREVRANGE", events, "+", "-", "COUNT", "1"],
                     ["HGETALL", users], ["HGETALL", subscriptions], ["EXEC"]] {
            try connection.append(args)
        }
        for _ in 0..<8 {
            let queued = try connection.nextReply()
            if case .error(let text) = queued { _ = try? connection.nextReply(); throw serverError(text) }
        }
        guard case .array(let results) = try connection.nextReply(), results.count == 7 else {
            throw RedisError(kind: .protocolError, message: "Redis at \(connection.endpoint.location) aborted the read transaction")
        }
        for (index, (key, expected)) in [(events, "stream"), (users, "hash"), (subscriptions, "hash")].enumerated() {
            let type = results[index].text ?? ""
            guard type == expected || type == "none" else {
                throw RedisError(kind: .wrongType,
                                 message: "Redis key \(key) is a \(type), expected a \(expected) (see the Redis contract); check redis.key_prefix")
            }
        }
        var state = RedisState()
        state.firstID = RedisReader.firstEntryID(results[3])
        state.lastID = RedisReader.firstEntryID(results[4])
        state.users = try pairs(results[5], key: users)
        state.subscriptions = try pairs(results[6], key: subscriptions)
        return state
    }

    /// Reads the stream from its start up to `lastID`, oldest first, one
    /// batch at a time. The next request is sent before a batch is handed
    /// over, so Redis prepares it while the caller aggregates.
    public func readStream(upTo lastID: [UInt8], _ body: (StreamBatch) -> Void) throws(RedisError) {
        let key = Array(eventsKey.utf8)
        let count = Array(String(batchSize).utf8)
        try connection.append([Array("XRANGE".utf8), key, Array("-".utf8), lastID, Array("COUNT".utf8), count])
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

    private static func firstEntryID(_ reply: RedisReply) -> [UInt8]? {
        guard case .array(let entries) = reply, case .array(let entry)? = entries.first,
              case .string(let id)? = entry.first else { return nil }
        return id
    }

    private func pairs(_ reply: RedisReply, key: String) throws(RedisError) -> [(field: [UInt8], value: [UInt8])] {
        guard case .array(let items) = reply else {
            if case .error(let text) = reply { throw serverError(text) }
            throw RedisError(kind: .protocolError, message: "unexpected reply to HGETALL \(key)")
        }
        var result: [(field: [UInt8], value: [UInt8])] = []
        result.reserveCapacity(items.count / 2)
        var index = 0
        while index + 1 < items.count {
            if case .string(let field) = items[index], case .string(let value) = items[index + 1] {
                result.append((field, value))
            }
            index += 2
        }
        return result
    }
}
