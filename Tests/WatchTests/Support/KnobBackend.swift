import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A job-board stand-in on an ephemeral 127.0.0.1 port whose faults a test turns on and off: extra latency, a share
/// of 500 answers, or being gone.
final class KnobBackend: Sendable {
    struct Knobs {
        var delay: Duration = .zero
        /// Every n-th request answers 500 (0: never).
        var failEvery = 0
        var served = 0
    }

    let name: String
    let port: Int
    let knobs = Mutex(Knobs())
    private let channel: any Channel

    private init(name: String, port: Int, channel: any Channel) {
        self.name = name
        self.port = port
        self.channel = channel
    }

    static func start(_ name: String) async throws -> KnobBackend {
        let box = Mutex<KnobBackend?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try child.pipeline.syncOperations.addHandler(Handler(backend: { box.withLock { $0 } }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let backend = KnobBackend(name: name, port: channel.localAddress!.port!, channel: channel)
        box.withLock { $0 = backend }
        return backend
    }

    func stop() async { try? await channel.close() }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let backend: @Sendable () -> KnobBackend?

        init(backend: @escaping @Sendable () -> KnobBackend?) { self.backend = backend }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data), let backend = backend() else { return }
            let (delay, fail) = backend.knobs.withLock { k -> (Duration, Bool) in
                k.served += 1
                return (k.delay, k.failEvery > 0 && k.served % k.failEvery == 0)
            }
            let status: HTTPResponseStatus = fail ? .internalServerError : .ok
            let body = "\(backend.name)\n"
            let respond = {
                var headers = HTTPHeaders([("content-length", "\(body.utf8.count)"), ("content-type", "text/plain")])
                headers.add(name: "x-evenkeel-replica", value: backend.name)
                context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
                context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
            if delay > .zero {
                context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { respond() }
            } else {
                respond()
            }
        }
    }
}
