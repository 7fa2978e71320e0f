import NIOCore
import NIOSSL
import NIOTLS
import Synchronization

/// Bounds the TLS handshake of a client connection: a client that has not finished it within `timeout` is
/// disconnected, so a connection that never speaks TLS cannot hold a slot. Failed handshakes are counted. Once the
/// handshake is done it leaves the pipeline, so the connection's reads do not pass through it.
final class TLSHandshakeTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let counters: EdgeCounters
    private var timer: Scheduled<Void>?
    private var done = false

    init(timeout: TimeAmount, counters: EdgeCounters) {
        self.timeout = timeout
        self.counters = counters
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) { [counters] in
            counters.handshakeFailures.add(1, ordering: .relaxed)
            loopBound.value.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let tls = event as? TLSUserEvent, case .handshakeCompleted = tls else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        done = true
        timer?.cancel()
        timer = nil
        context.fireUserInboundEventTriggered(event)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Errors before the handshake completed are failed handshakes (a plain-HTTP request on the TLS port, an
        // unknown CA on the client's side, no shared cipher); the connection closes on them.
        if !done, error is NIOSSLError || error is BoringSSLError {
            done = true
            timer?.cancel()
            counters.handshakeFailures.add(1, ordering: .relaxed)
            context.close(promise: nil)
        }
        context.fireErrorCaught(error)
    }
}
