import Foundation
import NIOCore
import Synchronization

/// A backend that takes WebSocket upgrades the way a real one does on the wire: it answers `101 Switching
/// Protocols` (with a greeting in the same write, as a server that speaks first would) and from then on echoes
/// every byte back. The tunnel carries no WebSocket framing here, since the proxy passes bytes through unread.
///
/// Any other request gets `200` with the request head it received as the body, so a test can see what the proxy
/// sent on. It records every head and counts its open connections.
final class WebSocketBackend: Sendable {
    /// How the backend answers an upgrade request.
    enum Answer: Sendable {
        /// `101` to WebSocket, then the tunnel.
        case accept
        /// `101` naming another protocol.
        case switchToH2C
        /// `403`, keeping the connection for plain HTTP.
        case decline
    }

    /// Sent right behind the `101` head.
    static let greeting = "hello from the backend\n"
    /// A tunnel that receives this closes its connection.
    static let goodbye = "bye\n"

    /// What the backend saw, shared by its connections.
    final class Record: Sendable {
        let state = Mutex<(heads: [String], open: Int)>(([], 0))
    }

    private let listener: TestListener
    private let state: Record
    var port: Int { listener.port }

    var heads: [String] { state.state.withLock { $0.heads } }
    var openConnections: Int { state.state.withLock { $0.open } }

    static func start(answer: Answer = .accept) async throws -> WebSocketBackend {
        let state = Record()
        return WebSocketBackend(listener: try await TestListener.start { Responder(answer: answer, state: state) }, state: state)
    }

    private init(listener: TestListener, state: Record) {
        self.listener = listener
        self.state = state
    }

    func stop() async { await listener.stop() }

    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let answer: Answer
        let state: Record
        var received = ""
        var tunnel = false

        init(answer: Answer, state: Record) {
            self.answer = answer
            self.state = state
        }

        func channelActive(context: ChannelHandlerContext) {
            state.state.withLock { $0.open += 1 }
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.state.withLock { $0.open -= 1 }
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += String(buffer: unwrapInboundIn(data))
            if !tunnel { answerHeads(context) }
            if tunnel, !received.isEmpty { echo(context) }
        }

        private func answerHeads(_ context: ChannelHandlerContext) {
            // Requests here have no body: every head is answered as soon as it is complete.
            while !tunnel, let end = received.range(of: "\r\n\r\n") {
                let head = String(received[..<end.upperBound])
                received = String(received[end.upperBound...])
                state.state.withLock { $0.heads.append(head) }
                if head.lowercased().contains("\r\nupgrade: websocket\r\n") {
                    switch answer {
                    case .accept:
                        tunnel = true
                        write(context, "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n"
                            + "sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n" + WebSocketBackend.greeting)
                    case .switchToH2C:
                        write(context, "HTTP/1.1 101 Switching Protocols\r\nupgrade: h2c\r\nconnection: upgrade\r\n\r\n")
                    case .decline:
                        write(context, "HTTP/1.1 403 Forbidden\r\ncontent-length: 9\r\n\r\nforbidden")
                    }
                } else {
                    write(context, "HTTP/1.1 200 OK\r\ncontent-length: \(head.utf8.count)\r\n\r\n" + head)
                }
            }
        }

        private func echo(_ context: ChannelHandlerContext) {
            let bytes = received
            received = ""
            write(context, bytes)
            if bytes.contains(WebSocketBackend.goodbye) { context.close(promise: nil) }
        }

        private func write(_ context: ChannelHandlerContext, _ text: String) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
        }
    }
}
