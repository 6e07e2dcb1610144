import Foundation
import Synchronization
import Metrics
import Templates

/// `sentinel-gen build` as named steps: load the snapshots, render the
/// reports (Markdown, then HTML), publish. It reads the state directory
/// only, never Redis.
public struct SiteBuild {
    /// The configuration in force.
    public let configuration: Configuration
    /// The state directory.
    public let stateDirectory: String
    /// `--output`.
    public let output: String
    /// The templates folder.
    public let templatesDirectory: String
    /// The build's `now`, unix ms (`built_at`; stale data).
    public let now: Int64
    /// The alerts to publish; nil reads `STATE/alerts.json` (`build` alone).
    public var alerts: AlertBook?
    /// False when the process ends after the build (`sentinel-gen build`):
    /// the site's files and the parsed snapshots are then left to the
    /// exit instead of being freed one by one, which takes a single core
    /// some 20 ms at three years (compilers do the same).
    public var freesMemory = true

    /// A build.
    public init(configuration: Configuration, stateDirectory: String, output: String, templatesDirectory: String, now: Int64) {
        self.configuration = configuration
        self.stateDirectory = stateDirectory
        self.output = output
        self.templatesDirectory = templatesDirectory
        self.now = now
    }

    /// Runs the steps into a claimed `target`; `progress` gets one line per step.
    public func run(into target: PublishTarget, progress: (String) -> Void) throws(JobFailure) -> (outcome: SitePublisher.Outcome, data: SiteData) {
        var clock = StepClock()
        // The templates are parsed on the other core while the snapshots load.
        let templatesLoaded = DispatchGroup(), loadedTemplates = Slot<Result<TemplateSet, TemplateSet.Failure>>()
        let templatesDirectory = self.templatesDirectory
        DispatchQueue.global().async(group: templatesLoaded) {
            loadedTemplates.value = Result { () throws(TemplateSet.Failure) in try TemplateSet(directory: templatesDirectory) }
        }
        // So is the current release's page record, which only the release reads.
        let recordRead = Slot<(release: String, record: PageRecord?)?>(), publisher = target.publisher
        DispatchQueue.global().async(group: templatesLoaded) { recordRead.value = StagedRelease.currentRecord(publisher) }
        let history = try loadSnapshots()
        let alerts: AlertBook
        if let given = self.alerts { alerts = given } else {
            do { alerts = try AlertStore(stateDirectory: stateDirectory).load(thresholds: configuration.alerts) } catch {
                throw JobFailure(.failure, step: "load alerts", path: error.path, error.description)
            }
        }
        progress("[1/3] loaded \(Format.grouped(history.snapshots.count)) snapshots from \(stateDirectory)/snapshots in \(clock.lap())")

        templatesLoaded.wait()
        let templates: TemplateSet
        do { templates = try loadedTemplates.value!.get() } catch {
            throw JobFailure(.failure, step: "load templates", path: error.path, error.description)
        }
        let data = SiteData(history: history, settings: ReportSettings(configuration: configuration), alerts: alerts,
                            thresholds: configuration.alerts, now: now, baseURL: configuration.site.baseURL)
        // The release is written while the site is rendered.
        let release: StagedRelease
        do { release = try StagedRelease(target.publisher, builtAt: Timestamp.format(ms: now), recordRead: recordRead.value ?? nil) } catch {
            throw JobFailure(.failure, step: "publish", path: error.path, error.description)
        }
        let files: [SiteFile], record: PageRecord, repairs: [String]
        let kept = release.record.flatMap { record in release.currentFolder.map { (record, $0) } }
        do { (files, record, repairs) = try SiteContent(data: data, templates: templates).files(kept: kept, ready: release.add) } catch {
            release.abandon()
            throw JobFailure(.failure, step: "render", path: nil, error.description)
        }
        var reports = 0, rendered = 0
        for file in files where file.path.hasSuffix(".md") {
            reports += 1
            if !file.kept { rendered += 1 }
        }
        let unchanged = rendered == reports ? "" : " (\(Format.grouped(reports - rendered)) unchanged since the last build)"
        progress("[2/3] rendered \(Format.grouped(rendered)) reports\(unchanged), the dashboard, the API and the CSV files (\(Format.grouped(files.count)) files) in \(clock.lap())")

        let outcome: SitePublisher.Outcome
        do { outcome = try release.publish(files, record: record, repairs: repairs) } catch {
            throw JobFailure(.failure, step: "publish", path: error.path, error.description)
        }
        if outcome.unchanged {
            let repaired = outcome.repaired == 0 ? "" : "; \(Format.grouped(outcome.repaired)) files it had lost put back"
            progress("[3/3] \(output) is up to date (build \(outcome.buildID))\(repaired) in \(clock.lap())")
        } else {
            progress("[3/3] published \(output) -> \(output).releases/\(outcome.buildID): \(outcome.written) files written, \(outcome.linked) unchanged in \(clock.lap())")
        }
        if !freesMemory { ProcessLifetime.keep([files, data, release]) }
        return (outcome, data)
    }

    /// Every `snapshots/YYYY-MM-DD.json`; an unreadable one is an error naming it.
    func loadSnapshots() throws(JobFailure) -> SnapshotHistory {
        let directory = "\(stateDirectory)/snapshots"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw JobFailure(.failure, step: "load snapshots", path: directory,
                             "\(directory): no snapshots (run `sentinel-gen snapshot` first, or check --state)")
        }
        let store = SnapshotStore(stateDirectory: stateDirectory)
        let days = names.sorted().compactMap { name in name.hasSuffix(".json") ? LocalDay(String(name.dropLast(5))) : nil }
        // Files are read and parsed on every core.
        let slots = UnsafeMutableBufferPointer<Result<(Snapshot, UInt64)?, SnapshotStoreError>?>.allocate(capacity: days.count)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        let shared = SendableBuffer(slots)
        DispatchQueue.concurrentPerform(iterations: days.count) { index in
            do throws(SnapshotStoreError) {
                var digest: UInt64?
                let snapshot = try store.read(days[index], digest: &digest)
                shared.buffer[index] = .success(snapshot.map { ($0, digest ?? 0) })
            } catch {
                shared.buffer[index] = .failure(error)
            }
        }
        var snapshots: [Snapshot] = []
        var digests: [Int: UInt64] = [:]
        snapshots.reserveCapacity(days.count)
        digests.reserveCapacity(days.count)
        for slot in slots {
            switch slot! {
            case .success(let read):
                if let (snapshot, digest) = read { snapshots.append(snapshot); digests[snapshot.date.ordinal] = digest }
            case .failure(let error): throw JobFailure(.failure, step: "load snapshots", path: error.path, error.description)
            }
        }
        return SnapshotHistory(snapshots, digests: digests)
    }
}

/// Values kept until the process exits, never freed: what a command that
/// ends right after its work would otherwise free for nothing.
enum ProcessLifetime {
    private static let kept = Mutex<[any Sendable]>([])

    static func keep(_ values: [any Sendable]) { kept.withLock { $0.append(contentsOf: values) } }
}
