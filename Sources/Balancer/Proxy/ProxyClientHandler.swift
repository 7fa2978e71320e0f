import BalancerConfig
import HTTPWire
import NIOCore
import NIOHTTP1
import Picking

/// The heart of the data path: one per client connection. It admits each request to a pool, leases a
/// keep-alive upstream connection on the same event loop, streams the request up and the response down
/// with backpressure (each side reads only while the other is writable), retries where that is safe, and
/// answers with a clear status when it cannot proxy. A WebSocket upgrade the backend accepts turns the connection
/// into a tunnel to that backend's connection until either side closes.
final class ProxyClientHandler: ChannelDuplexHandler, UpstreamDelegate {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The connection's state and the decisions on its events; this handler carries them out.
    var machine = ProxyConnectionStateMachine<ProxyExchange>()
    var pendingRead = false
    var context: ChannelHandlerContext?
    /// The connection's event loop, kept after the handler leaves the pipeline (a tunnel's access log line is
    /// written after the swap).
    var eventLoop: (any EventLoop)?
    let runtime: BalancerRuntime
    let connections: UpstreamConnectionPool
    let timeouts: ClientTimeoutHandler
    let shutdown: ShutdownSignal
    var clientIP: String?
    var requestIDs = RequestIdentifier()
    /// The response timeout of the exchange in progress: armed when its request is sent upstream, moved on after
    /// every read of a response that is not complete yet, disarmed when the response ends or the attempt fails; so
    /// it also bounds a backend that stops halfway and a client that stops taking the response. On a connection
    /// closing once its last bytes are written, how long the client gets to take them (`timeouts.idle`).
    var exchangeTimeout: LazyTimeout?
    /// Cuts the client's bytes into requests. Requests pipelined behind the one in progress wait in it, unparsed,
    /// until that one is answered (reads pause meanwhile).
    var reader: MessageReader
    /// Set while requests are being read from `reader`, so a response finished meanwhile does not start a
    /// second reading loop.
    var readingRequests = false
    /// Whether `responseHead` holds the response head of the exchange in progress, not written yet: it waits for its
    /// first body bytes (or the read's end) so that a small response goes out in one buffer.
    var headHeld = false
    /// The buffers the heads are written into (see ``HeadWriter``): each is reused once the head written before has
    /// gone out, unless it grew past ``maxKeptHeadBufferBytes``.
    var requestHead = ByteBuffer()
    var responseHead = ByteBuffer()
    /// Largest head buffer kept between exchanges: a rare huge head is not held by an idle connection.
    static let maxKeptHeadBufferBytes = 16 * 1024
    var cachedGeneration: (number: Int, generation: BalancerRuntime.Generation)?
    /// Largest body copied into its head's buffer instead of being written on its own.
    static let maxCoalescedBodyBytes = 4096
    /// Bytes written to the client since the last access log line, for the next one.
    var bytesSent = 0
    /// When the request head of the exchange in progress was read; the clock is read only while the configuration
    /// has an access log.
    var exchangeBegan: NIODeadline?
    /// This event loop's access log buffer, looked up at the first line the connection logs.
    var accessLogShard: AccessLogWriter.Shard?

    /// Whether the client's connection is TLS (requests go on with `X-Forwarded-Proto: https`).
    let secure: Bool

    init(
        runtime: BalancerRuntime, connections: UpstreamConnectionPool, timeouts: ClientTimeoutHandler, shutdown: ShutdownSignal, maxHeadBytes: Int,
        secure: Bool = false
    ) {
        self.secure = secure
        self.runtime = runtime
        self.connections = connections
        self.timeouts = timeouts
        self.shutdown = shutdown
        self.reader = MessageReader(maxHeadBytes: maxHeadBytes)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        eventLoop = context.eventLoop
        // Held strongly until `cancel()` on close or removal (see LazyTimeout: no weak references here).
        exchangeTimeout = LazyTimeout(on: context.eventLoop) {
            switch self.machine.timeoutFired() {
            case .exchangeTimedOut(let ex): self.exchangeTimedOut(ex)
            case .close: self.context?.close(promise: nil)
            case .nothing: break
            }
        }
        clientIP = context.channel.remoteAddress?.ipAddress
    }

