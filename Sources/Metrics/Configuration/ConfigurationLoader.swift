import Foundation
import TOMLKit

/// Reads `sentinel.toml`: walks the TOML tree so that an unknown key, a
/// wrong type or a bad value is an error naming the file and the key.
public enum ConfigurationLoader {
    /// The file to read: `--config`, else `SENTINEL_CONFIG`, else
    /// `sentinel.toml` in the current directory if it exists.
    public static func locate(flag: String?, environment: [String: String]) -> (path: String, required: Bool)? {
        if let flag { return (flag, true) }
        if let path = environment["SENTINEL_CONFIG"], !path.isEmpty { return (path, true) }
        return FileManager.default.fileExists(atPath: "sentinel.toml") ? ("sentinel.toml", false) : nil
    }

    /// Loads a file (defaults when `path` is nil).
    public static func load(path: String?) throws(ConfigurationError) -> Configuration {
        guard let path else { return Configuration() }
        let bytes: [UInt8]?
        do { bytes = try AtomicFile.read(path) } catch {
            throw ConfigurationError(origin: path, key: nil, message: "cannot read the file: \(error.reason)")
        }
        guard let bytes else {
            throw ConfigurationError(origin: path, key: nil, message: "cannot read the file (does it exist?)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError(origin: path, key: nil, message: "not UTF-8 text")
        }
        return try parse(text, origin: (path as NSString).lastPathComponent)
    }

    /// Parses TOML text; `origin` names it in errors.
    public static func parse(_ text: String, origin: String) throws(ConfigurationError) -> Configuration {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(origin: origin, key: nil,
                                     message: "line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        } catch {
            throw ConfigurationError(origin: origin, key: nil, message: "not valid TOML")
        }
        var walker = TableWalker(origin: origin)
        return try walker.configuration(root)
    }
}

/// The walk over the parsed tree.
struct TableWalker {
    let origin: String

    func fail(_ key: String, _ message: String) -> ConfigurationError {
        ConfigurationError(origin: origin, key: key, message: message)
    }

    /// A value as an error shows it. A text that may be a secret (a token
    /// or a URL put where a variable's name or a list belongs) is not shown.
    func shown(_ value: TOMLValueConvertible) -> String {
        switch value.type {
        case .string:
            let text = value.string ?? ""
            let plain = text.utf8.count <= 64 && !text.contains(where: { ":/@?".contains($0) || $0.isNewline })
            return plain ? "\"\(text)\"" : "a text of \(text.count) characters (not shown: it may hold a secret)"
        case .int: return String(value.int ?? 0)
        case .double: return String(value.double ?? 0)
        case .bool: return String(value.bool ?? false)
        case .array: return "an array"
        case .table: return "a table"
        default: return value.debugDescription
        }
    }

    func table(_ value: TOMLValueConvertible, _ key: String, allowed: [String]) throws(ConfigurationError) -> TOMLTable {
        guard let table = value.table else { throw fail(key, "expected a table, got \(shown(value))") }
        for name in table.keys where !allowed.contains(name) {
            throw fail(key.isEmpty ? name : "\(key).\(name)", "unknown key")
        }
        return table
    }

    func string(_ value: TOMLValueConvertible, _ key: String) throws(ConfigurationError) -> String {
        guard let text = value.string else { throw fail(key, "expected a string, got \(shown(value))") }
        return text
    }

    func strings(_ value: TOMLValueConvertible, _ key: String) throws(ConfigurationError) -> [String] {
        guard let array = value.array else { throw fail(key, "expected an array of strings, got \(shown(value))") }
        var result: [String] = []
        for (index, item) in array.enumerated() { result.append(try string(item, "\(key)[\(index)]")) }
        return result
    }

    /// A number's exact decimal text (TOML integers and floats).
    func numberText(_ value: TOMLValueConvertible) -> String? {
        if let int = value.int { return String(int) }
        if let double = value.double, double.isFinite { return "\(double)" }
        return nil
    }

    func fraction(_ value: TOMLValueConvertible, _ key: String) throws(ConfigurationError) -> Fraction {
        guard let text = numberText(value) else {
            throw fail(key, "expected a fraction between 0 and 1, got \(shown(value))")
        }
        guard let fraction = Fraction(text), fraction.numerator <= fraction.denominator else {
            throw fail(key, "expected a fraction between 0 and 1, got \(text)")
        }
        return fraction
    }

