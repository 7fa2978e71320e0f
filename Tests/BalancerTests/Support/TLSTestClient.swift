import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// A raw TLS client for the edge tests: it connects to the proxy listener, offers the given ALPN protocols, writes
/// whatever bytes a test builds (HTTP/1.1 text, hand-made HTTP/2 frames) and collects every byte it gets back. It
/// does not check the server's certificate but records it, so a test can see which one SNI chose.
final class TLSTestClient: Sendable {
    private let channel: any Channel
    private let received: Collected

    /// What arrived, and whether the server closed.
    final class Collected: Sendable {
        let state = Mutex<(bytes: [UInt8], closed: Bool, peerCertificate: NIOSSLCertificate?, alpn: String?)>(([], false, nil, nil))
    }

    static func connect(port: Int, serverName: String? = nil, alpn: [String]) async throws -> TLSTestClient {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        configuration.applicationProtocols = alpn
        let context = try NIOSSLContext(configuration: configuration)
        let received = Collected()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let tls = try NIOSSLClientHandler(context: context, serverHostname: serverName)
                    try channel.pipeline.syncOperations.addHandler(tls)
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let client = TLSTestClient(channel: channel, received: received)
        try await client.wait(seconds: 10) { $0.peerCertificate != nil || $0.closed }
        return client
    }

    private init(channel: any Channel, received: Collected) {
        self.channel = channel
        self.received = received
    }

    /// Writes `bytes` and flushes them.
    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes))
    }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    /// Everything received so far.
    var bytes: [UInt8] { received.state.withLock { $0.bytes } }
    var text: String { String(decoding: bytes, as: UTF8.self) }
    var closed: Bool { received.state.withLock { $0.closed } }
    /// The common name in the certificate the server presented.
    var peerCommonName: String? {
        // NIOSSLCertificate describes itself as "<NIOSSLCertificate;serial_number=…;common_name=NAME;…>".
        guard let description = received.state.withLock({ $0.peerCertificate }).map(String.init(describing:)),
            let start = description.range(of: ";common_name=")
        else { return nil }
        return String(description[start.upperBound...].prefix { $0 != ";" && $0 != ">" })
    }
    var negotiatedProtocol: String? { received.state.withLock { $0.alpn } }

    /// Waits (polling, at most `seconds`) until `condition` holds for what was received; throws if it never does.
    func wait(seconds: Double, until condition: @Sendable ((bytes: [UInt8], closed: Bool, peerCertificate: NIOSSLCertificate?, alpn: String?)) -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if received.state.withLock({ condition($0) }) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        let state = received.state.withLock { $0 }
        throw TLSTestClientError.timedOut(received: state.bytes.count, closed: state.closed, frames: HTTP2Frames.parse(state.bytes).map { "\($0.type)/\($0.flags)@\($0.stream)" + ($0.type == 7 ? " code \($0.payload.suffix(4))" : "") })
    }

    func close() async {
        try? await channel.close()
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let received: Collected

        init(received: Collected) { self.received = received }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .handshakeCompleted(let negotiated) = event as? TLSUserEvent {
                let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)
                let certificate = handler?.peerCertificate
                received.state.withLock {
                    $0.alpn = negotiated
                    $0.peerCertificate = certificate
                }
            }
            context.fireUserInboundEventTriggered(event)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.state.withLock { $0.bytes += buffer.readableBytesView }
        }

        func channelInactive(context: ChannelHandlerContext) {
            received.state.withLock { $0.closed = true }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

enum TLSTestClientError: Error, CustomStringConvertible {
    case timedOut(received: Int, closed: Bool, frames: [String])
    var description: String {
        switch self {
        case .timedOut(let received, let closed, let frames):
            "the condition did not hold in time (\(received) bytes received, \(closed ? "closed" : "open"); as HTTP/2 frames type/flags@stream: \(frames.suffix(12)))"
        }
    }
}
