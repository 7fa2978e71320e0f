import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL
import NIOTLS

/// One HTTP/2 connection over TLS (`evenkeel load --http2`): each request is a new stream on it, through NIOHTTP2's
/// HTTP/1-style codec, so the load path is the one a browser's requests take to an HTTP/2 edge.
final class HTTP2Connection: RequestConnection {
    let channel: any Channel
    private let streams: NIOLoopBound<NIOHTTP2Handler.StreamMultiplexer>
    private let backendHeaders: [String]
    private let bodyLimit: Int

    private init(channel: any Channel, streams: NIOLoopBound<NIOHTTP2Handler.StreamMultiplexer>, backendHeaders: [String], bodyLimit: Int) {
        self.channel = channel
        self.streams = streams
        self.backendHeaders = backendHeaders
        self.bodyLimit = bodyLimit
    }

    /// Connects to `host:port` with `context` (which offers `h2`), negotiates HTTP/2 (a server that does not is a
    /// connect failure) and returns once the connection is ready for streams.
    static func connect(
        host: String, port: Int, backendHeaders: [String], timeout: TimeAmount, group: any EventLoopGroup, tls context: NIOSSLContext,
        bodyLimit: Int = 0, from source: String? = nil
    ) async throws -> HTTP2Connection {
        do {
            let channel = try await ClientBootstrap.loadClient(group: group, from: source, timeout: timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try ClientTLS.addHandler(context, host: host, to: channel)
                        try channel.pipeline.syncOperations.addHandler(HandshakeWaiter())
                        // In place before the first byte arrives: the server's SETTINGS follow the handshake at once.
                        _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                            mode: .client, connectionConfiguration: .init(), streamConfiguration: .init()) { pushed in pushed.close() }
                    }
                }
                .connect(host: host, port: port).get()
            let negotiated = try await channel.eventLoop.flatSubmit {
                do {
                    return try channel.pipeline.syncOperations.handler(type: HandshakeWaiter.self).negotiated
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }.get()
            guard negotiated == "h2" else {
                try? await channel.close()
                throw RequestFailure.connect
            }
            let streams = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: NIOHTTP2Handler.self).syncMultiplexer(), eventLoop: channel.eventLoop)
            }.get()
            return HTTP2Connection(channel: channel, streams: streams, backendHeaders: backendHeaders, bodyLimit: bodyLimit)
        } catch {
            // A request failure or a handshake's own error goes on as it is, so the report can say why.
            throw error is RequestFailure || ClientTLS.isHandshakeFailure(error) ? error : RequestFailure.connect
        }
    }

    /// Sends `request` on a new stream and waits for its whole response, at most `timeout`.
    func send(_ request: RequestSpec, host: String, timeout: TimeAmount) async throws -> ResponseSummary {
        let promise = channel.eventLoop.makePromise(of: ResponseSummary.self)
        let streams = self.streams
        let backendHeaders = self.backendHeaders, bodyLimit = self.bodyLimit
        channel.eventLoop.execute {
            streams.value.createStreamChannel(promise: nil) { stream in
                stream.eventLoop.makeCompletedFuture {
                    try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ClientCodec(httpProtocol: .https))
                    try stream.pipeline.syncOperations.addHandler(
                        StreamResponseCollector(
                            promise: promise, request: request, host: host, timeout: timeout, backendHeaders: backendHeaders, bodyLimit: bodyLimit))
                }
            }
        }
        return try await promise.futureResult.get()
    }

    var isActive: Bool { channel.isActive }

    func close() async {
        try? await channel.close()
    }
}

/// Completes with the protocol ALPN negotiated when the TLS handshake ends; fails if the connection ends first.
private final class HandshakeWaiter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private var promise: EventLoopPromise<String?>?
    /// The negotiated protocol (nil when none was).
    private(set) var negotiated: EventLoopFuture<String?>!

    func handlerAdded(context: ChannelHandlerContext) {
        let promise = context.eventLoop.makePromise(of: String?.self)
        self.promise = promise
        negotiated = promise.futureResult
    }

    /// Completes the wait once; later events find it settled.
    private func settle(_ result: Result<String?, any Error>) {
        promise?.completeWith(result)
        promise = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let protocolName) = event as? TLSUserEvent { settle(.success(protocolName)) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        settle(.failure(RequestFailure.connect))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The handshake's own error (an untrusted certificate, say), so the report can say why.
        settle(.failure(error))
        context.fireErrorCaught(error)
    }

    func handlerRemoved(context: ChannelHandlerContext) { settle(.failure(RequestFailure.connect)) }
}

/// One stream's exchange: writes the request when the stream is active, collects the response, and completes the
/// promise (a timeout resets the stream).
private final class StreamResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let promise: EventLoopPromise<ResponseSummary>
    private let request: RequestSpec
    private let host: String
    private let timeout: TimeAmount
    private let backendHeaders: [String]
    private let bodyLimit: Int
    private var summary: ResponseSummary?
    private var timer: Scheduled<Void>?
    private var done = false

    init(promise: EventLoopPromise<ResponseSummary>, request: RequestSpec, host: String, timeout: TimeAmount, backendHeaders: [String], bodyLimit: Int) {
        self.promise = promise
        self.request = request
        self.host = host
        self.timeout = timeout
        self.backendHeaders = backendHeaders
        self.bodyLimit = bodyLimit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) { [self] in
            finish(.failure(RequestFailure.timeout))
            loopBound.value.close(promise: nil)
        }
        if context.channel.isActive { send(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context: context)
        context.fireChannelActive()
    }

    private var sent = false

    private func send(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        var headers = HTTPHeaders([("host", host)])
        for (name, value) in request.headers { headers.add(name: name, value: value) }
        if let body = request.body { headers.add(name: "content-length", value: String(body.utf8.count)) }
        let head = HTTPRequestHead(version: .http2, method: HTTPMethod(rawValue: request.method), uri: request.path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body = request.body { context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            // Interim answers (1xx) are not the response.
            guard head.status.code >= 200 || head.status.code == 101 else { return }
            let backend = backendHeaders.lazy.compactMap { head.headers.first(name: $0) }.first
            summary = ResponseSummary(status: Int(head.status.code), backend: backend)
        case .body(var body):
            if let kept = summary?.body.count, kept < bodyLimit, let bytes = body.readBytes(length: min(body.readableBytes, bodyLimit - kept)) {
                summary?.body += bytes
            }
        case .end:
            if let summary { finish(.success(summary)) } else { finish(.failure(RequestFailure.reset)) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(RequestFailure.reset))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(RequestFailure.reset))
        context.close(promise: nil)
    }

    private func finish(_ result: Result<ResponseSummary, any Error>) {
        guard !done else { return }
        done = true
        timer?.cancel()
        promise.completeWith(result)
    }
}
