/// A GFM table, built row by row; cells are Markdown already.
struct MarkdownTable {
    private(set) var markdown = ""
    private let columns: Int

    /// A table with a header row; `numeric` columns are right-aligned.
    init(_ header: [String], numeric: Set<Int> = []) {
        columns = header.count
        markdown.reserveCapacity(1024)
        markdown += "|"
        for cell in header {
            markdown += " "
            markdown += cell
            markdown += " |"
        }
        markdown += "\n|"
        for index in 0..<columns { markdown += numeric.contains(index) ? " ---: |" : " --- |" }
        markdown += "\n"
    }

    mutating func row(_ cells: [String]) {
        precondition(cells.count == columns)
        markdown += "|"
        for cell in cells {
            markdown += " "
            markdown += cell.isEmpty ? " " : cell
            markdown += " |"
        }
        markdown += "\n"
    }
}
