import CSupport
import Foundation
import Glibc
import Metrics

/// Where and how a site is published (`StagedRelease` writes one): the
/// files go into a new release folder
/// beside `--output` (`OUTPUT.releases/<build-id>/`), unchanged files are
/// hard links to the previous release (same inode, same mtime, so `rsync`
/// and `aws s3 sync` upload only what changed), and `--output`, a symlink,
/// is swapped to the new release with rename(2). A reader sees the old
/// site or the new one; a failed build leaves the old one in place.
public struct SitePublisher: Sendable {
    /// The `--output` path (a symlink once published).
    public let output: String
    /// Releases kept besides the current one.
    public var keep = 3

    /// What a publication did.
    public struct Outcome: Sendable, Equatable {
        /// The content hash naming the release.
        public var buildID = ""
        /// Files written anew.
        public var written = 0
        /// Files linked unchanged from the previous release.
        public var linked = 0
        /// True when the published site already had this content.
        public var unchanged = false
        /// Files put back into the current release, which had lost them.
        public var repaired = 0
    }

    /// A publisher for `--output`.
    public init(output: String) {
        var path = output
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.output = path
    }

    /// `OUTPUT.releases`.
    public var releases: String { output + ".releases" }

    /// A content hash of the whole site: every file's path, length and
    /// content digest, in path order (a kept file's digest is its record's,
    /// so the id does not depend on whether a page was rendered again).
    public static func buildID(of files: [SiteFile]) -> String {
        var hasher = FNVHash()
        // Each path's bytes once: comparing String views costs more than the hash.
        let paths = files.map { Array($0.path.utf8) }
        for index in paths.indices.sorted(by: { Name.precedes(paths[$0], paths[$1]) }) {
            let file = files[index]
            hasher.combine(paths[index])
            hasher.combine(word: UInt64(file.size) | 1 << 63)
            hasher.combine(word: file.digest)
        }
        return hasher.hex
    }

