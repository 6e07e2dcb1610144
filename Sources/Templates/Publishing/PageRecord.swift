import Foundation
import Metrics

/// What a release was made of, kept beside it (`OUTPUT.releases/<id>.pages`,
/// never in the state, which `build` only reads): each file's size and
/// digest, for each report the digest of its inputs and its files, and for
/// each file that lists every day (the API, the CSV files) where each
/// day's rows sit and what they were made from. A build renders again
/// only the reports whose inputs changed, links the others' files from the
/// release `--output` points at, and copies the unchanged rows.
public struct PageRecord: Sendable, Equatable {
    /// A file of the release.
    public struct File: Sendable, Equatable {
        /// Its size in bytes.
        public var size: Int
        /// Its content digest.
        public var digest: UInt64
    }

    /// A report: the digest of what it was made from, and its files.
    public struct Page: Sendable, Equatable {
        /// The inputs' digest.
        public var inputs: UInt64
        /// Its files' paths.
        public var files: [String]
    }

    /// A run of bytes in a file made of rows (`RowAssembler`): a day's
    /// rows, and the digest of their inputs.
    public struct Row: Sendable, Equatable {
        /// The inputs' digest.
        public var inputs: UInt64
        /// Where the bytes start in the file.
        public var offset: Int
        /// How many bytes.
        public var length: Int
    }

    /// Every file, by path.
    public var files: [String: File] = [:]
    /// Every report, by `kind/name`.
    public var pages: [String: Page] = [:]
    /// The rows of the files made of rows, by path.
    public var rows: [String: [Row]] = [:]

    /// `.pages`, after the build id.
    public static let suffix = ".pages"
    static let header = "sentinel-pages 1"

    /// An empty record.
    public init() {}

    /// The record of a site's files and reports.
    public init(files: [SiteFile], pages: [String: Page]) {
        self.files.reserveCapacity(files.count)
        for file in files {
            self.files[file.path] = File(size: file.size, digest: file.digest)
            if !file.rows.isEmpty { rows[file.path] = file.rows }
        }
        self.pages = pages
    }

