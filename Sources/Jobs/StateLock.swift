import Metrics
import Templates

/// The locks a command takes, the same way for every command: the state's
/// (`STATE/.lock`, created with the folder), so overlapping cron runs never
/// interleave, and the output's (`OUTPUT.releases/.lock`, see
/// `PublishTarget`), whose paths are checked first, before the state
/// folder is even created: a state inside a user's folder must not touch it.
public enum StateLock {
    /// Checks `--output` against `--state` without writing anything.
    public static func check(output: String, state: String) throws(JobFailure) {
        do { try PublishTarget.check(output: output, state: state) } catch { throw JobFailure(error) }
    }

    /// Creates the state folder and takes its lock without waiting.
    public static func take(_ stateDirectory: String) throws(JobFailure) -> RunLock {
        do { try AtomicFile.makeDirectory(stateDirectory) } catch {
            throw JobFailure(.failure, step: "lock", path: error.path, error.description)
        }
        do { return try RunLock(stateDirectory: stateDirectory) } catch { throw JobFailure(error) }
    }

    /// Claims `--output` for publishing: checked again, then its lock.
    public static func claim(output: String, state: String) throws(JobFailure) -> PublishTarget {
        do { return try PublishTarget(output: output, state: state) } catch { throw JobFailure(error) }
    }
}
