import ArgumentParser
import Foundation
import Logging
import Metrics

/// Log lines as a person reads them: `[2/4] read …`, `warning: …`.
struct PlainLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let prefix: String
        switch event.level {
        case .warning: prefix = "warning: "
        case .error, .critical: prefix = "error: "
        default: prefix = ""
        }
        StandardError.write("\(prefix)\(event.message)\n")
    }
}
