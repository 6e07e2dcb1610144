import Foundation

/// The anomaly alerts of docs/site.md ("Alerts, version 2") as pure
/// functions: today's flow so far against its usual level at this time of
/// this weekday, a robust z-score for three of them and a Poisson tail for
/// conversions, which are too few for a score.
public enum AnomalyRules {
    /// Fewest baseline days for any anomaly alert to be evaluated.
    public static let minimumDays = 3
    /// The score beyond which `_low` and `errors_high` fire.
    public static let scoreLimit = 3.5
    /// The tail probability under which `conversions_low` fires.
    public static let poissonLimit = 0.01

    /// A baseline's statistics: the median m, the MAD and the scale
    /// s = max(1.4826 × MAD, √m, 1), whose √m floor keeps a baseline of
    /// identical days from making every small change an anomaly.
    public struct Baseline: Sendable, Equatable {
        /// The baseline days' values.
        public var values: [Int]
        /// Their median (of an even count, the mean of the two middle values).
        public var median: Double
        /// The median of |x − m|.
        public var mad: Double
        /// The score's scale.
        public var scale: Double

        /// The baseline of values; nil when there are none.
        public init?(_ values: [Int]) {
            guard !values.isEmpty else { return nil }
            self.values = values
            let m = Baseline.median(values.map(Double.init))
            let deviation = Baseline.median(values.map { abs(Double($0) - m) })
            median = m
            mad = deviation
            scale = max(1.4826 * deviation, m.squareRoot(), 1)
        }

        /// The score of a value.
        public func score(_ value: Int) -> Double { (Double(value) - median) / scale }

        static func median(_ values: [Double]) -> Double {
            let sorted = values.sorted(), middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }

    /// P(X ≤ x) for X Poisson with mean m, summed in logarithms so a large
    /// mean does not underflow.
    public static func poissonCDF(_ x: Int, mean m: Double) -> Double {
        guard x >= 0 else { return 0 }
        guard m > 0 else { return 1 }
        let logs = (0...x).map { k in -m + Double(k) * log(m) - lgamma(Double(k) + 1) }
        let top = logs.max()!
        return min(1, exp(top) * logs.reduce(0) { $0 + exp($1 - top) })
    }

    /// The four readings, in docs/site.md's order; all `not_evaluated`
    /// (with their figures) when `enabled` is false.
    public static func evaluate(_ inputs: AnomalyInputs, enabled: Bool) -> [AlertReading] {
        let today = inputs.today, days = inputs.baseline
        let enough = days.count >= minimumDays
        /// The reading of one flow; `evaluated` and `fires` see its baseline.
        func reading(_ name: AlertName, _ value: Int, _ flow: (AnomalyInputs.Flows) -> Int,
                     evaluated: (Baseline) -> Bool, fires: (Baseline) -> Bool) -> AlertReading {
            let baseline = Baseline(days.map(flow))
            let threshold = baseline.map { JSONValue.number(Ratio.jsonText($0.median)) } ?? .null
            var state = AlertState.notEvaluated
            if enabled, enough, let baseline, evaluated(baseline) { state = fires(baseline) ? .firing : .ok }
            return AlertReading(name: name, state: state, value: .int(value), threshold: threshold)
        }
        return [
            reading(.commandsLow, today.commands, \.commands, evaluated: { $0.median >= 20 }) { $0.score(today.commands) < -scoreLimit },
            reading(.registrationsLow, today.registrations, \.registrations, evaluated: { $0.median >= 5 }) {
                $0.score(today.registrations) < -scoreLimit
            },
            reading(.conversionsLow, today.conversions, \.conversions, evaluated: { _ in true }) {
                poissonCDF(today.conversions, mean: $0.median) < poissonLimit
            },
            reading(.errorsHigh, today.errors, \.errors, evaluated: { _ in today.commands >= 20 }) { $0.score(today.errors) > scoreLimit },
        ]
    }
}
