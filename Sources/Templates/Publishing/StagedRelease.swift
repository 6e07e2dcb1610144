import Dispatch
import Foundation
import Glibc
import Metrics
import Synchronization

/// A release being written while the rest of the site is still rendered:
/// files that are final go into a staging folder beside the releases, on
/// a thread of their own, in batches, as soon as they are made, so that
/// writing them overlaps rendering. `publish` then writes what is missing
/// and makes the folder the release `--output` points at.
public final class StagedRelease: @unchecked Sendable {
    let publisher: SitePublisher
    /// The release `--output` points at now, if any.
    let current: String?
    /// What the current release's record says of its files: unchanged
    /// files are linked without reading them.
    public let record: PageRecord?
    let staging: String
    // One thread: parallel creation in a directory contends for its lock.
    private let queue = DispatchQueue(label: "sentinel-gen.release")
    private let pending = Mutex<[SiteFile]>([])
    // Touched on `queue` only.
    private let stagingFolders: FolderHandles
    private let currentFolders: FolderHandles?
    /// True when the staging folder is an old release being turned into
    /// this one (it holds files already, each checked before it is kept).
    let recycled: Bool
    private var stored: [String: UInt64] = [:]
    private var failure: AtomicFile.Failure?
    private var written = 0, linked = 0
    /// The files written anew, not linked from the current release.
    private var writtenPaths: [String] = []

    /// Files handed to the writing thread at once: fewer wake-ups.
    static let batch = 128

    /// Clears what an interrupted build left and opens a staging folder.
    /// `builtAt` is the `built_at` of this build's `api/health.json`: when
    /// it differs from the current release's, the site surely changes, and
    /// the oldest old release may become the new one (a build that could
    /// end with nothing new must leave every release as it is).
    /// `recordRead`, if given, is `StagedRelease.currentRecord(publisher)`
    /// read beforehand (it takes a few milliseconds at three years, which
    /// a build spends while its snapshots load); it is used when it is of
    /// the release still current.
    public init(_ publisher: SitePublisher, builtAt: String? = nil,
                recordRead: (release: String, record: PageRecord?)? = nil) throws(AtomicFile.Failure) {
        self.publisher = publisher
        try AtomicFile.makeDirectory(publisher.releases)
        publisher.removeLeftovers()
        current = publisher.currentRelease()
        if let recordRead, recordRead.release == current {
            record = recordRead.record
        } else {
            record = current.flatMap { PageRecord.read(releases: publisher.releases, buildID: $0) }
        }
        staging = "\(publisher.releases)/\(AtomicFile.temporaryPrefix)\(getpid())-staging"
        AtomicFile.removeTree(staging)
        // The release the publication would prune becomes this one: only
        // what differs is then written, not a tree of thousands of links
        // made while thousands are removed.
        if let current, let builtAt, SitePublisher.builtAt(of: "\(publisher.releases)/\(current)") != builtAt,
           let old = publisher.releaseToRecycle(besides: current),
           rename("\(publisher.releases)/\(old)", staging) == 0 {
            unlink("\(publisher.releases)/\(old)\(PageRecord.suffix)")
            recycled = true
        } else {
            try AtomicFile.makeDirectory(staging)
            recycled = false
        }
        stagingFolders = FolderHandles(root: staging)
        currentFolders = current.map { FolderHandles(root: "\(publisher.releases)/\($0)") }
    }

    /// The release `--output` points at now and its record, if any.
    public static func currentRecord(_ publisher: SitePublisher) -> (release: String, record: PageRecord?)? {
        publisher.currentRelease().map { ($0, PageRecord.read(releases: publisher.releases, buildID: $0)) }
    }

    /// The folder of the release `--output` points at now, if any.
    public var currentFolder: String? { current.map { "\(publisher.releases)/\($0)" } }

