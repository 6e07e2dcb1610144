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

    /// The bytes of the password in `scheme://[user]:password@host…`, if any.
    static func passwordRange(in bytes: [UInt8]) -> Range<Int>? {
        let marker = Array("://".utf8)
        guard let start = (0...max(0, bytes.count - marker.count)).first(where: { bytes[$0..<min(bytes.count, $0 + marker.count)].elementsEqual(marker) })
        else { return nil }
        let authorityStart = start + marker.count
        let authorityEnd = bytes[authorityStart...].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) ?? bytes.count
        guard let at = bytes[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")),
              let colon = bytes[authorityStart..<at].firstIndex(of: UInt8(ascii: ":")), colon + 1 < at
        else { return nil }
        return (colon + 1)..<at
    }
}
