import Jobs

/// The exit statuses of docs/cli.md, one for each kind of failure: the only
/// place a failure becomes a number.
enum ExitStatus: Int32 {
    case success = 0
    case failure = 1
    case usage = 2
    case redis = 3
    case delivery = 4
    case locked = 75

    /// The status of a failure.
    init(_ kind: JobFailure.Kind) {
        switch kind {
        case .usage: self = .usage
        case .failure: self = .failure
        case .redis: self = .redis
        case .delivery: self = .delivery
        case .lock: self = .locked
        }
    }
}
