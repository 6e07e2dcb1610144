/// A GFM table, built row by row; cells are Markdown already.
struct MarkdownTable {
    /// The table's Markdown as UTF-8 (a build writes some 60 rows a
    /// report: bytes are appended without String's bookkeeping).
    private(set) var bytes: [UInt8] = []
    private let columns: Int

    /// A table with a header row; `numeric` columns are right-aligned.
    init(_ header: [String], numeric: Set<Int> = []) {
        columns = header.count
        bytes.reserveCapacity(1024)
        bytes.append(UInt8(ascii: "|"))
        for cell in header {
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: cell.utf8)
            bytes.append(contentsOf: " |".utf8)
        }
        bytes.append(contentsOf: "\n|".utf8)
        for index in 0..<columns { bytes.append(contentsOf: (numeric.contains(index) ? " ---: |" : " --- |").utf8) }
        bytes.append(0x0A)
    }

    mutating func row(_ cells: [String]) {
        precondition(cells.count == columns)
        bytes.append(UInt8(ascii: "|"))
        for cell in cells {
            bytes.append(UInt8(ascii: " "))
            if cell.isEmpty { bytes.append(UInt8(ascii: " ")) } else { bytes.append(contentsOf: cell.utf8) }
            bytes.append(contentsOf: " |".utf8)
        }
        bytes.append(0x0A)
    }
}
