import Foundation
import Glibc
import Metrics

/// The deliveries turned on that cannot work, found before a run reads or
/// writes anything (docs/configuration.md): a configuration error naming
/// the key, not a run that fails every delivery and drops its messages.
public enum DeliveryCheck {
    /// The first problem, or nil when every delivery turned on can work.
    /// `origin` names the configuration file in the message.
    public static func problem(_ configuration: Configuration, origin: String,
                               environment: [String: String]) -> ConfigurationError? {
        func fail(_ key: String, _ message: String) -> ConfigurationError {
            ConfigurationError(origin: origin, key: key, message: message)
        }
        let telegram = configuration.telegram
        if !telegram.chatID.isEmpty, (environment[telegram.tokenEnv] ?? "").isEmpty {
            return fail("telegram.token_env", "telegram.chat_id turns Telegram on, but \(telegram.tokenEnv) (the variable that holds "
                        + "the bot token) is not set or empty: set it, or remove telegram.chat_id")
        }
        for (index, hook) in configuration.alerts.webhooks.enumerated() {
            if let name = hook.secretEnv, (environment[name] ?? "").isEmpty {
                return fail("alerts.webhooks[\(index)].secret_env", "\(name) (the variable that holds this webhook's signing secret) is not set or empty")
            }
        }
        let posts = !telegram.chatID.isEmpty || !configuration.alerts.webhooks.isEmpty
        if posts, let reason = HTTPPost.unavailable {
            return fail(telegram.chatID.isEmpty ? "alerts.webhooks" : "telegram.chat_id",
                        "sending to Telegram or a webhook needs libcurl, which cannot be opened (Debian: apt install libcurl4): \(reason)")
        }
        if !configuration.email.to.isEmpty, let program = program(of: configuration.email.sendmail),
           !isExecutable(program, path: environment["PATH"] ?? "/usr/bin:/bin") {
            return fail("email.sendmail", "email.to turns email on, but \(program) is not an executable file"
                        + (program.contains("/") ? "" : " on the PATH") + " (Debian: apt install msmtp-mta, or another sendmail)")
        }
        return nil
    }

    /// The program a shell command line starts; nil when its first word is
    /// shell syntax (an assignment, an expansion) this check cannot judge.
    static func program(of command: String) -> String? {
        guard var word = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) else { return nil }
        if word.count >= 2, let first = word.first, first == "'" || first == "\"", word.last == first {
            word = String(word.dropFirst().dropLast())
        }
        let syntax = "=$`\\'\"*?[]{}()<>|;&~"
        return word.contains(where: { syntax.contains($0) }) ? nil : word
    }

    /// True for a regular executable file, found on `path` for a bare name.
    static func isExecutable(_ program: String, path: String) -> Bool {
        func check(_ file: String) -> Bool {
            var info = stat()
            return stat(file, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(file, X_OK) == 0
        }
        if program.contains("/") { return check(program) }
        return path.split(separator: ":").contains { check("\($0.isEmpty ? "." : String($0))/\(program)") }
    }
}
