import Foundation
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

    /// A template problem, naming the file.
    public struct Failure: Error, CustomStringConvertible {
        /// The file or folder.
        public let path: String
        /// What is wrong.
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Finds the folder: `explicit` (`--templates`), else
    /// `$SENTINEL_TEMPLATES`, else `./site-template`, else the nearest
    /// `site-template` above the executable (an installed or built copy).
    public static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit { return explicit }
        if let path = environment["SENTINEL_TEMPLATES"], !path.isEmpty { return path }
        let manager = FileManager.default
        if manager.fileExists(atPath: "site-template/layout.mustache") { return "site-template" }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("site-template")
            if manager.fileExists(atPath: candidate.appendingPathComponent("layout.mustache").path) { return candidate.path }
            directory = directory.deletingLastPathComponent()
        }
        return nil
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
        layoutPlans = LayoutPlans(template: layout, source: layoutSource)
        archive = try template("archive.mustache").0
        dashboard = try template("dashboard.mustache").0
        var assets: [(String, [UInt8])] = []
        let root = "\(directory)/assets"
        if let names = FileManager.default.enumerator(atPath: root)?.compactMap({ $0 as? String }).sorted() {
            for name in names {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: "\(root)/\(name)", isDirectory: &isDirectory), !isDirectory.boolValue,
                      let data = FileManager.default.contents(atPath: "\(root)/\(name)") else { continue }
                assets.append(("assets/\(name)", [UInt8](data)))
            }
        }
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

    /// Where Debian's libjs-chart.js puts Chart.js (3.9.1 on bookworm).
    public static let chartJS = "/usr/share/javascript/chart.js/chart.min.js"

    /// A whole page from the layout.
    func page(_ context: [String: Any]) -> String { layoutPlans.render(context) }

    /// The dashboard's body.
    func dashboardBody(_ context: [String: Any]) -> String { dashboard.render(context) }

    /// The archive's body.
    func archiveBody(_ context: [String: Any]) -> String { archive.render(context) }
}
