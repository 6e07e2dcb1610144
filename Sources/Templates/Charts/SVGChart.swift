/// A chart drawn at build time as SVG (no script): categories along the
/// bottom (hours, days), bars and lines over one or two value axes, a
/// legend. `svg` is a pure function of the value, so the same figures
/// give the same bytes.
public struct SVGChart: Sendable, Equatable {
    /// One series of values, one per category; nil is a gap.
    public struct Series: Sendable, Equatable {
        /// How a series is drawn.
        public enum Style: Sendable, Equatable {
            /// Bars; bars of one axis are stacked (positives up, negatives down).
            case bar
            /// A line through the values.
            case line
            /// A dashed line (the period before, a threshold).
            case dashed
        }

        /// The legend's name (any text; escaped).
        public var name: String
        /// The values.
        public var values: [Double?]
        /// Bar or line.
        public var style: Style
        /// True for the right-hand axis.
        public var right: Bool
        /// A palette index.
        public var color: Int

        /// A series.
        public init(_ name: String, _ values: [Double?], style: Style, right: Bool = false, color: Int) {
            self.name = name
            self.values = values
            self.style = style
            self.right = right
            self.color = color
        }
    }

    /// The title above the chart (any text; escaped).
    public var title: String
    /// A label per category (hours, dates).
    public var labels: [String]
    /// The series, drawn bars first, then lines, each in order.
    public var series: [Series]
    /// The left axis's unit.
    public var left: ChartUnit
    /// The right axis's unit, when a series uses it.
    public var right: ChartUnit?
    /// The text alternative: the figures the chart shows, in words.
    public var summary: String
    /// Size in CSS pixels.
    public var width = 480
    /// Height in CSS pixels.
    public var height = 220

    /// A chart.
    public init(title: String, labels: [String], series: [Series], left: ChartUnit, right: ChartUnit? = nil, summary: String) {
        self.title = title
        self.labels = labels
        self.series = series
        self.left = left
        self.right = right
        self.summary = summary
    }

    /// The colours, as on the dashboard; 1 is the red of errors and churn.
    static let palette = ["#2357c6", "#d9480f", "#2b8a3e", "#ae3ec9", "#e8590c", "#0c8599", "#c2255c", "#5c940d", "#1971c2", "#868e96"]

    /// True when no series has a value: the chart says so instead of
    /// drawing empty axes.
    public var isEmpty: Bool { labels.isEmpty || series.allSatisfy { $0.values.allSatisfy { $0 == nil } } }
}
