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
    /// An ACL refused XINFO STREAM alone: the read is made again without it.
    public var refusedInfo = false
    public var description: String { message }

    /// A failure of a kind.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }
}
