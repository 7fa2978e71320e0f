import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real local HTTP server that plays a balancer for live-check tests: each response names a backend in
/// `X-Evenkeel-Backend`, taking the names from `pattern` in turn across all connections (nil: no header).
final class BackendPatternServer: Sendable {
    let channel: any Channel
    let port: Int

    static func start(pattern: [String?], header: String = "X-Evenkeel-Backend") async throws -> BackendPatternServer {
        precondition(!pattern.isEmpty, "a pattern needs at least one entry")
        let turn = PatternTurn(pattern: pattern)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(PatternHandler(turn: turn, header: header))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return BackendPatternServer(channel: channel)
    }

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    func stop() async {
        try? await channel.close()
    }
}

/// The next name in the pattern, shared by every connection of one server.
final class PatternTurn: Sendable {
    let pattern: [String?]
    private let counter = Atomic<Int>(0)

    init(pattern: [String?]) {
        self.pattern = pattern
    }

    func next() -> String? {
        pattern[counter.wrappingAdd(1, ordering: .relaxed).oldValue % pattern.count]
    }
}

/// Answers every request with 200 "ok" and the next backend name.
final class PatternHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let turn: PatternTurn
    let header: String

    init(turn: PatternTurn, header: String) {
        self.turn = turn
        self.header = header
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        var headers: HTTPHeaders = ["Content-Length": "2"]
        if let name = turn.next() { headers.add(name: header, value: name) }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
