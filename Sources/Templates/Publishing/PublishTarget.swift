import Foundation
import Glibc
import Metrics

/// The `--output` a build may replace, claimed before anything is
/// written: it must be new, an empty folder, or the symlink to a release
/// Sentinel published; it must not overlap `--state`; and its lock
/// (`OUTPUT.releases/.lock`) keeps two builds with different states from
/// publishing into one folder at once (the second waits for the first to
/// publish, as long as `lockWait`). Anything else is refused, since
/// publishing moves and prunes what is there.
public final class PublishTarget {
    /// Why `--output` was not claimed.
    public enum Failure: Error, CustomStringConvertible {
        /// The path is not Sentinel's to replace, or overlaps the state (a usage error).
        case refused(String)
        /// Another build publishes there now.
        case held(String)
        /// The file system failed.
        case io(AtomicFile.Failure)

        public var description: String {
            switch self {
            case .refused(let message), .held(let message): return message
            case .io(let failure): return failure.description
            }
        }
    }

    /// The publisher of the claimed output.
    public let publisher: SitePublisher
    private let lock: RunLock

    /// Checks `output` against `state` and what is on disk, writing
    /// nothing: a command calls it before it creates the state folder.
    public static func check(output: String, state: String) throws(Failure) {
        let publisher = SitePublisher(output: output)
        try checkApart(state: state, publisher: publisher)
        try checkOwned(publisher)
    }

    /// Checks `output` again, then takes its lock.
    public init(output: String, state: String) throws(Failure) {
        try PublishTarget.check(output: output, state: state)
        let publisher = SitePublisher(output: output)
        do { try AtomicFile.makeDirectory(publisher.releases) } catch { throw .io(error) }
        do { lock = try RunLock(path: "\(publisher.releases)/\(PublishTarget.lockName)", waiting: PublishTarget.lockWait) } catch {
            switch error {
            case .held(let path):
                throw .held("another sentinel-gen run has been publishing to \(output) for \(Int(PublishTarget.lockWait)) s (it holds \(path)); try again when it ends")
            case .io(let failure): throw .io(failure)
            }
        }
        self.publisher = publisher
    }

    deinit { withExtendedLifetime(lock) {} }

    /// The lock file in the releases folder; its presence also marks the folder as Sentinel's.
    static let lockName = ".lock"
    /// Seconds a build waits for another one publishing to the same output.
    public static let lockWait = 60.0

    /// Refuses a state and an output that are the same folder or one inside
    /// the other, symlinks resolved: a release would take the snapshots
    /// with it when pruned, and the site would publish the outbox.
    static func checkApart(state: String, publisher: SitePublisher) throws(Failure) {
        let (parent, base) = AtomicFile.split(publisher.output)
        // `.`, `..` and an empty name are folders that already hold something
        // (the current one, its parent): never a path to publish to.
        guard !base.isEmpty, base != ".", base != ".." else {
            throw .refused("--output \(publisher.output): name a folder of its own for the site, such as /var/lib/sentinel/output")
        }
        let stateArea = resolved(state)
        for area in [(parent == "/" ? "" : resolved(parent)) + "/" + base, resolved(publisher.releases)] {
            if contains(area, stateArea) || contains(stateArea, area) {
                throw .refused("--state \(state) and --output \(publisher.output) overlap (\(stateArea) and \(area)); "
                               + "keep them apart, e.g. --state /var/lib/sentinel/state --output /var/lib/sentinel/www")
            }
        }
    }

    /// Refuses an output that exists and is not Sentinel's: a regular
    /// file, a folder with anything in it, a symlink to anything but one of
    /// its releases; and a releases folder that holds files of someone else's.
    static func checkOwned(_ publisher: SitePublisher) throws(Failure) {
        let output = publisher.output
        let manager = FileManager.default
        var info = stat()
        let published = lstat(output, &info) == 0
        if published {
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                guard publisher.currentRelease() != nil else {
                    let target = (try? manager.destinationOfSymbolicLink(atPath: output)) ?? "?"
                    throw .refused("--output \(output) is a symlink to \(target), not to a release in \(publisher.releases); "
                                   + "sentinel-gen replaces only a site it published: choose another --output")
                }
            case S_IFDIR:
                guard ((try? manager.contentsOfDirectory(atPath: output)) ?? ["?"]).isEmpty else {
                    throw .refused("--output \(output) is a folder that sentinel-gen did not publish (its files would be replaced); "
                                   + "choose another --output, or move its files away")
                }
            default:
                throw .refused("--output \(output) exists and is not a folder: choose another --output")
            }
        }
        guard lstat(publisher.releases, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .refused("\(publisher.releases) exists and is not a folder of sentinel-gen's releases: choose another --output")
        }
        let names = (try? manager.contentsOfDirectory(atPath: publisher.releases)) ?? []
        let marked = names.contains(lockName) || publisher.currentRelease() != nil
        guard marked || names.isEmpty else {
            throw .refused("\(publisher.releases) holds files that sentinel-gen did not write (releases are pruned there): "
                           + "choose another --output, or move that folder away")
        }
    }

    /// An absolute path with every symlink on it resolved, a dangling one
    /// too (a link to a folder not made yet still names where files would
    /// go); the part that does not exist is taken as written.
    static func resolved(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var pending = absolute.split(separator: "/").map(String.init).reversed() as [String]
        var done: [String] = []
        var links = 0
        while let part = pending.popLast() {
            if part == "." || part.isEmpty { continue }
            if part == ".." { _ = done.popLast(); continue }
            let candidate = "/" + (done + [part]).joined(separator: "/")
            var info = stat()
            if links < 40, lstat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK,
               let target = try? FileManager.default.destinationOfSymbolicLink(atPath: candidate) {
                links += 1
                if target.hasPrefix("/") { done = [] }
                pending.append(contentsOf: target.split(separator: "/").map(String.init).reversed())
                continue
            }
            done.append(part)
        }
        return "/" + done.joined(separator: "/")
    }

    /// True when `inner` is `outer` or lies inside it.
    static func contains(_ outer: String, _ inner: String) -> Bool {
        inner == outer || inner.hasPrefix(outer == "/" ? "/" : outer + "/")
    }
}
