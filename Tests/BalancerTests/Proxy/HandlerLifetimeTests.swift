@testable import Balancer
import HTTPWire
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

/// The proxy's handlers hold their timeouts' closures strongly (no weak references: they would send every retain
/// and release of the handler down the runtime's slow path). Closing the channel must still free them, or every
/// connection would leak its handler and pipeline.
@Suite("Handlers are freed when their channel closes")
struct HandlerLifetimeTests {
    /// Runs `body` with a connected embedded channel around a handler it makes, closes the channel, and returns a
    /// weak reference to the handler, which must be nil once nothing else holds it.
    func freedAfterClose<Handler: ChannelHandler & AnyObject>(
        _ make: () -> Handler, _ body: (Handler, EmbeddedChannel, EmbeddedEventLoop) throws -> Void
    ) throws -> Bool {
        weak var weakHandler: Handler?
        weak var weakChannel: EmbeddedChannel?
        let loop = EmbeddedEventLoop()
        do {
            let handler = make()
            weakHandler = handler
            let channel = EmbeddedChannel(handler: handler, loop: loop)
            weakChannel = channel
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
            try body(handler, channel, loop)
            _ = try? channel.finish()
        }
        loop.run()
        return weakHandler == nil && weakChannel == nil
    }

    @Test func clientTimeoutHandlerWithAnArmedTimerIsFreed() throws {
        let freed = try freedAfterClose({ ClientTimeoutHandler(idle: .seconds(60), headerRead: .seconds(2)) }) { _, channel, _ in
            // A partial head arms the header-read timer: a scheduled task holding the timeout, which holds the handler.
            try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nhost"))
            _ = try channel.readInbound(as: ByteBuffer.self)
        }
        #expect(freed)
    }

    @Test func idleUpstreamConnectionWithItsIdleTimerIsFreed() throws {
        let freed = try freedAfterClose({ UpstreamHandler(addressID: UpstreamAddressID.of("127.0.0.1:9")) }) { handler, _, _ in
            final class Nobody: UpstreamDelegate {
                func upstreamReceivedHead(_ head: ResponseHead, framing: BodyFraming) {}
                func upstreamReceivedBody(_ bytes: ByteBuffer) {}
                func upstreamReceivedEnd() {}
                func upstreamReadComplete() {}
                func upstreamFailed(_ error: any Error) {}
                func upstreamWritabilityChanged(isWritable: Bool) {}
                func upstreamSwitchedProtocols(_ head: ResponseHead) {}
                var clientIsWritable: Bool { true }
            }
            let delegate = Nobody()
            handler.lease(to: delegate, requestIsHEAD: false, dechunk: false)
            handler.makeIdle(idleTimeout: .seconds(30), now: .now())
        }
        #expect(freed)
    }

    @Test func aTunnelWithItsIdleTimerAndTheUpstreamPointingAtItIsFreed() throws {
        let upstream = UpstreamHandler(addressID: UpstreamAddressID.of("127.0.0.1:9"))
        final class Count { var value = 0 }
        let ended = Count()
        let freed = try freedAfterClose({
            TunnelHandler(upstream: upstream, idleTimeout: .seconds(60), closeGrace: .seconds(5)) { _ in ended.value += 1 }
        }) { tunnel, channel, _ throws in
            // The backend's side refers to the tunnel (as after a 101); bytes pass, and the timer is armed.
            upstream.tunnel(to: tunnel)
            tunnel.upstreamTunnelled(ByteBuffer(string: "frame"))
            #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "written, not flushed yet")
            tunnel.upstreamReadComplete()
            #expect(try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } == "frame")
        }
        #expect(freed)
        #expect(ended.value == 1, "the tunnel's end is reported once")
    }
}
