@testable import Balancer
import NIOCore
import NIOEmbedded
import Testing

/// The HTTP/2 connection's flushes, joined per event-loop tick, on an `EmbeddedChannel`.
@Suite("HTTP/2 flushes joined per tick")
struct HTTP2FlushCoalescerTests {
    func activeChannel() throws -> (EmbeddedChannel, EmbeddedEventLoop) {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: HTTP2FlushCoalescer(), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        return (channel, loop)
    }

    @Test func flushesOfOneTickLeaveTogetherWhenTheTicksOtherWorkIsDone() throws {
        let (channel, loop) = try activeChannel()
        channel.write(ByteBuffer(string: "stream 1"), promise: nil)
        channel.flush()
        channel.write(ByteBuffer(string: "stream 3"), promise: nil)
        channel.flush()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "nothing leaves before the tick's work is done")
        loop.run()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "stream 1"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "stream 3"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test func aCloseSendsWhatWasFlushedFirst() throws {
        let (channel, _) = try activeChannel()
        channel.write(ByteBuffer(string: "GOAWAY"), promise: nil)
        channel.flush()
        try channel.close().wait()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "GOAWAY"))
    }

    @Test func aLaterTickFlushesAgain() throws {
        let (channel, loop) = try activeChannel()
        channel.write(ByteBuffer(string: "first"), promise: nil)
        channel.flush()
        loop.run()
        channel.write(ByteBuffer(string: "second"), promise: nil)
        channel.flush()
        loop.run()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "first"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "second"))
    }
}