    /// The size of the file at `path`, nil when there is none.
    static func size(of path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// True when the file at `path` holds exactly `bytes` (its size is
    /// checked first, so most changed files are never read).
    static func sameContent(_ path: String, _ bytes: [UInt8]) -> Bool {
        guard size(of: path) == bytes.count else { return false }
        return (try? AtomicFile.read(path)) == bytes
    }

    /// Flushes the file system that holds `path` (syncfs), not every one.
    static func flush(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { sync(); return }
        defer { close(fd) }
        if sentinel_syncfs(fd) != 0 { sync() }
    }

    /// The release `--output` points at, if it is one of ours: the link
    /// reads `BASE.releases/<build id>` and that folder exists.
    public func currentRelease() -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: output) else { return nil }
        let prefix = AtomicFile.split(output).1 + ".releases/"
        guard target.hasPrefix(prefix) else { return nil }
        let name = String(target.dropFirst(prefix.count))
        var info = stat()
        guard SitePublisher.isReleaseName(name), lstat("\(releases)/\(name)", &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            return nil
        }
        return name
    }

    /// True for a build id: 16 lowercase hexadecimal digits, the only
    /// names in the releases folder that pruning may remove.
    public static func isReleaseName(_ name: String) -> Bool {
        name.utf8.count == 16 && name.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// Points `--output` at a release: a new symlink renamed over the old.
    func swapLink(to buildID: String) throws(AtomicFile.Failure) {
        let (parent, base) = AtomicFile.split(output)
        var info = stat()
        // Checked again just before the swap: something put at --output
        // while the site rendered is not replaced.
        let exists = lstat(output, &info) == 0
        if exists && (info.st_mode & S_IFMT) != S_IFDIR && currentRelease() == nil {
            throw AtomicFile.Failure(path: output, reason: "is no longer a site sentinel-gen published (it changed during the build); nothing was replaced")
        }
        if exists && (info.st_mode & S_IFMT) == S_IFDIR {
            // An empty folder (PublishTarget refuses any other): rmdir
            // fails on one that gained a file since, and nothing is lost.
            guard rmdir(output) == 0 else { throw AtomicFile.Failure(path: output, reason: AtomicFile.errorText()) }
        }
        let temporary = AtomicFile.temporaryPath(for: output)
        unlink(temporary)
        guard symlink("\(base).releases/\(buildID)", temporary) == 0 else {
            throw AtomicFile.Failure(path: temporary, reason: AtomicFile.errorText())
        }
        guard rename(temporary, output) == 0 else {
            let reason = AtomicFile.errorText()
            unlink(temporary)
            throw AtomicFile.Failure(path: output, reason: reason)
        }
        try AtomicFile.syncDirectory(parent)
    }

    /// Removes what an interrupted build left behind, and only that: its
    /// staging folders (`.tmp-<pid>-staging`, under the output's lock, so
    /// no other build is writing one) and its temporary symlink beside
    /// `--output` (`.tmp-<pid>-BASE`, pointing into `BASE.releases/`).
    func removeLeftovers() {
        let manager = FileManager.default
        for name in (try? manager.contentsOfDirectory(atPath: releases)) ?? [] {
            guard let target = AtomicFile.leftoverTarget(name) else { continue }
            if target == "staging" { AtomicFile.removeTree("\(releases)/\(name)") }
            // A page record being written: `.tmp-<pid>-<build id>.pages`.
            if target.hasSuffix(PageRecord.suffix), SitePublisher.isReleaseName(String(target.dropLast(PageRecord.suffix.count))) {
                unlink("\(releases)/\(name)")
            }
        }
        let (parent, base) = AtomicFile.split(output)
        for name in (try? manager.contentsOfDirectory(atPath: parent)) ?? [] where AtomicFile.leftoverTarget(name) == base {
            let path = "\(parent)/\(name)"
            if let target = try? manager.destinationOfSymbolicLink(atPath: path), target.hasPrefix("\(base).releases/") { unlink(path) }
        }
    }

    /// The releases other than `current`, newest first (by the folder's
    /// mtime): only folders named by a build id, never a link.
    func oldReleases(besides current: String?) -> [String] {
        let manager = FileManager.default
        let names = ((try? manager.contentsOfDirectory(atPath: releases)) ?? []).filter { name in
            var info = stat()
            return name != current && SitePublisher.isReleaseName(name) && lstat("\(releases)/\(name)", &info) == 0
                && (info.st_mode & S_IFMT) == S_IFDIR
        }
        let dated = names.compactMap { name -> (String, Date)? in
            guard let date = try? manager.attributesOfItem(atPath: "\(releases)/\(name)")[.modificationDate] as? Date else { return nil }
            return (name, date)
        }
        return dated.sorted { $0.1 > $1.1 }.map(\.0)
    }

    /// The `built_at` text of a release's `api/health.json`, nil when it
    /// has none or it cannot be read.
    static func builtAt(of release: String) -> String? {
        guard let bytes = try? AtomicFile.read("\(release)/api/health.json"), let json = try? JSONParser.parse(bytes),
              case .object(let members) = json,
              let member = members.first(where: { $0.key.elementsEqual("built_at".utf8) }) else { return nil }
        return member.value.stringValue
    }

    /// The release the next publication would prune, if any: the oldest
    /// when `keep` old ones are there already.
    func releaseToRecycle(besides current: String) -> String? {
        let old = oldReleases(besides: current)
        return old.count >= max(keep, 1) ? old.last : nil
    }

    /// Keeps the newest `keep` releases besides the current one; nothing
    /// but a release (a folder named by a build id) is ever removed.
    func prune(keeping current: String) {
        for name in oldReleases(besides: current).dropFirst(keep) {
            AtomicFile.removeTree("\(releases)/\(name)")
            unlink("\(releases)/\(name)\(PageRecord.suffix)")
        }
        // A record whose release is gone (a build killed before its swap).
        for name in (try? FileManager.default.contentsOfDirectory(atPath: releases)) ?? [] where name.hasSuffix(PageRecord.suffix) {
            let release = String(name.dropLast(PageRecord.suffix.count))
            var info = stat()
            if SitePublisher.isReleaseName(release), lstat("\(releases)/\(release)", &info) != 0 { unlink("\(releases)/\(name)") }
        }
    }
}
