import Foundation
import Metrics

/// A MIME message (RFC 5322, 2045-2047, 2387): multipart/alternative with
/// a plain-text part and an HTML part, UTF-8 in base64, for `sendmail -t`;
/// with images, that inside a multipart/related whose PNG parts the HTML
/// shows by `cid:`.
public struct MailMessage: Sendable {
    /// An image the HTML part shows as `cid:<contentID>`.
    public struct Image: Sendable, Equatable {
        /// The Content-ID, without angle brackets (`hours.1234@sentinel`).
        public var contentID: String
        /// Its file name.
        public var filename: String
        /// The PNG.
        public var png: [UInt8]

        /// An image.
        public init(contentID: String, filename: String, png: [UInt8]) {
            self.contentID = contentID
            self.filename = filename
            self.png = png
        }
    }

    /// From address.
    public var from: String
    /// Recipients.
    public var to: [String]
    /// Subject (any text; encoded when not ASCII).
    public var subject: String
    /// The plain-text part.
    public var text: String
    /// The HTML part.
    public var html: String
    /// Date header and id, unix ms.
    public var date: Int64
    /// A stable id for the Message-ID header.
    public var id: String
    /// Images of the HTML part.
    public var images: [Image] = []

    /// A message.
    public init(from: String, to: [String], subject: String, text: String, html: String, date: Int64, id: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.id = id
    }

    /// The whole message with CRLF line ends.
    public var rendered: String {
        let boundary = "sentinel-\(MailMessage.hex(id))"
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        var lines = [
            "From: \(MailMessage.header(from))",
            "To: \(to.map(MailMessage.header).joined(separator: ", "))",
            "Subject: \(MailMessage.encodedWord(subject))",
            "Date: \(MailMessage.rfc5322Date(date))",
            "Message-ID: <\(MailMessage.hex(id)).\(date)@\(MailMessage.header(domain))>",
            "MIME-Version: 1.0",
        ]
        let related = "\(boundary)-related"
        if !images.isEmpty {
            lines += ["Content-Type: multipart/related; boundary=\"\(related)\"; type=\"multipart/alternative\"", "",
                      "This is a MIME message with a text part, an HTML part and its images.", "--\(related)"]
        }
        lines += ["Content-Type: multipart/alternative; boundary=\"\(boundary)\"", ""]
        if images.isEmpty { lines.append("This is a MIME message with a text and an HTML part.") }
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            lines += ["--\(boundary)", "Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""]
            lines += MailMessage.base64Lines(Array(body.utf8))
        }
        lines.append("--\(boundary)--")
        for image in images {
            lines += ["--\(related)", "Content-Type: image/png; name=\"\(MailMessage.header(image.filename))\"",
                      "Content-Transfer-Encoding: base64", "Content-ID: <\(MailMessage.header(image.contentID))>",
                      "Content-Disposition: inline; filename=\"\(MailMessage.header(image.filename))\"", ""]
            lines += MailMessage.base64Lines(image.png)
        }
        if !images.isEmpty { lines.append("--\(related)--") }
        lines.append("")
        return lines.joined(separator: "\r\n")
    }

    /// A header value without line breaks (no header injection).
    static func header(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }.map(Character.init))
    }

    /// RFC 2047 encoded-words when the text is not plain ASCII: each at
    /// most 75 characters (45 bytes of whole characters in base64), folded
    /// onto lines of their own.
    static func encodedWord(_ text: String) -> String {
        let clean = header(text)
        if clean.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && clean.utf8.count <= 900 { return clean }
        var words: [String] = [], chunk: [UInt8] = []
        for character in clean {
            let bytes = Array(character.utf8)
            if chunk.count + bytes.count > 45 && !chunk.isEmpty {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let encoded = Data(bytes).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            let to = encoded.index(from, offsetBy: min(76, encoded.count - start))
            return String(encoded[from..<to])
        }
    }

    static func rfc5322Date(_ ms: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    static func hex(_ text: String) -> String { FNVHash.hex(text) }
}
