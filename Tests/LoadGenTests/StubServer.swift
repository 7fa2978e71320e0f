import EvenkeelTestSupport
import NIOCore
import NIOHTTP1

/// A real local HTTP server on 127.0.0.1 for load tests (``StubHTTPServer``). It can stall (hold every answer to
/// requests that arrive in a window until the window ends), name a backend in each response cycling through
/// `backends`, answer every `failEvery`-th request with a 503, and send a head no HTTP/1.1 reader may accept.
enum StubServer {
    /// Starts the server; `stall` is (start, length) from now; `chunked` sends bodies in chunked encoding;
    /// `malformed` adds a header whose name holds a space to every response.
    static func start(
        stall: (after: Duration, length: Duration)? = nil, backends: [String] = [], failEvery: Int? = nil, chunked: Bool = false,
        malformed: Bool = false
    ) async throws -> StubHTTPServer {
        let now = ContinuousClock.now
        let window = stall.map { (now + $0.after)..<(now + $0.after + $0.length) }
        return try await StubHTTPServer.start(validateOutboundHeaders: !malformed) { request in
            var headers: [(String, String)] = []
            if !backends.isEmpty { headers.append(("X-Evenkeel-Backend", backends[request.number % backends.count])) }
            if malformed { headers.append(("Bad Name", "x")) }
            let failing = failEvery.map { (request.number + 1) % $0 == 0 } ?? false
            let arrived = ContinuousClock.now
            let hold = window.flatMap { $0.contains(arrived) ? arrived.duration(to: $0.upperBound) : nil }
            return .respond(
                status: failing ? .serviceUnavailable : .ok, headers: headers, body: chunked ? "" : "ok",
                chunks: chunked ? ["ok", String(repeating: "x", count: 3000)] : nil, after: hold)
        }
    }
}
