import BalancerConfig
import NIOCore
import NIOHTTP1

/// The heart of the data path: one per client connection. It admits each request to a pool, leases a
/// keep-alive upstream connection on the same event loop, streams the request up and the response down
/// with backpressure (each side reads only while the other is writable), retries where that is safe, and
/// answers with a clear status when it cannot proxy.
final class ProxyClientHandler: ChannelDuplexHandler, UpstreamDelegate {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Waiting for the next request head.
        case awaitingRequest
        /// A request is being proxied.
        case proxying(ProxyExchange)
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
    /// The response timeout of the exchange in progress: armed when its request is sent upstream, disarmed when
    /// the response starts or the attempt ends.
    private var responseTimeout: LazyTimeout?
    /// Request parts that arrived behind a complete request still being answered (HTTP pipelining).
    private var pipelined: [HTTPServerRequestPart] = []
    private var drainingPipelined = false

    init(runtime: BalancerRuntime, connections: UpstreamConnectionPool, timeouts: ClientTimeoutHandler, shutdown: ShutdownSignal) {
        self.runtime = runtime
        self.connections = connections
        self.timeouts = timeouts
        self.shutdown = shutdown
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Held strongly until `cancel()` on close or removal (see LazyTimeout: no weak references here).
        responseTimeout = LazyTimeout(on: context.eventLoop) {
            guard case .proxying(let ex) = self.state else { return }
            self.responseTimedOut(ex)
        }
        clientIP = context.channel.remoteAddress?.ipAddress
    }

