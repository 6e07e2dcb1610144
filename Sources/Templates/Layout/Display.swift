import Metrics

/// How figures are written on pages and in Markdown: the same everywhere
/// and independent of the machine's locale (`1,234`, `€870.00`, `10.4 %`,
/// `n/a`).
public enum Display {
    /// `n/a`: an undefined figure.
    public static let undefined = "n/a"

    /// `1,234`.
    public static func count(_ value: Int?) -> String {
        guard let value else { return undefined }
        return Format.grouped(value)
    }

    /// `€870.00`, `$0.0021`, `-€12.50`, `870.00 CHF`: two decimals, rounded
    /// half to even; an amount that is not zero but would read 0.00 shows
    /// its first two significant digits instead, so small costs do not
    /// read as nothing.
    public static func money(_ value: Money?, _ currency: String) -> String {
        guard let value else { return undefined }
        let negative = value.micros < 0
        let magnitude = negative ? -value.micros : value.micros
        var decimals = 2
        if magnitude != 0 && Money.divideHalfEven(magnitude, 10_000) == 0 {
            // The first significant digit is the k-th decimal; show one more
            // (micros have six).
            var k = 2, bound: Int128 = 10_000
            while magnitude < bound && k < 6 { k += 1; bound /= 10 }
            decimals = min(6, k + 1)
        }
        func scaled(to decimals: Int) -> Int128 {
            var divisor: Int128 = 1
            for _ in 0..<(6 - decimals) { divisor *= 10 }
            return Money.divideHalfEven(magnitude, divisor)
        }
        var rounded = scaled(to: decimals)
        // 0.000995 rounds up to 0.00100: two digits are then one decimal fewer.
        if decimals > 2 && rounded >= 100 { decimals -= 1; rounded = scaled(to: decimals) }
        var unit: Int128 = 1
        for _ in 0..<decimals { unit *= 10 }
        var fraction = String(Int(rounded % unit))
        while fraction.utf8.count < decimals { fraction = "0" + fraction }
        let number = Format.grouped(rounded / unit) + "." + fraction
        let sign = negative && rounded != 0 ? "-" : ""
        if let symbol = symbols[currency] { return sign + symbol + number }
        return sign + number + " " + currency
    }

    /// `10.4 %` from a ratio (one decimal, half to even), `n/a` when undefined.
    public static func percent(_ ratio: Ratio?) -> String {
        guard let ratio else { return undefined }
        // Tenths of a percent: numerator × 1000 / denominator.
        let sign = (ratio.numerator < 0) != (ratio.denominator < 0) && ratio.numerator != 0 ? "-" : ""
        let tenths = Money.divideHalfEven(Int128(ratio.numerator.magnitude) * 1000, Int128(ratio.denominator.magnitude))
        return "\(sign)\(Format.grouped(tenths / 10)).\(tenths % 10) %"
    }

    /// A ratio as a plain number with one decimal (`8.1`, the quick
    /// ratio), half to even, `n/a` when undefined.
    public static func ratio(_ ratio: Ratio?) -> String {
        guard let ratio else { return undefined }
        let negative = (ratio.numerator < 0) != (ratio.denominator < 0) && ratio.numerator != 0
        let tenths = Money.divideHalfEven(Int128(ratio.numerator.magnitude) * 10, Int128(ratio.denominator.magnitude))
        return (negative ? "-" : "") + "\(Format.grouped(Int(tenths / 10))).\(tenths % 10)"
    }

    /// `12 (48.0 %)`: a count and its share of a whole.
    public static func countAndShare(_ part: Int, _ whole: Int) -> String { "\(count(part)) (\(percent(Ratio(part, over: whole))))" }

    /// `1 conversion`, `2 conversions`.
    public static func plural(_ value: Int, _ noun: String) -> String {
        "\(count(value)) \(noun)\(value == 1 ? "" : "s")"
    }

    /// A latency (held in millionths of a millisecond) in milliseconds to a
    /// tenth at most, thousands grouped:
    /// `3,129 ms`, `120.5 ms`.
    public static func latency(_ micros: Int64?) -> String {
        guard let micros else { return undefined }
        let tenths = Money.divideHalfEven(Int128(micros.magnitude), 100_000)
        let sign = micros < 0 && tenths != 0 ? "-" : ""
        let whole = sign + Format.grouped(Int(tenths / 10))
        return (tenths % 10 == 0 ? whole : whole + ".\(tenths % 10)") + " ms"
    }

