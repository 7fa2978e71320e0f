import Foundation
import NIOCore
import NIOPosix

/// A backend that answers every request with fixed bytes, written as given: for responses the proxy must read
/// off the wire correctly (chunked, interim 1xx, a body ending at close) or refuse (malformed).
final class RawBackend: Sendable {
    let port: Int
    private let channel: any Channel

    /// Listens on an ephemeral port; after each request head it writes `response`, then closes the connection
    /// when `closeAfter` is set.
    static func start(response: String, closeAfter: Bool = false) async throws -> RawBackend {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Responder(response: response, closeAfter: closeAfter))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RawBackend(port: channel.localAddress!.port!, channel: channel)
    }

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    func stop() async { try? await channel.close() }

    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let response: String
        let closeAfter: Bool
        var received = ""

        init(response: String, closeAfter: Bool) {
            self.response = response
            self.closeAfter = closeAfter
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += String(buffer: unwrapInboundIn(data))
            // Request bodies are not expected here: every head is answered as soon as it is complete.
            while let end = received.range(of: "\r\n\r\n") {
                received = String(received[end.upperBound...])
                let written = context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response)))
                if closeAfter {
                    let channel = context.channel
                    written.whenComplete { _ in channel.close(promise: nil) }
                    return
                }
            }
        }
    }
}
