import NIOCore

/// The client side of a WebSocket tunnel: swapped into the client's pipeline in place of ``ProxyClientHandler``
/// once the backend answered an upgrade with `101`. From then on nothing either side sends is HTTP: bytes pass as
/// they are, each side reading only while the other can take more, until either side closes or nothing passes for
/// `idleTimeout`. `ended` runs once, when the tunnel is over, with the bytes sent to the client through it (the
/// exchange's slot is released and its access log line written there).
final class TunnelHandler: ChannelDuplexHandler, RemovableChannelHandler, TunnelPeer {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let upstream: UpstreamHandler
    private let idleTimeout: TimeAmount
    private let closeGrace: TimeAmount
    private var ended: ((_ bytesToClient: Int) -> Void)?
    private var context: ChannelHandlerContext?
    /// The idle timeout while open; once the backend has closed, how long the client gets to take the last bytes.
    private var timer: LazyTimeout?
    private var pendingRead = false
    private var bytesToClient = 0

    /// `closeGrace` bounds how long a client that stopped reading keeps the connection after the backend closed.
    init(upstream: UpstreamHandler, idleTimeout: TimeAmount, closeGrace: TimeAmount, ended: @escaping (_ bytesToClient: Int) -> Void) {
        self.upstream = upstream
        self.idleTimeout = idleTimeout
        self.closeGrace = closeGrace
        self.ended = ended
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Held strongly until `cancel()` on close or removal (see LazyTimeout: no weak references here).
        timer = LazyTimeout(on: context.eventLoop) { self.context?.close(promise: nil) }
        timer?.arm(in: idleTimeout)
        // The handler it replaced may have held a read back; ask again.
        context.read()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

    // MARK: Client side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        timer?.arm(in: idleTimeout)
        upstream.send(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        upstream.flush()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if !upstream.isWritable {
            pendingRead = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { upstream.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Graceful shutdown: a tunnel has no end to wait for, so it closes now and the client reconnects elsewhere.
        if event is ChannelShouldQuiesceEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        upstream.close()
        end()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func end() {
        guard let ended else { return }
        self.ended = nil
        ended(bytesToClient)
    }

    // MARK: Backend side (TunnelPeer)

    var clientIsWritable: Bool { context?.channel.isWritable ?? false }

    func upstreamTunnelled(_ bytes: ByteBuffer) {
        guard let context else { return }
        timer?.arm(in: idleTimeout)
        bytesToClient += bytes.readableBytes
        context.write(wrapOutboundOut(bytes), promise: nil)
    }

    func upstreamReadComplete() {
        context?.flush()
    }

    func upstreamWritabilityChanged(isWritable: Bool) {
        guard isWritable, pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }

    /// The backend closed its side: the client gets what was sent, then the connection closes (or after
    /// `closeGrace` if the client does not take it).
    func upstreamTunnelClosed() {
        end()
        guard let context else { return }
        timer?.arm(in: closeGrace)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).assumeIsolated().whenComplete { _ in
            self.context?.close(promise: nil)
        }
    }
}