    /// A decimal with one digit: `12.3`.
    public static func decimal(_ value: Double?) -> String {
        guard let value, value.isFinite, value.magnitude < 1e15 else { return undefined }
        let tenths = (value * 10).rounded(.toNearestOrEven)
        let whole = Int(tenths / 10)
        return "\(Format.grouped(whole)).\(Int(abs(tenths.truncatingRemainder(dividingBy: 10))))"
    }

    /// A change against a previous value: `+12`, `−3`, `±0`, or empty when
    /// there is nothing to compare with.
    public static func change(_ current: Int?, _ previous: Int?) -> String {
        guard let current, let previous else { return "" }
        let delta = current - previous
        return delta > 0 ? "+" + Format.grouped(delta) : delta < 0 ? "−" + Format.grouped(-delta) : "±0"
    }

    /// ` (+4.2 %)`, ` (−3.0 %)`: a relative change after an absolute one,
    /// empty when undefined (nothing before, or zero before).
    public static func percentChange(_ ratio: Ratio?) -> String {
        guard let ratio else { return "" }
        return " (" + signedPercent(ratio) + ")"
    }

    /// `+4.2 %`, `−3.0 %`, `±0.0 %`, `n/a` when undefined.
    public static func signedPercent(_ ratio: Ratio?) -> String {
        guard let ratio else { return undefined }
        let text = percent(ratio)
        if text == "0.0 %" || text == "-0.0 %" { return "±0.0 %" }
        return text.hasPrefix("-") ? "−" + text.dropFirst() : "+" + text
    }

    /// `+12 (+4.2 %)`, empty when there is nothing to compare with.
    public static func changeAndPercent(_ current: Int, _ previous: Int?) -> String {
        guard let previous else { return "" }
        return Display.change(current, previous) + Display.percentChange(Ratio(current - previous, over: previous))
    }

    /// `+€5.00 (+4.2 %)`; no % over a base of zero or below.
    public static func changeAndPercent(_ current: Money, _ previous: Money?, _ currency: String) -> String {
        guard let previous else { return "" }
        // A % of a negative base (net MRR) would read backwards: none.
        let relative = previous > .zero ? Display.percentChange(Ratio(current - previous, over: previous)) : ""
        return Display.change(current, previous, currency) + relative
    }

    /// A change of money: `+€12.00`, `−€3.50`, `±0`.
    public static func change(_ current: Money?, _ previous: Money?, _ currency: String) -> String {
        guard let current, let previous else { return "" }
        let delta = current - previous
        if delta == .zero { return "±0" }
        return (delta.micros > 0 ? "+" : "−") + money(Money(micros: delta.micros.magnitude > 0 ? abs(delta.micros) : 0), currency)
    }

    /// A change of a rate in percentage points: `+1.2 pt`.
    public static func change(_ current: Ratio?, _ previous: Ratio?) -> String {
        guard let current, let previous else { return "" }
        let points = (current.value - previous.value) * 100
        let tenths = (points * 10).rounded(.toNearestOrEven)
        if tenths == 0 { return "±0 pt" }
        return (tenths > 0 ? "+" : "−") + decimal(abs(tenths) / 10) + " pt"
    }

    /// An alert's value or threshold as JSON holds it: a fraction as a
    /// percentage, hours with one decimal, money in the cost currency, an
    /// anomaly alert's count (or baseline median) as a count.
    public static func alertFigure(_ name: AlertName, _ value: JSONValue, costCurrency: String) -> String {
        switch value {
        case .number(let text):
            guard let number = Double(text) else { return text }
            if name.isAnomaly { return Int(text).map(count) ?? decimal(number) }
            return name == .noActivity ? decimal(number) + " h" : decimal(number * 100) + " %"
        case .string: return money(value.stringValue.flatMap(Money.init), costCurrency)
        default: return undefined
        }
    }

    /// A span of time for people: `45 min`, `7 h`, `3 h 20 min`, `2 d 4 h`,
    /// `under a minute`.
    public static func duration(ms: Int64) -> String {
        let minutes = max(0, ms) / 60_000
        if minutes == 0 { return "under a minute" }
        let days = minutes / 1440, hours = minutes / 60 % 24, rest = minutes % 60
        if days > 0 { return hours == 0 ? "\(days) d" : "\(days) d \(hours) h" }
        if hours > 0 { return rest == 0 ? "\(hours) h" : "\(hours) h \(rest) min" }
        return "\(rest) min"
    }

    static let symbols = ["EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "RUB": "₽", "UAH": "₴", "TRY": "₺"]
}
