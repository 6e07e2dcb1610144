import Dispatch
import Glibc
import Metrics

extension ReportSite {
    /// A report's neighbours: the names of its kind, and where each is.
    typealias Siblings = (names: [String], positions: [String: Int])

    /// Renders every report whose inputs changed since `kept` (the current
    /// release's record, with its folder) and keeps the others' files; the
    /// archive. Each report (figures, Markdown, charts, HTML, page) is made
    /// on any core. `extras` (the API, the CSV files, the dashboard) are
    /// made on the same cores at the same time, first, since they are the
    /// longest. `ready` gets each report's files as soon as they are made.
    func files(alongside extras: [@Sendable () -> [SiteFile]] = [], kept: (record: PageRecord, folder: String)? = nil,
               ready: (@Sendable ([SiteFile]) -> Void)? = nil)
        throws(MarkdownRenderer.Failure) -> (files: [SiteFile], pages: [String: PageRecord.Page], repairs: [String]) {
        let jobs = self.jobs
        let renderer = MarkdownRenderer()
        var names: [String: [String]] = [:]
        for job in jobs { names[job.kind, default: []].append(job.name) }
        let siblings = names.mapValues { list in (list, Dictionary(uniqueKeysWithValues: list.enumerated().map { ($1, $0) })) }
        let common = commonInputs
        typealias Made = (files: [SiteFile]?, page: PageRecord.Page?, repair: Bool)
        let slots = UnsafeMutableBufferPointer<Made?>.allocate(capacity: jobs.count)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        let extraSlots = UnsafeMutableBufferPointer<[SiteFile]>.allocate(capacity: extras.count)
        extraSlots.initialize(repeating: [])
        defer { extraSlots.deinitialize(); extraSlots.deallocate() }
        let shared = SendableBuffer(slots), sharedExtras = SendableBuffer(extraSlots)
        // The archive and the feed list every entry: made beside the reports, not after them.
        let entries = jobs.map { self.entry($0) }
        let keptSizes = kept.map { FolderSizes(root: $0.folder) }
        let archive = Slot<SiteFile>(), feed = Slot<SiteFile>()
        // Months, then weeks, then days: the longest reports start first,
        // so that no core is left alone with one at the end.
        let order = jobs.indices.filter { jobs[$0].kind == "monthly" } + jobs.indices.filter { jobs[$0].kind == "weekly" }
            + jobs.indices.filter { jobs[$0].kind == "daily" }
        DispatchQueue.concurrentPerform(iterations: extras.count + 2 + jobs.count) { index in
            if index < extras.count {
                sharedExtras.buffer[index] = extras[index]()
                return
            }
            if index == extras.count {
                archive.value = self.archive(entries)
                ready?([archive.value!])
                return
            }
            if index == extras.count + 1 {
                feed.value = self.feed(entries)
                ready?([feed.value!])
                return
            }
            let position = order[index - extras.count - 2]
            let job = jobs[position], entry = entries[position]
            let family = siblings[job.kind]!
            let inputs = self.inputs(job, entry: entry, siblings: family, common: common)
            // Inputs as recorded but a file the record lists lost: rendered, and put back.
            var repair = false
            if let inputs, let kept, let page = kept.record.pages[job.key], page.inputs == inputs {
                if let keptSizes, let files = ReportSite.unchanged(page, in: kept.record, sizes: keptSizes) {
                    shared.buffer[position] = (files, PageRecord.Page(inputs: inputs, files: files.map(\.path)), false)
                    ready?(files)
                    return
                }
                repair = true
            }
            let (markdown, charts) = self.report(job)
            let made = (try? renderer.html(from: markdown)).map {
                [SiteFile(path: "reports/\(job.kind)/\(job.name).md", bytes: markdown), self.page(entry, content: $0, siblings: family)] + charts
            }
            if let made, let ready { ready(made) }
            shared.buffer[position] = (made, inputs.map { PageRecord.Page(inputs: $0, files: (made ?? []).map(\.path)) }, repair)
        }
        var files: [SiteFile] = extraSlots.flatMap { $0 }
        var pages: [String: PageRecord.Page] = [:]
        var repairs: [String] = []
        for (slot, job) in zip(slots, jobs) {
            let made = slot!
            guard let made = made.files else { throw MarkdownRenderer.Failure(description: "cmark-gfm failed on \(job.kind)/\(job.name)") }
            files.append(contentsOf: made)
            if let page = slot!.page { pages[job.key] = page }
            if slot!.repair { repairs += made.map(\.path) }
        }
        files.append(archive.value!)
        files.append(feed.value!)
        return (files, pages, repairs)
    }

    /// The kept files of a report whose inputs are those recorded, when
    /// the current release still has each at its recorded size.
    static func unchanged(_ page: PageRecord.Page, in record: PageRecord, sizes: FolderSizes) -> [SiteFile]? {
        var files: [SiteFile] = []
        for path in page.files {
            guard let file = record.files[path], sizes.size(of: path) == file.size else { return nil }
            files.append(SiteFile(kept: path, size: file.size, digest: file.digest))
        }
        return files
    }

    /// The page of a report, with links to its neighbours and parent.
    func page(_ entry: Entry, content: String, siblings kind: Siblings) -> SiteFile {
        let siblings = kind.names
        let position = kind.positions[entry.name]!
        var context: [String: Any] = [
            "title": entry.title, "site_title": settings.title, "description": description(entry.job),
            "root": "../../", "content": content, "markdown": "\(entry.name).md", "in_progress": entry.inProgress,
        ]
        if !baseURL.isEmpty { context["og_url"] = "\(baseURL)reports/\(entry.kind)/\(entry.name).html" }
        if position > 0 { context["previous"] = ["href": "\(siblings[position - 1]).html", "label": siblings[position - 1]] }
        if position + 1 < siblings.count { context["next"] = ["href": "\(siblings[position + 1]).html", "label": siblings[position + 1]] }
        if let parent = entry.parent {
            context["parent"] = ["href": "../\(parent.kind)/\(parent.name).html", "label": parent.kind == "weekly" ? "Week \(parent.name)" : "Month \(parent.name)"]
        }
        return SiteFile(path: "reports/\(entry.kind)/\(entry.name).html", bytes: templates.pageBytes(context))
    }
}
