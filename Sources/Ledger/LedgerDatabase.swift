import Foundation
import GRDB
import Metrics

/// Why the ledger could not be read or written.
public struct LedgerError: Error, CustomStringConvertible {
    /// What went wrong, with the file's path.
    public let description: String
}

/// `STATE/ledger.sqlite`: the one file that reaches SQLite (through GRDB).
/// WAL journal, one transaction per save, so a run killed at any moment
/// leaves the ledger as it was before the run or as the run committed it.
public final class LedgerDatabase {
    /// The file.
    public let path: String
    private let queue: DatabaseQueue

    /// The ledger's file in a state directory.
    public static func path(in stateDirectory: String) -> String { stateDirectory + "/ledger.sqlite" }

    /// Finishes or undoes a `--recompute` swap a killed run left: the new
    /// ledger is built beside the old one as `ledger.sqlite.new`; without
    /// the old one it is the ledger, with it an unfinished build.
    public static func recover(in stateDirectory: String) {
        let path = path(in: stateDirectory), new = path + ".new"
        guard FileManager.default.fileExists(atPath: new) else { return }
        if FileManager.default.fileExists(atPath: path) {
            for file in [new, new + "-wal", new + "-shm"] { unlink(file) }
        } else {
            // A WAL left beside it holds at most a commit that was never
            // folded in: dropped, the next run reads Redis again.
            rename(new, path)
            for file in [new + "-wal", new + "-shm"] { unlink(file) }
        }
    }

    /// Closes the database, its WAL folded into the file first.
    public func close() {
        checkpoint()
        try? queue.close()
    }

