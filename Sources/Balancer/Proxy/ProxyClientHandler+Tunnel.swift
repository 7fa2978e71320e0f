import BalancerConfig
import HTTPWire
import NIOCore
import NIOHTTP1
import Picking

/// The switch to a WebSocket tunnel: after the backend's 101 this handler hands the connection to a
/// ``TunnelHandler`` and leaves the pipeline.
extension ProxyClientHandler: RemovableChannelHandler {
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
        let timeouts = ex.generation.config.timeouts
        let tunnel = TunnelHandler(upstream: upstream, idleTimeout: TimeAmount(timeouts.tunnel), closeGrace: TimeAmount(timeouts.idle)) { bytes in
            // The tunnel is over: its slot goes back and its access log line is written.
            ex.upstream = nil
            self.bytesSent += bytes
            self.releaseSlot(ex, latency: nil)
            self.logAccess(ex, status: ex.responseStatus, outcome: .tunnel)
        }
        do {
            try context.pipeline.syncOperations.addHandler(tunnel, position: .after(self))
        } catch {
            // Still this handler's exchange: closing releases its slot and logs it.
            context.close(promise: nil)
            return
        }
        upstream.tunnel(to: tunnel)
        _ = machine.handedToTunnel()
        // Bytes the client sent behind its request belong to the new protocol.
        let early = reader.takeBuffered()
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        if let early {
            upstream.send(early)
            upstream.flush()
        }
    }
}
