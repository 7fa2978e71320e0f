import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The admin listener, separate from the proxy so stats, metrics and reloads are never public.
final class AdminServer: Sendable {
    private let channel = Mutex<(any Channel)?>(nil)

    /// Binds and returns the bound port.
    func start(host: String, port: Int, group: any EventLoopGroup, balancer: LoadBalancer) async throws -> Int {
        let bound = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    var limits = NIOHTTPDecoderLimitConfiguration()
                    limits.maxHeaderListSize = 16 * 1024
                    limits.maxHeaderFieldSize = 16 * 1024
                    try channel.pipeline.syncOperations.addHandler(
                        IdleStateHandler(allTimeout: .seconds(30)))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: true, withErrorHandling: false, withOutboundHeaderValidation: true,
                        withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
                    try channel.pipeline.syncOperations.addHandler(AdminHandler(balancer: balancer))
                    try channel.pipeline.syncOperations.addHandler(IdleCloser())
                }
            }
            .bind(host: host, port: port).get()
        channel.withLock { $0 = bound }
        return bound.localAddress?.port ?? port
    }

    func stop() async {
        let bound = channel.withLock { $0 }
        try? await bound?.close()
    }
}

/// Closes an admin connection when `IdleStateHandler` reports it idle.
final class IdleCloser: ChannelInboundHandler {
    typealias InboundIn = Never

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
