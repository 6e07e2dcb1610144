/// Times the steps of a run for its progress lines (`in 1.20 s`).
public struct StepClock {
    private var last = ContinuousClock.now

    /// A clock started now.
    public init() {}

    /// Seconds since the previous lap (or the start), as `1.20 s`.
    public mutating func lap() -> String {
        let now = ContinuousClock.now
        let duration = now - last
        last = now
        let hundredths = Int((Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18) * 100 + 0.5)
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) s"
    }
}
