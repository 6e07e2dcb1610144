import Mustache
import Synchronization

/// The layout, rendered by swift-mustache once per page shape instead of
/// once per page: a build lays out a thousand reports whose contexts
/// differ only in their text.
///
/// A shape is which keys a context has, its booleans and which of its
/// texts are empty. For a new shape the layout is rendered with markers in
/// place of the texts, twice with different markers; where the two agree
/// apart from the markers, the output is those pieces with each text
/// inserted, escaped where its marker was. The first page of a shape is
/// rendered both ways, and a plan is kept only if they are byte for byte
/// the same; any other case (a transform, a lambda, a partial, another
/// content type, a value that is not text, a boolean or a link) renders
/// the normal way. The output is always that of swift-mustache.
final class LayoutPlans: @unchecked Sendable {
    private let template: MustacheTemplate
    private let enabled: Bool
    /// By shape: a plan, or nil where the layout is rendered normally.
    private let plans = Mutex<[String: Plan?]>([:])

    /// A piece of a page: layout text, or the nth text of the context.
    enum Piece: Equatable {
        case text(String)
        case value(Int, escaped: Bool)
    }

    /// A layout for one shape.
    struct Plan {
        let pieces: [Piece]

        /// The page with `values` in place, as UTF-8.
        func fill(_ values: [String]) -> [UInt8] {
            var page: [UInt8] = []
            page.reserveCapacity(values.reduce(4096) { $0 + $1.utf8.count })
            for piece in pieces {
                switch piece {
                case .text(let text): page.append(contentsOf: text.utf8)
                case .value(let index, let escaped):
                    if escaped { page.append(contentsOf: HTMLEscaping().escapeText(values[index]).utf8) } else { page.append(contentsOf: values[index].utf8) }
                }
            }
            return page
        }
    }

    /// Plans for `template`, whose source is `source`. Only a layout that
    /// declares the byte-wise escaping (`{{% CONTENT_TYPE: SENTINEL_HTML}}`)
    /// and no other content type is planned, so that inserted text is
    /// escaped exactly as the template escapes it.
    init(template: MustacheTemplate, source: String) {
        self.template = template
        // Partials, blocks and parents indent what follows a newline, which
        // a text may end with and a marker never does; a delimiter change
        // could hide them: such layouts are rendered normally.
        enabled = source.hasPrefix("{{% CONTENT_TYPE: \(HTMLEscaping.name)}}")
            && source.components(separatedBy: "CONTENT_TYPE").count == 2
            && !["{{>", "{{<", "{{$", "{{="].contains(where: { source.contains($0) })
            && !source.contains("\u{2}") && !source.contains("\u{3}")
    }

    /// How many shapes have a plan (for tests).
    var plannedShapes: Int { plans.withLock { $0.values.filter { $0 != nil }.count } }

    /// The page for `context`.
    func render(_ context: [String: Any]) -> String {
        guard enabled else { return template.render(context) }
        var shape = "", values: [String] = []
        guard LayoutPlans.flatten(context, shape: &shape, values: &values) else { return template.render(context) }
        let known: Plan?? = plans.withLock { $0[shape] }
        switch known {
        case .some(.some(let plan)):
            return String(decoding: plan.fill(values), as: UTF8.self)
        case .some(.none):
            return template.render(context)
        case .none:
            let page = template.render(context)
            var plan = makePlan(context)
            if let made = plan, !made.fill(values).elementsEqual(page.utf8) { plan = nil }
            plans.withLock { $0[shape] = plan }
            return page
        }
    }

    /// The page for `context` as UTF-8: the same bytes as `render`'s,
    /// filled in straight into bytes once the shape has a plan.
    func renderBytes(_ context: [String: Any]) -> [UInt8] {
        guard enabled else { return Array(template.render(context).utf8) }
        var shape = "", values: [String] = []
        guard LayoutPlans.flatten(context, shape: &shape, values: &values) else { return Array(template.render(context).utf8) }
        if case .some(.some(let plan)) = plans.withLock({ $0[shape] }) { return plan.fill(values) }
        // A new shape, or one rendered normally: `render` decides.
        return Array(render(context).utf8)
    }

    /// The shape of a context and its non-empty texts in shape order;
    /// false for a value that is not text, a boolean or a dictionary of them.
    /// Keys are written with their length, and dictionaries in braces, so
    /// that no two shapes read the same.
    static func flatten(_ context: [String: Any], shape: inout String, values: inout [String]) -> Bool {
        for key in context.keys.sorted() {
            shape += "\(key.utf8.count):\(key)"
            switch context[key]! {
            case let text as String:
                if text.isEmpty { shape += "e" } else { shape += "s"; values.append(text) }
            case let flag as Bool:
                shape += flag ? "t" : "f"
            case let nested as [String: Any]:  // [String: String] too
                shape += "{"
                guard flatten(nested, shape: &shape, values: &values) else { return false }
                shape += "}"
            default:
                return false
            }
        }
        return true
    }

    /// The context with every non-empty text replaced by its marker.
    static func marked(_ context: [String: Any], variant: Int, next: inout Int) -> [String: Any] {
        var result: [String: Any] = [:]
        for key in context.keys.sorted() {
            switch context[key]! {
            case let text as String where !text.isEmpty:
                result[key] = marker(next, variant: variant)
                next += 1
            case let nested as [String: Any]:
                result[key] = marked(nested, variant: variant, next: &next)
            case let other:
                result[key] = other
            }
        }
        return result
    }

    /// Mixed case, digits, a quote (escaped or not) and a length of their
    /// own: a transform of a marker shows as a marker that does not parse.
    static func marker(_ index: Int, variant: Int) -> String {
        "\u{2}xX\(index)'\(variant == 0 ? "" : "yY~~")\u{3}"
    }

    func makePlan(_ context: [String: Any]) -> Plan? {
        var pieces: [[Piece]] = []
        for variant in 0..<2 {
            var next = 0
            let text = template.render(LayoutPlans.marked(context, variant: variant, next: &next))
            guard let parsed = LayoutPlans.pieces(of: text, variant: variant, count: next) else { return nil }
            pieces.append(parsed)
        }
        return pieces[0] == pieces[1] ? Plan(pieces: pieces[0]) : nil
    }

    /// A rendering with markers cut into pieces; nil if any marker is not
    /// whole.
    static func pieces(of text: String, variant: Int, count: Int) -> [Piece]? {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let start = rest.firstIndex(of: "\u{2}") {
            if start > rest.startIndex { pieces.append(.text(String(rest[..<start]))) }
            guard let end = rest[start...].firstIndex(of: "\u{3}") else { return nil }
            let body = rest[rest.index(after: start)..<end]
            rest = rest[rest.index(after: end)...]
            guard body.hasPrefix("xX") else { return nil }
            let afterPrefix = body.dropFirst(2)
            let digits = afterPrefix.prefix(while: { $0.isASCII && $0.isNumber })
            guard let index = Int(digits), index < count else { return nil }
            var tail = afterPrefix.dropFirst(digits.count)
            let escaped: Bool
            if tail.hasPrefix("'") { escaped = false; tail = tail.dropFirst() } else if tail.hasPrefix("&#39;") { escaped = true; tail = tail.dropFirst(5) } else { return nil }
            guard tail == (variant == 0 ? "" : "yY~~") else { return nil }
            pieces.append(.value(index, escaped: escaped))
        }
        guard !rest.contains("\u{3}") else { return nil }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }
}
