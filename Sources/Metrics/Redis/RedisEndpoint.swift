/// Where Redis is: `redis://[[user]:password@]host[:port][/db]` or
/// `unix:///path[?db=N]`. The password is kept out of every description.
public struct RedisEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// TCP or a unix socket.
    public enum Address: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    /// Why a URL is not usable.
    public struct URLError: Error, CustomStringConvertible {
        /// What is wrong (never the password).
        public let message: String
        public var description: String { message }
    }

    /// Host and port, or socket path.
    public var address: Address
    /// ACL user name for AUTH, if any.
    public var username: String?
    /// Password for AUTH, if any.
    public var password: String?
    /// Database number for SELECT.
    public var database: Int

    /// An endpoint from its parts.
    public init(address: Address, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.address = address
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses a URL; the error never repeats the password.
    public init(url: String) throws(URLError) {
        if url.hasPrefix("rediss://") {
            throw URLError(message: "TLS (rediss://) is not supported; use redis:// on a trusted network or a unix socket")
        }
        if url.hasPrefix("unix://") {
            var path = String(url.dropFirst("unix://".count))
            var database = 0
            if let query = path.firstIndex(of: "?") {
                let parameter = path[path.index(after: query)...]
                guard parameter.hasPrefix("db="), let number = Int(parameter.dropFirst(3)), number >= 0 else {
                    throw URLError(message: "expected unix:///path or unix:///path?db=N")
                }
                database = number
                path = String(path[..<query])
            }
            guard path.hasPrefix("/"), path.count > 1 else { throw URLError(message: "expected unix:///absolute/path/to/redis.sock") }
            self.init(address: .unix(path: path), database: database)
            return
        }
        guard url.hasPrefix("redis://") else {
            throw URLError(message: "expected redis://[:password@]host[:port][/db] or unix:///path")
        }
        var rest = Substring(url.dropFirst("redis://".count))
        var username: String?, password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let user = credentials[..<colon]
                username = user.isEmpty ? nil : RedisEndpoint.percentDecoded(user)
                password = RedisEndpoint.percentDecoded(credentials[credentials.index(after: colon)...])
            } else if !credentials.isEmpty {
                password = RedisEndpoint.percentDecoded(credentials)
            }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let db = rest[rest.index(after: slash)...]
            if !db.isEmpty {
                guard let number = Int(db), number >= 0, db.allSatisfy(\.isNumber) else {
                    throw URLError(message: "the database after / must be a number")
                }
                database = number
            }
            rest = rest[..<slash]
        }
        var host = String(rest), port = 6379
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw URLError(message: "unclosed [ in the host") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()) else { throw URLError(message: "bad port") }
                port = number
            }
        } else if let colon = rest.lastIndex(of: ":") {
            guard let number = Int(rest[rest.index(after: colon)...]) else { throw URLError(message: "the port must be a number") }
            port = number
            host = String(rest[..<colon])
        }
        guard !host.isEmpty else { throw URLError(message: "no host") }
        guard (1...65535).contains(port) else { throw URLError(message: "the port must be between 1 and 65535") }
        self.init(address: .tcp(host: host, port: port), username: username, password: password, database: database)
    }

    /// `host:port` or the socket path: what messages name.
    public var location: String {
        switch address {
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): return path
        }
    }

    /// The URL without credentials.
    public var description: String {
        switch address {
        case .tcp: return "redis://\(location)" + (database == 0 ? "" : "/\(database)")
        case .unix(let path): return "unix://\(path)" + (database == 0 ? "" : "?db=\(database)")
        }
    }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"),
               let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), high < utf8.endIndex,
               let low = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), low < utf8.endIndex,
               let value = UInt8(String(decoding: [utf8[high], utf8[low]], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index = utf8.index(index, offsetBy: 3)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
