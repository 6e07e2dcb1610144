extension LedgerState {
    /// Forgets everything applied at or after `ms` (a day's start), so that
    /// the next read applies those entries again: after `forget`, the days
    /// without a complete snapshot are rebuilt from the stream without the
    /// forgotten users, as `--recompute` would build them.
    public mutating func rewind(to ms: Int64, day: Int, dayStart: (Int) -> Int64) {
        droppedFrom = day
        droppedPaymentsFrom = ms
        days = days.filter { $0.key < day }
        touchedDays = touchedDays.filter { $0 < day }
        payments.removeAll { $0.ms >= ms }
        savedPayments = payments.count
        for index in users.indices {
            let user = users[index]
            let kept = user.activity.prefix { Int($0.day) < day }
            let registration = user.firstRegistrationMs.map { $0 >= ms } ?? false
            guard kept.count != user.activity.count || registration else { continue }
            update(Int32(index)) { record in
                record.activity = Array(kept)
                if registration { record.firstRegistrationMs = nil; record.firstSource = nil }
            }
        }
        meta.recent.commands.removeAll { $0 >= ms }
        meta.recent.errors.removeAll { $0 >= ms }
        meta.recent.apiCosts.removeAll { $0.ms >= ms }
        if let last = meta.recent.lastActivityMs, last >= ms {
            // The first activity of each user's last day kept: the latest
            // instant the ledger still knows someone was active.
            meta.recent.lastActivityMs = users.compactMap { user in
                user.activity.last.map { dayStart(Int($0.day)) + Int64($0.firstOffsetMs) }
            }.max()
        }
        // Read again from `ms` on, or from the cursor when it is earlier
        // (entries before `ms` it had not passed were never applied).
        let restart = Array("\(ms - 1)-18446744073709551615".utf8)
        if let cursor = meta.cursor, EventApplier.precedes(cursor, restart) {} else { meta.cursor = restart }
        meta.addedThroughCursor = nil
        meta.rebuildFrom = nil
    }
}