    /// Opens the ledger, creating an empty one (mode 0600) when absent.
    public init(path: String) throws(LedgerError) {
        self.path = path
        let created = !FileManager.default.fileExists(atPath: path)
        do {
            var configuration = GRDB.Configuration()
            configuration.busyMode = .timeout(10)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            if created { chmod(path, 0o600) }
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB);
                    CREATE TABLE IF NOT EXISTS users (pseudonym INTEGER PRIMARY KEY, registered_ms INTEGER, source BLOB,
                                                      activity BLOB NOT NULL);
                    CREATE TABLE IF NOT EXISTS payments (position INTEGER PRIMARY KEY, pseudonym INTEGER NOT NULL, ms INTEGER NOT NULL,
                                                         conversion INTEGER NOT NULL, monthly TEXT NOT NULL, plan BLOB NOT NULL,
                                                         yearly INTEGER NOT NULL);
                    CREATE TABLE IF NOT EXISTS days (day INTEGER PRIMARY KEY, record BLOB NOT NULL);
                    CREATE TABLE IF NOT EXISTS forgotten (pseudonym INTEGER PRIMARY KEY);
                    """)
            }
        } catch {
            throw LedgerError(description: "\(path): cannot open the ledger: \(error)")
        }
    }

    /// The ledger's state, or nil when it holds nothing yet.
    public func load() throws(LedgerError) -> LedgerState? {
        do {
            return try queue.read { db -> LedgerState? in
                guard let meta = try LedgerDatabase.meta(db) else { return nil }
                var state = LedgerState(meta: meta)
                state.reserveUsers(try Int.fetchOne(db, sql: "SELECT count(*) FROM users") ?? 0)
                let users = try Row.fetchCursor(db, sql: "SELECT pseudonym, registered_ms, source, activity FROM users")
                // Sources are few: one array each, shared by their users.
                var sources = ByteInterner(), sourceBytes: [[UInt8]] = []
                while let row = try users.next() {
                    var user = LedgerUser(pseudonym: row[0])
                    user.firstRegistrationMs = row[1]
                    if let source = row.dataNoCopy(atIndex: 2) {
                        let id = Int(source.withUnsafeBytes { sources.intern($0) })
                        if id == sourceBytes.count { sourceBytes.append(Array(source)) }
                        user.firstSource = sourceBytes[id]
                    }
                    if let activity = row.dataNoCopy(atIndex: 3) {
                        user.activity = activity.withUnsafeBytes { LedgerCodec.decodeActivity($0) }
                    }
                    state.load(user)
                }
                for row in try Row.fetchAll(db, sql: "SELECT position, pseudonym, ms, conversion, monthly, plan, yearly FROM payments ORDER BY position") {
                    let monthly: String = row[4]
                    state.payments.append(LedgerPayment(position: row[0], pseudonym: row[1], ms: row[2], isConversion: row[3],
                                                        monthly: Money(monthly) ?? .zero, plan: Array(row[5] as Data), yearly: row[6]))
                }
                state.savedPayments = state.payments.count
                for pseudonym in try Int64.fetchAll(db, sql: "SELECT pseudonym FROM forgotten") { state.forgotten.insert(pseudonym) }
                return state
            }
        } catch {
            throw LedgerError(description: "\(path): cannot read the ledger: \(error)")
        }
    }

    /// The ledger's settings and reading position alone, without its rows.
    public func loadMeta() throws(LedgerError) -> LedgerMeta? {
        do { return try queue.read { try LedgerDatabase.meta($0) } }
        catch { throw LedgerError(description: "\(path): cannot read the ledger: \(error)") }
    }

    private static func meta(_ db: Database) throws -> LedgerMeta? {
        var values: [String: DatabaseValue] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta") { values[row[0]] = row[1] as DatabaseValue }
        guard let key = Data.fromDatabaseValue(values["key"] ?? .null) else { return nil }
        func text(_ name: String) -> String { String.fromDatabaseValue(values[name] ?? .null) ?? "" }
        func int(_ name: String) -> Int64? { Int64.fromDatabaseValue(values[name] ?? .null) }
        func blob(_ name: String) -> [UInt8] { Data.fromDatabaseValue(values[name] ?? .null).map { Array($0) } ?? [] }
        var meta = LedgerMeta(key: Array(key), timezone: text("timezone"), revenueCurrency: text("revenue_currency"),
                              costCurrency: text("cost_currency"))
        meta.cursor = values["cursor"].flatMap { String.fromDatabaseValue($0) }.map { Array($0.utf8) }
        meta.eventsFrom = int("events_from")
        meta.lastNow = int("last_now")
        meta.nextPosition = int("next_position") ?? 0
        meta.addedThroughCursor = int("added_through_cursor")
        meta.verifiedThrough = int("verified_through").map { Int($0) }
        meta.rebuildFrom = int("rebuild_from")
        meta.gaps = try LedgerCodec.decodeGaps(blob("gaps"))
        meta.recent = blob("recent").isEmpty ? RecentActivity() : try LedgerCodec.decodeRecent(blob("recent"))
        return meta
    }

    /// Day records of some days, interned into `state`.
    public func loadDays(_ wanted: [Int], into state: inout LedgerState) throws(LedgerError) {
        let ordinals = wanted.filter { $0 < (state.droppedFrom ?? .max) }
        guard !ordinals.isEmpty else { return }
        do {
            let rows = try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT day, record FROM days WHERE day IN (\(ordinals.map(String.init).joined(separator: ",")))")
            }
            for row in rows {
                let day: Int = row[0]
                state.days[day] = try LedgerCodec.decodeDay(Array(row[1] as Data), state: &state)
            }
        } catch {
            throw LedgerError(description: "\(path): cannot read the ledger's days: \(error)")
        }
    }

    /// The ordinals of every day the ledger holds a record of.
    public func dayOrdinals() throws(LedgerError) -> [Int] {
        do { return try queue.read { try Int.fetchAll($0, sql: "SELECT day FROM days ORDER BY day") } }
        catch { throw LedgerError(description: "\(path): cannot read the ledger's days: \(error)") }
    }

    /// Writes what a run changed, in one transaction.
    public func save(_ state: LedgerState) throws(LedgerError) {
        do {
            try queue.inTransaction(.immediate) { db in
                let meta = state.meta
                let values: [(String, DatabaseValueConvertible?)] = [
                    ("key", Data(meta.key)), ("timezone", meta.timezone), ("revenue_currency", meta.revenueCurrency),
                    ("cost_currency", meta.costCurrency), ("cursor", meta.cursor.map { String(decoding: $0, as: UTF8.self) }),
                    ("events_from", meta.eventsFrom), ("last_now", meta.lastNow), ("next_position", meta.nextPosition),
                    ("added_through_cursor", meta.addedThroughCursor), ("verified_through", meta.verifiedThrough), ("rebuild_from", meta.rebuildFrom), ("gaps", Data(LedgerCodec.encode(meta.gaps))),
                    ("recent", Data(LedgerCodec.encode(meta.recent))), ("format", 1),
                ]
                // What `rewind` dropped goes first: the run applied it again.
                if let day = state.droppedFrom { try db.execute(sql: "DELETE FROM days WHERE day >= ?", arguments: [day]) }
                if let ms = state.droppedPaymentsFrom { try db.execute(sql: "DELETE FROM payments WHERE ms >= ?", arguments: [ms]) }
                let setMeta = try db.makeStatement(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")
                for (key, value) in values { try setMeta.execute(arguments: [key, value]) }
                // Rows in key order: SQLite appends instead of splitting pages.
                let users = state.touchedUsers.sorted { $0.pseudonym < $1.pseudonym }
                let setUser = try db.makeStatement(sql: """
                    INSERT OR REPLACE INTO users (pseudonym, registered_ms, source, activity) VALUES (?, ?, ?, ?)
                    """)
                for user in users {
                    try setUser.execute(arguments: [user.pseudonym, user.firstRegistrationMs, user.firstSource.map { Data($0) },
                                                    Data(LedgerCodec.encode(user.activity))])
                }
                let addPayment = try db.makeStatement(sql: """
                    INSERT OR REPLACE INTO payments (position, pseudonym, ms, conversion, monthly, plan, yearly) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                for p in state.newPayments {
                    try addPayment.execute(arguments: [p.position, p.pseudonym, p.ms, p.isConversion, p.monthly.description, Data(p.plan), p.yearly])
                }
                let setDay = try db.makeStatement(sql: "INSERT OR REPLACE INTO days (day, record) VALUES (?, ?)")
                for ordinal in state.touchedDays.sorted() {
                    guard let record = state.days[ordinal] else { continue }
                    try setDay.execute(arguments: [ordinal, Data(LedgerCodec.encode(record, state: state))])
                }
                let forget = try db.makeStatement(sql: "INSERT OR IGNORE INTO forgotten (pseudonym) VALUES (?)")
                let dropUser = try db.makeStatement(sql: "DELETE FROM users WHERE pseudonym = ?")
                let dropPayments = try db.makeStatement(sql: "DELETE FROM payments WHERE pseudonym = ?")
                for pseudonym in state.forgotten.sorted() {
                    try forget.execute(arguments: [pseudonym])
                    try dropUser.execute(arguments: [pseudonym])
                    try dropPayments.execute(arguments: [pseudonym])
                }
                return .commit
            }
        } catch {
            throw LedgerError(description: "\(path): cannot write the ledger: \(error)")
        }
    }

    /// Folds the WAL into the database file, so that a copy or a rename of
    /// `ledger.sqlite` alone holds everything.
    public func checkpoint() {
        _ = try? queue.writeWithoutTransaction { try $0.checkpoint(.truncate) }
    }

    /// Removes users' rows and lists their pseudonyms as forgotten, in one
    /// transaction, deleted pages zeroed; returns how many were known.
    public func forget(_ pseudonyms: [Int64], rebuildFrom: Int64? = nil) throws(LedgerError) -> Int {
        do {
            let found = try queue.writeWithoutTransaction { db -> Int in
                try db.execute(sql: "PRAGMA secure_delete = ON")
                var found = 0
                try db.inTransaction(.immediate) {
                    let known = try db.makeStatement(sql: """
                        SELECT EXISTS (SELECT 1 FROM users WHERE pseudonym = ?1) OR EXISTS (SELECT 1 FROM payments WHERE pseudonym = ?1)
                        """)
                    for pseudonym in Set(pseudonyms) {
                        if try Bool.fetchOne(known, arguments: [pseudonym]) == true { found += 1 }
                        try db.execute(sql: "DELETE FROM users WHERE pseudonym = ?", arguments: [pseudonym])
                        try db.execute(sql: "DELETE FROM payments WHERE pseudonym = ?", arguments: [pseudonym])
                        try db.execute(sql: "INSERT OR IGNORE INTO forgotten (pseudonym) VALUES (?)", arguments: [pseudonym])
                    }
                    if let rebuildFrom {
                        try db.execute(sql: """
                            INSERT INTO meta (key, value) VALUES ('rebuild_from', ?1)
                            ON CONFLICT (key) DO UPDATE SET value = min(coalesce(value, ?1), ?1)
                            """, arguments: [rebuildFrom])
                    }
                    return .commit
                }
                return found
            }
            checkpoint()
            return found
        } catch {
            throw LedgerError(description: "\(path): cannot forget users: \(error)")
        }
    }

    /// Stores a new ledger's settings, so that a `forget` before the first
    /// run has a key to make pseudonyms with.
    public func create(_ meta: LedgerMeta) throws(LedgerError) {
        try save(LedgerState(meta: meta))
    }
}
