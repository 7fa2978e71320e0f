import Foundation
import LoadGen
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

/// `--client-addresses N`: connections from N loopback addresses, as N clients, so a balancer hashing on the client
/// address sees many of them from one machine.
@Suite struct ClientAddressesTests {
    @Test func addressesAreDistinctLoopbackOnesAndOnlyForLoopbackTargets() throws {
        let many = try ClientAddresses(count: 300, targetHost: "127.0.0.1")
        #expect(Set(many.addresses).count == 300)
        #expect(many.addresses.first == "127.0.0.1")
        #expect(many.addresses[253] == "127.0.0.254")
        #expect(many.addresses[254] == "127.0.1.1")
        #expect(many.address(for: 301) == many.addresses[1])
        #expect(try ClientAddresses(count: 1, targetHost: "example.com").address(for: 0) == nil, "one address is the system's choice, anywhere")
        #expect(throws: ClientAddressesError.notLoopback("10.0.0.5")) { try ClientAddresses(count: 5, targetHost: "10.0.0.5") }
        #expect(throws: ClientAddressesError.badCount(0)) { try ClientAddresses(count: 0, targetHost: "127.0.0.1") }
        let others = try ClientAddresses(count: 3, targetHost: "127.0.0.1", skipping: 200)
        #expect(others.addresses == ["127.0.0.201", "127.0.0.202", "127.0.0.203"], "a second load from clients of its own")
    }

    /// A server that answers 200 and remembers each connection's peer address.
    final class Peers: Sendable {
        let seen = Mutex<Set<String>>([])
    }

    final class PeerRecorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let peers: Peers
        init(_ peers: Peers) { self.peers = peers }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let peer = context.channel.remoteAddress?.ipAddress ?? "?"
            peers.seen.withLock { _ = $0.insert(peer) }
            let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders([("content-length", "0")]))
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    @Test func aLoadTestFromFiveAddressesIsSeenAsFiveClients() async throws {
        let peers = Peers()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.pipeline.configureHTTPServerPipeline().flatMapThrowing { try child.pipeline.syncOperations.addHandler(PeerRecorder(peers)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        // Bounded by the request count, not by time: a test run that keeps the machine's threads busy for seconds must
        // not leave this one with an empty window.
        var test = LoadTest(
            host: "127.0.0.1", port: server.localAddress!.port!, mix: .single(path: "/"), model: .closed(connections: 10), duration: 120,
            maxRequests: 100)
        test.clientAddresses = try ClientAddresses(count: 5, targetHost: "127.0.0.1")
        let report = await test.run()
        try await server.close()
        #expect(report.requests == 100, "failures \(report.failures): \(report.failureExamples)")
        #expect(peers.seen.withLock { $0 } == ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"])
    }
}
