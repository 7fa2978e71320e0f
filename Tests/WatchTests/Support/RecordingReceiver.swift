import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A notification receiver on an ephemeral 127.0.0.1 port: records every request it gets (head and body) and
/// answers each with the status a test sets, or is stopped and started again on the same port to be "down".
final class RecordingReceiver: Sendable {
    struct Received: Sendable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: Data

        var json: Any? { try? JSONSerialization.jsonObject(with: body) }
        var idempotencyKey: String? { headers["idempotency-key"] }
    }

    struct State {
        var received: [Received] = []
        /// Answers for the next requests, first first; when empty, 200.
        var answers: [(status: Int, headers: [(String, String)])] = []
    }

    let port: Int
    let state = Mutex(State())
    private let channel: Mutex<(any Channel)?>

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = Mutex(channel)
    }

    /// Starts on `port` (0 for any).
    static func start(port: Int = 0) async throws -> RecordingReceiver {
        let box = Mutex<RecordingReceiver?>(nil)
        let channel = try await bind(port: port) { box.withLock { $0 } }
        let receiver = RecordingReceiver(port: channel.localAddress!.port!, channel: channel)
        box.withLock { $0 = receiver }
        return receiver
    }

    private static func bind(port: Int, receiver: @escaping @Sendable () -> RecordingReceiver?) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try child.pipeline.syncOperations.addHandler(Handler(receiver: receiver))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
    }

    /// The receiver is gone: connections are refused.
    func stop() async {
        let current = channel.withLock { c -> (any Channel)? in
            let old = c
            c = nil
            return old
        }
        try? await current?.close()
    }

    /// Back on its port.
    func restart() async throws {
        let channel = try await Self.bind(port: port) { [self] in self }
        self.channel.withLock { $0 = channel }
    }

    var received: [Received] { state.withLock { $0.received } }

    /// Queues answers for the next requests.
    func answer(_ status: Int, headers: [(String, String)] = [], times: Int = 1) {
        state.withLock { s in for _ in 0..<times { s.answers.append((status, headers)) } }
    }

    /// Waits until `count` requests have arrived or `seconds` pass; returns what arrived.
    func waitFor(_ count: Int, seconds: Double = 10) async throws -> [Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while received.count < count, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return received
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let receiver: @Sendable () -> RecordingReceiver?
        var head: HTTPRequestHead?
        var body = Data()

        init(receiver: @escaping @Sendable () -> RecordingReceiver?) { self.receiver = receiver }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body = Data()
            case .body(var buffer):
                body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .end:
                guard let head, let receiver = receiver() else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let request = Received(method: "\(head.method)", path: head.uri, headers: headers, body: body)
                let answer = receiver.state.withLock { s -> (status: Int, headers: [(String, String)]) in
                    s.received.append(request)
                    return s.answers.isEmpty ? (200, []) : s.answers.removeFirst()
                }
                var responseHeaders = HTTPHeaders([("content-length", "0")])
                for (name, value) in answer.headers { responseHeaders.add(name: name, value: value) }
                context.write(
                    wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: answer.status), headers: responseHeaders))),
                    promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
