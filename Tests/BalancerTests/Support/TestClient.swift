import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client on one keep-alive connection, for integration tests.
struct TestResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: String
}

final class TestClient: Sendable {
    private let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    init(port: Int) async throws {
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Sends several requests on this connection, one after another, and returns their responses.
    func send(_ requests: [(method: HTTPMethod, path: String, headers: [(String, String)], body: String?)]) async throws -> [TestResponse] {
        try await channel.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            var responses: [TestResponse] = []
            for request in requests {
                var headers = HTTPHeaders(request.headers)
                headers.add(name: "host", value: "test")
                if let body = request.body { headers.replaceOrAdd(name: "content-length", value: "\(body.utf8.count)") }
                try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: request.method, uri: request.path, headers: headers)))
                if let body = request.body { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body)))) }
                try await outbound.write(.end(nil))
                var response = TestResponse(status: 0, headers: [:], body: "")
                loop: while let part = try await iterator.next() {
                    switch part {
                    case .head(let head):
                        response.status = Int(head.status.code)
                        response.headers = head.headers
                    case .body(let b):
                        response.body += String(buffer: b)
                    case .end:
                        break loop
                    }
                }
                responses.append(response)
            }
            return responses
        }
    }

    /// One GET on a fresh connection.
    static func get(port: Int, _ path: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await TestClient(port: port).send([(.GET, path, headers, nil)])[0]
    }

    /// Writes raw bytes on a fresh connection and returns everything received until the server closes.
    static func raw(port: Int, _ text: String, thenWaitForClose: Bool = true) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: text))
            var received = ""
            for try await chunk in inbound { received += String(buffer: chunk) }
            return received
        }
    }
}
