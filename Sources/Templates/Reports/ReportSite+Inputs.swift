import Glibc
import Metrics

extension ReportSite {
    /// What every report depends on besides its own snapshots: the
    /// settings it shows, the layout, and the program that renders it.
    var commonInputs: UInt64 {
        var hasher = FNVHash()
        for text in [settings.title, baseURL, settings.calendar.timeZoneName, String(describing: settings.costRate),
                     String(settings.topCommands), SentinelVersion.current] {
            hasher.combine(Array(text.utf8))
            hasher.combine(word: 0xFF)
        }
        hasher.combine(word: templates.layoutDigest)
        hasher.combine(word: ReportSite.programIdentity)
        // cmark-gfm is Debian's shared library: an upgrade may change the HTML.
        hasher.combine(Array(MarkdownRenderer.version.utf8))
        return hasher.value
    }

    /// A digest of everything a report is made from, nil when a snapshot
    /// it shows has no digest (then it is always rendered). A day shows
    /// the figures of itself, the day before and a week before (each of
    /// the 30 days ending there) and charts of its 30 days: the 37 days
    /// ending on it. A period shows its days and the period before (with
    /// its closing day's 30 days), and its cohorts and funnels, which
    /// later snapshots complete.
    func inputs(_ job: Job, entry: Entry, siblings: Siblings, common: UInt64) -> UInt64? {
        var hasher = FNVHash()
        hasher.combine(word: common)
        let position = siblings.positions[job.name]!
        let around = [position > 0 ? siblings.names[position - 1] : "", job.key,
                      position + 1 < siblings.names.count ? siblings.names[position + 1] : "", entry.parent?.name ?? ""]
        for text in around {
            hasher.combine(Array(text.utf8))
            hasher.combine(word: 0xFF)
        }
        if job.kind == "daily" {
            guard let days = history.digest(from: job.day.adding(days: -36), through: job.day) else { return nil }
            hasher.combine(word: days)
        } else {
            let (period, before) = periods(job)
            guard let days = history.digest(from: before.first.adding(days: -29), through: period.last) else { return nil }
            hasher.combine(word: days)
            let rows = ReportSections.periodRows(period, analytics)
            for cohort in rows.cohorts {
                // Bit patterns: a snapshot may hold a negative count, which the report shows.
                hasher.combine(word: UInt64(bitPattern: Int64(cohort.monday.ordinal)))
                hasher.combine(word: UInt64(bitPattern: Int64(cohort.size)))
                hasher.combine(word: cohort.lastInProgress ? 1 : 0)
                for active in cohort.active { hasher.combine(word: active.map { UInt64(bitPattern: Int64($0)) } ?? UInt64.max) }
                hasher.combine(word: UInt64.max - 1)
            }
            for row in rows.in7 {
                for word in [row.cohort.ordinal, row.registered, row.activated, row.returned, row.converted] { hasher.combine(word: UInt64(bitPattern: Int64(word))) }
            }
            hasher.combine(word: UInt64.max - 2)
            for row in rows.in30 {
                for word in [row.cohort.ordinal, row.registered, row.converted] { hasher.combine(word: UInt64(bitPattern: Int64(word))) }
            }
        }
        return hasher.value
    }

    /// The running program's file (device, inode, size, modification
    /// time): a new build of Sentinel renders every report again. Without
    /// /proc, a value of this run alone: nothing is kept.
    static let programIdentity: UInt64 = {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return UInt64.random(in: 1...UInt64.max) }
        var hasher = FNVHash()
        for word in [UInt64(info.st_dev), UInt64(info.st_ino), UInt64(info.st_size), UInt64(bitPattern: Int64(info.st_mtim.tv_sec)),
                     UInt64(info.st_mtim.tv_nsec)] {
            hasher.combine(word: word)
        }
        return hasher.value
    }()
}
