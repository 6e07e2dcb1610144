import Metrics
import Templates

/// Why a command stopped, whichever it is: the step, the file or server it
/// concerns, one line for the user, and its kind, which alone decides the
/// exit status (docs/cli.md's table, mapped once by the command line).
public struct JobFailure: Error, CustomStringConvertible, Sendable {
    /// What kind of failure.
    public enum Kind: Sendable {
        /// A usage or configuration error: nothing was read or written (exit 2).
        case usage
        /// A failed build, a file that could not be written, an unexpected error (exit 1).
        case failure
        /// Redis unreachable, refused or failing (exit 3).
        case redis
        /// The site was published but a delivery failed (exit 4).
        case delivery
        /// Another run holds a lock; nothing was done (exit 75).
        case lock
    }

    /// The kind.
    public var kind: Kind
    /// The step, `snapshot: read state` inside a job; nil for a failure that needs none.
    public var step: String?
    /// The file or server concerned.
    public var path: String?
    /// One line for the user.
    public var message: String

    /// A failure.
    public init(_ kind: Kind, step: String? = nil, path: String? = nil, _ message: String) {
        self.kind = kind
        self.step = step
        self.path = path
        self.message = message
    }

    /// `step: message`, or the message alone.
    public var description: String { step.map { "\($0): \(message)" } ?? message }

    /// The same failure inside a larger step.
    public func within(_ outer: String) -> JobFailure {
        var copy = self
        copy.step = step.map { "\(outer): \($0)" } ?? outer
        return copy
    }
}

extension JobFailure {
    /// A lock that is held (exit 75) or that could not be taken.
    init(_ failure: RunLock.Failure, step: String = "lock") {
        switch failure {
        case .held: self.init(.lock, failure.description)
        case .io(let error): self.init(.failure, step: step, path: error.path, error.description)
        }
    }

    /// A refused, busy or failing `--output`.
    init(_ failure: PublishTarget.Failure) {
        switch failure {
        case .refused(let message): self.init(.usage, message)
        case .held(let message): self.init(.lock, message)
        case .io(let error): self.init(.failure, step: "output", path: error.path, error.description)
        }
    }
}
