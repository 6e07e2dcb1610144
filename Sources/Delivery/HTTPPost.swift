import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP POST under one deadline for the whole exchange (connection,
/// request, status, what is read of the body), reading at most
/// `bodyLimit` bytes of the answer and following no redirect: a slow,
/// endless or huge answer can neither hold the run nor fill its memory,
/// and a 3xx is an answer, not a new request elsewhere without the body.
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
    var url: URL
    /// Its body.
    var body: [UInt8]
    /// Its Content-Type.
    var contentType = "application/json; charset=utf-8"
    /// More headers (a signature).
    var headers: [String: String] = [:]
    /// Seconds for the whole exchange.
    var timeout: Double
    /// Bytes of the answer's body read at most; 0 when the status is enough.
    var bodyLimit = 0

    /// Sends the request and waits for its answer, at most `timeout` seconds.
    func send() async -> Result<Answer, Failure> {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.setValue("sentinel-gen", forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = Data(body)
        let exchange = Exchange(bodyLimit: bodyLimit)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration, delegate: exchange, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        return await withCheckedContinuation { continuation in
            exchange.start(session.dataTask(with: request), continuation: continuation, deadline: timeout)
        }
    }
}

/// The delegate of one exchange: it ends the task, and resumes the caller
/// exactly once, at the first of the answer being complete enough, an
/// error, or the deadline.
private final class Exchange: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private let bodyLimit: Int
    private var continuation: CheckedContinuation<Result<HTTPPost.Answer, HTTPPost.Failure>, Never>?
    private var task: URLSessionTask?
    private var status: Int?
    private var body: [UInt8] = []

    init(bodyLimit: Int) { self.bodyLimit = bodyLimit }

    func start(_ task: URLSessionDataTask, continuation: CheckedContinuation<Result<HTTPPost.Answer, HTTPPost.Failure>, Never>,
               deadline: Double) {
        lock.withLock {
            self.task = task
            self.continuation = continuation
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + deadline) { [self] in
            // A status already in hand is the answer, whatever is left of the body.
            let answer = lock.withLock { status.map { HTTPPost.Answer(status: $0, body: body) } }
            finish(answer.map { .success($0) } ?? .failure(.timedOut))
        }
        task.resume()
    }

    private func finish(_ result: Result<HTTPPost.Answer, HTTPPost.Failure>) {
        let (waiting, task): (CheckedContinuation<Result<HTTPPost.Answer, HTTPPost.Failure>, Never>?, URLSessionTask?) = lock.withLock {
            defer { continuation = nil }
            return (continuation, self.task)
        }
        guard let waiting else { return }
        task?.cancel()
        waiting.resume(returning: result)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        let code = (response as? HTTPURLResponse)?.statusCode ?? 0
        lock.withLock { status = code }
        if bodyLimit == 0 {
            completionHandler(.cancel)
            finish(.success(HTTPPost.Answer(status: code, body: [])))
        } else {
            completionHandler(.allow)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let answer: HTTPPost.Answer? = lock.withLock {
            body.append(contentsOf: data.prefix(bodyLimit - body.count))
            return body.count >= bodyLimit ? HTTPPost.Answer(status: status ?? 0, body: body) : nil
        }
        if let answer { finish(.success(answer)) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let answer = lock.withLock { status.map { HTTPPost.Answer(status: $0, body: body) } }
        if let answer, error == nil || (error as? URLError)?.code == .cancelled {
            finish(.success(answer))
        } else if let error = error as? URLError {
            finish(.failure(error.code == .timedOut ? .timedOut : .network("network error \(error.code.rawValue)")))
        } else if let error {
            finish(.failure(.network("network error: \(error.localizedDescription)")))
        } else {
            finish(.failure(.network("no answer")))
        }
    }
}
