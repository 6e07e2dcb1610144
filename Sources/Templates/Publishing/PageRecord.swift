import Foundation
import Metrics

/// What a release was made of, kept beside it (`OUTPUT.releases/<id>.pages`,
/// never in the state, which `build` only reads): each file's size and
/// digest, and for each report the digest of its inputs and its files. A
/// build renders again only the reports whose inputs changed, and links
/// the others' files from the release `--output` points at.
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

    /// Every file, by path.
    public var files: [String: File] = [:]
    /// Every report, by `kind/name`.
    public var pages: [String: Page] = [:]

    /// `.pages`, after the build id.
    public static let suffix = ".pages"
    static let header = "sentinel-pages 1"

    /// An empty record.
    public init() {}

    /// The record of a site's files and reports.
    public init(files: [SiteFile], pages: [String: Page]) {
        for file in files { self.files[file.path] = File(size: file.size, digest: file.digest) }
        self.pages = pages
    }

    /// The record as stored: a header line, then tab-separated lines.
    public var text: String {
        var lines = [PageRecord.header]
        for path in files.keys.sorted() {
            let file = files[path]!
            lines.append("file\t\(path)\t\(file.size)\t\(PageRecord.hex(file.digest))")
        }
        for key in pages.keys.sorted() {
            let page = pages[key]!
            lines.append((["page", key, PageRecord.hex(page.inputs)] + page.files).joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
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
        var start = header.count + 1
        while start < bytes.count {
            var end = start
            while bytes[end] != 0x0A { end += 1 }
            var fields: [String] = []
            var from = start
            for index in start...end where index == end || bytes[index] == 0x09 {
                fields.append(String(decoding: bytes[from..<index], as: UTF8.self))
                from = index + 1
            }
            start = end + 1
            switch fields.first {
            case "file":
                guard fields.count == 4, PageRecord.isSitePath(fields[1]), let size = Int(fields[2]), size >= 0,
                      let digest = UInt64(fields[3], radix: 16) else { return nil }
                files[fields[1]] = File(size: size, digest: digest)
            case "page":
                guard fields.count >= 3, let inputs = UInt64(fields[2], radix: 16) else { return nil }
                let paths = Array(fields[3...])
                guard paths.allSatisfy({ files[$0] != nil }) else { return nil }
                pages[fields[1]] = Page(inputs: inputs, files: paths)
            default:
                return nil
            }
        }
    }

    /// A relative path inside the site: no `..`, no leading `/`, no control
    /// character (a record names only files of its release).
    static func isSitePath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0.isEmpty }
            && !path.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// The record of release `buildID`, if it has a readable one.
    public static func read(releases: String, buildID: String) -> PageRecord? {
        guard let bytes = try? AtomicFile.read("\(releases)/\(buildID)\(suffix)") else { return nil }
        return PageRecord(bytes: bytes)
    }

    /// Stores the record of release `buildID` (atomically, unflushed: a
    /// record lost in a crash reads as none, and the next build renders
    /// every report).
    func write(releases: String, buildID: String) throws(AtomicFile.Failure) {
        try AtomicFile.write(Array(text.utf8), to: "\(releases)/\(buildID)\(PageRecord.suffix)", syncDirectory: false, syncFile: false)
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
}
