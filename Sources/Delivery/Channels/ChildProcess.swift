import CSupport
import Foundation
import Glibc
import Metrics

/// A command run under a deadline, as the mail command is: `/bin/sh -c
/// "exec COMMAND"` in a process group of its own, with the environment it
/// is given, the default signal dispositions and an empty signal mask
/// (the run ignores SIGPIPE; a test runner may block SIGTERM), fed
/// `input` on stdin. At the deadline the whole group is killed, so a
/// child that keeps the pipe open cannot hold the run.
struct ChildProcess {
    /// How the command ended.
    enum Ending: Equatable {
        /// It exited with this status (a signal gives 128 + its number).
        case exited(Int32, output: String)
        /// It was killed at the deadline.
        case timedOut
        /// It could not be started.
        case notStarted(String)
    }

    /// The shell command line.
    var command: String
    /// A program and its arguments, run without a shell (found on the
    /// run's PATH) instead of `command`.
    var arguments: [String]? = nil
    /// The environment, `NAME=value` each.
    var environment: [String]
    /// Seconds before the group is killed.
    var timeout: Double
    /// What the command printed that is kept (the first line is reported).
    static let outputLimit = 4096
    /// How long output is still read once the command exited, for a child that holds the pipe.
    static let drainAfterExit = 0.2

    /// Runs the command with `input` on its stdin.
    func run(input: [UInt8]) -> Ending {
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1]
        guard pipe(&inPipe) == 0 else { return .notStarted(AtomicFile.errorText()) }
        guard pipe(&outPipe) == 0 else {
            close(inPipe[0]); close(inPipe[1])
            return .notStarted(AtomicFile.errorText())
        }
        // Only the child's dup2 copies survive its exec.
        for fd in inPipe + outPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 2)
        sentinel_spawn_close_from(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        guard sentinel_spawn_attributes(&attributes, 1) == 0 else { return .notStarted("cannot set up the process attributes") }

        let argv = self.arguments ?? ["/bin/sh", "-c", "exec " + command]
        var pid: pid_t = 0
        let spawned = withCStrings(argv) { argv in
            withCStrings(environment) { envp in
                self.arguments == nil ? posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
                    : posix_spawnp(&pid, argv[0]!, &actions, &attributes, argv, envp)
            }
        }
        close(inPipe[0])
        close(outPipe[1])
        guard spawned == 0 else {
            close(inPipe[1]); close(outPipe[0])
            return .notStarted(String(cString: strerror(spawned)))
        }
        return supervise(pid: pid, stdin: inPipe[1], output: outPipe[0], input: input)
    }

    /// Feeds stdin, reads the output, and waits for the exit, all under the deadline.
    private func supervise(pid: pid_t, stdin: Int32, output: Int32, input: [UInt8]) -> Ending {
        var writer: Int32 = stdin
        _ = fcntl(writer, F_SETFL, fcntl(writer, F_GETFL) | O_NONBLOCK)
        _ = fcntl(output, F_SETFL, fcntl(output, F_GETFL) | O_NONBLOCK)
        defer {
            if writer >= 0 { close(writer) }
            close(output)
        }
        if input.isEmpty { close(writer); writer = -1 }
        let deadline = Date().addingTimeInterval(timeout)
        var written = 0, said: [UInt8] = [], status: Int32?, exitedAt: Date?, outputOpen = true
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if status == nil {
                var raw: Int32 = 0
                if waitpid(pid, &raw, WNOHANG) == pid {
                    status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
                    exitedAt = Date()
                }
            }
            if let status, let exitedAt, !outputOpen || Date().timeIntervalSince(exitedAt) > ChildProcess.drainAfterExit {
                let line = String(decoding: said, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
                return .exited(status, output: line)
            }
            if Date() > deadline {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                if status == nil { var raw: Int32 = 0; waitpid(pid, &raw, 0) }
                return .timedOut
            }
            var fds = [pollfd(fd: output, events: Int16(POLLIN), revents: 0)]
            if writer >= 0 { fds.append(pollfd(fd: writer, events: Int16(POLLOUT), revents: 0)) }
            if !outputOpen { fds[0].fd = -1 }
            _ = poll(&fds, nfds_t(fds.count), 20)
            if outputOpen && fds[0].revents != 0 {
                let n = read(output, &buffer, buffer.count)
                if n > 0 { said.append(contentsOf: buffer.prefix(min(n, ChildProcess.outputLimit - said.count))) }
                else if n == 0 || (errno != EAGAIN && errno != EINTR) { outputOpen = false }
            }
            if writer >= 0 && fds.count > 1 && fds[1].revents != 0 {
                let n = input.withUnsafeBytes { write(writer, $0.baseAddress! + written, $0.count - written) }
                if n > 0 { written += n }
                // A command that stops reading (EPIPE) has had what it wanted.
                if written == input.count || (n < 0 && errno != EAGAIN && errno != EINTR) { close(writer); writer = -1 }
            }
        }
    }
}


/// Calls `body` with a NULL-terminated C array of the strings.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}
