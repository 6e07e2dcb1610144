extension SVGChart {
    /// Where the plot sits and how values map to it.
    struct Layout {
        let left: Double, right: Double, top: Double, bottom: Double
        let leftScale: ChartScale, rightScale: ChartScale?
        /// True when the right axis reaches below zero only to share the left's zero line.
        let rightAligned: Bool
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
            let usesRight = chart.series.contains(where: \.right)
            var leftScale = ChartScale(covering: values(false), includeZero: true)
            if usesRight { leftScale = leftScale.reachingAboveZero }
            let natural = ChartScale(covering: values(true), includeZero: true)
            let rightScale = usesRight ? natural.aligningZero(with: leftScale) : nil
            rightAligned = rightScale.map { $0.low < natural.low } ?? false
            self.leftScale = leftScale
            self.rightScale = rightScale
            let leftWidth = leftScale.ticks.map { SVGWriter.width(chart.left.label($0, decimals: leftScale.decimals)) }.max() ?? 0
            let rightWidth = rightScale.map { scale in
                scale.ticks.map { SVGWriter.width((chart.right ?? chart.left).label($0, decimals: scale.decimals)) }.max() ?? 0
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
}
