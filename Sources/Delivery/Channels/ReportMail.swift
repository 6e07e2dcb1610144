import Foundation
import Templates

/// A report as mail HTML: the page's content with inline styles (mail
/// clients drop stylesheets), a link to the page when the site's address
/// is known.
enum ReportMail {
    static let styles: [(String, String)] = [
        ("<table>", "<table style=\"border-collapse:collapse;margin:8px 0 16px;font-size:14px\">"),
        ("<th", "<th style=\"border-bottom:1px solid #dde2ea;background:#f4f6fa;padding:4px 8px;text-align:left\""),
        ("<td", "<td style=\"border-bottom:1px solid #dde2ea;padding:4px 8px\""),
        ("<h1>", "<h1 style=\"font-size:22px;margin:0 0 12px\">"),
        ("<h2>", "<h2 style=\"font-size:17px;margin:20px 0 6px;border-bottom:1px solid #dde2ea\">"),
        ("<code>", "<code style=\"background:#f4f6fa;padding:0 3px\">"),
        ("<img", "<img width=\"480\" style=\"display:block;width:100%;max-width:480px;height:auto;margin:8px 0;border:0\""),
    ]

    /// The mail's HTML document; `lead` lines (firing alerts, the
    /// headline figures) come first.
    static func html(markdown: String, title: String, link: String?, lead: [String] = []) throws -> String {
        var body = try MarkdownRenderer().html(from: markdown)
        for (plain, styled) in styles { body = replace(body, plain, styled) }
        var html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(escape(title))</title></head>\n"
        html += "<body style=\"margin:0;padding:16px;font:15px/1.5 -apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330;background:#ffffff\">\n"
        if let link { html += "<p style=\"font-size:13px\"><a href=\"\(escape(link))\" style=\"color:#2357c6\">Open this report on the site</a></p>\n" }
        if !lead.isEmpty {
            html += "<p style=\"font-size:15px;line-height:1.6;margin:0 0 12px\">"
            html += lead.map { $0.isEmpty ? "" : escape($0) }.joined(separator: "<br>\n") + "</p>\n"
        }
        html += body
        html += "<p style=\"font-size:12px;color:#5b6475\">Sent by sentinel-gen.</p>\n</body></html>\n"
        return html
    }

    /// Every `plain` followed by `>` or a space (a whole tag name) replaced.
    static func replace(_ text: String, _ plain: String, _ styled: String) -> String {
        let parts = text.components(separatedBy: plain)
        guard parts.count > 1 else { return text }
        var out = parts[0]
        for part in parts.dropFirst() {
            let whole = plain.hasSuffix(">") || part.hasPrefix(">") || part.hasPrefix(" ")
            out += (whole ? styled : plain) + part
        }
        return out
    }

    /// Byte-wise, like the pages: a quote followed by a combining mark is
    /// still a quote, and must not end an attribute.
    static func escape(_ text: String) -> String { HTMLEscaping.escape(text) }
}
