/// Text made literal for Markdown. `literal` backslash-escapes every ASCII
/// punctuation character, so no emphasis, link, table cell, HTML or entity
/// can start in it; `code` is for untrusted names from events (commands,
/// sources, providers).
public enum MarkdownText {
    /// The text, shown as typed once rendered.
    public static func literal(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if scalar.isASCII, punctuation.contains(UInt8(scalar.value)) {
                out.append("\\")
            }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// Untrusted text as a code span: shown exactly as typed, even text
    /// that cmark-gfm's autolinker would otherwise turn into a mailto link
    /// (backslash escapes do not stop it). The fence is longer than any run
    /// of backticks inside; `|` is escaped for table cells.
    public static func code(_ text: String) -> String {
        var longest = 0, run = 0
        var body = ""
        for scalar in text.unicodeScalars {
            if scalar == "`" { run += 1; longest = max(longest, run) } else { run = 0 }
            if scalar == "|" { body.append("\\") }
            body.unicodeScalars.append(scalar)
        }
        let fence = String(repeating: "`", count: longest + 1)
        return fence + " " + body + " " + fence
    }

    private static let punctuation = Set(Array("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".utf8))
}
