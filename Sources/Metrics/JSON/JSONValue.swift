/// A JSON document that keeps object keys in order and as bytes.
///
/// Foundation's JSON types sort or merge keys by Swift `String` equality,
/// which folds canonically equal names; published maps must keep every
/// byte-distinct name, in a fixed order, so Sentinel reads and writes JSON
/// itself.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number as its JSON text (exact: `"12.5"`, `"850"`).
    case number(String)
    /// A string as UTF-8 bytes.
    case string([UInt8])
    case array([JSONValue])
    /// Members in document order; duplicate keys are kept as read.
    case object([JSONMember])

    /// A string value from text.
    public static func text(_ value: String) -> JSONValue { .string(Array(value.utf8)) }
    /// An integer value.
    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    /// The member of an object named `key` (the last one, as JSON parsers do).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        let bytes = Array(key.utf8)
        return members.last(where: { $0.key == bytes })?.value
    }

    /// The text of a string value.
    public var stringValue: String? {
        if case .string(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    /// The value of an integer number.
    public var intValue: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    /// True for a number written without fraction or exponent.
    public var isInteger: Bool {
        if case .number(let text) = self { return !text.utf8.contains(where: { $0 == 0x2E || $0 == 0x65 || $0 == 0x45 }) }
        return false
    }

    /// Two-space indented JSON with a final newline, strings in raw UTF-8.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(to: &out, depth: 0)
        out.append(0x0A)
        return out
    }

    /// Appends the value as `serialized()` writes it at `depth`, without
    /// the final newline: a document assembled from parts reads the same.
    public func write(to out: inout [UInt8], depth: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let bytes): JSONValue.writeString(bytes, to: &out)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.newline(&out, depth + 1)
                item.write(to: &out, depth: depth + 1)
            }
            JSONValue.newline(&out, depth)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.newline(&out, depth + 1)
                JSONValue.writeString(member.key, to: &out)
                out.append(contentsOf: ": ".utf8)
                member.value.write(to: &out, depth: depth + 1)
            }
            JSONValue.newline(&out, depth)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A line break and the indentation of `depth`, as between members.
    public static func newline(_ out: inout [UInt8], _ depth: Int) {
        out.append(0x0A)
        // One copy from a line of spaces: the API's documents indent
        // every one of their tens of thousands of lines.
        var rest = depth * 2
        while rest > 0 {
            let count = min(rest, spaces.count)
            out.append(contentsOf: spaces[..<count])
            rest -= count
        }
    }

    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)

    /// Escapes `"`, `\` and control characters; `<`, `>` and `&` too, so the
    /// text can be embedded in an HTML `<script>` element.
    static func writeString(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most keys and texts need no escape: copied at once.
        if !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0x22 || $0 == 0x5C || $0 == 0x3C || $0 == 0x3E || $0 == 0x26 }) {
            out.append(contentsOf: bytes)
            out.append(UInt8(ascii: "\""))
            return
        }
        let hex: StaticString = "0123456789abcdef"
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0..<0x20, 0x7F, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 15)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// One member of a JSON object.
public struct JSONMember: Sendable, Equatable {
    /// The key as UTF-8 bytes.
    public var key: [UInt8]
    /// The value.
    public var value: JSONValue

    /// A member from a key's bytes.
    public init(key: [UInt8], value: JSONValue) {
        self.key = key
        self.value = value
    }

    /// A member from a key's text.
    public init(_ key: String, _ value: JSONValue) {
        self.init(key: Array(key.utf8), value: value)
    }
}
