import Delivery
import Templates

/// The exit statuses of site.md.
enum ExitStatus: Int32 {
    case success = 0
    case failure = 1
    case usage = 2
    case redis = 3
    case delivery = 4
    case locked = 75
}

/// A fatal error: one line on stderr and its exit status.
struct CLIFailure: Error {
    let status: ExitStatus
    let message: String
}

extension ExitStatus {
    /// The status of a failed job.
    init(_ kind: SentinelJob.Failure.Kind) {
        switch kind {
        case .redis: self = .redis
        case .lock: self = .locked
        case .usage: self = .usage
        case .io, .build: self = .failure
        }
    }
}

extension CLIFailure {
    /// A refused, busy or failing `--output`.
    init(_ failure: PublishTarget.Failure) {
        switch failure {
        case .refused(let message): self.init(status: .usage, message: message)
        case .held(let message): self.init(status: .locked, message: message)
        case .io(let error): self.init(status: .failure, message: "output: \(error)")
        }
    }
}
