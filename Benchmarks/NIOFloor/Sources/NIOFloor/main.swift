// The floor under any SwiftNIO proxy on this machine: each client connection gets its own upstream connection and
// bytes are copied both ways, with no HTTP parsing, no balancing and no limits. Benchmarks/balancer.sh measures it
// next to Evenkeel, HAProxy and nginx, so the gap between it and Evenkeel is what Evenkeel's HTTP handling costs.
//
// Usage: NIOFloor LISTEN_PORT UPSTREAM_PORT
import NIOCore
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

let arguments = CommandLine.arguments
guard arguments.count == 3, let listenPort = Int(arguments[1]), let upstreamPort = Int(arguments[2]) else {
    print("usage: NIOFloor LISTEN_PORT UPSTREAM_PORT")
    exit(64)
}
let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
let server = try await ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { client in
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
print("NIOFloor on \(listenPort) -> \(upstreamPort)")
try await server.closeFuture.get()
