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
                var all: [Double] = []
                all.reserveCapacity(chart.labels.count * 2)
                for item in chart.series where item.right == right && item.style != .bar {
                    for case let value? in item.values { all.append(value) }
                }
                // A stack reaches the sum of its positives and of its negatives.
                let bars = chart.series.filter { $0.right == right && $0.style == .bar }
                for index in chart.labels.indices {
                    var up = 0.0, down = 0.0
                    for item in bars where index < item.values.count {
                        guard let value = item.values[index] else { continue }
                        if value > 0 { up += value } else if value < 0 { down += value }
                    }
                    all.append(up)
                    all.append(down)
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
