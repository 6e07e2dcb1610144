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
