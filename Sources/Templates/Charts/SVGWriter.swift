/// An SVG document being written as bytes: markup, escaped text and
/// coordinates rounded to tenths, with no intermediate strings (a build
/// draws thousands of charts).
struct SVGWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Markup as written.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Markup made at run time (a colour, a class).
    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Markup already written as bytes (a path's data).
    mutating func raw(_ markup: [UInt8]) { bytes.append(contentsOf: markup) }

    /// Text for an element or an attribute value: `& < > " '` escaped,
    /// control characters and non-characters (which XML 1.0 forbids)
    /// replaced by U+FFFD.
    mutating func text(_ text: String) {
        // Most labels are plain ASCII: copied as they are.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x26 && $0 != 0x3C && $0 != 0x3E && $0 != 0x22 && $0 != 0x27 }) {
            bytes.append(contentsOf: text.utf8)
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": raw("&amp;")
            case "<": raw("&lt;")
            case ">": raw("&gt;")
            case "\"": raw("&quot;")
            case "'": raw("&#39;")
            case "\t", "\n", "\r": bytes.append(0x20)
            default:
                if scalar.isASCII && scalar.value >= 0x20 && scalar.value != 0x7F {
                    bytes.append(UInt8(scalar.value))
                } else if SVGWriter.isForbidden(scalar) {
                    raw("\u{FFFD}")
                } else {
                    UTF8.encode(scalar) { bytes.append($0) }
                }
            }
        }
    }

    /// `12`, `12.5`, `-3`: a coordinate rounded to tenths (half away from zero).
    mutating func number(_ value: Double) {
        let tenths = Int((value * 10).rounded())
        // Digits are made last first in a small buffer and appended at once
        // (a build writes some five million of them).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var end = 24, magnitude = tenths.magnitude
            if magnitude % 10 != 0 {
                end -= 1; buffer[end] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
                end -= 1; buffer[end] = UInt8(ascii: ".")
            }
            magnitude /= 10
            repeat {
                end -= 1; buffer[end] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if tenths < 0 { end -= 1; buffer[end] = UInt8(ascii: "-") }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[end...]))
        }
    }

    /// A non-negative integer.
    mutating func integer(_ value: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var end = 24, magnitude = value.magnitude
            repeat {
                end -= 1; buffer[end] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[end...]))
        }
    }

    /// Control characters and non-characters: not allowed in XML 1.0.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || value == 0x7F || (0xFDD0...0xFDEF).contains(value) || value & 0xFFFE == 0xFFFE
    }

    /// Roughly how wide a text is at 11 px (for label spacing; a wide
    /// character counts as two).
    static func width(_ text: String) -> Double {
        text.unicodeScalars.reduce(0.0) { $0 + ($1.value > 0x2E80 ? 11 : 6.4) }
    }
}
