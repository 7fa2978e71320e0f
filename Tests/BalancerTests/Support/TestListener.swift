import NIOCore
import NIOPosix

/// A server on an ephemeral 127.0.0.1 port that gives every connection a handler of its own: what the raw test
/// backends (``RawBackend``, ``WebSocketBackend``) have in common, below what each answers.
struct TestListener: Sendable {
    let port: Int
    private let channel: any Channel

    /// Listens; each accepted connection gets the handler `makeHandler` builds for it.
    static func start(_ makeHandler: @escaping @Sendable () -> any ChannelHandler) async throws -> TestListener {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(makeHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TestListener(port: channel.localAddress!.port!, channel: channel)
    }

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    func stop() async { try? await channel.close() }
}
