/// A linear value axis with round ticks (1, 2, 2.5 or 5 times a power of
/// ten), so that a chart reads `0 · 500 · 1,000`, never `0 · 437 · 874`.
public struct ChartScale: Sendable, Equatable {
    /// The lowest value drawn.
    public let low: Double
    /// The highest value drawn.
    public let high: Double
    /// The distance between ticks.
    public let step: Double

    /// A scale covering `values`, with about `ticks` intervals; zero is
    /// always inside when `includeZero` (bars grow from it).
    public init(covering values: [Double], includeZero: Bool, ticks: Int = 4) {
        var low = values.min() ?? 0, high = values.max() ?? 0
        if includeZero { low = min(low, 0); high = max(high, 0) }
        if low == high {
            // One value, or only zeros: a band around it.
            let pad = low == 0 ? 1 : abs(low) / 2
            if includeZero && low >= 0 { high = low + pad; low = min(low, 0) } else { low -= pad; high += pad }
        }
        let step = ChartScale.niceStep((high - low) / Double(max(1, ticks)))
        self.step = step
        self.low = (low / step).rounded(.down) * step
        self.high = (high / step).rounded(.up) * step
    }

    /// This scale extended below zero so that its zero sits as high as
    /// `other`'s: two axes, one zero line.
    public func aligningZero(with other: ChartScale) -> ChartScale {
        guard other.low < 0, other.high > 0, low >= 0, high > 0 else { return self }
        return ChartScale(low: -high * (-other.low / other.high), high: high, step: step)
    }

    /// This scale reaching a step above zero when it ends at zero (only
    /// negative bars), so that a right axis's zero can be aligned with it.
    public var reachingAboveZero: ChartScale { high > 0 ? self : ChartScale(low: low, high: step, step: step) }

    private init(low: Double, high: Double, step: Double) {
        self.low = low
        self.high = high
        self.step = step
    }

    /// The smallest round step at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        var power = 1.0
        while power * 10 <= raw { power *= 10 }
        while power > raw { power /= 10 }
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * power >= raw * (1 - 1e-9) { return factor * power }
        return 10 * power
    }

    /// The multiples of the step from `low` to `high`.
    public var ticks: [Double] {
        let first = (low / step - 1e-9).rounded(.up), last = (high / step + 1e-9).rounded(.down)
        guard last >= first else { return [] }
        return (Int(first)...Int(last)).map { Double($0) * step }
    }

    /// Where `value` falls between `bottom` (low) and `top` (high), in pixels.
    public func position(_ value: Double, bottom: Double, top: Double) -> Double {
        guard high > low else { return bottom }
        return bottom - (value - low) / (high - low) * (bottom - top)
    }

    /// Decimals a tick label needs for this step (0 for whole steps).
    public var decimals: Int {
        var decimals = 0, scaled = step
        while decimals < 6 && abs(scaled - scaled.rounded()) > 1e-6 { scaled *= 10; decimals += 1 }
        return decimals
    }
}
