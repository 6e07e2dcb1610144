import Metrics

/// `feed.xml`: an Atom feed (RFC 4287) of the newest 50 reports. Entry ids
/// are stable: a report keeps its id when it is rebuilt or completed.
struct AtomFeed {
    /// One report in the feed.
    struct Item {
        let kind: String
        let name: String
        let title: String
        /// Made for the entries the feed lists only.
        let summary: () -> String
        let updated: Int64
    }

    let title: String
    /// `site.base_url` with a final `/`, or empty (links are then relative
    /// to the feed, which sits at the site's root).
    let baseURL: String
    let items: [Item]

    static let limit = 50

    /// The feed, newest report first (by capture time, then daily before
    /// weekly before monthly).
    func file() -> SiteFile {
        let order = ["monthly": 0, "weekly": 1, "daily": 2]
        let newest = items.sorted {
            ($0.updated, order[$0.kind]!, $0.name) > ($1.updated, order[$1.kind]!, $1.name)
        }.prefix(AtomFeed.limit)
        let updated = newest.map(\.updated).max() ?? 0
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        xml += "  <title>\(AtomFeed.escape(title)): reports</title>\n"
        xml += "  <id>\(AtomFeed.escape(feedID))</id>\n"
        xml += "  <updated>\(Timestamp.format(ms: updated))</updated>\n"
        xml += "  <author><name>\(AtomFeed.escape(title))</name></author>\n"
        xml += "  <generator version=\"\(SentinelVersion.current)\">sentinel-gen</generator>\n"
        if !baseURL.isEmpty { xml += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"\(AtomFeed.escape(baseURL))feed.xml\"/>\n" }
        xml += "  <link rel=\"alternate\" type=\"text/html\" href=\"\(AtomFeed.escape(baseURL))index.html\"/>\n"
        for item in newest {
            let href = "\(baseURL)reports/\(item.kind)/\(item.name).html"
            xml += "  <entry>\n"
            xml += "    <title>\(AtomFeed.escape(item.title))</title>\n"
            xml += "    <id>\(AtomFeed.escape(entryID(item)))</id>\n"
            xml += "    <updated>\(Timestamp.format(ms: item.updated))</updated>\n"
            xml += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(AtomFeed.escape(href))\"/>\n"
            xml += "    <summary>\(AtomFeed.escape(item.summary()))</summary>\n"
            xml += "  </entry>\n"
        }
        xml += "</feed>\n"
        return SiteFile(path: "feed.xml", text: xml)
    }

    /// The feed's id: its URL when the site's address is known, else a URN
    /// made from the title.
    var feedID: String { baseURL.isEmpty ? "urn:sentinel:\(slug):feed" : "\(baseURL)feed.xml" }

    /// A report's id: independent of `base_url`, so moving the site does
    /// not make every report new to a feed reader.
    func entryID(_ item: Item) -> String { "urn:sentinel:\(slug):\(item.kind):\(item.name)" }

    /// The title as lower-case ASCII letters, digits and dashes.
    var slug: String {
        var out = ""
        for byte in title.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): out.append(Character(UnicodeScalar(byte)))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): out.append(Character(UnicodeScalar(byte + 32)))
            default: if !out.isEmpty && !out.hasSuffix("-") { out.append("-") }
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "site" : out
    }

    /// XML text: what XML 1.0 forbids (controls other than tab and
    /// newline, U+FFFE, U+FFFF) dropped, then escaped as HTML is.
    static func escape(_ text: String) -> String {
        func forbidden(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || scalar.value == 0xFFFE || scalar.value == 0xFFFF
        }
        guard text.unicodeScalars.contains(where: forbidden) else { return HTMLEscaping.escape(text) }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: text.unicodeScalars.filter { !forbidden($0) })
        return HTMLEscaping.escape(String(kept))
    }
}
