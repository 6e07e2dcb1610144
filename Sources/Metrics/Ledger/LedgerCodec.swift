/// The binary forms of the ledger's blobs: a user's active days, a day
/// record, the unread gaps and the recent entries.
public enum LedgerCodec {
    /// Active days, 8 bytes each: the day, then the offset with the command flag on top.
    public static func encode(_ activity: [ActiveDay]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(activity.count * 8)
        for item in activity {
            let day = UInt32(bitPattern: item.day)
            let packed = UInt32(item.firstOffsetMs) | (item.ranCommand ? 0x8000_0000 : 0)
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: day >> UInt32(shift))) }
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: packed >> UInt32(shift))) }
        }
        return bytes
    }

    /// Active days from their bytes.
    public static func decodeActivity(_ bytes: UnsafeRawBufferPointer) -> [ActiveDay] {
        let count = bytes.count / 8
        var result: [ActiveDay] = []
        result.reserveCapacity(count)
        for i in 0..<count {
            let day = bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt32.self).littleEndian
            let packed = bytes.loadUnaligned(fromByteOffset: i * 8 + 4, as: UInt32.self).littleEndian
            result.append(ActiveDay(day: Int32(bitPattern: day), firstOffsetMs: Int32(packed & 0x7FFF_FFFF), ranCommand: packed & 0x8000_0000 != 0))
        }
        return result
    }

    /// A day record, names written as their bytes.
    public static func encode(_ record: DayRecord, state: LedgerState) -> [UInt8] {
        var w = ByteWriter()
        w.write(1)  // the record's format
        for value in [record.eventsRead, record.commands, record.errors, record.conversions, record.cancellations] { w.write(value) }
        w.write(record.newMRR); w.write(record.churnedMRR); w.write(record.apiCostTotal)
        w.write(record.rejected.count); for value in record.rejected { w.write(value) }
        for (map, names) in [(record.byCommand, state.commandNames), (record.byCommandPaying, state.commandNames),
                             (record.bySource, state.sourceNames), (record.apiCalls, state.providerNames)] {
            w.write(map.count)
            for (id, count) in map.sorted(by: { $0.key < $1.key }) { w.write(names.bytes(of: id)); w.write(count) }
        }
        w.write(record.apiCost.count)
        for (id, cost) in record.apiCost.sorted(by: { $0.key < $1.key }) { w.write(state.providerNames.bytes(of: id)); w.write(cost) }
        w.write(record.latencies.count); for value in record.latencies { w.write(value) }
        w.write(DayRecord.hourSlots)
        for value in record.hourlyCounts { w.write(value) }
        w.write(record.hourlyCost.count); for value in record.hourlyCost { w.write(value) }
        return w.bytes
    }

    /// A day record from its bytes, its names interned into `state`.
    public static func decodeDay(_ bytes: [UInt8], state: inout LedgerState) throws(ByteReader.Truncated) -> DayRecord {
        var r = ByteReader(bytes)
        guard try r.int() == 1 else { throw ByteReader.Truncated() }
        var record = DayRecord()
        record.eventsRead = try r.int(); record.commands = try r.int(); record.errors = try r.int()
        record.conversions = try r.int(); record.cancellations = try r.int()
        record.newMRR = try r.money(); record.churnedMRR = try r.money(); record.apiCostTotal = try r.money()
        let reasons = try r.count()
        for i in 0..<reasons { let v = try r.int(); if i < record.rejected.count { record.rejected[i] = v } }
        func map(_ names: inout ByteInterner) throws(ByteReader.Truncated) -> [Int32: Int] {
            var result: [Int32: Int] = [:]
            for _ in 0..<(try r.count()) { let name = try r.data(); result[names.intern(name)] = try r.int() }
            return result
        }
        record.byCommand = try map(&state.commandNames)
        record.byCommandPaying = try map(&state.commandNames)
        record.bySource = try map(&state.sourceNames)
        record.apiCalls = try map(&state.providerNames)
        for _ in 0..<(try r.count()) { let name = try r.data(); record.apiCost[state.providerNames.intern(name)] = try r.money() }
        let latencies = try r.count()
        record.latencies.reserveCapacity(latencies)
        for _ in 0..<latencies { record.latencies.append(Int64(try r.int())) }
        guard try r.count() == DayRecord.hourSlots else { throw ByteReader.Truncated() }
        for i in 0..<record.hourlyCounts.count { record.hourlyCounts[i] = try r.int() }
        let n = try r.count()
        for i in 0..<n { let v = try r.money(); if i < record.hourlyCost.count { record.hourlyCost[i] = v } }
        return record
    }

    /// The unread gaps.
    public static func encode(_ gaps: [UnreadGap]) -> [UInt8] {
        var w = ByteWriter()
        w.write(gaps.count)
        for gap in gaps { w.write(gap.fromMs); w.write(gap.toMs) }
        return w.bytes
    }

    /// The unread gaps from their bytes.
    public static func decodeGaps(_ bytes: [UInt8]) throws(ByteReader.Truncated) -> [UnreadGap] {
        var r = ByteReader(bytes)
        return try (0..<(try r.count())).map { (_: Int) throws(ByteReader.Truncated) in
            UnreadGap(fromMs: Int64(try r.int()), toMs: Int64(try r.int()))
        }
    }

    /// The recent entries.
    public static func encode(_ recent: RecentActivity) -> [UInt8] {
        var w = ByteWriter()
        w.write(recent.lastActivityMs.map { Int($0) } ?? Int.min)
        w.write(recent.commands.count); for ms in recent.commands { w.write(ms) }
        w.write(recent.errors.count); for ms in recent.errors { w.write(ms) }
        w.write(recent.apiCosts.count); for item in recent.apiCosts { w.write(item.ms); w.write(item.cost) }
        return w.bytes
    }

    /// The recent entries from their bytes.
    public static func decodeRecent(_ bytes: [UInt8]) throws(ByteReader.Truncated) -> RecentActivity {
        var r = ByteReader(bytes)
        var recent = RecentActivity()
        let last = try r.int()
        recent.lastActivityMs = last == Int.min ? nil : Int64(last)
        for _ in 0..<(try r.count()) { recent.commands.append(Int64(try r.int())) }
        for _ in 0..<(try r.count()) { recent.errors.append(Int64(try r.int())) }
        for _ in 0..<(try r.count()) { let ms = Int64(try r.int()); recent.apiCosts.append((ms, try r.money())) }
        return recent
    }
}
