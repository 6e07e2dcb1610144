import Metrics

/// What the values of an axis are, for its tick labels: `1,500`, `€800`,
/// `12.5 %`.
public enum ChartUnit: Sendable, Equatable {
    /// Plain counts.
    case count
    /// Money in a currency (ISO code).
    case money(String)
    /// Fractions shown as percentages.
    case percent

    /// A tick label with `decimals` digits after the point.
    public func label(_ value: Double, decimals: Int) -> String {
        switch self {
        case .count: return ChartUnit.number(value, decimals: decimals)
        case .percent: return ChartUnit.number(value * 100, decimals: max(0, decimals - 2)) + " %"
        case .money(let currency):
            let sign = value < 0 ? "−" : ""
            let number = ChartUnit.number(abs(value), decimals: decimals)
            if let symbol = Display.symbols[currency] { return sign + symbol + number }
            return sign + number + " " + currency
        }
    }

    /// `1,234.5`: grouped thousands, fixed decimals, no locale; `−` for negatives.
    public static func number(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrEven)
        guard scaled.isFinite, scaled < 1e17 else { return "n/a" }
        let whole = Int(scaled / scale), fraction = Int(scaled - Double(whole) * scale)
        var text = Format.grouped(whole)
        if decimals > 0 {
            var digits = String(fraction)
            while digits.utf8.count < decimals { digits = "0" + digits }
            text += "." + digits
        }
        return (value < 0 && scaled != 0 ? "−" : "") + text
    }
}
