extension LedgerState {
    /// Forgets everything applied at or after `ms` (a day's start), so that
    /// the next read applies those entries again: after `forget`, the days
    /// without a complete snapshot are rebuilt from the stream without the
    /// forgotten users, as `--recompute` would build them.
    public mutating func rewind(to ms: Int64, day: Int) {
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
            let conversion = user.firstConversionMs.map { $0 >= ms } ?? false
            guard kept.count != user.activity.count || registration || conversion else { continue }
            update(Int32(index)) { record in
                record.activity = Array(kept)
                if registration { record.firstRegistrationMs = nil; record.firstSource = nil }
                if conversion { record.firstConversionMs = nil }
            }
        }
        meta.recent.commands.removeAll { $0 >= ms }
        meta.recent.errors.removeAll { $0 >= ms }
        meta.recent.apiCosts.removeAll { $0.ms >= ms }
        if let last = meta.recent.lastActivityMs, last >= ms { meta.recent.lastActivityMs = ms - 1 }
        meta.cursor = Array("\(ms - 1)-18446744073709551615".utf8)
        meta.addedThroughCursor = nil
        meta.rebuildFrom = nil
    }
}
