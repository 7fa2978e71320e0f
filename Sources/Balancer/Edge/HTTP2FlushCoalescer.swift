import NIOCore

/// Joins the flushes of an HTTP/2 connection's streams that fall in one event-loop tick into one, so responses to
/// several streams finished together leave through TLS in one write to the socket instead of one each.
/// Writes pass at once; only the flush waits, until the tick's other work is done.
final class HTTP2FlushCoalescer: ChannelOutboundHandler {
    typealias OutboundIn = IOData
    private var flushScheduled = false
    private var removed = false

    func flush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            if !self.removed { context.flush() }
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // What the streams wrote goes out before the connection closes (a GOAWAY among it).
        if flushScheduled { context.flush() }
        context.close(mode: mode, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        removed = true
    }
}
