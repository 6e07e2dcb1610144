import Glibc

/// Hides a Redis password given in `--redis` from `ps` and
/// `/proc/PID/cmdline`: the bytes of the arguments are overwritten in
/// place once the parser has its own copy. Linux shows a process's
/// arguments from that memory; other systems may keep showing them, which
/// is why the docs and `--help` say a password belongs in the environment.
enum ArgumentScrubber {
    /// Overwrites every password of a URL among the arguments with `*`.
    static func scrubPasswords() {
        _ = CommandLine.arguments  // the copy the parser reads, taken first
        for index in 1..<Int(CommandLine.argc) {
            guard let argument = CommandLine.unsafeArgv[index] else { continue }
            let bytes = UnsafeMutableBufferPointer(start: UnsafeMutableRawPointer(argument).assumingMemoryBound(to: UInt8.self),
                                                   count: strlen(argument))
            if let range = passwordRange(in: Array(bytes)) {
                for offset in range { bytes[offset] = UInt8(ascii: "*") }
            }
        }
    }

    /// The bytes of the password in `scheme://[user]:password@host…` or
    /// `scheme://password@host…`, read as `RedisEndpoint` reads them: the
    /// credentials end at the last `@`, so a password may hold `/` or `?`.
    static func passwordRange(in bytes: [UInt8]) -> Range<Int>? {
        let marker = Array("://".utf8)
        guard bytes.count > marker.count,
              let start = (0...(bytes.count - marker.count)).first(where: { bytes[$0..<$0 + marker.count].elementsEqual(marker) })
        else { return nil }
        let credentialsStart = start + marker.count
        guard let at = bytes[credentialsStart...].lastIndex(of: UInt8(ascii: "@")), at > credentialsStart else { return nil }
        if let colon = bytes[credentialsStart..<at].firstIndex(of: UInt8(ascii: ":")) {
            return colon + 1 < at ? (colon + 1)..<at : nil
        }
        return credentialsStart..<at
    }
}
