@testable import Balancer
import NIOCore
import NIOEmbedded
import Testing

/// The client timeout handler on an `EmbeddedChannel`, with virtual time.
@Suite("Client timeouts on an embedded channel")
struct ClientTimeoutHandlerTests {
    func activeChannel(_ handler: ClientTimeoutHandler) throws -> (EmbeddedChannel, EmbeddedEventLoop) {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: handler, loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        return (channel, loop)
    }

    @Test func partialHeadGets408WhenHeaderReadTimeoutExpires() throws {
        let (channel, loop) = try activeChannel(ClientTimeoutHandler(idle: .seconds(60), headerRead: .seconds(2)))
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nhost"))
        #expect(try channel.readInbound(as: ByteBuffer.self) != nil)
        loop.advanceTime(by: .milliseconds(1999))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1))
        let reply = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(String(buffer: reply).hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect(!channel.isActive)
    }

    @Test func completeHeadCancelsTheHeaderTimer() throws {
        let handler = ClientTimeoutHandler(idle: .seconds(60), headerRead: .seconds(2))
        let (channel, loop) = try activeChannel(handler)
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))
        handler.requestHeadReceived()
        loop.advanceTime(by: .seconds(120))
        #expect(channel.isActive)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        _ = try channel.finish()
    }

    @Test func idleConnectionClosesAfterIdleTimeoutAndNotBefore() throws {
        let handler = ClientTimeoutHandler(idle: .seconds(5), headerRead: .seconds(2))
        let (channel, loop) = try activeChannel(handler)
        loop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test func finishedExchangeRestartsTheIdleTimer() throws {
        let handler = ClientTimeoutHandler(idle: .seconds(5), headerRead: .seconds(2))
        let (channel, loop) = try activeChannel(handler)
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))
        handler.requestHeadReceived()
        loop.advanceTime(by: .seconds(30))
        handler.exchangeFinished()
        loop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }
}
