import EvenkeelTestSupport
import NIOCore
import NIOHTTP1

/// A real local HTTP server that plays a balancer for live-check tests: ``StubHTTPServer`` answering 200 "ok" and
/// naming a backend in `X-Evenkeel-Backend`, taking the names from `pattern` in turn across all connections (nil: no
/// header).
enum BackendPatternServer {
    static func start(pattern: [String?], header: String = "X-Evenkeel-Backend") async throws -> StubHTTPServer {
        precondition(!pattern.isEmpty, "a pattern needs at least one entry")
        return try await StubHTTPServer.start(backlog: 64) { request in
            let name = pattern[request.number % pattern.count]
            return .respond(status: .ok, headers: name.map { [(header, $0)] } ?? [], body: "ok")
        }
    }
}
