import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real local HTTP server on 127.0.0.1 for load tests. It can stall (hold every answer to requests that
/// arrive in a window until the window ends), name a backend in each response cycling through `backends`,
/// answer every `failEvery`-th request with a 503, and send a head no HTTP/1.1 reader may accept.
final class StubServer: Sendable {
    let channel: any Channel
    let port: Int

    /// Starts the server; `stall` is (start, length) from now; `chunked` sends bodies in chunked encoding;
    /// `malformed` adds a header whose name holds a space to every response.
    static func start(
        stall: (after: Duration, length: Duration)? = nil, backends: [String] = [], failEvery: Int? = nil, chunked: Bool = false,
        malformed: Bool = false
    ) async throws -> StubServer {
        let now = ContinuousClock.now
        let behaviour = StubBehaviour(
            stall: stall.map { (now + $0.after)..<(now + $0.after + $0.length) }, backends: backends, failEvery: failEvery,
            chunked: chunked, malformed: malformed)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Unvalidated, so that the malformed head gets out.
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withOutboundHeaderValidation: !malformed)
                    try channel.pipeline.syncOperations.addHandler(StubHandler(behaviour: behaviour))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return StubServer(channel: channel)
    }

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress!.port!
    }

    func stop() async {
        try? await channel.close()
    }
}

/// How a stub server answers, shared by its connections; numbers responses across them.
final class StubBehaviour: Sendable {
    let stall: Range<ContinuousClock.Instant>?
    let backends: [String]
    let failEvery: Int?
    let chunked: Bool
    let malformed: Bool
    private let counter = Atomic<Int>(0)

    init(stall: Range<ContinuousClock.Instant>?, backends: [String], failEvery: Int?, chunked: Bool, malformed: Bool) {
        self.stall = stall
        self.backends = backends
        self.failEvery = failEvery
        self.chunked = chunked
        self.malformed = malformed
    }

    func next() -> Int { counter.wrappingAdd(1, ordering: .relaxed).oldValue }
}

final class StubHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let behaviour: StubBehaviour

    init(behaviour: StubBehaviour) {
        self.behaviour = behaviour
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let number = behaviour.next()
        var headers: HTTPHeaders = behaviour.chunked ? ["Transfer-Encoding": "chunked"] : ["Content-Length": "2"]
        if !behaviour.backends.isEmpty { headers.add(name: "X-Evenkeel-Backend", value: behaviour.backends[number % behaviour.backends.count]) }
        if behaviour.malformed { headers.add(name: "Bad Name", value: "x") }
        let failing = behaviour.failEvery.map { (number + 1) % $0 == 0 } ?? false
        let head = HTTPResponseHead(version: .http1_1, status: failing ? .serviceUnavailable : .ok, headers: headers)
        let now = ContinuousClock.now
        if let stall = behaviour.stall, stall.contains(now) {
            let wait = now.duration(to: stall.upperBound)
            let nanoseconds = Int64(wait.components.seconds) * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) {
                self.respond(context: context, head: head)
            }
        } else {
            respond(context: context, head: head)
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPResponseHead) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
        if behaviour.chunked { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: String(repeating: "x", count: 3000))))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