    func hours(_ value: TOMLValueConvertible, _ key: String, allowZero: Bool) throws(ConfigurationError) -> Double {
        guard let text = numberText(value), let hours = Double(text) else {
            throw fail(key, "expected a number of hours, got \(shown(value))")
        }
        guard allowZero ? hours >= 0 : hours > 0, hours <= 24 * 366 else {
            throw fail(key, "expected a number of hours \(allowZero ? "from 0" : "above 0") up to 8784, got \(text)")
        }
        return hours
    }

    func money(_ value: TOMLValueConvertible, _ key: String) throws(ConfigurationError) -> Money {
        guard let text = value.string ?? numberText(value) else {
            throw fail(key, "expected an amount such as \"5.00\", got \(shown(value))")
        }
        if text.hasPrefix("-") { throw fail(key, "expected an amount of 0 or more, got \(text)") }
        guard let amount = Money(text) else {
            throw fail(key, "expected an amount such as \"5.00\" (up to 12 digits, a dot, up to 6 digits), got \"\(text)\"")
        }
        return amount
    }

    func currency(_ value: TOMLValueConvertible, _ key: String) throws(ConfigurationError) -> String {
        let text = try string(value, key)
        guard text.utf8.count == 3, text.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw fail(key, "expected a currency code of three capital letters such as \"EUR\", got \"\(text)\"")
        }
        return text
    }

