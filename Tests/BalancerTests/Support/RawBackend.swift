import Foundation
import NIOCore

/// A backend that answers every request with fixed bytes, written as given: for responses the proxy must read
/// off the wire correctly (chunked, interim 1xx, a body ending at close) or refuse (malformed).
final class RawBackend: Sendable {
    private let listener: TestListener
    var port: Int { listener.port }

    /// Listens on an ephemeral port; after each request head it writes `response`, then closes the connection
    /// when `closeAfter` is set.
    static func start(response: String, closeAfter: Bool = false) async throws -> RawBackend {
        RawBackend(listener: try await TestListener.start { Responder(response: response, closeAfter: closeAfter) })
    }

    private init(listener: TestListener) {
        self.listener = listener
    }

    func stop() async { await listener.stop() }

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
