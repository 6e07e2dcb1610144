import Mustache

/// The templates' escaping (`{{% CONTENT_TYPE: SENTINEL_HTML}}` at their
/// top): the same five characters and entities as swift-mustache's HTML
/// type, escaped over UTF-8 bytes instead of Characters. Besides being
/// faster over a thousand pages, it is safer: the library compares whole
/// Characters, so a quote followed by a combining mark (`"\u{301}`) is one
/// Character that it leaves unescaped, and that quote can end an attribute.
public struct HTMLEscaping: MustacheContentType {
    /// The pragma's name.
    static let name = "SENTINEL_HTML"

    /// Registers the content type once per process.
    static let registered: Void = MustacheContentTypes.register(HTMLEscaping(), named: name)

    /// The content type's escaping: `escape`.
    public func escapeText(_ text: String) -> String { HTMLEscaping.escape(text) }

    /// Sentinel's one HTML escaper, for pages, mails and the feed: `& < > " '`
    /// as entities, over UTF-8 bytes.
    public static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 32)
        for byte in utf8 {
            switch byte {
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            case 0x3E: out.append(contentsOf: "&gt;".utf8)
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x22: out.append(contentsOf: "&quot;".utf8)
            case 0x27: out.append(contentsOf: "&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
