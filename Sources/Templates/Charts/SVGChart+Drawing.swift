extension SVGChart {
    /// The chart as a standalone SVG document. Colours follow the reader's
    /// light or dark scheme on a page; a rasteriser that ignores media
    /// queries draws the light one.
    public var svg: String { String(decoding: svgBytes, as: UTF8.self) }

    /// The document's UTF-8 bytes.
    public var svgBytes: [UInt8] {
        var out = SVGWriter(capacity: 6144)
        out.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        out.integer(width)
        out.raw("\" height=\"")
        out.integer(height)
        out.raw("\" viewBox=\"0 0 ")
        out.integer(width)
        out.raw(" ")
        out.integer(height)
        out.raw("\" role=\"img\" aria-label=\"")
        out.text(summary)
        out.raw("\">\n<title>")
        out.text(title)
        out.raw("</title>\n<desc>")
        out.text(summary)
        out.raw("</desc>\n")
        out.raw(SVGChart.style)
        out.raw("<text class=\"t\" x=\"8\" y=\"17\">")
        out.text(title)
        out.raw("</text>\n")
        let legend = legendRows()
        if isEmpty {
            out.raw("<text x=\"")
            out.integer(width / 2)
            out.raw("\" y=\"")
            out.integer(height / 2)
            out.raw("\" text-anchor=\"middle\">No data for this chart.</text>\n</svg>\n")
            return out.bytes
        }
        let layout = Layout(chart: self, legendRows: legend.count)
        axes(layout, &out)
        bars(layout, &out)
        lines(layout, &out)
        legendText(legend, &out)
        out.raw("</svg>\n")
        return out.bytes
    }

    static let style: StaticString = """
        <style>
        text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;font-size:11px;fill:#5b6475}
        .t{font-size:13px;font-weight:600;fill:#1d2330}
        .g{stroke:#dde2ea;stroke-width:1}
        .z{stroke:#8a93a3;stroke-width:1}
        @media (prefers-color-scheme:dark){text{fill:#aab2c0}.t{fill:#e6e9ef}.g{stroke:#2e3440}.z{stroke:#6b7385}}
        </style>

        """

    func colour(_ item: Series) -> String { SVGChart.palette[item.color % SVGChart.palette.count] }

    func axes(_ layout: Layout, _ out: inout SVGWriter) {
        out.raw("<g>\n")
        let scale = layout.leftScale
        for tick in scale.ticks {
            let y = layout.y(tick, right: false)
            out.raw(tick == 0 ? "<line class=\"z\" x1=\"" : "<line class=\"g\" x1=\"")
            out.number(layout.left)
            out.raw("\" x2=\"")
            out.number(layout.right)
            out.raw("\" y1=\"")
            out.number(y)
            out.raw("\" y2=\"")
            out.number(y)
            out.raw("\"/><text x=\"")
            out.number(layout.left - 6)
            out.raw("\" y=\"")
            out.number(y)
            out.raw("\" dy=\"4\" text-anchor=\"end\">")
            out.text(left.label(tick, decimals: scale.decimals))
            out.raw("</text>\n")
        }
        if let rightScale = layout.rightScale {
            // Below a zero aligned with the left axis's, a right axis has no
            // labels; labels closer than a line's height are left out.
            var last = Double.infinity
            for tick in rightScale.ticks where tick >= 0 || !layout.rightAligned {
                let y = layout.y(tick, right: true)
                guard abs(last - y) >= 14 else { continue }
                last = y
                out.raw("<text x=\"")
                out.number(layout.right + 6)
                out.raw("\" y=\"")
                out.number(y)
                out.raw("\" dy=\"4\">")
                out.text((right ?? left).label(tick, decimals: rightScale.decimals))
                out.raw("</text>\n")
            }
        }
        // As many category labels as fit without touching.
        let widest = labels.map(SVGWriter.width).max() ?? 0
        let every = max(1, Int(((widest + 10) / max(layout.band, 1)).rounded(.up)))
        for (index, label) in labels.enumerated() where index % every == 0 {
            out.raw("<text x=\"")
            out.number(layout.x(index))
            out.raw("\" y=\"")
            out.number(layout.bottom + 15)
            out.raw("\" text-anchor=\"middle\">")
            out.text(label)
            out.raw("</text>\n")
        }
        out.raw("</g>\n")
    }

    func bars(_ layout: Layout, _ out: inout SVGWriter) {
        let groups = [false, true].filter { side in series.contains { $0.right == side && $0.style == .bar } }
        let width = layout.band * 0.76 / Double(max(1, groups.count))
        for (group, side) in groups.enumerated() {
            var up = [Double](repeating: 0, count: labels.count), down = up
            for item in series where item.right == side && item.style == .bar {
                out.raw("<g fill=\"")
                out.raw(colour(item))
                out.raw("\">")
                for index in labels.indices {
                    guard index < item.values.count, let value = item.values[index], value != 0 else { continue }
                    let from = value > 0 ? up[index] : down[index]
                    let to = from + value
                    if value > 0 { up[index] = to } else { down[index] = to }
                    let y1 = layout.y(from, right: side), y2 = layout.y(to, right: side)
                    out.raw("<rect x=\"")
                    out.number(layout.x(index) - layout.band * 0.38 + Double(group) * width)
                    out.raw("\" y=\"")
                    out.number(min(y1, y2))
                    out.raw("\" width=\"")
                    out.number(max(width, 0.5))
                    out.raw("\" height=\"")
                    out.number(max(abs(y2 - y1), 0.5))
                    out.raw("\"/>")
                }
                out.raw("</g>\n")
            }
        }
    }

    func lines(_ layout: Layout, _ out: inout SVGWriter) {
        for item in series where item.style != .bar {
            var path = SVGWriter(capacity: 1024), run = 0, lone: [Int] = []
            for index in labels.indices {
                guard index < item.values.count, let value = item.values[index] else {
                    if run == 1 { lone.append(index - 1) }
                    run = 0
                    continue
                }
                path.raw(run == 0 ? "M" : "L")
                path.number(layout.x(index))
                path.raw(" ")
                path.number(layout.y(value, right: item.right))
                run += 1
            }
            if run == 1 { lone.append(labels.count - 1) }
            if !path.bytes.isEmpty {
                out.raw("<path d=\"")
                out.raw(path.bytes)
                out.raw("\" fill=\"none\" stroke=\"")
                out.raw(colour(item))
                out.raw(item.style == .dashed ? "\" stroke-width=\"2\" stroke-linejoin=\"round\" stroke-dasharray=\"5 4\"/>\n"
                        : "\" stroke-width=\"2\" stroke-linejoin=\"round\"/>\n")
            }
            // A value without neighbours is a dot, not an invisible line.
            for index in lone {
                guard let value = item.values[index] else { continue }
                out.raw("<circle cx=\"")
                out.number(layout.x(index))
                out.raw("\" cy=\"")
                out.number(layout.y(value, right: item.right))
                out.raw("\" r=\"3\" fill=\"")
                out.raw(colour(item))
                out.raw("\"/>\n")
            }
        }
    }

    /// The legend's items by row, each with its x offset.
    func legendRows() -> [[(x: Double, item: Series)]] {
        var rows: [[(x: Double, item: Series)]] = [[]]
        var x = 8.0
        for item in series {
            let span = 18 + SVGWriter.width(item.name) + 14
            if x + span > Double(width) - 8 && !rows[rows.count - 1].isEmpty { rows.append([]); x = 8 }
            rows[rows.count - 1].append((x, item))
            x += span
        }
        return rows
    }

    func legendText(_ rows: [[(x: Double, item: Series)]], _ out: inout SVGWriter) {
        for (number, row) in rows.enumerated() {
            let y = Double(height) - 8 - Double(rows.count - 1 - number) * 16
            for (x, item) in row {
                if item.style == .bar {
                    out.raw("<rect x=\"")
                    out.number(x)
                    out.raw("\" y=\"")
                    out.number(y - 9)
                    out.raw("\" width=\"12\" height=\"10\" fill=\"")
                    out.raw(colour(item))
                    out.raw("\"/>")
                } else {
                    out.raw("<line x1=\"")
                    out.number(x)
                    out.raw("\" x2=\"")
                    out.number(x + 12)
                    out.raw("\" y1=\"")
                    out.number(y - 4)
                    out.raw("\" y2=\"")
                    out.number(y - 4)
                    out.raw("\" stroke=\"")
                    out.raw(colour(item))
                    out.raw(item.style == .dashed ? "\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>" : "\" stroke-width=\"2\"/>")
                }
                out.raw("<text x=\"")
                out.number(x + 17)
                out.raw("\" y=\"")
                out.number(y)
                out.raw("\">")
                out.text(item.name)
                out.raw("</text>\n")
            }
        }
    }
}
