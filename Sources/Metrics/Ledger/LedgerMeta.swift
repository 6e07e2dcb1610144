/// The ledger's settings and reading position.
public struct LedgerMeta: Sendable, Equatable {
    /// The pseudonyms' HMAC key: 32 random bytes made with the ledger.
    public var key: [UInt8]
    /// The IANA zone the days were cut with.
    public var timezone: String
    /// The revenue currency of every amount kept.
    public var revenueCurrency: String
    /// The cost currency.
    public var costCurrency: String
    /// ID of the last entry applied: the next run reads after it.
    public var cursor: [UInt8]?
    /// The oldest entry ever read (even one after `now`), unix ms.
    public var eventsFrom: Int64?
    /// The latest run's `now`, unix ms.
    public var lastNow: Int64?
    /// The position the next applied entry gets.
    public var nextPosition: Int64 = 0
    /// XINFO STREAM's `entries-added` up to the cursor, when Redis tells.
    public var addedThroughCursor: Int64?
    /// Stretches trimmed before they were read.
    public var gaps: [UnreadGap] = []
    /// Every day up to this ordinal had a complete snapshot at the start of
    /// a run: later runs look at the days after it only.
    public var verifiedThrough: Int?
    /// Set by `forget`: the next run applies again what came at or after
    /// this instant, without the forgotten users.
    public var rebuildFrom: Int64?
    /// The last 24 hours' entries, for the alerts.
    public var recent = RecentActivity()

    /// A new ledger's settings.
    public init(key: [UInt8], timezone: String, revenueCurrency: String, costCurrency: String) {
        self.key = key
        self.timezone = timezone
        self.revenueCurrency = revenueCurrency
        self.costCurrency = costCurrency
    }

    /// The milliseconds of the cursor's ID.
    public var cursorMs: Int64? {
        cursor.flatMap { id in id.withUnsafeBytes { EventApplier.milliseconds(of: $0) } }
    }
}
