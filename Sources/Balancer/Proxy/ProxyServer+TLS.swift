import BalancerConfig
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOSSL
import NIOTLS
import Synchronization

extension ProxyServer {
    /// A TLS connection: the handshake (bounded by `timeouts.header_read`), then, as ALPN chose, HTTP/2 with every
    /// stream proxied as one HTTP/1.1 exchange, or HTTP/1.1 as on a plain connection.
    func initializeTLS(_ channel: any Channel, served: ServedCertificates) throws {
        let config = runtime.generation.config
        let sync = channel.pipeline.syncOperations
        try sync.addHandler(NIOSSLServerHandler(context: served.context))
        try sync.addHandler(TLSHandshakeTimeoutHandler(timeout: TimeAmount(config.timeouts.headerRead), counters: edge))
        guard served.http2 else {
            try addHandlers(http2: false, to: channel)
            return
        }
        try sync.addHandler(
            ApplicationProtocolNegotiationHandler { result, channel in
                // `http/1.1`, or no protocol chosen at all (a client without ALPN), is HTTP/1.1.
                channel.eventLoop.makeCompletedFuture { try self.addHandlers(http2: result == .negotiated("h2"), to: channel) }
            })
    }

    /// The handlers behind TLS for the protocol the connection speaks, counted by that protocol.
    private func addHandlers(http2: Bool, to channel: any Channel) throws {
        if http2 {
            edge.http2Connections.add(1, ordering: .relaxed)
            try addHTTP2Handlers(to: channel)
        } else {
            edge.http1Connections.add(1, ordering: .relaxed)
            try addHTTP1Handlers(to: channel, secure: true)
        }
    }

    /// HTTP/2 with NIOHTTP2's flood limits, the listener's stream and header limits, and one proxy exchange per stream.
    func addHTTP2Handlers(to channel: any Channel) throws {
        let config = runtime.generation.config
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: config.limits.http2MaxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: config.limits.maxHeaderBytes),
            HTTP2Setting(parameter: .initialWindowSize, value: 1 << 20),
        ]
        connection.targetWindowSize = 1 << 20
        connection.maximumSequentialContinuationFrames = 5
        let stream = NIOHTTP2Handler.StreamConfiguration()
        let sync = channel.pipeline.syncOperations
        let connectionGuard = HTTP2ConnectionGuard(idle: TimeAmount(config.timeouts.idle), counters: edge)
        let tally = HTTP2StreamTally(connectionGuard: NIOLoopBound(connectionGuard, eventLoop: channel.eventLoop))
        _ = try sync.configureHTTP2Pipeline(
            mode: .server, connectionConfiguration: connection, streamConfiguration: stream, streamDelegate: tally
        ) { streamChannel in
            streamChannel.eventLoop.makeCompletedFuture {
                let streamSync = streamChannel.pipeline.syncOperations
                try streamSync.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try streamSync.addHandler(HTTP2StreamBridge(maxHeadBytes: config.limits.maxHeaderBytes))
                try self.addHTTP1Handlers(to: streamChannel, secure: true)
            }
        }
        try sync.addHandler(connectionGuard)
    }
}
