extension SVGChart {
    /// The chart as a standalone SVG document. Colours follow the reader's
    /// light or dark scheme on a page; a rasteriser that ignores media
    /// queries draws the light one.
    public var svg: String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
        out += "role=\"img\" aria-label=\"\(SVGText.escape(summary))\">\n"
        out += "<title>\(SVGText.escape(title))</title>\n<desc>\(SVGText.escape(summary))</desc>\n"
        out += SVGChart.style
        out += "<text class=\"t\" x=\"8\" y=\"17\">\(SVGText.escape(title))</text>\n"
        let legend = legendRows()
        let layout = Layout(chart: self, legendRows: legend.count)
        if isEmpty {
            out += "<text x=\"\(width / 2)\" y=\"\(height / 2)\" text-anchor=\"middle\">No data for this chart.</text>\n</svg>\n"
            return out
        }
        out += axes(layout)
        out += bars(layout)
        out += lines(layout)
        out += legendText(legend)
        out += "</svg>\n"
        return out
    }

    static let style = """
        <style>
        text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;font-size:11px;fill:#5b6475}
        .t{font-size:13px;font-weight:600;fill:#1d2330}
        .g{stroke:#dde2ea;stroke-width:1}
        .z{stroke:#8a93a3;stroke-width:1}
        @media (prefers-color-scheme:dark){text{fill:#aab2c0}.t{fill:#e6e9ef}.g{stroke:#2e3440}.z{stroke:#6b7385}}
        </style>

        """

    /// Where the plot sits and how values map to it.
    struct Layout {
        let left: Double, right: Double, top: Double, bottom: Double
        let leftScale: ChartScale, rightScale: ChartScale?
        let band: Double

        init(chart: SVGChart, legendRows: Int) {
            func values(_ right: Bool) -> [Double] {
                let chosen = chart.series.filter { $0.right == right }
                var all = chosen.filter { $0.style != .bar }.flatMap { $0.values.compactMap { $0 } }
                // A stack reaches the sum of its positives and of its negatives.
                let bars = chosen.filter { $0.style == .bar }
                for index in chart.labels.indices {
                    let parts = bars.compactMap { index < $0.values.count ? $0.values[index] : nil }
                    all.append(parts.filter { $0 > 0 }.reduce(0, +))
                    all.append(parts.filter { $0 < 0 }.reduce(0, +))
                }
                return all
            }
            // Every axis starts at zero: a line of MRR that moves by 2 % must not look like a cliff.
            let leftScale = ChartScale(covering: values(false), includeZero: true)
            let usesRight = chart.series.contains(where: \.right)
            let rightScale = usesRight ? ChartScale(covering: values(true), includeZero: true) : nil
            self.leftScale = leftScale
            self.rightScale = rightScale
            let leftWidth = leftScale.ticks.map { SVGText.width(chart.left.label($0, decimals: leftScale.decimals)) }.max() ?? 0
            let rightWidth = rightScale.map { scale in
                scale.ticks.map { SVGText.width((chart.right ?? chart.left).label($0, decimals: scale.decimals)) }.max() ?? 0
            } ?? 0
            left = 12 + leftWidth
            right = Double(chart.width) - (usesRight ? 12 + rightWidth : 12)
            top = 30
            bottom = Double(chart.height) - 22 - Double(legendRows) * 16
            band = (right - left) / Double(max(1, chart.labels.count))
        }

        func x(_ index: Int) -> Double { left + band * (Double(index) + 0.5) }
        func y(_ value: Double, right: Bool) -> Double {
            (right ? rightScale ?? leftScale : leftScale).position(value, bottom: bottom, top: top)
        }
    }

    func axes(_ layout: Layout) -> String {
        var out = "<g>\n"
        let scale = layout.leftScale
        for tick in scale.ticks {
            let y = SVGText.number(layout.y(tick, right: false))
            out += "<line class=\"\(tick == 0 ? "z" : "g")\" x1=\"\(SVGText.number(layout.left))\" x2=\"\(SVGText.number(layout.right))\" y1=\"\(y)\" y2=\"\(y)\"/>"
            out += "<text x=\"\(SVGText.number(layout.left - 6))\" y=\"\(y)\" dy=\"4\" text-anchor=\"end\">\(SVGText.escape(left.label(tick, decimals: scale.decimals)))</text>\n"
        }
        if let rightScale = layout.rightScale {
            for tick in rightScale.ticks {
                let y = SVGText.number(layout.y(tick, right: true))
                let text = (right ?? left).label(tick, decimals: rightScale.decimals)
                out += "<text x=\"\(SVGText.number(layout.right + 6))\" y=\"\(y)\" dy=\"4\">\(SVGText.escape(text))</text>\n"
            }
        }
        // As many category labels as fit without touching.
        let widest = labels.map(SVGText.width).max() ?? 0
        let every = max(1, Int(((widest + 10) / max(layout.band, 1)).rounded(.up)))
        let baseline = SVGText.number(layout.bottom + 15)
        for (index, label) in labels.enumerated() where index % every == 0 {
            out += "<text x=\"\(SVGText.number(layout.x(index)))\" y=\"\(baseline)\" text-anchor=\"middle\">\(SVGText.escape(label))</text>\n"
        }
        return out + "</g>\n"
    }

    func bars(_ layout: Layout) -> String {
        var out = ""
        let groups = [false, true].filter { side in series.contains { $0.right == side && $0.style == .bar } }
        let width = layout.band * 0.76 / Double(max(1, groups.count))
        for (group, side) in groups.enumerated() {
            var up = [Double](repeating: 0, count: labels.count), down = up
            for item in series where item.right == side && item.style == .bar {
                out += "<g fill=\"\(SVGChart.palette[item.color % SVGChart.palette.count])\">"
                for index in labels.indices {
                    guard index < item.values.count, let value = item.values[index], value != 0 else { continue }
                    let from = value > 0 ? up[index] : down[index]
                    let to = from + value
                    if value > 0 { up[index] = to } else { down[index] = to }
                    let y1 = layout.y(from, right: side), y2 = layout.y(to, right: side)
                    let x = layout.x(index) - layout.band * 0.38 + Double(group) * width
                    out += "<rect x=\"\(SVGText.number(x))\" y=\"\(SVGText.number(min(y1, y2)))\" width=\"\(SVGText.number(max(width, 0.5)))\" "
                    out += "height=\"\(SVGText.number(max(abs(y2 - y1), 0.5)))\"/>"
                }
                out += "</g>\n"
            }
        }
        return out
    }

    func lines(_ layout: Layout) -> String {
        var out = ""
        for item in series where item.style != .bar {
            let color = SVGChart.palette[item.color % SVGChart.palette.count]
            var path = "", run = 0, lone: [Int] = []
            for index in labels.indices {
                guard index < item.values.count, let value = item.values[index] else {
                    if run == 1, let last = (0..<index).last { lone.append(last) }
                    run = 0
                    continue
                }
                path += "\(run == 0 ? "M" : "L")\(SVGText.number(layout.x(index))) \(SVGText.number(layout.y(value, right: item.right)))"
                run += 1
            }
            if run == 1 { lone.append(labels.count - 1) }
            let dash = item.style == .dashed ? " stroke-dasharray=\"5 4\"" : ""
            if !path.isEmpty {
                out += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\"\(dash)/>\n"
            }
            // A value without neighbours is a dot, not an invisible line.
            for index in lone {
                guard let value = item.values[index] else { continue }
                out += "<circle cx=\"\(SVGText.number(layout.x(index)))\" cy=\"\(SVGText.number(layout.y(value, right: item.right)))\" r=\"3\" fill=\"\(color)\"/>\n"
            }
        }
        return out
    }

    /// The legend's items by row, each with its x offset.
    func legendRows() -> [[(x: Double, item: Series)]] {
        var rows: [[(x: Double, item: Series)]] = [[]]
        var x = 8.0
        for item in series {
            let span = 18 + SVGText.width(item.name) + 14
            if x + span > Double(width) - 8 && !rows[rows.count - 1].isEmpty { rows.append([]); x = 8 }
            rows[rows.count - 1].append((x, item))
            x += span
        }
        return rows
    }

    func legendText(_ rows: [[(x: Double, item: Series)]]) -> String {
        var out = ""
        for (number, row) in rows.enumerated() {
            let y = Double(height) - 8 - Double(rows.count - 1 - number) * 16
            for (x, item) in row {
                let color = SVGChart.palette[item.color % SVGChart.palette.count]
                if item.style == .bar {
                    out += "<rect x=\"\(SVGText.number(x))\" y=\"\(SVGText.number(y - 9))\" width=\"12\" height=\"10\" fill=\"\(color)\"/>"
                } else {
                    let dash = item.style == .dashed ? " stroke-dasharray=\"4 3\"" : ""
                    out += "<line x1=\"\(SVGText.number(x))\" x2=\"\(SVGText.number(x + 12))\" y1=\"\(SVGText.number(y - 4))\" y2=\"\(SVGText.number(y - 4))\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>"
                }
                out += "<text x=\"\(SVGText.number(x + 17))\" y=\"\(SVGText.number(y))\">\(SVGText.escape(item.name))</text>\n"
            }
        }
        return out
    }
}
