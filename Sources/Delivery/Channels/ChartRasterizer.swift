import Foundation
import Glibc
import Metrics

/// PNG images of the reports' SVG charts for mail and Telegram, which show
/// no SVG: librsvg's `rsvg-convert` (Debian's librsvg2-bin), run without a
/// shell under a deadline, on a white background. The same SVG gives the
/// same PNG bytes.
public struct ChartRasterizer: Sendable {
    /// The program, found on the PATH.
    public var program = "rsvg-convert"
    /// Seconds before a conversion is given up.
    public var timeout = 10.0
    /// Images larger than this are not sent (mail clients and Telegram
    /// handle small parts best).
    public static let sizeLimit = 60 * 1024

    /// Why a chart has no PNG (the message then goes without it).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The reason.
        public var reason: String
        /// The reason, for the log.
        public var description: String { reason }
    }

    /// A rasteriser.
    public init() {}

    /// The PNG of `svg`, or why there is none.
    public func png(_ svg: String) -> Result<[UInt8], Failure> {
        var template = Array("\(NSTemporaryDirectory())/sentinel-chart-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { return .failure(Failure(reason: AtomicFile.errorText())) }
        let folder = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = "\(folder)/chart.png"
        let environment = ["PATH=\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")", "LC_ALL=C"]
        let child = ChildProcess(command: program, arguments: [program, "--background-color=white", "--format=png", "--output", output],
                                 environment: environment, timeout: timeout)
        switch child.run(input: Array(svg.utf8)) {
        case .exited(0, _):
            guard let bytes = try? AtomicFile.read(output), !bytes.isEmpty else { return .failure(Failure(reason: "\(program) wrote no image")) }
            guard bytes.count <= ChartRasterizer.sizeLimit else {
                return .failure(Failure(reason: "the image is \(bytes.count) bytes, over \(ChartRasterizer.sizeLimit)"))
            }
            return .success(bytes)
        case .exited(let status, let said): return .failure(Failure(reason: "\(program) exited with \(status)\(said.isEmpty ? "" : ": \(said.prefix(200))")"))
        case .timedOut: return .failure(Failure(reason: "\(program) timed out"))
        case .notStarted(let reason): return .failure(Failure(reason: "cannot start \(program) (Debian: apt install librsvg2-bin): \(reason)"))
        }
    }
}