    // MARK: Client side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        // A pipelined request behind the one in progress waits its turn (reads pause meanwhile).
        if case .proxying(let ex) = state, ex.requestComplete || !pipelined.isEmpty {
            pipelined.append(part)
            return
        }
        if !pipelined.isEmpty {
            pipelined.append(part)
            return
        }
        handle(part, context: context)
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch (part, state) {
        case (.head(let head), .awaitingRequest):
            timeouts.requestHeadReceived()
            begin(head, context: context)
        case (.body(let buffer), .proxying(let ex)):
            ex.bodyBytes += buffer.readableBytes
            if ex.bodyBytes > ex.generation.config.limits.maxBodyBytes {
                abortTooLarge(ex)
                return
            }
            forward(.body(.byteBuffer(buffer)), ex)
        case (.end(let trailers), .proxying(let ex)):
            ex.requestComplete = true
            forward(.end(trailers), ex)
        case (_, .discarding), (_, .closed):
            break
        case (.head, _), (.body, .awaitingRequest), (.end, .awaitingRequest):
            // The HTTP decoder never produces these orders; treat it as a protocol error.
            localResponse(status: .badRequest, message: "malformed request", close: true)
        }
    }

    /// Runs requests that were pipelined behind the one that just finished, then resumes reading.
    private func drainPipelined() {
        guard !drainingPipelined, let context else { return }
        drainingPipelined = true
        defer { drainingPipelined = false }
        loop: while !pipelined.isEmpty {
            switch state {
            case .proxying(let ex) where ex.requestComplete:
                break loop
            case .discarding, .closed:
                pipelined.removeAll()
                return
            case .awaitingRequest, .proxying:
                handle(pipelined.removeFirst(), context: context)
            }
        }
        // Parts forwarded from the queue are not followed by a channelReadComplete: flush them here.
        if case .proxying(let ex) = state { ex.upstream?.flush() }
        if pipelined.isEmpty { resumeClientReading() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // Graceful shutdown: an idle connection closes now, a busy one after its exchange.
            if case .awaitingRequest = state, pipelined.isEmpty { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .proxying(let ex) = state { ex.upstream?.flush() }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if !pipelined.isEmpty {
            pendingRead = true
            return
        }
        if case .proxying(let ex) = state, !ex.requestComplete {
            guard let upstream = ex.upstream, upstream.isWritable else {
                pendingRead = true
                return
            }
        }
        context.read()
    }

    private func resumeClientReading() {
        guard pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, case .proxying(let ex) = state { ex.upstream?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        responseTimeout?.cancel()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        responseTimeout?.cancel()
        if case .proxying(let ex) = state {
            if let upstream = ex.upstream {
                ex.upstream = nil
                upstream.close()
            }
            releaseSlot(ex, latency: nil)
        }
        state = .closed
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parserError = error as? HTTPParserError {
            let status: HTTPResponseStatus = parserError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
            if case .proxying(let ex) = state, ex.responseStarted {
                context.close(promise: nil)
            } else {
                localResponse(status: status, message: "malformed request: \(parserError)", close: true)
            }
            return
        }
        context.close(promise: nil)
    }

    private func begin(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let generation = runtime.generation
        let config = generation.config
        if RequestHeadRewriter.size(of: head) > config.limits.maxHeaderBytes {
            localResponse(status: .requestHeaderFieldsTooLarge, message: "request head too large", close: true)
            return
        }
        let lengths = head.headers["content-length"]
        if let declared = lengths.first {
            guard lengths.count == 1, let length = Int(declared), length >= 0 else {
                localResponse(status: .badRequest, message: "invalid Content-Length", close: true)
                return
            }
            if length > config.limits.maxBodyBytes {
                localResponse(status: .payloadTooLarge, message: "request body larger than \(config.limits.maxBodyBytes) bytes", close: true)
                return
            }
        }
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard path.hasPrefix("/"), let pool = generation.pool(forPath: path) else {
            localResponse(status: .badRequest, message: "request target must be an absolute path", close: true)
            return
        }
        if head.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
        }
        var key: String? = nil
        if case .consistentHash(let source, _) = pool.config.algorithm {
            key = RequestHeadRewriter.hashKey(head, source: source, clientIP: clientIP)
        }
        let keepAlive = head.isKeepAlive && head.version == .http1_1 && !shutdown.isShuttingDown
        let ex = ProxyExchange(
            head: head, upstreamHead: RequestHeadRewriter.upstream(head, clientIP: clientIP, ids: &requestIDs),
            generation: generation, pool: pool, key: key, keepAlive: keepAlive)
        state = .proxying(ex)
        pool.noteRequest()
        startAttempt(ex)
    }

    private func forward(_ part: HTTPClientRequestPart, _ ex: ProxyExchange) {
        ex.remember(part)
        if let upstream = ex.upstream {
            upstream.send(part, flush: false)
        } else {
            ex.unsent.append(part)
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
        switch pool.acquireNow(key: ex.key, excluding: ex.tried, orQueueOn: context.eventLoop) {
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
            ex.tried.insert(index)
            ex.attemptStart = .now
            connect(ex, index: index)
        case .failure(let error):
            guard isCurrent(ex) else { return }
            fail(ex, (error as? ProxyFailure) ?? .noBackendAvailable(pool: pool.config.name))
        }
    }

    private func connect(_ ex: ProxyExchange, index: Int) {
        let backend = ex.pool.backends[index]
        let timeouts = ex.generation.config.timeouts
        connections.lease(host: backend.config.address.host, port: backend.config.address.port, connectTimeout: timeouts.connect) { result in
            switch result {
            case .failure(let error):
                guard self.isCurrent(ex), ex.backend == index else { return }
                backend.recordConnectError()
                ex.pool.recordOutcome(index, failed: true)
                self.releaseSlot(ex, latency: nil)
                self.attemptFailed(ex, .connectFailed(backend: backend.config.name, reason: "\(error)"), connectFailure: true)
            case .success(let upstream):
                guard self.isCurrent(ex), ex.backend == index, self.context != nil else {
                    self.connections.giveBack(upstream, idleTimeout: timeouts.idle)
                    return
                }
                ex.upstream = upstream
                upstream.lease(to: self)
                upstream.send(.head(ex.upstreamHead), flush: false)
                for part in ex.unsent { upstream.send(part, flush: false) }
                ex.unsent = []
                upstream.flush()
                self.responseTimeout?.arm(in: TimeAmount(timeouts.response))
                self.resumeClientReading()
            }
        }
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
        responseTimeout?.disarm()
        let retry = ex.pool.config.retry
        let untried = ex.pool.picker.candidates(effectiveWeights: ex.pool.effectiveWeights(), excluding: ex.tried)
        if !ex.responseStarted, ex.replayable, connectFailure || ex.head.method.isIdempotent,
            ex.attempts <= retry.attempts, !untried.isEmpty, ex.pool.takeRetryToken()
        {
            if let failed = ex.lastBackend { ex.pool.backends[failed].recordRetry() }
            ex.unsent = ex.replay
            startAttempt(ex)
            return
        }
        fail(ex, failure)
    }

    private func fail(_ ex: ProxyExchange, _ failure: ProxyFailure) {
        if ex.responseStarted {
            context?.close(promise: nil)
            return
        }
        var headers: [(String, String)] = []
        if failure.status == 503 { headers.append(("retry-after", "1")) }
        localResponse(
            status: HTTPResponseStatus(statusCode: failure.status), message: failure.description,
            close: !ex.requestComplete || !ex.keepAlive, extraHeaders: headers)
    }

    private func releaseSlot(_ ex: ProxyExchange, latency: Duration?) {
        guard let index = ex.backend else { return }
        ex.backend = nil
        ex.pool.release(index, latency: latency)
    }

    private func abortTooLarge(_ ex: ProxyExchange) {
        responseTimeout?.disarm()
        if let upstream = ex.upstream {
            ex.upstream = nil
            upstream.close()
        }
        releaseSlot(ex, latency: nil)
        if ex.responseStarted {
            context?.close(promise: nil)
        } else {
            localResponse(status: .payloadTooLarge, message: "request body larger than \(ex.generation.config.limits.maxBodyBytes) bytes", close: true)
        }
    }

    /// Sends a small plain-text response generated by the proxy itself.
    private func localResponse(status: HTTPResponseStatus, message: String, close: Bool, extraHeaders: [(String, String)] = []) {
        guard let context else { return }
        if case .proxying(let ex) = state {
            responseTimeout?.disarm()
            if let upstream = ex.upstream {
                ex.upstream = nil
                upstream.close()
            }
            releaseSlot(ex, latency: nil)
        }
        let body = "\(status.code) \(status.reasonPhrase): \(message)\n"
        var headers = HTTPHeaders([("content-type", "text/plain; charset=utf-8"), ("content-length", "\(body.utf8.count)")])
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        if close { headers.add(name: "connection", value: "close") }
        state = close ? .discarding : .awaitingRequest
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if close {
            written.assumeIsolated().whenComplete { _ in self.context?.close(promise: nil) }
        } else {
            timeouts.exchangeFinished()
            drainPipelined()
        }
    }

    // MARK: Upstream side

    var clientIsWritable: Bool { context?.channel.isWritable ?? false }

    func upstreamWritabilityChanged(isWritable: Bool) {
        if isWritable { resumeClientReading() }
    }

    func upstreamReadComplete() { context?.flush() }

    func upstreamReceived(_ part: HTTPClientResponsePart) {
        guard case .proxying(let ex) = state, let context, let index = ex.backend else { return }
        switch part {
        case .head(let head):
            responseTimeout?.disarm()
            ex.responseStarted = true
            ex.responseStatus = Int(head.status.code)
            if !ex.requestComplete || shutdown.isShuttingDown { ex.keepAlive = false }
            let name = ex.pool.backends[index].config.name
            let out = RequestHeadRewriter.downstream(
                head, version: ex.head.version, backendHeader: ex.generation.config.backendHeader,
                backendName: name, keepAlive: ex.keepAlive)
            context.write(wrapOutboundOut(.head(out)), promise: nil)
        case .body(let buffer):
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        case .end(let trailers):
            let latency = ContinuousClock.now - ex.attemptStart
            let backend = ex.pool.backends[index]
            backend.recordResponse(status: ex.responseStatus, latency: latency)
            ex.pool.recordOutcome(index, failed: ex.responseStatus >= 500)
            releaseSlot(ex, latency: latency)
            if let upstream = ex.upstream {
                ex.upstream = nil
                if ex.requestComplete {
                    connections.giveBack(upstream, idleTimeout: ex.generation.config.timeouts.idle)
                } else {
                    upstream.close()
                }
            }
            let keepAlive = ex.keepAlive && ex.requestComplete && !shutdown.isShuttingDown
            state = keepAlive ? .awaitingRequest : .discarding
            let written = context.writeAndFlush(wrapOutboundOut(.end(trailers)))
            if keepAlive {
                timeouts.exchangeFinished()
                drainPipelined()
            } else {
                written.assumeIsolated().whenComplete { _ in self.context?.close(promise: nil) }
            }
        }
    }

    func upstreamFailed(_ error: any Error) {
        guard case .proxying(let ex) = state, let index = ex.backend, ex.upstream != nil else { return }
        ex.upstream = nil
        let name = ex.pool.backends[index].config.name
        ex.pool.recordOutcome(index, failed: true)
        releaseSlot(ex, latency: nil)
        if ex.responseStarted {
            context?.close(promise: nil)
        } else {
            attemptFailed(ex, .upstreamClosed(backend: name), connectFailure: false)
        }
    }
}
