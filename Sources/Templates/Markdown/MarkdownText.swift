/// Text made literal for Markdown. `literal` backslash-escapes the ASCII
/// characters that can start inline markup in cmark-gfm (emphasis, code,
/// links, HTML, entities, strikethrough, a table cell, a heading's closing
/// `#`) and nothing else, so `AI (demo)` and `Europe/Paris` read as typed
/// in the `.md` too; `code` is for untrusted names from events (commands,
/// sources, providers).
public enum MarkdownText {
    /// The text, shown as typed once rendered.
    public static func literal(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { isPunctuation($0) }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 8)
        for byte in utf8 {
            // Bytes of multi-byte characters are never ASCII, so this is
            // per character as well.
            if isPunctuation(byte) { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Untrusted text as a code span: shown exactly as typed, even text
    /// that cmark-gfm's autolinker would otherwise turn into a mailto link
    /// (backslash escapes do not stop it). The fence is longer than any run
    /// of backticks inside; `|` is escaped for table cells.
    public static func code(_ text: String) -> String {
        var longest = 0, run = 0
        var body: [UInt8] = []
        body.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "`") { run += 1; longest = max(longest, run) } else { run = 0 }
            if byte == UInt8(ascii: "|") { body.append(UInt8(ascii: "\\")) }
            body.append(byte)
        }
        var out = String(repeating: "`", count: longest + 1)
        let fence = out
        out += " "
        out += String(decoding: body, as: UTF8.self)
        out += " "
        out += fence
        return out
    }

    /// `\ ` * _ [ ] < > & ~ | #`. Text is only ever placed mid-line (after
    /// `# ` or inside a table cell or a sentence), so block markers at a
    /// line's start (`-`, `+`, `1.`) need nothing.
    private static func isPunctuation(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "~"), UInt8(ascii: "|"), UInt8(ascii: "#"):
            return true
        default:
            return false
        }
    }
}
