import NIOCore
import NIOHTTP2
import Synchronization

/// Sits behind the HTTP/2 handler on a client connection: counts the streams the client opens, closes the
/// connection once it has had no open stream for the idle timeout (after a GOAWAY), and closes it on a connection
/// error, after NIOHTTP2's GOAWAY, counting the limit the client broke when the error is a flood.
final class HTTP2ConnectionGuard: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame

    private let idle: TimeAmount
    private let counters: EdgeCounters
    private var openStreams = 0
    private var idleTimer: Scheduled<Void>?
    private var breachCounted = false

    init(idle: TimeAmount, counters: EdgeCounters) {
        self.idle = idle
        self.counters = counters
    }

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        armIdle(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        context.fireChannelInactive()
    }

    /// A stream opened on the connection (see ``HTTP2StreamTally``).
    func streamOpened() {
        openStreams += 1
        counters.http2Streams.add(1, ordering: .relaxed)
        idleTimer?.cancel()
        idleTimer = nil
    }

    /// A stream closed; with none left open, the idle timeout runs.
    func streamClosed() {
        openStreams = max(0, openStreams - 1)
        if openStreams == 0, let context { armIdle(context: context) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !breachCounted, let breach = Self.breach(for: error) {
            breachCounted = true
            counters.countClosure(breach)
        }
        // NIOHTTP2 has sent GOAWAY for a connection error and leaves closing to the pipeline.
        context.close(promise: nil)
        context.fireErrorCaught(error)
    }

    private func armIdle(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(in: idle) {
            let goAway = HTTP2Frame(streamID: .rootStream, payload: .goAway(lastStreamID: .maxID, errorCode: .noError, opaqueData: nil))
            loopBound.value.writeAndFlush(NIOAny(goAway)).whenComplete { _ in loopBound.value.close(promise: nil) }
        }
    }

    /// The limit an error from NIOHTTP2 stands for, if it is one.
    static func breach(for error: any Error) -> HTTP2LimitBreach? {
        switch error {
        case is NIOHTTP2Errors.ExcessiveRSTFrames: .rapidReset
        case is NIOHTTP2Errors.ExcessiveContinuationFrames: .continuationFlood
        case is NIOHTTP2Errors.ExcessiveControlFrames: .controlFrameFlood
        case is NIOHTTP2Errors.ExcessiveOutboundFrameBuffering: .outboundBuffering
        case is NIOHTTP2Errors.ExcessiveEmptyDataFrames: .emptyDataFlood
        case is NIOHTTP2Errors.ExcessivelyLargeHeaderBlock: .headerListTooLarge
        case is NIOHTTP2Errors.ExcessiveNumberOfGlitches: .glitches
        case is NIOHTTP2Errors.ExcessiveStreamErrors: .streamErrors
        case is NIOHTTP2Errors.MaxStreamsViolation: .concurrentStreams
        default: nil
        }
    }
}

/// Tells the connection's ``HTTP2ConnectionGuard`` when NIOHTTP2 opens and closes streams. NIOHTTP2 calls it on the
/// connection's event loop, where the guard lives.
struct HTTP2StreamTally: NIOHTTP2StreamDelegate {
    let connectionGuard: NIOLoopBound<HTTP2ConnectionGuard>

    func streamCreated(_ id: HTTP2StreamID, channel: any Channel) { connectionGuard.value.streamOpened() }

    func streamClosed(_ id: HTTP2StreamID, channel: any Channel) { connectionGuard.value.streamClosed() }
}
