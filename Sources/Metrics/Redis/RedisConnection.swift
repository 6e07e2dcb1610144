import CHiredis
import CSupport
import Glibc

/// One synchronous connection through hiredis: the only place the C
/// library is used. Replies are freed as soon as they are copied, the
/// context when the connection goes away.
public final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>
    private let arena: UnsafeMutablePointer<sentinel_arena> = {
        let pointer = UnsafeMutablePointer<sentinel_arena>.allocate(capacity: 1)
        pointer.initialize(to: sentinel_arena())
        return pointer
    }()
    /// Where it is connected.
    public let endpoint: RedisEndpoint

    /// Connects, authenticates and selects the database.
    public init(endpoint: RedisEndpoint, connectTimeout: Double = 5, readTimeout: Double = 30) throws(RedisError) {
        self.endpoint = endpoint
        let connectTV = RedisConnection.timeval(seconds: connectTimeout)
        let raw: UnsafeMutablePointer<redisContext>?
        switch endpoint.address {
        case .tcp(let host, let port): raw = redisConnectWithTimeout(host, Int32(port), connectTV)
        case .unix(let path): raw = redisConnectUnixWithTimeout(path, connectTV)
        }
        guard let raw else {
            throw RedisError(kind: .unreachable, message: "cannot connect to Redis at \(endpoint.location): out of memory")
        }
        context = raw
        if raw.pointee.err != 0 {
            let reason = RedisConnection.errorText(raw)
            throw RedisError(kind: reason.contains("timed out") || reason.contains("temporarily") ? .timeout : .unreachable,
                             message: "cannot connect to Redis at \(endpoint.location): \(reason)")
        }
        _ = redisSetTimeout(raw, RedisConnection.timeval(seconds: readTimeout))
        if let password = endpoint.password {
            var args = ["AUTH"]
            if let user = endpoint.username { args.append(user) }
            args.append(password)
            if case .error(let text) = try command(args) {
                let reason = text.hasPrefix("WRONGPASS") || text.contains("invalid password") ? "wrong password"
                    : text.contains("without any password configured") ? "a password was given, but the server has none"
                    : String(text.prefix(200))
                throw RedisError(kind: .authentication, message: "Redis at \(endpoint.location) refused authentication: \(reason)")
            }
        }
        if endpoint.database != 0, case .error(let text) = try command(["SELECT", String(endpoint.database)]) {
            throw RedisError(kind: .server, message: "Redis at \(endpoint.location) refused database \(endpoint.database): \(text)")
        }
    }

    deinit {
        redisFree(context)
        sentinel_arena_release(arena)
        arena.deallocate()
    }

    /// Tunes glibc's allocator for reading big replies: each XRANGE batch is
    /// some 100,000 small allocations freed together, and by default glibc
    /// returns the heap's top to the kernel after every batch and faults it
    /// back in, page by page, on the next. Blocks of 4 MB and more (a big
    /// HGETALL's arena) are mapped on their own, so they go back whole,
    /// whichever thread's heap would have held them.
    public static func keepHeapForLargeReplies() {
        sentinel_keep_heap_for_large_replies()
    }

    /// Sends a command and waits for its reply (an error reply is returned, not thrown).
    public func command(_ args: [String]) throws(RedisError) -> RedisReply {
        try append(args.map { Array($0.utf8) })
        return try nextReply()
    }

    /// Queues a command without waiting (pipelining); `nextReply` reads replies in order.
    public func append(_ args: [[UInt8]]) throws(RedisError) {
        let status = RedisConnection.withArgv(args) { argc, argv, lengths in
            redisAppendCommandArgv(context, argc, argv, lengths)
        }
        if status != REDIS_OK { throw failure() }
    }

    /// Queues a command from text arguments.
    public func append(_ args: [String]) throws(RedisError) { try append(args.map { Array($0.utf8) }) }

    /// Sends what is queued without waiting for replies, so the server works
    /// while the caller does.
    public func flush() throws(RedisError) {
        var done: Int32 = 0
        while done == 0 {
            if redisBufferWrite(context, &done) != REDIS_OK { throw failure() }
        }
    }

    /// Reads the next reply and copies it into Swift values.
    public func nextReply() throws(RedisError) -> RedisReply {
        let reply = try rawReply()
        defer { freeReplyObject(reply) }
        return RedisConnection.convert(reply)
    }

    /// Reads the next reply, an XRANGE's, into the connection's arena:
    /// no allocation per element. The batch is valid until the next reply
    /// is read on this connection.
    public func nextStreamBatch() throws(RedisError) -> StreamBatch {
        guard sentinel_get_reply_into(context, arena) == REDIS_OK else { throw failure() }
        let a = arena.pointee
        guard a.count > 0, let tokens = a.tokens else {
            throw RedisError(kind: .protocolError, message: "Redis at \(endpoint.location) sent an empty reply to XRANGE")
        }
        let base = UnsafeRawPointer(a.bytes)
        if tokens[0].type == REDIS_REPLY_ERROR {
            let text = String(decoding: UnsafeRawBufferPointer(start: base! + Int(tokens[0].offset), count: Int(tokens[0].length)), as: UTF8.self)
            throw RedisError(kind: text.hasPrefix("WRONGTYPE") ? .wrongType : .server,
                             message: "Redis at \(endpoint.location) answered XRANGE with an error: \(text)")
        }
        guard let batch = StreamBatch(tokens: UnsafePointer(tokens), count: a.count, bytes: base) else {
            throw RedisError(kind: .protocolError, message: "Redis at \(endpoint.location) answered XRANGE with an unexpected reply")
        }
        return batch
    }

    /// Reads the next reply into the arena: a view valid until the next
    /// read, so a transaction's big HGETALL costs no allocation per element.
    public func nextFlatReply() throws(RedisError) -> FlatReply {
        guard sentinel_get_reply_into(context, arena) == REDIS_OK else { throw failure() }
        return FlatReply(tokens: UnsafePointer(arena.pointee.tokens), count: arena.pointee.count, bytes: UnsafeRawPointer(arena.pointee.bytes))
    }

    /// Gives the arena's memory back (after a large reply).
    public func releaseArena() { sentinel_arena_release(arena) }

    private func rawReply() throws(RedisError) -> UnsafeMutableRawPointer {
        var reply: UnsafeMutableRawPointer?
        guard redisGetReply(context, &reply) == REDIS_OK, let reply else { throw failure() }
        return reply
    }

    private func failure() -> RedisError {
        let reason = RedisConnection.errorText(context)
        let timedOut = reason.contains("temporarily unavailable") || reason.contains("timed out")
        return RedisError(kind: timedOut ? .timeout : .unreachable,
                          message: timedOut ? "Redis at \(endpoint.location) did not answer in time"
                              : "lost the connection to Redis at \(endpoint.location): \(reason)")
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let bytes = raw.prefix(while: { $0 != 0 })
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func timeval(seconds: Double) -> Glibc.timeval {
        Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
    }

    private static func withArgv<R>(_ args: [[UInt8]], _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
        let storage = args.map { bytes -> UnsafeMutablePointer<CChar> in
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
            bytes.withUnsafeBytes { raw in
                if raw.count > 0 { UnsafeMutableRawPointer(pointer).copyMemory(from: raw.baseAddress!, byteCount: raw.count) }
            }
            return pointer
        }
        defer { for pointer in storage { pointer.deallocate() } }
        var argv = storage.map { UnsafePointer<CChar>?($0) }
        let lengths = args.map(\.count)
        return argv.withUnsafeMutableBufferPointer { argvBuffer in
            lengths.withUnsafeBufferPointer { lengthBuffer in
                body(Int32(args.count), argvBuffer.baseAddress!, lengthBuffer.baseAddress!)
            }
        }
    }

    private static func convert(_ raw: UnsafeMutableRawPointer) -> RedisReply {
        convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING: return .string(bytes(r))
        case REDIS_REPLY_STATUS: return .status(String(decoding: bytes(r), as: UTF8.self))
        case REDIS_REPLY_ERROR: return .error(String(decoding: bytes(r), as: UTF8.self))
        case REDIS_REPLY_INTEGER: return .integer(Int64(r.integer))
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            items.reserveCapacity(r.elements)
            for i in 0..<r.elements { items.append(r.element[i].map(convert) ?? .null) }
            return .array(items)
        default: return .null
        }
    }

    private static func bytes(_ r: redisReply) -> [UInt8] {
        guard let str = r.str, r.len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: str, count: r.len))
    }
}
