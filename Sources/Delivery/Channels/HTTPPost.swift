import CSupport
import Dispatch
import Foundation

/// One HTTP POST through libcurl (the only file that reaches it; the C
/// helper opens the library on the first request), under
/// one deadline for the whole exchange (connection, request, status, what
/// is read of the body), reading at most `bodyLimit` bytes of the answer
/// and following no redirect: a slow, endless or huge answer can neither
/// hold the run nor fill its memory, and a 3xx is an answer, not a new
/// request elsewhere without the body.
struct HTTPPost: Sendable {
    /// What the server answered.
    struct Answer: Sendable, Equatable {
        /// The status code.
        var status: Int
        /// The first `bodyLimit` bytes of the body, or fewer if the deadline came first.
        var body: [UInt8]
    }

    /// Why there is no answer.
    enum Failure: Error, Equatable {
        case timedOut
        case network(String)
    }

    /// The request.
    var url: String
    /// Its body.
    var body: [UInt8]
    /// Its Content-Type.
    var contentType = "application/json; charset=utf-8"
    /// More header lines (`Name: value`).
    var headers: [String] = []
    /// Seconds for the whole exchange.
    var timeout: Double
    /// Bytes of the answer's body read at most (4096 at most); 0 when the status is enough.
    var bodyLimit = 0

    /// Why no request can be sent (libcurl cannot be opened), or nil.
    static var unavailable: String? { sentinel_http_unavailable().map { String(cString: $0) } }

    /// Sends the request and waits for its answer, at most `timeout` seconds.
    /// A status line that arrived is the answer even when the deadline
    /// then cut the body short.
    func send() async -> Result<Answer, Failure> {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: sendNow()) }
        }
    }

    private func sendNow() -> Result<Answer, Failure> {
        // "Expect:" keeps libcurl from waiting for a 100 Continue that some servers never send.
        let lines = ["Content-Type: \(contentType)", "Expect:"] + headers
        var answer = sentinel_http_answer()
        let milliseconds = max(1, Int(timeout * 1000))
        let outcome = withCStringArray(lines) { pointers in
            body.withUnsafeBufferPointer { bytes in
                sentinel_http_post(url, pointers, lines.count, bytes.baseAddress, bytes.count, milliseconds, bodyLimit, &answer)
            }
        }
        if outcome == 0 {
            let kept = withUnsafeBytes(of: answer.body) { Array($0.prefix(answer.body_length)) }
            return .success(Answer(status: answer.status, body: kept))
        }
        if answer.timed_out != 0 { return .failure(.timedOut) }
        let reason = withUnsafeBytes(of: answer.error) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        return .failure(.network(reason.isEmpty ? "network error" : reason))
    }
}

/// Calls `body` with the strings as an array of C strings.
private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { UnsafePointer(strdup($0)) }
    defer { copies.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
    return copies.withUnsafeBufferPointer { body($0.baseAddress!) }
}