    func httpURL(_ value: TOMLValueConvertible, _ key: String, allowEmpty: Bool) throws(ConfigurationError) -> String {
        let text = try string(value, key)
        if text.isEmpty && allowEmpty { return text }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw fail(key, "expected an http(s) URL, got \(TableWalker.shownURL(text))")
        }
        return text
    }

    /// A URL as an error shows it: whole when it holds nothing but a
    /// scheme and a host, else its scheme and host only, never the
    /// credentials, path or query, where webhooks keep their secrets.
    static func shownURL(_ text: String) -> String {
        if let url = URL(string: text), let scheme = url.scheme, let host = url.host, !host.isEmpty {
            let plain = url.user == nil && url.password == nil && (url.path.isEmpty || url.path == "/") && url.query == nil && url.fragment == nil
            return plain ? "\"\(text)\"" : "\"\(scheme)://\(host)/…\""
        }
        let secretive = text.contains("@") || text.contains("/") || text.contains("?") || text.contains(":")
        return secretive ? "a value that is not a URL (not shown: it may hold a secret)" : "\"\(text)\""
    }

    func variableName(_ value: TOMLValueConvertible, _ key: String) throws(ConfigurationError) -> String {
        let text = try string(value, key)
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 == 95 || ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }) else {
            throw fail(key, "expected the name of an environment variable, got \(shown(value))")
        }
        return text
    }

    mutating func configuration(_ root: TOMLTable) throws(ConfigurationError) -> Configuration {
        var config = Configuration()
        _ = try table(root, "", allowed: ["timezone", "redis", "revenue", "costs", "exchange_rates",
                                          "alerts", "site", "telegram", "email", "goals"])
        if let value = root["timezone"] {
            let name = try string(value, "timezone")
            guard DayCalendar(timeZoneName: name) != nil else {
                throw fail("timezone", "unknown IANA time zone \"\(name)\" (such as \"Europe/Paris\" or \"UTC\")")
            }
            config.timezone = name
        }
        if let value = root["redis"] {
            let redis = try table(value, "redis", allowed: ["url", "password_env", "key_prefix"])
            if let url = redis["url"] {
                let text = try string(url, "redis.url")
                let endpoint: RedisEndpoint
                do { endpoint = try RedisEndpoint(url: text) } catch { throw fail("redis.url", error.message) }
                if endpoint.password != nil {
                    throw fail("redis.url", "a password does not belong in the file; put it in the environment variable named by redis.password_env")
                }
                config.redis.url = text
            }
            if let name = redis["password_env"] { config.redis.passwordEnv = try variableName(name, "redis.password_env") }
            if let prefix = redis["key_prefix"] { config.redis.keyPrefix = try string(prefix, "redis.key_prefix") }
        }
        if let value = root["revenue"] {
            let revenue = try table(value, "revenue", allowed: ["currency"])
            if let code = revenue["currency"] { config.revenueCurrency = try currency(code, "revenue.currency") }
        }
        if let value = root["costs"] {
            let costs = try table(value, "costs", allowed: ["currency", "infrastructure"])
            if let code = costs["currency"] { config.costCurrency = try currency(code, "costs.currency") }
            if let items = costs["infrastructure"] {
                guard let array = items.array else { throw fail("costs.infrastructure", "expected an array of tables, got \(shown(items))") }
                for (index, item) in array.enumerated() {
                    let key = "costs.infrastructure[\(index)]"
                    let entry = try table(item, key, allowed: ["name", "monthly"])
                    guard let name = entry["name"] else { throw fail("\(key).name", "missing") }
                    guard let monthly = entry["monthly"] else { throw fail("\(key).monthly", "missing") }
                    config.infrastructure.append(.init(name: try string(name, "\(key).name"),
                                                       monthly: try money(monthly, "\(key).monthly")))
                }
            }
        }
        return try rest(root, config)
    }

    mutating func rest(_ root: TOMLTable, _ start: Configuration) throws(ConfigurationError) -> Configuration {
        var config = start
        if let value = root["exchange_rates"] {
            guard let rates = value.table else { throw fail("exchange_rates", "expected a table, got \(shown(value))") }
            for code in rates.keys.sorted() {
                let key = "exchange_rates.\(code)"
                guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
                    throw fail(key, "expected a currency code of three capital letters as the key")
                }
                let raw = rates[code]!
                guard let text = raw.string ?? numberText(raw) else { throw fail(key, "expected a positive decimal such as \"0.92\", got \(shown(raw))") }
                guard let rate = ExchangeRate(text) else {
                    throw fail(key, "expected a positive decimal below 1000000000 such as \"0.92\" (at most 18 digits), got \(text)")
                }
                if code == config.revenueCurrency && rate.mantissa != rate.divisor {
                    throw fail(key, "the revenue currency converts at 1, got \(text)")
                }
                config.exchangeRates[code] = rate
            }
        }
        if let value = root["alerts"] { config.alerts = try alerts(value) }
        if let value = root["goals"] { config.goals = try goals(value) }
        if let value = root["site"] {
            let site = try table(value, "site", allowed: ["title", "base_url"])
            if let v = site["title"] { config.site.title = try string(v, "site.title") }
            if let v = site["base_url"] { config.site.baseURL = try httpURL(v, "site.base_url", allowEmpty: true) }
        }
        if let value = root["telegram"] {
            let telegram = try table(value, "telegram", allowed: ["chat_id", "token_env", "api_url"])
            if let v = telegram["chat_id"] {
                if let id = v.int { config.telegram.chatID = String(id) } else { config.telegram.chatID = try string(v, "telegram.chat_id") }
            }
            if let v = telegram["token_env"] { config.telegram.tokenEnv = try variableName(v, "telegram.token_env") }
            if let v = telegram["api_url"] { config.telegram.apiURL = try httpURL(v, "telegram.api_url", allowEmpty: false) }
        }
        if let value = root["email"] {
            let email = try table(value, "email", allowed: ["to", "from", "sendmail", "charts"])
            if let v = email["charts"] {
                guard let flag = v.bool else { throw fail("email.charts", "expected true or false, got \(shown(v))") }
                config.email.charts = flag
            }
            if let v = email["to"] {
                let addresses = try strings(v, "email.to")
                for (index, address) in addresses.enumerated() where !TableWalker.isAddress(address) {
                    throw fail("email.to[\(index)]", "expected an email address, got \"\(address)\"")
                }
                config.email.to = addresses
            }
            if let v = email["from"] {
                let address = try string(v, "email.from")
                guard TableWalker.isAddress(address) else { throw fail("email.from", "expected an email address, got \"\(address)\"") }
                config.email.from = address
            }
            if let v = email["sendmail"] {
                let command = try string(v, "email.sendmail")
                guard !command.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("email.sendmail", "expected a command, got \"\"") }
                config.email.sendmail = command
            }
        }
        return config
    }

    static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0.asciiValue.map { $0 < 32 } ?? false })
    }
}
