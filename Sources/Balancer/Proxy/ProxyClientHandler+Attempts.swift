import BalancerConfig
import HTTPWire
import NIOCore
import NIOHTTP1
import Picking

/// Attempts: getting a backend slot, connecting, sending, and what a failed attempt leads to (a retry or the
/// failure's status), with the response timeout that bounds each attempt.
extension ProxyClientHandler {
    func isCurrent(_ ex: ProxyExchange) -> Bool { machine.isCurrent(ex) }

    func startAttempt(_ ex: ProxyExchange) {
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
    func admitted(_ ex: ProxyExchange, _ result: Result<Int, any Error>) {
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

    func connect(_ ex: ProxyExchange, index: Int) {
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
    func send(_ ex: ProxyExchange, over upstream: UpstreamHandler, responseTimeout: Duration, now: NIODeadline) {
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
    func moveResponseDeadline(_ ex: ProxyExchange) {
        exchangeTimeout?.arm(in: TimeAmount(ex.generation.config.timeouts.response))
    }

    /// Nothing moved for `timeouts.response`: the request body stopped coming, no response head came, or, once the
    /// response started, no more of it came from the backend or no room for it was made at the client.
    func exchangeTimedOut(_ ex: ProxyExchange) {
        let after = ex.generation.config.timeouts.response
        let verdict = ExchangeTimeoutVerdict.of(
            responseStarted: ex.responseStarted, requestComplete: ex.requestComplete, upstreamIsWritable: ex.upstreamIsWritable,
            clientIsWritable: context?.channel.isWritable ?? false)
        switch verdict {
        case .clientStoppedSending:
            fail(ex, .clientStoppedSending(after: after))
        case .noResponse:
            responseTimedOut(ex)
        case .backendStalled:
            guard let index = ex.backend else { return }
            ex.pool.recordOutcome(index, failed: true)
            logFailure(ex, .responseStalled(backend: ex.pool.backends[index].config.name, after: after), retrying: false, requestID: ex.requestID)
            cutOff(ex)
        case .clientStoppedReading:
            guard ex.backend != nil else { return }
            logFailure(ex, .clientStoppedReading(after: after), retrying: false, requestID: ex.requestID)
            cutOff(ex)
        }
    }

    func responseTimedOut(_ ex: ProxyExchange) {
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

    /// Retries on another backend when ``RetryDecision`` allows it and the retry budget has a token; otherwise
    /// answers with the failure's status.
    func attemptFailed(_ ex: ProxyExchange, _ failure: ProxyFailure, connectFailure: Bool) {
        exchangeTimeout?.disarm()
        let untried = ex.pool.picker.candidates(effectiveWeights: ex.pool.effectiveWeights(), excluding: ex.tried)
        if RetryDecision.mayRetry(
            responseStarted: ex.responseStarted, replayable: ex.replayable, connectFailure: connectFailure, idempotent: ex.head.isIdempotent,
            attempts: ex.attempts, maxAttempts: ex.pool.config.retry.attempts, untriedBackendsRemain: !untried.isEmpty),
            ex.pool.takeRetryToken()
        {
            if let failed = ex.lastBackend { ex.pool.backends[failed].recordRetry() }
            ex.unsent = ex.replay
            logFailure(ex, failure, retrying: true, requestID: ex.requestID)
            startAttempt(ex)
            return
        }
        fail(ex, failure)
    }

    func fail(_ ex: ProxyExchange, _ failure: ProxyFailure) {
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

    func logFailure(_ ex: ProxyExchange, _ failure: ProxyFailure, retrying: Bool, requestID: @autoclosure () -> String?) {
        ex.pool.log.requestFailed(
            failure, pool: ex.pool.config.name, request: {
                let (method, target) = ex.methodAndTarget
                return (method, target, requestID())
            },
            retrying: retrying, responseStarted: ex.responseStarted, atSecond: PoolRuntime.currentSecond())
    }

    func releaseSlot(_ ex: ProxyExchange, latency: Duration?) {
        guard let index = ex.backend else { return }
        ex.backend = nil
        // Only a tunnel's exchange got a 101 (one not asked for is refused before it counts).
        ex.pool.release(index, latency: latency, endingTunnel: ex.responseStatus == 101)
    }

    func abortTooLarge(_ ex: ProxyExchange) {
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
    func cutOff(_ ex: ProxyExchange) {
        ex.cutOff = true
        context?.close(promise: nil)
    }
}
