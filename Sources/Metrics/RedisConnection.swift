import CHiredis
import Glibc

/// A Redis reply, copied out of hiredis.
public enum RedisReply: Sendable, Equatable {
    case string([UInt8])
    case status(String)
    case integer(Int64)
    case array([RedisReply])
    case null
    case error(String)

    /// The text of a bulk string or status reply.
    public var text: String? {
        switch self {
        case .string(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        default: return nil
        }
    }
}

/// A Redis failure, naming the server (`host:port`) and never the password.
public struct RedisError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure.
    public enum Kind: Sendable { case unreachable, timeout, authentication, wrongType, server, protocolError }
    /// The kind.
    public let kind: Kind
    /// One line for the user.
    public let message: String
    public var description: String { message }
}

/// One synchronous connection through hiredis: the only place the C
/// library is used. Replies are freed as soon as they are copied, the
/// context when the connection goes away.
public final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>
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
                    : String(text.prefix(120))
                throw RedisError(kind: .authentication, message: "Redis at \(endpoint.location) refused authentication: \(reason)")
            }
        }
        if endpoint.database != 0, case .error(let text) = try command(["SELECT", String(endpoint.database)]) {
            throw RedisError(kind: .server, message: "Redis at \(endpoint.location) refused database \(endpoint.database): \(text)")
        }
    }

    deinit { redisFree(context) }

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

    /// Reads the next reply of an XRANGE without copying it: entries are
    /// read in place and the reply is freed with the batch.
    public func nextStreamBatch() throws(RedisError) -> StreamBatch {
        let reply = try rawReply()
        let type = reply.assumingMemoryBound(to: redisReply.self).pointee.type
        if type == REDIS_REPLY_ERROR {
            defer { freeReplyObject(reply) }
            let text = RedisConnection.convert(reply).text ?? ""
            throw RedisError(kind: text.hasPrefix("WRONGTYPE") ? .wrongType : .server,
                             message: "Redis at \(endpoint.location) answered XRANGE with an error: \(text)")
        }
        guard type == REDIS_REPLY_ARRAY else {
            freeReplyObject(reply)
            throw RedisError(kind: .protocolError, message: "Redis at \(endpoint.location) answered XRANGE with a non-array reply")
        }
        return StreamBatch(reply: reply.assumingMemoryBound(to: redisReply.self))
    }

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

/// The entries of one XRANGE reply, read in place. Buffers handed to
/// `forEachEntry` are valid only during the call.
public final class StreamBatch: @unchecked Sendable {
    private let reply: UnsafeMutablePointer<redisReply>

    init(reply: UnsafeMutablePointer<redisReply>) { self.reply = reply }

    deinit { freeReplyObject(reply) }

    /// Entries in the batch.
    public var count: Int { reply.pointee.elements }

    /// The ID of the last entry, for an exclusive-start continuation.
    public var lastID: [UInt8]? {
        guard count > 0, let entry = reply.pointee.element[count - 1], entry.pointee.elements >= 1,
              let id = entry.pointee.element[0] else { return nil }
        return Array(StreamBatch.buffer(id))
    }

    /// Calls `body` with each entry's ID and its field-value pairs, flat.
    @inline(__always)
    public func forEachEntry(_ body: (_ id: UnsafeRawBufferPointer, _ fields: FieldList) -> Void) {
        let entries = reply.pointee.element!
        for index in 0..<reply.pointee.elements {
            guard let entry = entries[index], entry.pointee.type == REDIS_REPLY_ARRAY, entry.pointee.elements >= 1,
                  let id = entry.pointee.element[0] else { continue }
            var list = FieldList(elements: nil, count: 0)
            if entry.pointee.elements >= 2, let fields = entry.pointee.element[1], fields.pointee.type == REDIS_REPLY_ARRAY {
                list = FieldList(elements: UnsafeRawPointer(fields.pointee.element), count: fields.pointee.elements)
            }
            body(StreamBatch.buffer(id), list)
        }
    }

    @inline(__always)
    fileprivate static func buffer(_ item: UnsafeMutablePointer<redisReply>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: item.pointee.str, count: item.pointee.len)
    }
}

/// The flat name, value, name, value... list of one stream entry.
public struct FieldList {
    fileprivate let elements: UnsafeRawPointer?
    /// Names plus values.
    public let count: Int

    /// Calls `body` with each name-value pair, in order.
    @inline(__always)
    public func forEachPair(_ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void) {
        guard let elements else { return }
        let items = elements.assumingMemoryBound(to: UnsafeMutablePointer<redisReply>?.self)
        var index = 0
        while index + 1 < count {
            if let name = items[index], let value = items[index + 1] {
                body(StreamBatch.buffer(name), StreamBatch.buffer(value))
            }
            index += 2
        }
    }
}
