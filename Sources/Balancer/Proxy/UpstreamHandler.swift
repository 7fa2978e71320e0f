import NIOCore
import NIOHTTP1

/// What an upstream connection reports to the client-side handler that currently leases it.
protocol UpstreamDelegate: AnyObject {
    func upstreamReceived(_ part: HTTPClientResponsePart)
    func upstreamReadComplete()
    func upstreamFailed(_ error: any Error)
    func upstreamWritabilityChanged(isWritable: Bool)
    /// Whether the client can take more response bytes; upstream reads wait while it cannot.
    var clientIsWritable: Bool { get }
}

/// The last handler of a keep-alive connection to a backend. While leased it forwards response parts to
/// its delegate and reads only while the client side is writable (backpressure); while idle in the pool
/// it closes itself after the idle timeout.
final class UpstreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private enum State {
        case idle
        case leased(any UpstreamDelegate)
        case closed
    }

    private var state: State = .idle
    /// Closes the connection when it has been idle in the pool too long.
    private var idleTimeout: LazyTimeout?
    private var pendingRead = false
    private(set) var context: ChannelHandlerContext?
    let address: String
    /// Whether the last response allows another request on this connection.
    var reusable = true
    weak var pool: UpstreamConnectionPool?

    init(address: String) {
        self.address = address
    }

    var isActive: Bool { context?.channel.isActive ?? false }
    var isWritable: Bool { context?.channel.isWritable ?? false }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Held strongly until `cancel()` on close or removal (see LazyTimeout: no weak references here).
        idleTimeout = LazyTimeout(on: context.eventLoop) {
            if case .idle = self.state { self.close() }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimeout?.cancel()
        self.context = nil
    }

    func lease(to delegate: any UpstreamDelegate) {
        idleTimeout?.disarm()
        state = .leased(delegate)
        reusable = true
    }

    /// Returns the connection to idle; it closes itself after `idleTimeout`.
    func makeIdle(idleTimeout: TimeAmount) {
        guard let context, case .leased = state else { return }
        state = .idle
        self.idleTimeout?.arm(in: idleTimeout)
        if pendingRead {
            pendingRead = false
            context.read()
        }
    }

    func close() {
        idleTimeout?.cancel()
        state = .closed
        context?.close(promise: nil)
    }

    func send(_ part: HTTPClientRequestPart, flush: Bool) {
        guard let context else { return }
        if flush {
            context.writeAndFlush(wrapOutboundOut(part), promise: nil)
        } else {
            context.write(wrapOutboundOut(part), promise: nil)
        }
    }

    func flush() { context?.flush() }

    /// The client became writable again: resume a read that was held back.
    func resumeReading() {
        guard pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .leased(let delegate):
            if case .head(let head) = part, !head.isKeepAlive { reusable = false }
            delegate.upstreamReceived(part)
        case .idle, .closed:
            // A response nobody asked for: the connection is out of sync and must not be reused.
            close()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .leased(let delegate) = state { delegate.upstreamReadComplete() }
    }

    func read(context: ChannelHandlerContext) {
        if case .leased(let delegate) = state, !delegate.clientIsWritable {
            pendingRead = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .leased(let delegate) = state { delegate.upstreamWritabilityChanged(isWritable: context.channel.isWritable) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let previous = state
        state = .closed
        idleTimeout?.cancel()
        pool?.forget(self)
        if case .leased(let delegate) = previous {
            delegate.upstreamFailed(ChannelError.eof)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let previous = state
        state = .closed
        if case .leased(let delegate) = previous { delegate.upstreamFailed(error) }
        context.close(promise: nil)
    }
}
