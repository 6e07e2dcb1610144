/// The local day of an instant, remembering the last day's bounds: stream
/// entries come in time order, so nearly every lookup is a comparison.
struct DayCache {
    private(set) var start: Int64 = 1
    private var end: Int64 = 0
    private var current = LocalDay(ordinal: 0)

    /// The day holding `ms`; `start` is then that day's start.
    mutating func day(of ms: Int64, calendar: DayCalendar) -> LocalDay {
        if ms >= start && ms < end { return current }
        current = calendar.day(containing: ms)
        start = calendar.start(of: current)
        end = calendar.start(of: current.adding(days: 1))
        return current
    }
}

extension EventApplier {
    /// The two numbers of an entry ID (`ms-seq`). Redis allows up to
    /// 2^64 - 1; a time past Int64's range is clamped (it is after any now).
    public static func idParts(_ id: UnsafeRawBufferPointer) -> (ms: Int64, seq: UInt64)? {
        var parts: (UInt64, UInt64) = (0, 0)
        var digits = 0, overflow = false, second = false
        for byte in id {
            if byte == UInt8(ascii: "-") && !second {
                guard digits > 0 else { return nil }
                second = true
                continue
            }
            guard byte >= 48 && byte <= 57 else { return nil }
            var value = second ? parts.1 : parts.0
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(UInt64(byte - 48))
            value = plus
            if !second { overflow = overflow || o1 || o2; parts.0 = value } else { parts.1 = value }
            digits += 1
        }
        guard digits > 0 else { return nil }
        return (overflow || parts.0 > UInt64(Int64.max) ? Int64.max : Int64(parts.0), parts.1)
    }

    /// The milliseconds of an entry ID.
    public static func milliseconds(of id: UnsafeRawBufferPointer) -> Int64? { idParts(id)?.ms }

    /// Orders two entry IDs as Redis does: by time, then by sequence.
    public static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let pa = a.withUnsafeBytes { idParts($0) }, pb = b.withUnsafeBytes { idParts($0) }
        guard let pa, let pb else { return false }
        return pa.ms != pb.ms ? pa.ms < pb.ms : pa.seq < pb.seq
    }
}
