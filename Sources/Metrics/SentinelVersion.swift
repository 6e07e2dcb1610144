/// The version printed by `--version` and published in `api/health.json`.
public enum SentinelVersion {
    /// Semantic version of this release.
    public static let current = "0.1.0"
}
