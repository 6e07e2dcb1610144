import Metrics

/// Sections that daily, weekly and monthly reports share.
enum ReportSections {
    /// A name-count table, largest first (ties by name bytes), or a
    /// sentence when there is nothing.
    static func counts(_ doc: inout MarkdownDocument, title: String, column: String, _ items: [NamedCount], empty: String) {
        doc.heading(3, title)
        guard !items.isEmpty else { doc.paragraph(empty); return }
        var table = MarkdownTable([column, "Count"], numeric: [1])
        for item in byCount(items) { table.row([MarkdownText.code(item.name.description), Display.count(item.count)]) }
        doc.table(table)
    }

    /// The `limit` largest counts, ties by name bytes.
    static func top(_ items: [NamedCount], _ limit: Int) -> [NamedCount] { Array(byCount(items).prefix(limit)) }

    /// Largest count first, ties by name bytes.
    static func byCount(_ items: [NamedCount]) -> [NamedCount] {
        items.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
    }

    /// Costs by provider, infrastructure and totals.
    static func costs(_ doc: inout MarkdownDocument, api: [ProviderCost], apiTotal: Money, infrastructure: Money,
                      currency: String, extra: [(String, String)]) {
        doc.heading(2, "Costs")
        if api.isEmpty {
            doc.paragraph("No API calls.")
        } else {
            var table = MarkdownTable(["Provider", "Calls", "Cost"], numeric: [1, 2])
            // Most expensive first, ties by name bytes.
            for item in api.sorted(by: { $0.cost != $1.cost ? $0.cost > $1.cost : $0.provider < $1.provider }) {
                table.row([MarkdownText.code(item.provider.description), Display.count(item.calls), Display.money(item.cost, currency)])
            }
            doc.table(table)
        }
        var totals = MarkdownTable(["Costs", "Value"], numeric: [1])
        totals.row(["API", Display.money(apiTotal, currency)])
        totals.row(["Infrastructure", Display.money(infrastructure, currency)])
        totals.row(["Total", Display.money(apiTotal + infrastructure, currency)])
        for (name, value) in extra { totals.row([name, value]) }
        doc.table(totals)
    }

    /// Events read, rejections, and a note on incomplete windows.
    static func dataQuality(_ doc: inout MarkdownDocument, eventsRead: Int, rejected: [NamedCount], windowsComplete: Bool?) {
        doc.heading(2, "Data quality")
        let total = rejected.reduce(0) { $0 + $1.count }
        doc.paragraph("\(Display.count(eventsRead)) events read, \(Display.count(total)) entries rejected.")
        if !rejected.isEmpty {
            var table = MarkdownTable(["Reason", "Count"], numeric: [1])
            for item in byCount(rejected) { table.row(["`\(item.name)`", Display.count(item.count)]) }
            doc.table(table)
        }
        if windowsComplete == false {
            doc.paragraph("*Note: Redis no longer holds every event of the 30 days ending here, so the 7- and 30-day figures count only the events that were read.*")
        }
    }
}
