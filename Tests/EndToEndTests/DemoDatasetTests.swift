import Testing
@testable import sentinel_gen

/// The demo's data has what the version 2 figures need: churn, plan
/// switches, refunds and customers who come back.
@Suite struct DemoDatasetTests {
    @Test func theDemoHasEveryKindOfPaymentStory() {
        let data = DemoDataset(seed: 1, days: 90, now: 1_795_600_000_000)
        let payments = data.entries.filter { ($0.fields[1] == "conversion" || $0.fields[1] == "cancellation") && $0.fields.count >= 12 }
        let cancellations = payments.filter { $0.fields[1] == "cancellation" }.count
        var switches = 0, last: [String: String] = [:]
        for entry in payments {
            let user = entry.fields[3], interval = entry.fields[9]
            if entry.fields[1] == "conversion", let previous = last[user], previous != interval { switches += 1 }
            last[user] = interval
        }
        var since: [String: Int64] = [:], held: Int64 = 0
        for entry in payments {
            let ms = Int64(entry.id.prefix { $0 != "-" })!
            if entry.fields[1] == "conversion" { since[entry.fields[3]] = ms } else if let s = since.removeValue(forKey: entry.fields[3]) { held += ms - s }
        }
        for (_, s) in since { held += 1_795_600_000_000 - s }
        #expect(cancellations >= 10 && switches >= 2 && held > 1_000 * 86_400_000)
    }
}
