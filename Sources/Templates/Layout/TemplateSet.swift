import Foundation
import Glibc
import Metrics
import Mustache

/// The templates and assets of `site-template/`, which a user may edit.
public struct TemplateSet: Sendable {
    /// The folder they were read from.
    public let directory: String
    let layout: MustacheTemplate
    let layoutPlans: LayoutPlans
    let archive: MustacheTemplate
    let dashboard: MustacheTemplate
    /// Files under `assets/`, by relative path.
    public let assets: [(path: String, bytes: [UInt8])]
    /// A digest of the layout the reports are laid out with.
    public let layoutDigest: UInt64

    /// A template problem, naming the file.
    public struct Failure: Error, CustomStringConvertible {
        /// The file or folder.
        public let path: String
        /// What is wrong.
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Finds the folder: `explicit` (`--templates`), else
    /// `$SENTINEL_TEMPLATES`, else `./site-template`, else the installed
    /// copy beside the executable (`PREFIX/bin/sentinel-gen` reads
    /// `PREFIX/share/sentinel/site-template`), else the nearest
    /// `site-template` above it (a build in a checkout).
    public static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit { return explicit }
        if let path = environment["SENTINEL_TEMPLATES"], !path.isEmpty { return path }
        let manager = FileManager.default
        if manager.fileExists(atPath: "site-template/layout.mustache") { return "site-template" }
        var directory = executableDirectory()
        let installed = directory.deletingLastPathComponent().appendingPathComponent("share/sentinel/site-template")
        if manager.fileExists(atPath: installed.appendingPathComponent("layout.mustache").path) { return installed.path }
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("site-template")
            if manager.fileExists(atPath: candidate.appendingPathComponent("layout.mustache").path) { return candidate.path }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    /// The running executable's path, from /proc (argv[0] may be a bare
    /// name found on PATH).
    public static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The folder of the running executable, symlinks resolved.
    static func executableDirectory() -> URL {
        URL(fileURLWithPath: executablePath()).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// Reads and parses the templates of a folder.
    public init(directory: String) throws(Failure) {
        self.directory = directory
        _ = HTMLEscaping.registered
        func template(_ name: String) throws(Failure) -> (MustacheTemplate, String) {
            let path = "\(directory)/\(name)"
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw Failure(path: path, reason: "cannot read the template")
            }
            do { return (try MustacheTemplate(string: text), text) } catch {
                throw Failure(path: path, reason: "not a valid Mustache template: \(error)")
            }
        }
        let (layout, layoutSource) = try template("layout.mustache")
        self.layout = layout
        layoutDigest = Array(layoutSource.utf8).withUnsafeBytes { FNVHash.hash($0) }
        layoutPlans = LayoutPlans(template: layout, source: layoutSource)
        archive = try template("archive.mustache").0
        dashboard = try template("dashboard.mustache").0
        let root = "\(directory)/assets"
        var assets = try TemplateSet.assetFiles(in: root, templates: directory)
        if !assets.contains(where: { $0.0 == "assets/chart.min.js" }) {
            // Chart.js comes from Debian's package unless the templates carry their own.
            guard let data = FileManager.default.contents(atPath: TemplateSet.chartJS) else {
                throw Failure(path: TemplateSet.chartJS, reason: "Chart.js is missing: install Debian's libjs-chart.js "
                              + "(`apt-get install libjs-chart.js`, or run scripts/bootstrap), or put chart.min.js in \(root)")
            }
            assets.append(("assets/chart.min.js", [UInt8](data)))
            assets.sort { $0.0 < $1.0 }
        }
        self.assets = assets
    }

    /// The files under `assets/`, by path, read without following a link
    /// out of the templates folder: a regular file is copied, a symlink to
    /// a regular file inside the templates folder is copied as that file,
    /// and anything else (a link leaving it, a FIFO, a device) is refused,
    /// since the site is published to anyone.
    static func assetFiles(in root: String, templates: String) throws(Failure) -> [(String, [UInt8])] {
        guard let names = try? FileManager.default.subpathsOfDirectory(atPath: root) else { return [] }
        let inside = PublishTarget.resolved(templates)
        var assets: [(String, [UInt8])] = []
        for name in names.sorted() {
            let path = "\(root)/\(name)"
            var info = stat()
            guard lstat(path, &info) == 0 else { throw Failure(path: path, reason: "cannot read the asset: \(AtomicFile.errorText())") }
            var kind = info.st_mode & S_IFMT
            if kind == S_IFDIR { continue }
            if kind == S_IFLNK {
                let target = PublishTarget.resolved(path)
                guard PublishTarget.contains(inside, target) else {
                    throw Failure(path: path, reason: "a link that leaves the templates folder (to \(target)); assets are published, so only files of the templates folder are copied")
                }
                guard stat(path, &info) == 0 else { throw Failure(path: path, reason: "a broken link") }
                kind = info.st_mode & S_IFMT
                if kind == S_IFDIR {
                    throw Failure(path: path, reason: "a link to a folder; put the files themselves (or links to files) in assets/")
                }
            }
            guard kind == S_IFREG else { throw Failure(path: path, reason: "not a regular file") }
            let bytes: [UInt8]?
            do { bytes = try AtomicFile.read(path) } catch { throw Failure(path: path, reason: error.reason) }
            assets.append(("assets/\(name)", bytes ?? []))
        }
        return assets
    }

    /// Where Debian's libjs-chart.js puts Chart.js (3.9.1 on bookworm).
    public static let chartJS = "/usr/share/javascript/chart.js/chart.min.js"

    /// A whole page from the layout.
    func page(_ context: [String: Any]) -> String { layoutPlans.render(context) }

    /// `page`'s UTF-8 bytes, made without an intermediate text.
    func pageBytes(_ context: [String: Any]) -> [UInt8] { layoutPlans.renderBytes(context) }

    /// The dashboard's body.
    func dashboardBody(_ context: [String: Any]) -> String { dashboard.render(context) }

    /// The archive's body.
    func archiveBody(_ context: [String: Any]) -> String { archive.render(context) }
}
