import BalancerConfig
import HTTPWire
import NIOCore
import NIOHTTP1
import Picking

/// The WebSocket tunnel: after the backend's 101 the exchange passes bytes both ways until either side closes.
extension ProxyClientHandler {
    func upstreamSwitchedProtocols(_ head: ResponseHead) {
        guard let ex = machine.proxying, let context, let index = ex.backend, let upstream = ex.upstream else { return }
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
        _ = machine.switchedProtocols()
        // Bytes the client sent behind its request belong to the new protocol.
        if let early = reader.takeBuffered() {
            upstream.send(early)
            upstream.flush()
        }
        moveTunnelDeadline(ex)
        resumeClientReading()
    }

    func upstreamTunnelled(_ bytes: ByteBuffer) {
        guard let ex = machine.tunnel, let context else { return }
        moveTunnelDeadline(ex)
        bytesSent += bytes.readableBytes
        context.write(wrapOutboundOut(bytes), promise: nil)
    }

    func upstreamTunnelClosed() {
        guard let ex = machine.tunnel, let context else { return }
        ex.upstream = nil
        releaseSlot(ex, latency: nil)
        logAccess(ex, status: ex.responseStatus, outcome: .tunnel)
        closeWhenWritten(context)
    }

    /// Bytes passed through the tunnel: it closes `timeouts.tunnel` after the last of them.
    func moveTunnelDeadline(_ ex: ProxyExchange) {
        exchangeTimeout?.arm(in: TimeAmount(ex.generation.config.timeouts.tunnel))
    }
}
