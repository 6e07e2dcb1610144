/// A GFM table, built row by row; cells are Markdown already.
struct MarkdownTable {
    private var lines: [String]
    private let columns: Int

    /// A table with a header row; `numeric` columns are right-aligned.
    init(_ header: [String], numeric: Set<Int> = []) {
        columns = header.count
        lines = ["| " + header.joined(separator: " | ") + " |",
                 "| " + (0..<header.count).map { numeric.contains($0) ? "---:" : "---" }.joined(separator: " | ") + " |"]
    }

    mutating func row(_ cells: [String]) {
        precondition(cells.count == columns)
        lines.append("| " + cells.map { $0.isEmpty ? " " : $0 }.joined(separator: " | ") + " |")
    }

    var markdown: String { lines.joined(separator: "\n") + "\n" }
}

/// A Markdown document, section by section.
struct MarkdownDocument {
    private(set) var text = ""

    mutating func heading(_ level: Int, _ title: String) {
        text += String(repeating: "#", count: level) + " " + title + "\n\n"
    }

    mutating func paragraph(_ line: String) { text += line + "\n\n" }

    mutating func table(_ table: MarkdownTable) { text += table.markdown + "\n" }
}
