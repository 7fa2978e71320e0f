import Foundation
import NIOCore
import NIOPosix

/// One raw TCP connection a test talks over in turns: write some bytes, read until an expected text arrives,
/// or read until the other side closes. For exchanges that are not HTTP from start to end (a WebSocket tunnel).
struct RawConversation {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Bytes received and not yet returned by a read.
    private var pending = ""

    /// Connects to 127.0.0.1:`port`, runs `body` over the connection, then closes it.
    static func with<T: Sendable>(port: Int, _ body: (inout RawConversation) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var conversation = RawConversation(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&conversation)
        }
    }

    private init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.inbound = inbound
        self.outbound = outbound
    }

    mutating func send(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// Everything received up to and including the first `marker`; what came after it waits for the next read.
    /// Fails if the connection closes before `marker` arrives.
    mutating func read(through marker: String) async throws -> String {
        while true {
            if let found = pending.range(of: marker) {
                let text = String(pending[..<found.upperBound])
                pending = String(pending[found.upperBound...])
                return text
            }
            guard let chunk = try await inbound.next() else { throw ConversationEnded(received: pending, awaited: marker) }
            pending += String(buffer: chunk)
        }
    }

    /// The next bytes that arrive, as read (nil once the connection has closed).
    mutating func nextChunk() async throws -> String? {
        if !pending.isEmpty {
            defer { pending = "" }
            return pending
        }
        return try await inbound.next().map { String(buffer: $0) }
    }

    /// Everything received until the other side closes the connection.
    mutating func readToClose() async throws -> String {
        while let chunk = try await inbound.next() { pending += String(buffer: chunk) }
        defer { pending = "" }
        return pending
    }

    struct ConversationEnded: Error, CustomStringConvertible {
        let received: String
        let awaited: String
        var description: String { "the connection closed before \(awaited.debugDescription) arrived; received \(received.debugDescription)" }
    }
}