    /// Queues files whose content is final (from any thread).
    public func add(_ files: [SiteFile]) {
        let ready: [SiteFile]? = pending.withLock { pending in
            pending.append(contentsOf: files)
            guard pending.count >= StagedRelease.batch else { return nil }
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        if let ready { queue.async { for file in ready { self.store(file) } } }
    }

    /// Writes a file into the staging folder, or links it to the same
    /// file of the current release when the bytes are the same.
    private func store(_ file: SiteFile) {
        guard failure == nil else { return }
        let (folder, name) = FolderHandles.split(file.path)
        do throws(AtomicFile.Failure) {
            guard let target = try stagingFolders.descriptor(folder, create: true) else { return }
            let early = stored[file.path]
            if let early {
                // Queued before with other bytes (never by design): replaced.
                if early == file.digest { return }
                unlinkat(target, name, 0)
            }
            stored[file.path] = file.digest
            let previous = try currentFolders?.descriptor(folder)
            // The record's size and digest spare reading the old file
            // (whose size is still checked: a file cut short is not kept;
            // a kept report's were checked when it was kept).
            let same = previous.map { previous in
                file.kept || record?.files[file.path].map {
                    $0.size == file.size && $0.digest == file.digest && FolderHandles.size(name, in: previous) == file.size
                } ?? SitePublisher.sameContent("\(currentFolders!.root)/\(file.path)", file.bytes)
            } ?? false
            if recycled {
                // What the old release holds stays only when it is the
                // current release's very file (the link it would get);
                // anything else there is replaced.
                // The folders' listings answer for all but a file stored
                // twice (its listing is out of date) or one they miss.
                if same, let previous, let currentFolders,
                   (early == nil && stagingFolders.listsSameFile(name, in: folder, as: currentFolders))
                    || FolderHandles.sameFile(name, in: target, as: name, in: previous) {
                    linked += 1
                    return
                }
                guard stagingFolders.remove(name, in: target, folder: folder) else {
                    throw AtomicFile.Failure(path: "\(staging)/\(file.path)", reason: AtomicFile.errorText())
                }
            }
            if same, let previous, linkat(previous, name, target, name, 0) == 0 {
                linked += 1
                return
            }
            guard !file.kept else {
                throw AtomicFile.Failure(path: currentFolder.map { "\($0)/\(file.path)" } ?? file.path,
                                         reason: "the previous release lost this file during the build")
            }
            try AtomicFile.create(file.bytes, named: name, in: target, path: "\(staging)/\(file.path)")
            written += 1
            writtenPaths.append(file.path)
        } catch {
            failure = error
        }
    }

    /// Writes whatever of `files` (the whole site) is not written yet, and
    /// publishes the release with its page record, unless the site already
    /// has this content: then the files in `repairs` (reports rendered again
    /// because the current release had lost or changed them) are put back
    /// into it, and its record is written again if it was unreadable.
    public func publish(_ files: [SiteFile], record: PageRecord, repairs: [String] = []) throws(AtomicFile.Failure) -> SitePublisher.Outcome {
        let buildID = SitePublisher.buildID(of: files)
        // The record's text (some 800 KB at three years) is made on
        // another core while the last files are stored.
        let recordBytes = Slot<[UInt8]>(), recordMade = DispatchGroup()
        DispatchQueue.global().async(group: recordMade) { recordBytes.value = record.bytes }
        let result: Result<(written: Int, linked: Int, paths: [String]), AtomicFile.Failure> = queue.sync {
            for file in files { store(file) }
            if let failure { return .failure(failure) }
            // Paths are unique: every file stored and no more stored than
            // files means the staging folder holds exactly the site.
            assert(Set(files.map(\.path)).count == files.count, "a site with two files at one path")
            guard recycled || stored.count > files.count else { return .success((written, linked, writtenPaths)) }
            let wanted = Set(files.map(\.path))
            if recycled {
                // What the old release held that this one does not (files
                // stored and dropped since among them).
                guard stagingFolders.sweep(keeping: { wanted.contains($0) }) else {
                    return .failure(AtomicFile.Failure(path: staging, reason: "what the recycled release held could not all be removed"))
                }
            } else {
                for path in stored.keys where !wanted.contains(path) { unlink("\(staging)/\(path)") }
            }
            return .success((written, linked, writtenPaths.filter(wanted.contains)))
        }
        let counts: (written: Int, linked: Int, paths: [String])
        switch result {
        case .failure(let failure):
            abandon()
            throw failure
        case .success(let value): counts = value
        }
        if current == buildID {
            // The same content: a file written anew is one the current
            // release lost or holds changed (a report's, the API's, an asset).
            let repaired = repair(Array(Set(repairs + counts.paths)).sorted(), of: buildID)
            recordMade.wait()
            if self.record != record { try? PageRecord.write(recordBytes.value!, releases: publisher.releases, buildID: buildID) }
            abandon()
            return SitePublisher.Outcome(buildID: buildID, unchanged: true, repaired: repaired)
        }
        // One flush for all new files before the swap makes them visible,
        // instead of an fsync per file.
        if counts.written > 0 { SitePublisher.flush(staging) }
        let final = "\(publisher.releases)/\(buildID)"
        AtomicFile.removeTree(final)
        // Written before the swap: a release without its record is only
        // rendered in full by the next build.
        recordMade.wait()
        do { try PageRecord.write(recordBytes.value!, releases: publisher.releases, buildID: buildID) } catch {
            abandon()
            throw error
        }
        guard rename(staging, final) == 0 else {
            let failure = AtomicFile.Failure(path: final, reason: AtomicFile.errorText())
            abandon()
            throw failure
        }
        // Releases are pruned oldest first: a recycled one is new.
        if recycled { utimensat(AT_FDCWD, final, nil, 0) }
        try publisher.swapLink(to: buildID)
        publisher.prune(keeping: buildID)
        return SitePublisher.Outcome(buildID: buildID, written: counts.written, linked: counts.linked)
    }

    /// Links the staged copies of `paths` into the current release, in
    /// place of what it lost; the count put back. Each is a whole file the
    /// release already should hold, so a reader sees it missing or right.
    private func repair(_ paths: [String], of buildID: String) -> Int {
        var count = 0
        for path in paths {
            let source = "\(staging)/\(path)", target = "\(publisher.releases)/\(buildID)/\(path)"
            var staged = stat(), published = stat()
            guard stat(source, &staged) == 0 else { continue }
            // The same file already (linked from it into the staging folder): nothing lost.
            if stat(target, &published) == 0, published.st_ino == staged.st_ino, published.st_dev == staged.st_dev { continue }
            try? AtomicFile.makeDirectory(AtomicFile.split(target).0)
            let temporary = AtomicFile.temporaryPath(for: target)
            unlink(temporary)
            if link(source, temporary) == 0, rename(temporary, target) == 0 { count += 1 }
            unlink(temporary)
        }
        return count
    }

    /// Removes the staging folder once queued writes are done (a failed
    /// build, or a site that did not change).
    public func abandon() {
        queue.sync { _ = AtomicFile.removeTree(staging) }
    }
}
