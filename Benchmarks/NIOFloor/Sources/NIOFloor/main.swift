// The floors under any SwiftNIO proxy on this machine: each client connection gets its own upstream connection,
// with no balancing and no limits. In `bytes` mode bytes are copied both ways; in `http` mode every message goes
// through SwiftNIO's HTTP/1 decoders and encoders on both sides and is passed on unchanged. Benchmarks/balancer.sh
// measures both next to Evenkeel, HAProxy and nginx: the gaps say what SwiftNIO, its HTTP codecs and Evenkeel's
// own handling each cost per request.
//
// In `tls` mode (TLSAnswerer.swift) it is the floor under any TLS terminator on swift-nio-ssl: Benchmarks/tls.sh.
//
// Usage: NIOFloor bytes|http LISTEN_PORT UPSTREAM_PORT [THREADS]
//        NIOFloor tls LISTEN_PORT CERTIFICATE_PEM KEY_PEM BODY_FILE [THREADS]
import NIOCore
import NIOHTTP1
import NIOPosix

/// Copies what one channel reads to its partner. Both channels of a pair live on the client's event loop, which
/// is the only place their handlers are touched, so the unchecked Sendable conformance (needed to hand the
/// handler to the bootstrap's initializer closures) never crosses threads.
final class ByteCopier: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    var partner: ByteCopier?
    var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) { partner?.context?.write(data, promise: nil) }
    func channelReadComplete(context: ChannelHandlerContext) { partner?.context?.flush() }
    func channelInactive(context: ChannelHandlerContext) { partner?.context?.close(promise: nil) }
}

/// The client side of an `http` pair: request parts go upstream as client parts. Same threading as `ByteCopier`.
///
/// `RequestRelay` and `ResponseRelay` mirror each other on purpose. A generic relay with a conversion closure and
/// an existential partner measured 1-4 µs per request slower (three alternating 5 s rounds each), and a floor
/// must not carry overhead of its own.
final class RequestRelay: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    var upstream: ResponseRelay?
    var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        upstream = nil
    }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let upstream = upstream?.context else { return }
        let part: HTTPClientRequestPart
        switch unwrapInboundIn(data) {
        case .head(let head): part = .head(head)
        case .body(let body): part = .body(.byteBuffer(body))
        case .end(let trailers): part = .end(trailers)
        }
        upstream.write(NIOAny(part), promise: nil)
    }
    func channelReadComplete(context: ChannelHandlerContext) { upstream?.context?.flush() }
    func channelInactive(context: ChannelHandlerContext) { upstream?.context?.close(promise: nil) }
}

/// The upstream side of an `http` pair: response parts go to the client as server parts.
final class ResponseRelay: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    var client: RequestRelay?
    var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        client = nil
    }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let client = client?.context else { return }
        let part: HTTPServerResponsePart
        switch unwrapInboundIn(data) {
        case .head(let head): part = .head(head)
        case .body(let body): part = .body(.byteBuffer(body))
        case .end(let trailers): part = .end(trailers)
        }
        client.write(NIOAny(part), promise: nil)
    }
    func channelReadComplete(context: ChannelHandlerContext) { client?.context?.flush() }
    func channelInactive(context: ChannelHandlerContext) { client?.context?.close(promise: nil) }
}

let arguments = CommandLine.arguments
if arguments.count >= 6, arguments[1] == "tls", let listenPort = Int(arguments[2]) {
    let threads = arguments.count == 7 ? Int(arguments[6]) ?? System.coreCount : System.coreCount
    try await serveTLSAnswers(
        port: listenPort, certificatePath: arguments[3], keyPath: arguments[4], bodyPath: arguments[5], threads: threads)
    exit(0)
}
guard (4...5).contains(arguments.count), ["bytes", "http"].contains(arguments[1]), let listenPort = Int(arguments[2]),
    let upstreamPort = Int(arguments[3]), let threads = arguments.count == 5 ? Int(arguments[4]) : System.coreCount
else {
    print("usage: NIOFloor bytes|http LISTEN_PORT UPSTREAM_PORT [THREADS]")
    print("       NIOFloor tls LISTEN_PORT CERTIFICATE_PEM KEY_PEM BODY_FILE [THREADS]")
    exit(64)
}
let http = arguments[1] == "http"
let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let server = try await ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { client in
        if http {
            let relay = RequestRelay()
            return client.pipeline.addHandlers([
                ByteToMessageHandler(HTTPRequestDecoder()), HTTPResponseEncoder(), relay,
            ]).flatMap {
                ClientBootstrap(group: client.eventLoop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        let upstream = ResponseRelay()
                        upstream.client = relay
                        relay.upstream = upstream
                        return channel.pipeline.addHandlers([
                            HTTPRequestEncoder(), ByteToMessageHandler(HTTPResponseDecoder()), upstream,
                        ])
                    }
                    .connect(host: "127.0.0.1", port: upstreamPort)
                    .map { _ in () }
            }
        }
        let downstream = ByteCopier()
        return client.pipeline.addHandler(downstream).flatMap {
            ClientBootstrap(group: client.eventLoop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    let upstream = ByteCopier()
                    upstream.partner = downstream
                    downstream.partner = upstream
                    return channel.pipeline.addHandler(upstream)
                }
                .connect(host: "127.0.0.1", port: upstreamPort)
                .map { _ in () }
        }
    }
    .bind(host: "127.0.0.1", port: listenPort).get()
print("NIOFloor \(arguments[1]) on \(listenPort) -> \(upstreamPort)")
try await server.closeFuture.get()
