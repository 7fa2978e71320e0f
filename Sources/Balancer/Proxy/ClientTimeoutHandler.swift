import NIOCore

/// Sits first in a client connection's pipeline and enforces the two client-side timeouts:
/// an idle keep-alive connection is closed after `idle`, and once the first byte of a request arrives the
/// whole request head must follow within `headerRead` or the client gets 408 and the connection closes
/// (a slowloris client trickling header bytes cannot hold a connection open).
final class ClientTimeoutHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum State {
        /// Between requests; closes the connection when the timeout expires.
        case idle
        /// Some bytes of a request head have arrived; 408 when the timeout expires.
        case readingHead
        /// A request is being proxied; upstream timeouts apply instead.
        case busy
        case closed
    }

    private var state: State = .idle
    private let idle: TimeAmount
    private let headerRead: TimeAmount
    private var context: ChannelHandlerContext?
    /// The one timeout of the connection, idle or header-read as the state says.
    private var timeout: LazyTimeout?

    init(idle: Duration, headerRead: Duration) {
        self.idle = .init(idle)
        self.headerRead = .init(headerRead)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Held strongly until `cancel()` on close or removal (see LazyTimeout: no weak references here).
        timeout = LazyTimeout(on: context.eventLoop) { self.expired() }
        if context.channel.isActive { startIdle() }
    }

    func channelActive(context: ChannelHandlerContext) {
        startIdle()
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timeout?.cancel()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timeout?.cancel()
        state = .closed
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .idle = state else {
            context.fireChannelRead(data)
            return
        }
        state = .readingHead
        context.fireChannelRead(data)
        // Armed once the read has been handled, and only if the head is still incomplete: a head that arrives
        // whole (nearly always) costs no clock read and no timer.
        if case .readingHead = state { timeout?.arm(in: headerRead) }
    }

    /// The proxy received a complete request head.
    func requestHeadReceived() {
        timeout?.disarm()
        if case .closed = state { return }
        state = .busy
    }

    /// The proxy finished a response (at `now`, the event loop's time when nil) and the connection stays open for
    /// the next request.
    func exchangeFinished(now: NIODeadline? = nil) {
        if case .closed = state { return }
        startIdle(now: now)
    }

    private func startIdle(now: NIODeadline? = nil) {
        guard let context else { return }
        state = .idle
        timeout?.arm(in: idle, from: now ?? context.eventLoop.now)
    }

    private func expired() {
        switch state {
        case .idle: context?.close(promise: nil)
        case .readingHead: headerTimedOut()
        case .busy, .closed: break
        }
    }

    private func headerTimedOut() {
        guard case .readingHead = state, let context else { return }
        state = .closed
        var buffer = context.channel.allocator.buffer(capacity: 96)
        buffer.writeString("HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
        // Told to the handlers behind this one first, so the proxy can log the request it never got whole.
        context.fireUserInboundEventTriggered(RequestHeadTimedOut(responseBytes: buffer.readableBytes))
        context.writeAndFlush(NIOAny(buffer), promise: nil)
        context.close(promise: nil)
    }

    /// Passed down the pipeline when a request head took longer than `headerRead` and was answered with `408`.
    struct RequestHeadTimedOut {
        /// The size of the `408` response written.
        let responseBytes: Int
    }
}

extension TimeAmount {
    /// Converts a Swift `Duration`.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
