import Metrics

/// One chart of an analytics page: its series for `assets/pages.js`
/// (Chart.js) and the same figures as a table, which is what a reader
/// without JavaScript, a crawler or a screen reader gets.
struct PageChart: Sendable {
    /// One line or bar series.
    struct Series: Sendable {
        enum Kind: String, Sendable { case line, bar }
        var label: String
        var kind: Kind
        var values: [Double?]
        /// Bars of the same stack pile up (movements: up and down).
        var stack: String? = nil
        /// `y`, or `right` for a second axis.
        var axis = "y"
    }

    var id: String
    var title: String
    var caption: String
    var labels: [String]
    var series: [Series]
    /// Axes that show fractions as percentages.
    var percentAxes: [String] = []
    /// The table: a header and rows of text (escaped when written).
    var columns: [String]
    var rows: [[String]]

    /// The data `pages.js` reads, by the canvas id.
    var json: JSONValue {
        .object([
            JSONMember("id", .text(id)),
            JSONMember("labels", .array(labels.map { .text($0) })),
            JSONMember("percent_axes", .array(percentAxes.map { .text($0) })),
            JSONMember("series", .array(series.map { s in
                .object([JSONMember("label", .text(s.label)), JSONMember("kind", .text(s.kind.rawValue)),
                         JSONMember("stack", s.stack.map { .text($0) } ?? .null), JSONMember("axis", .text(s.axis)),
                         JSONMember("values", .array(s.values.map { JSONValue.real($0) }))])
            })),
        ])
    }

    /// The figure: a canvas that the script reveals, and the table.
    var html: String {
        let e = HTMLEscaping.escape
        var out = "<figure class=\"chart\" id=\"chart-\(e(id))\">\n<figcaption>\(e(title))</figcaption>\n"
        out += "<div class=\"canvas-box\" hidden><canvas id=\"canvas-\(e(id))\" role=\"img\" aria-label=\"\(e(title))\"></canvas></div>\n"
        out += "<details class=\"chart-data\" open>\n<summary>Data: \(e(caption))</summary>\n"
        out += PageChart.table(columns: columns, rows: rows)
        out += "</details>\n</figure>\n"
        return out
    }

    /// A table of text cells; numbers (every column but the first) align right.
    static func table(columns: [String], rows: [[String]], classes: [[String]]? = nil) -> String {
        let e = HTMLEscaping.escape
        var out = "<table>\n<thead><tr>" + columns.enumerated().map { i, c in i == 0 ? "<th>\(e(c))</th>" : "<th class=\"num\">\(e(c))</th>" }.joined()
        out += "</tr></thead>\n<tbody>\n"
        for (r, row) in rows.enumerated() {
            out += "<tr>"
            for (i, cell) in row.enumerated() {
                let extra = classes?[r][i] ?? ""
                let names = [i == 0 ? "" : "num", extra].filter { !$0.isEmpty }.joined(separator: " ")
                out += names.isEmpty ? "<td>\(e(cell))</td>" : "<td class=\"\(names)\">\(e(cell))</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    /// A money amount as a chart value.
    static func value(_ money: Money?) -> Double? { money.map { $0.micros.nearestDouble / 1_000_000 } }
    /// A rate as a chart value.
    static func value(_ ratio: Ratio?) -> Double? { ratio.map { $0.numerator.nearestDouble / $0.denominator.nearestDouble } }
}