    // MARK: Client side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        reader.feed(unwrapInboundIn(data))
        readRequests()
    }

    /// Reads request heads and body bytes from what the client sent, as far as the exchange in progress allows:
    /// bytes behind a complete request wait until its response is done.
    func readRequests() {
        guard !readingRequests else { return }
        readingRequests = true
        defer { readingRequests = false }
        while true {
            switch machine.readingStep() {
            case .discardBuffered:
                reader.discardBuffered()
                return
            case .wait:
                return
            case .readNext:
                break
            }
            let event: MessageReader.Event
            do {
                guard let next = try reader.next() else { return }
                event = next
            } catch {
                refuse(error)
                return
            }
            switch machine.read(event, bodyBytesSoFar: reader.bodyDataBytes) {
            case .begin(let bytes):
                timeouts.requestHeadReceived()
                begin(bytes)
            case .forward(let bytes, let ex):
                forward(bytes, ex)
            case .bodyTooLarge(let ex):
                abortTooLarge(ex)
                return
            case .requestEnded(let ex, let restartResponseTimeout):
                // The backend's time to answer runs from the end of a body; a request without one was just sent
                // (or waits for its backend), and costs no clock read here.
                if restartResponseTimeout { moveResponseDeadline(ex) }
            case .malformed:
                localResponse(status: .badRequest, message: "malformed request", close: true)
                return
            }
        }
    }

    /// Answers a request the reader refused (malformed, ambiguous or too large) and closes the connection.
    func refuse(_ error: WireError) {
        if let ex = machine.proxying, ex.responseStarted {
            cutOff(ex)
            return
        }
        localResponse(status: HTTPResponseStatus(statusCode: error.status), message: "malformed request: \(error)", close: true)
    }

    /// Reads requests that were pipelined behind the one that just finished, then resumes reading.
    func drainPipelined() {
        readRequests()
        // Bytes forwarded from the buffer are not followed by a channelReadComplete: flush them here.
        machine.proxying?.upstream?.flush()
        resumeClientReading()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let timedOut = event as? ClientTimeoutHandler.RequestHeadTimedOut {
            bytesSent += timedOut.responseBytes
            logAccess(head: nil, status: 408)
            return
        }
        if event is ChannelShouldQuiesceEvent {
            if machine.closesOnQuiesce(readerAtMessageBoundary: reader.isAtMessageBoundary) { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        machine.proxying?.upstream?.flush()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if holdsReads {
            pendingRead = true
            return
        }
        context.read()
    }

    /// Whether reading from the client waits (see ``ProxyConnectionStateMachine/holdsReads(readerHasBufferedBytes:)``).
    var holdsReads: Bool { machine.holdsReads(readerHasBufferedBytes: reader.hasBufferedBytes) }

    func resumeClientReading() {
        guard pendingRead, !holdsReads, let context else { return }
        pendingRead = false
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { machine.proxying?.upstream?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        exchangeTimeout?.cancel()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        exchangeTimeout?.cancel()
        reader.discardBuffered()
        headHeld = false
        if let ex = machine.closed() {
            if let upstream = ex.upstream {
                ex.upstream = nil
                upstream.close()
            }
            releaseSlot(ex, latency: nil)
            logAccess(ex, status: ex.responseStarted ? ex.responseStatus : 499, outcome: ex.cutOff ? .cutOff : .clientClosed)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// The configuration generation for a new request: the one this connection used last, unless another has been
    /// installed since.
    func currentGeneration() -> BalancerRuntime.Generation {
        let number = runtime.generationNumber
        if let cached = cachedGeneration, cached.number == number { return cached.generation }
        let generation = runtime.generation
        cachedGeneration = (number, generation)
        return generation
    }

    func begin(_ bytes: ByteBuffer) {
        guard let context else { return }
        let generation = currentGeneration()
        let config = generation.config
        bytesSent = 0
        exchangeBegan = generation.accessLogFormat == nil ? nil : context.eventLoop.now
        // A reload may change the limit; it applies from the next request head on.
        reader.maxHeadBytes = config.limits.maxHeaderBytes
        let head: RequestHead
        do {
            head = try RequestHead(bytes)
        } catch {
            refuse(error)
            return
        }
        if let length = head.headers.contentLength, length > config.limits.maxBodyBytes {
            localResponse(status: .payloadTooLarge, message: "request body larger than \(config.limits.maxBodyBytes) bytes", close: true, head: head)
            return
        }
        guard head.path.utf8.first == UInt8(ascii: "/"), let pool = generation.pool(forPath: head.path) else {
            localResponse(status: .badRequest, message: "request target must be a path or an http URL", close: true, head: head)
            return
        }
        if head.headers.expectsContinue, head.isHTTP11 {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(staticString: "HTTP/1.1 100 Continue\r\n\r\n")), promise: nil)
        }
        pool.sources.record(client: clientIP ?? "-", path: head.path, atSecond: PoolRuntime.currentSecond())
        var key: String? = nil
        if case .consistentHash(let source, _) = pool.config.algorithm {
            key = Self.hashKey(head, source: source, clientIP: clientIP)
        }
        // HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only when asked (`Connection: keep-alive`).
        let keepAlive = head.wantsKeepAlive && !shutdown.isShuttingDown
        HeadWriter.upstreamRequest(
            head, clientIP: clientIP, ids: &requestIDs, keepUnderscoreNames: config.limits.underscoresInHeaders,
            hostIfMissing: head.headers.hostCount == 0 ? Self.authority(of: context.channel.localAddress) : nil,
            webSocket: head.asksWebSocketUpgrade, secure: secure, into: &requestHead)
        // The exchange keeps this head for retries; the buffer is free again once the exchange and its write are done.
        let upstreamHead = requestHead
        Self.dropIfLarge(&requestHead)
        reader.startBody(head.bodyFraming)
        let ex = ProxyExchange(head: consume head, upstreamHead: upstreamHead, generation: generation, pool: pool, key: key, keepAlive: keepAlive)
        machine.began(ex)
        startAttempt(ex)
    }

    /// `host:port` of `address` as a `Host` value (`[v6]:port` for IPv6): the proxy's own address, which a
    /// request without `Host` reached.
    static func authority(of address: SocketAddress?) -> String? {
        guard let address, let ip = address.ipAddress, let port = address.port else { return nil }
        return BackendAddress(host: ip, port: port).description
    }

    /// The hash key of a request for a consistent-hash pool.
    static func hashKey(_ head: RequestHead, source: HashKeySource, clientIP: String?) -> String? {
        switch source {
        case .sourceIP:
            return clientIP
        case .header(let name):
            return head.values(of: name).first ?? clientIP
        case .cookie(let name):
            for line in head.values(of: "cookie") {
                for pair in line.split(separator: ";") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2, parts[0].trimmingSpaces() == name { return parts[1].trimmingSpaces() }
                }
            }
            return clientIP
        }
    }

    func forward(_ bytes: ByteBuffer, _ ex: ProxyExchange) {
        ex.remember(bytes)
        if let upstream = ex.upstream {
            upstream.send(bytes)
            // A body still coming: a pause in it, not its whole length, is what the timeout bounds.
            if !ex.responseStarted { moveResponseDeadline(ex) }
        } else {
            ex.unsent.append(bytes)
        }
    }
}