    /// The record as stored: a header line, then tab-separated lines.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The stored bytes, paths in byte order (a record lists every file
    /// of the site: made and read on every build).
    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(files.count * 80)
        out.append(contentsOf: PageRecord.header.utf8)
        out.append(0x0A)
        for (path, file) in PageRecord.inByteOrder(files) {
            out.append(contentsOf: "file\t".utf8)
            out.append(contentsOf: path)
            out.append(0x09)
            PageRecord.appendDecimal(file.size, to: &out)
            out.append(0x09)
            PageRecord.appendHex(file.digest, to: &out)
            out.append(0x0A)
        }
        for (key, page) in PageRecord.inByteOrder(pages) {
            out.append(contentsOf: "page\t".utf8)
            out.append(contentsOf: key)
            out.append(0x09)
            PageRecord.appendHex(page.inputs, to: &out)
            for path in page.files {
                out.append(0x09)
                out.append(contentsOf: path.utf8)
            }
            out.append(0x0A)
        }
        for (path, rows) in PageRecord.inByteOrder(rows) {
            out.append(contentsOf: "rows\t".utf8)
            out.append(contentsOf: path)
            for row in rows {
                out.append(0x09)
                PageRecord.appendHex(row.inputs, to: &out)
                out.append(0x09)
                PageRecord.appendDecimal(row.offset, to: &out)
                out.append(0x09)
                PageRecord.appendDecimal(row.length, to: &out)
            }
            out.append(0x0A)
        }
        return out
    }

    /// A table's entries, keys as bytes in byte order.
    static func inByteOrder<Value>(_ table: [String: Value]) -> [([UInt8], Value)] {
        table.map { (Array($0.key.utf8), $0.value) }.sorted { Name.precedes($0.0, $1.0) }
    }

    /// A stored record; nil for anything else (it is then ignored: the
    /// build renders every report).
    public init?(text: String) { self.init(bytes: Array(text.utf8)) }

    /// A stored record from its bytes, read field by field.
    init?(bytes: [UInt8]) {
        let header = Array(PageRecord.header.utf8)
        guard bytes.count > header.count, Array(bytes[..<header.count]) == header, bytes[header.count] == 0x0A, bytes.last == 0x0A else {
            return nil
        }
        let parsed: Bool = bytes.withUnsafeBufferPointer { buffer in
            var start = header.count + 1
            var fields: [Range<Int>] = []
            while start < buffer.count {
                var end = start
                while buffer[end] != 0x0A { end += 1 }
                fields.removeAll(keepingCapacity: true)
                var from = start
                for index in start...end where index == end || buffer[index] == 0x09 {
                    fields.append(from..<index)
                    from = index + 1
                }
                start = end + 1
                let kind = buffer[fields[0]]
                if kind.elementsEqual("file".utf8) {
                    guard fields.count == 4, PageRecord.isSitePath(buffer[fields[1]]), let size = PageRecord.decimal(buffer[fields[2]]),
                          let digest = PageRecord.hexValue(buffer[fields[3]]) else { return false }
                    files[String(decoding: buffer[fields[1]], as: UTF8.self)] = File(size: size, digest: digest)
                } else if kind.elementsEqual("page".utf8) {
                    guard fields.count >= 3, let inputs = PageRecord.hexValue(buffer[fields[2]]) else { return false }
                    let paths = fields[3...].map { String(decoding: buffer[$0], as: UTF8.self) }
                    guard paths.allSatisfy({ files[$0] != nil }) else { return false }
                    pages[String(decoding: buffer[fields[1]], as: UTF8.self)] = Page(inputs: inputs, files: paths)
                } else if kind.elementsEqual("rows".utf8) {
                    // After every file line: a row lies inside its file.
                    let path = String(decoding: buffer[fields[1]], as: UTF8.self)
                    guard fields.count % 3 == 2, let file = files[path] else { return false }
                    var list: [Row] = []
                    list.reserveCapacity(fields.count / 3)
                    var index = 2
                    while index < fields.count {
                        guard let inputs = PageRecord.hexValue(buffer[fields[index]]), let offset = PageRecord.decimal(buffer[fields[index + 1]]),
                              let length = PageRecord.decimal(buffer[fields[index + 2]]), offset + length <= file.size else { return false }
                        list.append(Row(inputs: inputs, offset: offset, length: length))
                        index += 3
                    }
                    rows[path] = list
                } else {
                    return false
                }
            }
            return true
        }
        guard parsed else { return nil }
    }

    /// A relative path inside the site: no `..`, no leading `/`, no control
    /// character (a record names only files of its release).
    static func isSitePath(_ path: String) -> Bool { isSitePath(Array(path.utf8)[...]) }

    /// `isSitePath` of a path's bytes: segments between slashes are neither
    /// empty nor `..`, and no byte is a control character.
    static func isSitePath<Bytes: Collection<UInt8>>(_ path: Bytes) -> Bool {
        guard !path.isEmpty else { return false }
        var segment = 0, dots = 0
        for byte in path {
            if byte < 0x20 || byte == 0x7F { return false }
            if byte == 0x2F {
                if segment == 0 || (segment == 2 && dots == 2) { return false }
                segment = 0
                dots = 0
            } else {
                segment += 1
                if byte == 0x2E { dots += 1 }
            }
        }
        return segment != 0 && !(segment == 2 && dots == 2)
    }

    /// A size: ASCII digits only, at most 18.
    static func decimal<Bytes: Collection<UInt8>>(_ digits: Bytes) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    /// A digest: 1 to 16 hexadecimal digits.
    static func hexValue<Bytes: Collection<UInt8>>(_ digits: Bytes) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            let nibble: UInt8
            switch byte {
            case 48...57: nibble = byte - 48
            case 97...102: nibble = byte - 87
            case 65...70: nibble = byte - 55
            default: return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    /// The record of release `buildID`, if it has a readable one.
    public static func read(releases: String, buildID: String) -> PageRecord? {
        guard let bytes = try? AtomicFile.read("\(releases)/\(buildID)\(suffix)") else { return nil }
        return PageRecord(bytes: bytes)
    }

    /// Stores a record's `bytes` as that of release `buildID` (atomically,
    /// unflushed: a record lost in a crash reads as none, and the next
    /// build renders every report).
    static func write(_ bytes: [UInt8], releases: String, buildID: String) throws(AtomicFile.Failure) {
        try AtomicFile.write(bytes, to: "\(releases)/\(buildID)\(PageRecord.suffix)", syncDirectory: false, syncFile: false)
    }

    /// Sixteen lowercase hexadecimal digits.
    static func appendHex(_ value: UInt64, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { digits in
            for index in 0..<16 {
                let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * index)) & 0xF
                digits[index] = nibble < 10 ? 48 + nibble : 87 + nibble
            }
            out.append(contentsOf: digits)
        }
    }

    /// A count in decimal digits (a record holds some 30,000 of them).
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        precondition(value >= 0, "a negative size or offset")
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = value, start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(48 + rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeMutableBufferPointer(rebasing: digits[start...]))
        }
    }
}
