// The floor under any swift-nio-ssl TLS terminator: a server that completes the handshake and answers every request
// itself with the same file, with no upstream, no parsing beyond finding the end of each request head, and no limits.
// Any TLS proxy built on SwiftNIO and swift-nio-ssl does all of this and more, so its CPU per handshake cannot fall
// below this one's.
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Answers each request head read from the decrypted stream with one fixed response, and closes the connection
/// after answering a request that asked for it (`Connection: close`). Lives on its channel's event loop only, which
/// is the only place it is touched, so the unchecked Sendable conformance (needed to hand it to the bootstrap's
/// initializer closure) never crosses threads.
final class TLSAnswerer: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let keepAliveResponse: ByteBuffer
    private let closingResponse: ByteBuffer
    private var pending: ByteBuffer?

    init(body: ByteBuffer) {
        func response(_ connection: String) -> ByteBuffer {
            var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: \(body.readableBytes)\r\nConnection: \(connection)\r\n\r\n")
            buffer.writeImmutableBuffer(body)
            return buffer
        }
        keepAliveResponse = response("keep-alive")
        closingResponse = response("close")
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if var held = pending {
            held.writeBuffer(&bytes)
            bytes = held
        }
        while let (headLength, closing) = bytes.withUnsafeReadableBytes({ Self.scanHead($0) }) {
            bytes.moveReaderIndex(forwardBy: headLength)
            if closing {
                pending = nil
                context.writeAndFlush(wrapOutboundOut(closingResponse)).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
                return
            }
            context.write(wrapOutboundOut(keepAliveResponse), promise: nil)
        }
        pending = bytes.readableBytes > 0 ? bytes : nil
    }

    /// The length of the first complete request head in `bytes` (through its blank line), and whether it says
    /// `Connection: close` (any case); nil while the head is incomplete.
    static func scanHead(_ bytes: UnsafeRawBufferPointer) -> (Int, Bool)? {
        guard bytes.count >= 4 else { return nil }
        var end = 0
        for i in 3..<bytes.count
        where bytes[i] == UInt8(ascii: "\n") && bytes[i - 1] == UInt8(ascii: "\r") && bytes[i - 2] == UInt8(ascii: "\n")
            && bytes[i - 3] == UInt8(ascii: "\r") {
            end = i + 1
            break
        }
        guard end > 0 else { return nil }
        let wanted = Array("connection: close".utf8)
        var closing = false
        if end >= wanted.count {
            for start in 0...(end - wanted.count) where !closing {
                var matched = true
                for (offset, byte) in wanted.enumerated() where bytes[start + offset] | 0x20 != byte | 0x20 {
                    matched = false
                    break
                }
                closing = matched
            }
        }
        return (end, closing)
    }

    func channelReadComplete(context: ChannelHandlerContext) { context.flush() }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

/// Serves TLS on `port` with the certificate chain and key from PEM files, answering with the file at `bodyPath`.
func serveTLSAnswers(port: Int, certificatePath: String, keyPath: String, bodyPath: String, threads: Int) async throws {
    let configuration = TLSConfiguration.makeServerConfiguration(
        certificateChain: try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) },
        privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
    let context = try NIOSSLContext(configuration: configuration)
    guard let bodyBytes = FileManager.default.contents(atPath: bodyPath) else { throw FloorError.unreadable(bodyPath) }
    let body = ByteBuffer(bytes: bodyBytes)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    let server = try await ServerBootstrap(group: group)
        .serverChannelOption(.backlog, value: 1024)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                try channel.pipeline.syncOperations.addHandler(TLSAnswerer(body: body))
            }
        }
        .bind(host: "127.0.0.1", port: port).get()
    print("NIOFloor tls on \(port)")
    try await server.closeFuture.get()
}

/// Why the floor cannot start.
enum FloorError: Error, CustomStringConvertible {
    case unreadable(String)
    var description: String {
        switch self {
        case .unreadable(let path): "cannot read \(path)"
        }
    }
}
