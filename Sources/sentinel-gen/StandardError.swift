import Glibc

/// Lines on stderr that never stop the run: a closed or broken stderr
/// (`2>&-`, `2>&1 | true`) loses the line, not the snapshot.
enum StandardError {
    /// Writes `text` whole, through short writes and interrupts; any other
    /// error drops the rest of the line.
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}
