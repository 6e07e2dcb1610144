/// The whole ledger in memory: what a run loads, changes and saves.
///
/// Users are kept in a dense array indexed through their pseudonym; the
/// sets of what a run touched tell the database what to write.
public struct LedgerState: Sendable {
    /// Settings and reading position.
    public var meta: LedgerMeta
    /// Every user the ledger knows.
    public private(set) var users: [LedgerUser] = []
    /// Pseudonym -> index in `users`.
    public private(set) var userIndex: [Int64: Int32] = [:]
    /// Payments applied, in stream order.
    public var payments: [LedgerPayment] = []
    /// Day records by the day's ordinal.
    public var days: [Int: DayRecord] = [:]
    /// Pseudonyms of forgotten users: their entries are left out.
    public var forgotten: Set<Int64> = []
    /// Command names of the day records.
    public var commandNames = ByteInterner()
    /// Sources of the day records.
    public var sourceNames = ByteInterner()
    /// Providers of the day records.
    public var providerNames = ByteInterner()

    /// Users changed since the state was loaded, by index.
    public private(set) var touched: [Bool] = []
    /// Days changed since the state was loaded.
    public var touchedDays: Set<Int> = []
    /// Payments before this index are already saved.
    public var savedPayments = 0
    /// Day records from this ordinal on were dropped (by `rewind`): the
    /// database's are deleted when saving, never loaded.
    public var droppedFrom: Int?
    /// Payments from this instant on were dropped (by `rewind`).
    public var droppedPaymentsFrom: Int64?

    /// A state with no entries.
    public init(meta: LedgerMeta) { self.meta = meta }

    /// The index of a user, added when new.
    public mutating func index(of pseudonym: Int64) -> Int32 {
        if let index = userIndex[pseudonym] { return index }
        let index = Int32(users.count)
        users.append(LedgerUser(pseudonym: pseudonym))
        userIndex[pseudonym] = index
        touched.append(true)
        return index
    }

    /// Makes room for `count` users.
    public mutating func reserveUsers(_ count: Int) {
        users.reserveCapacity(count)
        userIndex.reserveCapacity(count)
        touched.reserveCapacity(count)
    }

    /// Adds a user as loaded (not marked as changed).
    public mutating func load(_ user: LedgerUser) {
        userIndex[user.pseudonym] = Int32(users.count)
        users.append(user)
        touched.append(false)
    }

    /// Changes a user and marks it for saving.
    public mutating func update(_ index: Int32, _ change: (inout LedgerUser) -> Void) {
        change(&users[Int(index)])
        touched[Int(index)] = true
    }

    /// The users to save.
    public var touchedUsers: [LedgerUser] { users.indices.filter { touched[$0] }.map { users[$0] } }

    /// The user of a pseudonym, if known.
    public func user(_ pseudonym: Int64) -> LedgerUser? {
        userIndex[pseudonym].map { users[Int($0)] }
    }

    /// Payments not yet saved.
    public var newPayments: ArraySlice<LedgerPayment> { payments[savedPayments...] }

    /// True when every entry of a day was read: the ledger's first entry is
    /// at or before the day's start.
    public func covers(dayStart: Int64) -> Bool {
        guard let first = meta.eventsFrom else { return false }
        return first <= dayStart
    }
}
