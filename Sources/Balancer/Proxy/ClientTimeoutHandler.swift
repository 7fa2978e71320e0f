import NIOCore

/// Sits first in a client connection's pipeline and enforces the two client-side timeouts:
/// an idle keep-alive connection is closed after `idle`, and once the first byte of a request arrives the
/// whole request head must follow within `headerRead` or the client gets 408 and the connection closes
/// (a slowloris client trickling header bytes cannot hold a connection open).
final class ClientTimeoutHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum State {
        /// Between requests; closes the connection when the idle timer fires.
        case idle(Scheduled<Void>?)
        /// Some bytes of a request head have arrived; 408 when the timer fires.
        case readingHead(Scheduled<Void>?)
        /// A request is being proxied; upstream timeouts apply instead.
        case busy
        case closed
    }

    private var state: State = .idle(nil)
    private let idle: TimeAmount
    private let headerRead: TimeAmount
    private var context: ChannelHandlerContext?

    init(idle: Duration, headerRead: Duration) {
        self.idle = .init(idle)
        self.headerRead = .init(headerRead)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { startIdle() }
    }

    func channelActive(context: ChannelHandlerContext) {
        startIdle()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        state = .closed
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .idle(let timer) = state {
            timer?.cancel()
            let loop = context.eventLoop.assumeIsolated()
            state = .readingHead(loop.scheduleTask(in: headerRead) { [weak self] in self?.headerTimedOut() })
        }
        context.fireChannelRead(data)
    }

    /// The proxy received a complete request head.
    func requestHeadReceived() {
        cancelTimer()
        if case .closed = state { return }
        state = .busy
    }

    /// The proxy finished a response and the connection stays open for the next request.
    func exchangeFinished() {
        cancelTimer()
        if case .closed = state { return }
        startIdle()
    }

    private func startIdle() {
        guard let context else { return }
        cancelTimer()
        let loop = context.eventLoop.assumeIsolated()
        state = .idle(loop.scheduleTask(in: idle) { [weak self] in self?.context?.close(promise: nil) })
    }

    private func cancelTimer() {
        switch state {
        case .idle(let t), .readingHead(let t): t?.cancel()
        case .busy, .closed: break
        }
    }

    private func headerTimedOut() {
        guard case .readingHead = state, let context else { return }
        state = .closed
        var buffer = context.channel.allocator.buffer(capacity: 96)
        buffer.writeString("HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
        context.writeAndFlush(NIOAny(buffer), promise: nil)
        context.close(promise: nil)
    }
}

extension TimeAmount {
    /// Converts a Swift `Duration`.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
