import EvenkeelTestSupport
import NIOCore
import NIOHTTP1
import Synchronization

/// A tiny real HTTP backend on an ephemeral 127.0.0.1 port, for integration tests: ``StubHTTPServer`` answering as
/// a backend named `name`.
///
/// Paths: `/healthz` (200, or 503 when unhealthy), `/status/N` (status N), `/slow?ms=N` (answers after N
/// ms), `/echo` (returns the request body), `/big?bytes=N` (N bytes), `/drop` (closes without answering). Every
/// response carries `x-backend`, `x-uri` and the request headers it saw as `x-req-NAME`.
final class TestBackend: Sendable {
    /// Whether `/healthz` answers 200; shared with the server's answers.
    final class Health: Sendable {
        let isUp = Atomic<Bool>(true)
    }

    let name: String
    let health: Health
    private let server: StubHTTPServer

    var port: Int { server.port }
    /// Requests answered so far.
    var requestCount: Int { server.requestCount }
    /// Connections accepted so far.
    var acceptedCount: Int { server.acceptedCount }

    static func start(_ name: String) async throws -> TestBackend {
        let health = Health()
        let server = try await StubHTTPServer.start { request in
            Self.answer(request, name: name, healthy: health.isUp.load(ordering: .relaxed))
        }
        return TestBackend(name: name, health: health, server: server)
    }

    private init(name: String, health: Health, server: StubHTTPServer) {
        self.name = name
        self.health = health
        self.server = server
    }

    static func answer(_ request: StubRequest, name: String, healthy: Bool) -> StubReply {
        let path = request.path
        var headers = [("x-backend", name), ("x-uri", request.uri)]
        for field in request.headers { headers.append(("x-req-\(field.name.lowercased())", field.value)) }
        switch path {
        case "/healthz":
            return .respond(status: healthy ? .ok : .serviceUnavailable, headers: headers, body: name)
        case "/slow":
            return .respond(status: .ok, headers: headers, body: name, after: .milliseconds(Int(request.query["ms"] ?? "0") ?? 0))
        case "/echo":
            return .respondBytes(status: .ok, headers: headers, body: request.body)
        case "/drop":
            return .hangUp
        case "/big":
            let count = Int(request.query["bytes"] ?? "0") ?? 0
            return .respondBytes(status: .ok, headers: headers, body: ByteBuffer(repeating: UInt8(ascii: "x"), count: count))
        default:
            if path.hasPrefix("/status/"), let code = Int(path.dropFirst(8)) {
                return .respond(status: HTTPResponseStatus(statusCode: code), headers: headers, body: name)
            }
            return .respond(status: .ok, headers: headers, body: name)
        }
    }

    /// Stops listening and drops every open connection, like a crashed process.
    func kill() async {
        await server.kill()
        // A killed backend stays dead: a backend of a test running in parallel must not reuse its port while
        // this test's balancer still sends there.
        holdPort(port)
    }
}
