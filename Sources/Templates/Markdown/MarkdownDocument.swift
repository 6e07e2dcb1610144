/// A Markdown document, section by section.
struct MarkdownDocument {
    private(set) var text: String = {
        var text = ""
        text.reserveCapacity(4096)
        return text
    }()

    mutating func heading(_ level: Int, _ title: String) {
        for _ in 0..<level { text += "#" }
        text += " "
        text += title
        text += "\n\n"
    }

    mutating func paragraph(_ line: String) {
        text += line
        text += "\n\n"
    }

    mutating func table(_ table: MarkdownTable) {
        text += table.markdown
        text += "\n"
    }

    /// A report's charts, each an image, or its text alternative in
    /// italics where it has no file (a mail that could not rasterise it).
    mutating func charts(_ charts: [(path: String, alt: String)]) {
        for chart in charts {
            if chart.path.isEmpty { paragraph("*" + MarkdownText.literal(chart.alt) + "*") } else { image(chart.path, alt: chart.alt) }
        }
    }

    /// An image on a line of its own; `alt` is any text (the `.md` reads
    /// alone through it), `path` a relative path or a `cid:` without spaces.
    mutating func image(_ path: String, alt: String) {
        text += "!["
        text += MarkdownText.literal(alt)
        text += "]("
        text += path
        text += ")\n\n"
    }
}
