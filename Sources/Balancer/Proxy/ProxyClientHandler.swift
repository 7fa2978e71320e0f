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

    private enum State {
        /// Waiting for the next request head.
        case awaitingRequest
        /// A request is being proxied.
        case proxying(ProxyExchange)
        /// The backend switched the exchange to WebSocket: bytes pass both ways as they are.
        case tunneling(ProxyExchange)
        /// A local response was sent; the rest of the request is dropped and the connection closes.
        case discarding
        case closed
    }

    private var state: State = .awaitingRequest
    private var pendingRead = false
    private var context: ChannelHandlerContext?
    private let runtime: BalancerRuntime
    private let connections: UpstreamConnectionPool
    private let timeouts: ClientTimeoutHandler
    private let shutdown: ShutdownSignal
    private var clientIP: String?
    private var requestIDs = RequestIdentifier()
    /// The response timeout of the exchange in progress: armed when its request is sent upstream, moved on after
    /// every read of a response that is not complete yet, disarmed when the response ends or the attempt fails; so
    /// it also bounds a backend that stops halfway and a client that stops taking the response. In a tunnel, its
    /// idle timeout (`timeouts.tunnel`), moved on by every read on either side. On a connection closing once its
    /// last bytes are written, how long the client gets to take them (`timeouts.idle`).
    private var exchangeTimeout: LazyTimeout?
    /// Cuts the client's bytes into requests. Requests pipelined behind the one in progress wait in it, unparsed,
    /// until that one is answered (reads pause meanwhile).
    private var reader: MessageReader
    /// Set while requests are being read from `reader`, so a response finished meanwhile does not start a
    /// second reading loop.
    private var readingRequests = false
    /// Whether `responseHead` holds the response head of the exchange in progress, not written yet: it waits for its
    /// first body bytes (or the read's end) so that a small response goes out in one buffer.
    private var headHeld = false
    /// The buffers the heads are written into (see ``HeadWriter``): each is reused once the head written before has
    /// gone out, unless it grew past ``maxKeptHeadBufferBytes``.
    private var requestHead = ByteBuffer()
    private var responseHead = ByteBuffer()
    /// Largest head buffer kept between exchanges: a rare huge head is not held by an idle connection.
    static let maxKeptHeadBufferBytes = 16 * 1024
    private var cachedGeneration: (number: Int, generation: BalancerRuntime.Generation)?
    /// Largest body copied into its head's buffer instead of being written on its own.
    static let maxCoalescedBodyBytes = 4096
    /// Bytes written to the client since the last access log line, for the next one.
    private var bytesSent = 0
    /// When the request head of the exchange in progress was read; the clock is read only while the configuration
    /// has an access log.
    private var exchangeBegan: NIODeadline?
    /// This event loop's access log buffer, looked up at the first line the connection logs.
    private var accessLogShard: AccessLogWriter.Shard?

    init(runtime: BalancerRuntime, connections: UpstreamConnectionPool, timeouts: ClientTimeoutHandler, shutdown: ShutdownSignal, maxHeadBytes: Int) {
        self.runtime = runtime
        self.connections = connections
        self.timeouts = timeouts
        self.shutdown = shutdown
        self.reader = MessageReader(maxHeadBytes: maxHeadBytes)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Held strongly until `cancel()` on close or removal (see LazyTimeout: no weak references here).
        exchangeTimeout = LazyTimeout(on: context.eventLoop) {
            switch self.state {
            case .proxying(let ex): self.exchangeTimedOut(ex)
            case .tunneling, .discarding: self.context?.close(promise: nil)
            case .awaitingRequest, .closed: break
            }
        }
        clientIP = context.channel.remoteAddress?.ipAddress
    }

    // MARK: Client side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .tunneling(let ex) = state {
            moveTunnelDeadline(ex)
            ex.upstream?.send(unwrapInboundIn(data))
            return
        }
        reader.feed(unwrapInboundIn(data))
        readRequests()
    }

    /// Reads request heads and body bytes from what the client sent, as far as the exchange in progress allows:
    /// bytes behind a complete request wait until its response is done.
    private func readRequests() {
        guard !readingRequests else { return }
        readingRequests = true
        defer { readingRequests = false }
        while true {
            switch state {
            case .discarding, .closed:
                reader.discardBuffered()
                return
            case .proxying(let ex) where ex.requestComplete:
                return
            case .tunneling:
                return
            case .awaitingRequest, .proxying:
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
            switch (event, state) {
            case (.head(let bytes), .awaitingRequest):
                timeouts.requestHeadReceived()
                begin(bytes)
            case (.body(let bytes), .proxying(let ex)):
                if reader.bodyDataBytes > ex.generation.config.limits.maxBodyBytes {
                    abortTooLarge(ex)
                    return
                }
                forward(bytes, ex)
            case (.end, .proxying(let ex)):
                ex.requestComplete = true
                // The backend's time to answer runs from the end of a body; a request without one was just sent
                // (or waits for its backend), and costs no clock read here.
                if reader.bodyDataBytes > 0, ex.upstream != nil { moveResponseDeadline(ex) }
            default:
                // The reader yields head, body, end in order, and a head only between exchanges.
                localResponse(status: .badRequest, message: "malformed request", close: true)
                return
            }
        }
    }

    /// Answers a request the reader refused (malformed, ambiguous or too large) and closes the connection.
    private func refuse(_ error: WireError) {
        if case .proxying(let ex) = state, ex.responseStarted {
            cutOff(ex)
            return
        }
        localResponse(status: HTTPResponseStatus(statusCode: error.status), message: "malformed request: \(error)", close: true)
    }

    /// Reads requests that were pipelined behind the one that just finished, then resumes reading.
    private func drainPipelined() {
        readRequests()
        // Bytes forwarded from the buffer are not followed by a channelReadComplete: flush them here.
        if case .proxying(let ex) = state { ex.upstream?.flush() }
        resumeClientReading()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let timedOut = event as? ClientTimeoutHandler.RequestHeadTimedOut {
            bytesSent += timedOut.responseBytes
            logAccess(head: nil, status: 408)
            return
        }
        if event is ChannelShouldQuiesceEvent {
            // Graceful shutdown: an idle connection closes now, a busy one after its exchange.
            // A tunnel has no end to wait for: it closes now, and a WebSocket client reconnects elsewhere.
            switch state {
            case .awaitingRequest where reader.isAtMessageBoundary, .tunneling: context.close(promise: nil)
            default: break
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        switch state {
        case .proxying(let ex), .tunneling(let ex): ex.upstream?.flush()
        case .awaitingRequest, .discarding, .closed: break
        }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if holdsReads {
            pendingRead = true
            return
        }
        context.read()
    }

    /// Whether reading from the client waits: a pipelined request is buffered behind a complete one (read no
    /// more until it is taken), or the request body has nowhere to go yet (no upstream, or it is not writable).
    /// A partial head behind a finished exchange does not wait: the rest of it is needed.
    private var holdsReads: Bool {
        switch state {
        case .proxying(let ex) where ex.requestComplete:
            return reader.hasBufferedBytes
        case .proxying(let ex), .tunneling(let ex):
            return ex.upstream.map { !$0.isWritable } ?? true
        case .awaitingRequest, .discarding, .closed:
            return false
        }
    }

    private func resumeClientReading() {
        guard pendingRead, !holdsReads, let context else { return }
        pendingRead = false
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            switch state {
            case .proxying(let ex), .tunneling(let ex): ex.upstream?.resumeReading()
            case .awaitingRequest, .discarding, .closed: break
            }
        }
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
        switch state {
        case .proxying(let ex), .tunneling(let ex):
            if let upstream = ex.upstream {
                ex.upstream = nil
                upstream.close()
            }
            releaseSlot(ex, latency: nil)
            if case .tunneling = state {
                logAccess(ex, status: ex.responseStatus, outcome: .tunnel)
            } else {
                logAccess(ex, status: ex.responseStarted ? ex.responseStatus : 499, outcome: ex.cutOff ? .cutOff : .clientClosed)
            }
        case .awaitingRequest, .discarding, .closed:
            break
        }
        state = .closed
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// The configuration generation for a new request: the one this connection used last, unless another has been
    /// installed since.
    private func currentGeneration() -> BalancerRuntime.Generation {
        let number = runtime.generationNumber
        if let cached = cachedGeneration, cached.number == number { return cached.generation }
        let generation = runtime.generation
        cachedGeneration = (number, generation)
        return generation
    }

    private func begin(_ bytes: ByteBuffer) {
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
            webSocket: head.asksWebSocketUpgrade, into: &requestHead)
        // The exchange keeps this head for retries; the buffer is free again once the exchange and its write are done.
        let upstreamHead = requestHead
        Self.dropIfLarge(&requestHead)
        reader.startBody(head.bodyFraming)
        let ex = ProxyExchange(head: consume head, upstreamHead: upstreamHead, generation: generation, pool: pool, key: key, keepAlive: keepAlive)
        state = .proxying(ex)
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

    private func forward(_ bytes: ByteBuffer, _ ex: ProxyExchange) {
        ex.remember(bytes)
        if let upstream = ex.upstream {
            upstream.send(bytes)
            // A body still coming: a pause in it, not its whole length, is what the timeout bounds.
            if !ex.responseStarted { moveResponseDeadline(ex) }
        } else {
            ex.unsent.append(bytes)
        }
    }

    // MARK: Attempts

    private func isCurrent(_ ex: ProxyExchange) -> Bool {
        if case .proxying(let current) = state { return current === ex }
        return false
    }

    private func startAttempt(_ ex: ProxyExchange) {
        guard let context else { return }
        ex.attempts += 1
        let pool = ex.pool
        switch pool.acquireNow(key: ex.key, excluding: ex.tried, newRequest: ex.attempts == 1, orQueueOn: context.eventLoop) {
        case .decided(let outcome):
            admitted(ex, outcome.mapError { $0 as any Error })
        case .queued(let slot):
            slot.assumeIsolated().whenComplete { result in self.admitted(ex, result) }
        }
    }

    /// A backend slot was reserved for the exchange (or could not be): connect, or answer with the failure.
    private func admitted(_ ex: ProxyExchange, _ result: Result<Int, any Error>) {
        let pool = ex.pool
        switch result {
        case .success(let index):
            guard isCurrent(ex) else {
                pool.release(index, latency: nil)
                return
            }
            ex.backend = index
            ex.lastBackend = index
            ex.markTried(index)
            ex.attemptStart = context?.eventLoop.now ?? .now()
            connect(ex, index: index)
        case .failure(let error):
            guard isCurrent(ex) else { return }
            fail(ex, (error as? ProxyFailure) ?? .noBackendAvailable(pool: pool.config.name))
        }
    }

    private func connect(_ ex: ProxyExchange, index: Int) {
        let backend = ex.pool.backends[index]
        let timeouts = ex.generation.config.timeouts
        if let upstream = connections.takeIdle(addressID: backend.addressID) {
            send(ex, over: upstream, responseTimeout: timeouts.response, now: ex.attemptStart)
            return
        }
        connections.connect(addressID: backend.addressID, host: backend.config.address.host, port: backend.config.address.port, connectTimeout: timeouts.connect) { result in
            switch result {
            case .failure(let error):
                guard self.isCurrent(ex), ex.backend == index else { return }
                backend.recordConnectError()
                ex.pool.recordOutcome(index, failed: true)
                self.releaseSlot(ex, latency: nil)
                let reason = ConnectFailureReason.of(error, timeout: timeouts.connect)
                self.attemptFailed(ex, .connectFailed(backend: backend.config.name, reason: reason), connectFailure: true)
            case .success(let upstream):
                guard self.isCurrent(ex), ex.backend == index, let context = self.context else {
                    self.connections.giveBack(upstream, keepingAtMost: backend.config.maxConnections, idleTimeout: timeouts.idle)
                    return
                }
                self.send(ex, over: upstream, responseTimeout: timeouts.response, now: context.eventLoop.now)
            }
        }
    }

    /// Leases `upstream` to the exchange and sends the request head and any body bytes received so far; the
    /// response timeout runs from `now`.
    private func send(_ ex: ProxyExchange, over upstream: UpstreamHandler, responseTimeout: Duration, now: NIODeadline) {
        ex.upstream = upstream
        upstream.lease(to: self, requestIsHEAD: ex.head.isHEAD, dechunk: !ex.head.isHTTP11, webSocket: ex.head.asksWebSocketUpgrade)
        upstream.send(ex.upstreamHead)
        for bytes in ex.unsent { upstream.send(bytes) }
        ex.unsent = []
        // Inside a read of the client's bytes, channelReadComplete (or drainPipelined) flushes once for all.
        if !readingRequests { upstream.flush() }
        self.exchangeTimeout?.arm(in: TimeAmount(responseTimeout), from: now)
        resumeClientReading()
    }

    /// Gives the exchange another `timeouts.response` from now: something moved.
    private func moveResponseDeadline(_ ex: ProxyExchange) {
        exchangeTimeout?.arm(in: TimeAmount(ex.generation.config.timeouts.response))
    }

    /// Nothing moved for `timeouts.response`: the request body stopped coming, no response head came, or, once the
    /// response started, no more of it came from the backend or no room for it was made at the client.
    private func exchangeTimedOut(_ ex: ProxyExchange) {
        guard ex.responseStarted else {
            if !ex.requestComplete, let upstream = ex.upstream, upstream.isWritable {
                // The backend could take more of the body, and the client sent none: the client's fault, not the
                // backend's (the slot is freed without counting against it).
                fail(ex, .clientStoppedSending(after: ex.generation.config.timeouts.response))
            } else {
                responseTimedOut(ex)
            }
            return
        }
        guard let context, let index = ex.backend else { return }
        let after = ex.generation.config.timeouts.response
        if context.channel.isWritable {
            // The client has room: the backend stopped sending.
            ex.pool.recordOutcome(index, failed: true)
            logFailure(ex, .responseStalled(backend: ex.pool.backends[index].config.name, after: after), retrying: false, requestID: ex.requestID)
        } else {
            logFailure(ex, .clientStoppedReading(after: after), retrying: false, requestID: ex.requestID)
        }
        cutOff(ex)
    }

    private func responseTimedOut(_ ex: ProxyExchange) {
        guard isCurrent(ex), !ex.responseStarted, let index = ex.backend else { return }
        let name = ex.pool.backends[index].config.name
        if let upstream = ex.upstream {
            ex.upstream = nil
            upstream.close()
        }
        ex.pool.recordOutcome(index, failed: true)
        releaseSlot(ex, latency: nil)
        attemptFailed(ex, .responseTimeout(backend: name), connectFailure: false)
    }

    /// Retries on another backend when allowed: nothing of the response sent yet, the request can be
    /// replayed, it was a connect failure or the method is idempotent, attempts remain, an eligible backend
    /// has not been tried yet (never the same one twice), and the retry budget has a token. Otherwise answers with the failure's status.
    private func attemptFailed(_ ex: ProxyExchange, _ failure: ProxyFailure, connectFailure: Bool) {
        exchangeTimeout?.disarm()
        let retry = ex.pool.config.retry
        let untried = ex.pool.picker.candidates(effectiveWeights: ex.pool.effectiveWeights(), excluding: ex.tried)
        if !ex.responseStarted, ex.replayable, connectFailure || ex.head.isIdempotent,
            ex.attempts <= retry.attempts, !untried.isEmpty, ex.pool.takeRetryToken()
        {
            if let failed = ex.lastBackend { ex.pool.backends[failed].recordRetry() }
            ex.unsent = ex.replay
            logFailure(ex, failure, retrying: true, requestID: ex.requestID)
            startAttempt(ex)
            return
        }
        fail(ex, failure)
    }

    private func fail(_ ex: ProxyExchange, _ failure: ProxyFailure) {
        let requestID = ex.requestID
        logFailure(ex, failure, retrying: false, requestID: requestID)
        if ex.responseStarted {
            cutOff(ex)
            return
        }
        var headers: [(String, String)] = []
        if failure.status == 503 { headers.append(("retry-after", "1")) }
        // The id of the log line that says what went wrong, for whoever reports the error.
        if let requestID { headers.append(("x-request-id", requestID)) }
        localResponse(
            status: HTTPResponseStatus(statusCode: failure.status), message: failure.description,
            // The proxy's own answers say HTTP/1.1; an HTTP/1.0 client gets them with a close.
            close: !ex.requestComplete || !ex.keepAlive || !ex.head.isHTTP11, extraHeaders: headers)
    }

    private func logFailure(_ ex: ProxyExchange, _ failure: ProxyFailure, retrying: Bool, requestID: @autoclosure () -> String?) {
        ex.pool.log.requestFailed(
            failure, pool: ex.pool.config.name, request: {
                let (method, target) = ex.methodAndTarget
                return (method, target, requestID())
            },
            retrying: retrying, responseStarted: ex.responseStarted, atSecond: PoolRuntime.currentSecond())
    }

    private func releaseSlot(_ ex: ProxyExchange, latency: Duration?) {
        guard let index = ex.backend else { return }
        ex.backend = nil
        // Only a tunnel's exchange got a 101 (one not asked for is refused before it counts).
        ex.pool.release(index, latency: latency, endingTunnel: ex.responseStatus == 101)
    }

    private func abortTooLarge(_ ex: ProxyExchange) {
        exchangeTimeout?.disarm()
        if let upstream = ex.upstream {
            ex.upstream = nil
            upstream.close()
        }
        releaseSlot(ex, latency: nil)
        if ex.responseStarted {
            cutOff(ex)
        } else {
            localResponse(status: .payloadTooLarge, message: "request body larger than \(ex.generation.config.limits.maxBodyBytes) bytes", close: true)
        }
    }

    /// Ends a response already under way by closing the client's connection: the only way to tell the client it is
    /// incomplete. Closing also closes the backend's connection and frees the slot (channelInactive), and the access
    /// log says `cut_off`.
    private func cutOff(_ ex: ProxyExchange) {
        ex.cutOff = true
        context?.close(promise: nil)
    }

    /// Closes the connection once everything written before has gone out (writes complete in order), or after
    /// `timeouts.idle` if the client does not take it: a client that stops reading must not hold the connection.
    private func closeWhenWritten(_ context: ChannelHandlerContext) {
        state = .discarding
        exchangeTimeout?.arm(in: TimeAmount(currentGeneration().config.timeouts.idle))
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).assumeIsolated().whenComplete { _ in
            self.context?.close(promise: nil)
        }
    }

    /// Sends a small plain-text response generated by the proxy itself; `head` is the request's when it was read but
    /// no exchange began.
    private func localResponse(
        status: HTTPResponseStatus, message: String, close: Bool, extraHeaders: [(String, String)] = [], head: RequestHead? = nil
    ) {
        guard let context else { return }
        headHeld = false
        var exchange: ProxyExchange?
        if case .proxying(let ex) = state {
            exchange = ex
            exchangeTimeout?.disarm()
            if let upstream = ex.upstream {
                ex.upstream = nil
                upstream.close()
            }
            releaseSlot(ex, latency: nil)
        }
        state = close ? .discarding : .awaitingRequest
        let response = HeadWriter.localResponse(
            status: Int(status.code), reason: status.reasonPhrase, message: message, close: close, extraHeaders: extraHeaders,
            allocator: context.channel.allocator)
        bytesSent += response.readableBytes
        if let exchange {
            logAccess(exchange, status: Int(status.code), outcome: .local)
        } else {
            logAccess(head: head, status: Int(status.code))
        }
        if close {
            context.write(wrapOutboundOut(response), promise: nil)
            closeWhenWritten(context)
        } else {
            context.writeAndFlush(wrapOutboundOut(response), promise: nil)
            timeouts.exchangeFinished()
            drainPipelined()
        }
    }

    // MARK: Access log

    /// Writes the access log line of exchange `ex`, once, if the configuration it began under has an access log. The
    /// backend named is the one tried last; `upstreamTime` is how long it took, when it answered whole.
    private func logAccess(
        _ ex: ProxyExchange, status: Int, outcome: AccessLogRecord.Outcome, upstreamTime: Duration? = nil, now: NIODeadline? = nil
    ) {
        guard let format = ex.generation.accessLogFormat, !ex.accessLogged else { return }
        ex.accessLogged = true
        let record = AccessLogRecord(
            time: UTCTimestamp.now, client: clientIP, head: ex.head, status: status, bytesSent: bytesSent,
            pool: ex.pool.config.name, backend: ex.lastBackend.map { ex.pool.backends[$0].config.name }, attempts: ex.attempts,
            upstreamTime: upstreamTime, duration: elapsed(until: now), requestID: ex.requestIDBytes, outcome: outcome)
        appendAccessLog(record, format)
    }

    /// Writes the access log line of a request the proxy answered before any exchange began: one whose head could
    /// not be read or did not come in time (`head` nil), was too large, or had a target no pool serves.
    private func logAccess(head: RequestHead?, status: Int) {
        guard let format = currentGeneration().accessLogFormat else { return }
        let record = AccessLogRecord(
            time: UTCTimestamp.now, client: clientIP, head: head, status: status, bytesSent: bytesSent, pool: nil, backend: nil,
            attempts: 0, upstreamTime: nil, duration: head == nil ? nil : elapsed(until: nil), requestID: nil, outcome: .local)
        appendAccessLog(record, format)
    }

    private func appendAccessLog(_ record: AccessLogRecord, _ format: AccessLogConfig.Format) {
        bytesSent = 0
        guard let context else { return }
        let shard = accessLogShard ?? runtime.accessLog.shard(for: context.eventLoop)
        accessLogShard = shard
        runtime.accessLog.append(record, format: format, to: shard)
    }

    /// Time since the request head of the exchange in progress was read, at `now` (read from the clock when nil).
    private func elapsed(until now: NIODeadline?) -> Duration? {
        guard let began = exchangeBegan, let context else { return nil }
        return .nanoseconds(((now ?? context.eventLoop.now) - began).nanoseconds)
    }

    // MARK: Upstream side

    var clientIsWritable: Bool { context?.channel.isWritable ?? false }

    func upstreamWritabilityChanged(isWritable: Bool) {
        if isWritable { resumeClientReading() }
    }

    func upstreamReadComplete() {
        writeHeldHead()
        context?.flush()
        // A response still under way gets another `timeouts.response` for its next bytes (a complete one has left
        // the state already, so the common small response costs no clock read here).
        if case .proxying(let ex) = state, ex.responseStarted { moveResponseDeadline(ex) }
    }

    /// Writes a response head held back for its body (see `headHeld`).
    private func writeHeldHead() {
        guard headHeld, let context else { return }
        headHeld = false
        writeResponseHead(context)
    }

    private func writeResponseHead(_ context: ChannelHandlerContext) {
        bytesSent += responseHead.readableBytes
        context.write(wrapOutboundOut(responseHead), promise: nil)
        Self.dropIfLarge(&responseHead)
    }

    /// Lets go of a head buffer that grew past ``maxKeptHeadBufferBytes`` (whoever still writes it keeps it alive).
    private static func dropIfLarge(_ buffer: inout ByteBuffer) {
        if buffer.capacity > maxKeptHeadBufferBytes { buffer = ByteBuffer() }
    }

    func upstreamReceivedHead(_ head: ResponseHead, framing: BodyFraming) {
        guard case .proxying(let ex) = state, context != nil, let index = ex.backend else { return }
        // The response timeout stays armed: upstreamReadComplete moves it on while the body comes.
        ex.responseStarted = true
        ex.responseStatus = head.status
        // A body that ends with the backend's connection ends the client's too, and so does a chunked body dechunked
        // for an HTTP/1.0 client (only the close can mark its end).
        if !ex.requestComplete || shutdown.isShuttingDown || framing == .untilClose || (framing == .chunked && !ex.head.isHTTP11) {
            ex.keepAlive = false
        }
        // A small body of known length is appended to the head's buffer (see upstreamReceivedBody): room for it now.
        var spare = 0
        if case .length(let length) = framing, length <= Self.maxCoalescedBodyBytes { spare = length }
        HeadWriter.downstreamResponse(
            head, clientIsHTTP11: ex.head.isHTTP11, chunkedToClient: head.headers.chunked && ex.head.isHTTP11,
            backendHeader: ex.generation.config.backendHeader, backendName: ex.pool.backends[index].config.name,
            keepAlive: ex.keepAlive, spareCapacity: spare, into: &responseHead)
        headHeld = true
    }

    func upstreamReceivedBody(_ bytes: ByteBuffer) {
        guard case .proxying = state, let context else { return }
        if headHeld {
            headHeld = false
            // A small body that came with its head leaves in the same buffer: one write, one iovec. Nothing else
            // references the buffer yet, so the bytes go into the room kept for them without a copy of the head.
            if bytes.readableBytes <= Self.maxCoalescedBodyBytes {
                var body = bytes
                responseHead.writeBuffer(&body)
                writeResponseHead(context)
                return
            }
            writeResponseHead(context)
        }
        bytesSent += bytes.readableBytes
        context.write(wrapOutboundOut(bytes), promise: nil)
    }

    func upstreamReceivedEnd() {
        guard case .proxying(let ex) = state, let context, let index = ex.backend else { return }
        // One clock reading for the latency and both idle timeouts.
        let now = context.eventLoop.now
        let latency = ex.attemptLatency(at: now)
        exchangeTimeout?.disarm()
        ex.backend = nil
        ex.pool.finish(index, status: ex.responseStatus, latency: latency)
        var upstreamKept = false
        if let upstream = ex.upstream {
            ex.upstream = nil
            if ex.requestComplete {
                upstreamKept = connections.giveBack(
                    upstream, keepingAtMost: ex.pool.backends[index].config.maxConnections,
                    idleTimeout: ex.generation.config.timeouts.idle, now: now)
            } else {
                upstream.close()
            }
        }
        writeHeldHead()
        logAccess(ex, status: ex.responseStatus, outcome: .relayed, upstreamTime: latency, now: now)
        let keepAlive = ex.keepAlive && ex.requestComplete && !shutdown.isShuttingDown
        state = keepAlive ? .awaitingRequest : .discarding
        if keepAlive {
            // A kept upstream connection flushes the client in upstreamReadComplete, right after this read. One that
            // was closed (the backend said `Connection: close`, or its body ended with the connection) gets no such
            // event, so the response goes out now.
            if !upstreamKept { context.flush() }
            timeouts.exchangeFinished(now: now)
            drainPipelined()
        } else {
            closeWhenWritten(context)
        }
    }

    // MARK: Tunnel

    func upstreamSwitchedProtocols(_ head: ResponseHead) {
        guard case .proxying(let ex) = state, let context, let index = ex.backend, let upstream = ex.upstream else { return }
        exchangeTimeout?.disarm()
        ex.responseStarted = true
        ex.responseStatus = head.status
        // The slot stays taken while the tunnel is open: a WebSocket is load on its backend.
        ex.pool.switchedProtocols(index, latency: ex.attemptLatency(at: context.eventLoop.now))
        headHeld = false
        HeadWriter.downstreamResponse(
            head, clientIsHTTP11: true, chunkedToClient: false, backendHeader: ex.generation.config.backendHeader,
            backendName: ex.pool.backends[index].config.name, keepAlive: true, webSocket: true, into: &responseHead)
        writeResponseHead(context)
        state = .tunneling(ex)
        // Bytes the client sent behind its request belong to the new protocol.
        if let early = reader.takeBuffered() {
            upstream.send(early)
            upstream.flush()
        }
        moveTunnelDeadline(ex)
        resumeClientReading()
    }

    func upstreamTunnelled(_ bytes: ByteBuffer) {
        guard case .tunneling(let ex) = state, let context else { return }
        moveTunnelDeadline(ex)
        bytesSent += bytes.readableBytes
        context.write(wrapOutboundOut(bytes), promise: nil)
    }

    func upstreamTunnelClosed() {
        guard case .tunneling(let ex) = state, let context else { return }
        ex.upstream = nil
        releaseSlot(ex, latency: nil)
        logAccess(ex, status: ex.responseStatus, outcome: .tunnel)
        closeWhenWritten(context)
    }

    /// Bytes passed through the tunnel: it closes `timeouts.tunnel` after the last of them.
    private func moveTunnelDeadline(_ ex: ProxyExchange) {
        exchangeTimeout?.arm(in: TimeAmount(ex.generation.config.timeouts.tunnel))
    }

    func upstreamFailed(_ error: any Error) {
        guard case .proxying(let ex) = state, let index = ex.backend, ex.upstream != nil else { return }
        ex.upstream = nil
        headHeld = false
        let name = ex.pool.backends[index].config.name
        ex.pool.recordOutcome(index, failed: true)
        releaseSlot(ex, latency: nil)
        let failure: ProxyFailure =
            if let fault = error as? WireError { .invalidResponse(backend: name, reason: fault.description) } else { .upstreamClosed(backend: name) }
        if ex.responseStarted {
            fail(ex, failure)
        } else {
            attemptFailed(ex, failure, connectFailure: false)
        }
    }
}
