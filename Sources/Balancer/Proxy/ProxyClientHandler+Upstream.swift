import BalancerConfig
import HTTPWire
import NIOCore
import NIOHTTP1
import Picking

/// The upstream side: the backend's response taken from ``UpstreamHandler`` and written to the client, with
/// the response head held back for its first body bytes, and a failed upstream connection.
extension ProxyClientHandler {
    var clientIsWritable: Bool { context?.channel.isWritable ?? false }

    func upstreamWritabilityChanged(isWritable: Bool) {
        if isWritable { resumeClientReading() }
    }

    func upstreamReadComplete() {
        writeHeldHead()
        context?.flush()
        // A response still under way gets another `timeouts.response` for its next bytes (a complete one has left
        // the state already, so the common small response costs no clock read here).
        if let ex = machine.proxying, ex.responseStarted { moveResponseDeadline(ex) }
    }

    /// Writes a response head held back for its body (see `headHeld`).
    func writeHeldHead() {
        guard headHeld, let context else { return }
        headHeld = false
        writeResponseHead(context)
    }

    func writeResponseHead(_ context: ChannelHandlerContext) {
        bytesSent += responseHead.readableBytes
        context.write(wrapOutboundOut(responseHead), promise: nil)
        Self.dropIfLarge(&responseHead)
    }

    /// Lets go of a head buffer that grew past ``maxKeptHeadBufferBytes`` (whoever still writes it keeps it alive).
    static func dropIfLarge(_ buffer: inout ByteBuffer) {
        if buffer.capacity > maxKeptHeadBufferBytes { buffer = ByteBuffer() }
    }

    func upstreamReceivedHead(_ head: ResponseHead, framing: BodyFraming) {
        guard let ex = machine.proxying, context != nil, let index = ex.backend else { return }
        // The response timeout stays armed: upstreamReadComplete moves it on while the body comes.
        ex.responseStarted = true
        ex.responseStatus = head.status
        if !ResponseConnection.mayKeepAlive(
            requestComplete: ex.requestComplete, shuttingDown: shutdown.isShuttingDown, framing: framing, clientIsHTTP11: ex.head.isHTTP11)
        {
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
        guard machine.proxying != nil, let context else { return }
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
        guard let ex = machine.proxying, let context, let index = ex.backend else { return }
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
        let keepAlive = ProxyConnectionStateMachine.keepsConnection(after: ex, shuttingDown: shutdown.isShuttingDown)
        machine.responseEnded(keepAlive: keepAlive)
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


    func upstreamFailed(_ error: any Error) {
        guard let ex = machine.proxying, let index = ex.backend, ex.upstream != nil else { return }
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
