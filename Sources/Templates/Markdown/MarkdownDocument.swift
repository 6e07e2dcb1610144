/// A Markdown document, section by section, as UTF-8 bytes: the build
/// hands them to cmark-gfm and to the file as they are.
struct MarkdownDocument {
    private(set) var bytes: [UInt8] = {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4096)
        return bytes
    }()

    /// The document as text.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func heading(_ level: Int, _ title: String) {
        for _ in 0..<level { bytes.append(UInt8(ascii: "#")) }
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: title.utf8)
        bytes.append(contentsOf: "\n\n".utf8)
    }

    mutating func paragraph(_ line: String) {
        bytes.append(contentsOf: line.utf8)
        bytes.append(contentsOf: "\n\n".utf8)
    }

    mutating func table(_ table: MarkdownTable) {
        bytes.append(contentsOf: table.bytes)
        bytes.append(0x0A)
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
        bytes.append(contentsOf: "![".utf8)
        bytes.append(contentsOf: MarkdownText.literal(alt).utf8)
        bytes.append(contentsOf: "](".utf8)
        bytes.append(contentsOf: path.utf8)
        bytes.append(contentsOf: ")\n\n".utf8)
    }
}
