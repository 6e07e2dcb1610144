
/// One local day's figures, as `snapshots/YYYY-MM-DD.json` holds them
/// (docs/metrics.md, "The daily snapshot").
public struct Snapshot: Sendable, Equatable {
    /// Whether the day was over at capture.
    public enum Status: String, Sendable { case complete, partial }

    /// Which stream entries the run read.
    public struct Coverage: Sendable, Equatable {
        /// Time of the oldest stream entry read, in unix ms.
        public var eventsFrom: Int64?
        /// Every event of the 30-day window was read.
        public var windowsComplete: Bool
    }

    /// User counts.
    public struct Users: Sendable, Equatable {
        public var total = 0, premium = 0, free = 0, new = 0, active = 0, active7d = 0, active30d = 0
    }

    /// Revenue figures, in the revenue currency.
    public struct Revenue: Sendable, Equatable {
        public var currency: String
        public var mrr = Money.zero
        public var conversions = 0, cancellations = 0
        public var newMRR = Money.zero, churnedMRR = Money.zero
    }

    /// Commands, errors and latency.
    public struct Engagement: Sendable, Equatable {
        public var commands = 0, errors = 0
        /// Every command name, by bytes.
        public var byCommand: [NamedCount] = []
        /// Latency percentiles in millionths of a millisecond.
        public var latencyP50Micros: Int64?, latencyP95Micros: Int64?
    }

    /// Costs, in the cost currency.
    public struct Costs: Sendable, Equatable {
        public var currency: String
        public var api: [ProviderCost] = []
        public var apiTotal = Money.zero
        public var infrastructure = Money.zero
    }

    /// What the run read and rejected for this day.
    public struct DataQuality: Sendable, Equatable {
        public var eventsRead = 0
        /// Reasons, by bytes.
        public var rejected: [NamedCount] = []
    }

    /// 1, or 2 with `analytics`.
    public var schemaVersion: Int { analytics == nil ? 1 : 2 }
    /// The local day.
    public var date: LocalDay
    /// The IANA zone name.
    public var timezone: String
    /// complete or partial.
    public var status: Status
    /// The run's `now`, in unix ms.
    public var capturedAt: Int64
    /// Coverage of the stream.
    public var coverage: Coverage
    /// Users.
    public var users = Users()
    /// Revenue.
    public var revenue: Revenue
    /// Engagement.
    public var engagement = Engagement()
    /// Costs.
    public var costs: Costs
    /// Registration events by source.
    public var acquisitionBySource: [NamedCount] = []
    /// Data quality.
    public var dataQuality = DataQuality()
    /// Version 2's fields; nil in a version 1 snapshot.
    public var analytics: SnapshotAnalytics?

    /// An empty snapshot of a day.
    public init(date: LocalDay, timezone: String, status: Status, capturedAt: Int64,
                coverage: Coverage, revenueCurrency: String, costCurrency: String) {
        self.date = date
        self.timezone = timezone
        self.status = status
        self.capturedAt = capturedAt
        self.coverage = coverage
        revenue = Revenue(currency: revenueCurrency)
        costs = Costs(currency: costCurrency)
    }
}

/// Decimal text of an exact value in millionths (a latency): `850`, `12.5`.
public func decimalText(micros: Int64) -> String {
    let text = Money(micros: Int128(micros)).description
    var trimmed = Substring(text)
    while trimmed.last == "0" { trimmed.removeLast() }
    if trimmed.last == "." { trimmed.removeLast() }
    return String(trimmed)
}
