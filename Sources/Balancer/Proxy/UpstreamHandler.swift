import HTTPWire
import NIOCore

/// What an upstream connection reports to the client-side handler that currently leases it.
/// What any user of an upstream connection answers: whether its client can take more, and the reads' rhythm.
protocol UpstreamPeer: AnyObject {
    func upstreamReadComplete()
    func upstreamWritabilityChanged(isWritable: Bool)
    /// Whether the client can take more response bytes; upstream reads wait while it cannot.
    var clientIsWritable: Bool { get }
}

/// The user of a leased connection: one request's response, read off the wire.
protocol UpstreamDelegate: UpstreamPeer {
    /// The final response head (interim 1xx responses are skipped).
    func upstreamReceivedHead(_ head: ResponseHead, framing: BodyFraming)
    /// Bytes of the response body, framed for the client (chunked framing kept unless dechunking).
    func upstreamReceivedBody(_ bytes: ByteBuffer)
    /// The response is complete.
    func upstreamReceivedEnd()
    func upstreamFailed(_ error: any Error)
    /// The backend answered a WebSocket upgrade with `101 Switching Protocols`: from now on the connection is a
    /// tunnel, and nothing it carries is HTTP. The delegate hands it on with ``UpstreamHandler/tunnel(to:)`` (or
    /// closes it).
    func upstreamSwitchedProtocols(_ head: ResponseHead)
}

/// The user of a tunnel: bytes as they come, and the end.
protocol TunnelPeer: UpstreamPeer {
    /// Bytes the backend sent through the tunnel.
    func upstreamTunnelled(_ bytes: ByteBuffer)
    /// The backend's side of the tunnel closed (or failed).
    func upstreamTunnelClosed()
}

/// The only handler of a keep-alive connection to a backend. While leased it reads the response off the wire
/// with a ``MessageReader`` and hands head, body bytes and end to its delegate, reading only while the client
/// side is writable (backpressure); while idle in the pool it closes itself after the idle timeout. After a
/// `101` to a WebSocket upgrade it is a tunnel: whatever it reads goes to the delegate as it is, until it closes.
final class UpstreamHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case idle
        case leased(any UpstreamDelegate)
        /// Switched to WebSocket; never idle again.
        case tunnel(any TunnelPeer)
        case closed
    }

    /// Largest response head accepted from a backend.
    static let maxResponseHeadBytes = 64 * 1024

    private var state: State = .idle
    /// Closes the connection when it has been idle in the pool too long.
    private var idleTimeout: LazyTimeout?
    private var pendingRead = false
    private(set) var context: ChannelHandlerContext?
    private var reader = MessageReader(maxHeadBytes: UpstreamHandler.maxResponseHeadBytes)
    /// Whether the request of the current lease was HEAD (its response has no body).
    private var requestIsHEAD = false
    /// Whether the request of the current lease asked to switch to WebSocket (only then may a `101` follow).
    private var webSocketAsked = false
    /// The delegate that got events in the current read, told when the read completes even if it has given the
    /// connection back meanwhile (it flushes its client then).
    private var readDelegate: (any UpstreamPeer)?
    /// The number of the backend's address (``UpstreamAddressID``), its place in the connection pool.
    let addressID: Int
    /// Whether the last response allows another request on this connection.
    var reusable = true
    weak var pool: UpstreamConnectionPool?

    init(addressID: Int) {
        self.addressID = addressID
    }

    var isActive: Bool { context?.channel.isActive ?? false }
    var isWritable: Bool { context?.channel.isWritable ?? false }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Held strongly until `cancel()` on close or removal (see LazyTimeout: no weak references here).
        idleTimeout = LazyTimeout(on: context.eventLoop) {
            if case .idle = self.state { self.close() }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimeout?.cancel()
        readDelegate = nil
        self.context = nil
    }

    /// Hands the connection to `delegate` for one request; `requestIsHEAD`, `dechunk` (for an HTTP/1.0 client) and
    /// `webSocket` (the request asked for an upgrade) decide how the response is read.
    func lease(to delegate: any UpstreamDelegate, requestIsHEAD: Bool, dechunk: Bool, webSocket: Bool = false) {
        idleTimeout?.disarm()
        state = .leased(delegate)
        reusable = true
        self.requestIsHEAD = requestIsHEAD
        webSocketAsked = webSocket
        reader.dechunk = dechunk
    }

    /// Returns the connection to idle (at `now`); it closes itself after `idleTimeout`.
    func makeIdle(idleTimeout: TimeAmount, now: NIODeadline) {
        guard let context, case .leased = state else { return }
        state = .idle
        self.idleTimeout?.arm(in: idleTimeout, from: now)
        if pendingRead {
            pendingRead = false
            context.read()
        }
    }

    func close() {
        idleTimeout?.cancel()
        state = .closed
        reader.discardBuffered()
        context?.close(promise: nil)
    }

    func send(_ bytes: ByteBuffer) {
        context?.write(wrapOutboundOut(bytes), promise: nil)
    }

    func flush() { context?.flush() }

    /// The client became writable again: resume a read that was held back.
    func resumeReading() {
        guard pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .leased:
            break
        case .tunnel(let peer):
            readDelegate = peer
            peer.upstreamTunnelled(unwrapInboundIn(data))
            return
        case .idle, .closed:
            // Bytes nobody asked for: the connection is out of sync and must not be reused.
            close()
            return
        }
        reader.feed(unwrapInboundIn(data))
        do {
            // The delegate is read afresh for every event: finishing a response can hand this connection to the
            // next (pipelined) request at once.
            while case .leased(let delegate) = state, let event = try reader.next() {
                readDelegate = delegate
                switch event {
                case .head(let bytes):
                    let head = try ResponseHead(bytes)
                    if head.isInterim {
                        reader.startBody(.length(0))
                        _ = try reader.next()  // the interim response's end
                        continue
                    }
                    if head.status == 101 {
                        try switchProtocols(head, delegate)
                        return
                    }
                    let framing = head.bodyFraming(requestWasHEAD: requestIsHEAD)
                    if !head.allowsReuse || framing == .untilClose { reusable = false }
                    reader.startBody(framing)
                    delegate.upstreamReceivedHead(head, framing: framing)
                case .body(let bytes):
                    delegate.upstreamReceivedBody(bytes)
                case .end:
                    // Bytes after a complete response were not asked for: the connection cannot be reused.
                    if reader.hasBufferedBytes { reusable = false }
                    delegate.upstreamReceivedEnd()
                }
            }
        } catch {
            failLease(error)
            context.close(promise: nil)
        }
    }

    /// After the backend's `101`: tells `delegate`, which hands the connection on to a tunnel (``tunnel(to:)``),
    /// then gives the tunnel the bytes that came behind the head.
    private func switchProtocols(_ head: ResponseHead, _ delegate: any UpstreamDelegate) throws(WireError) {
        guard webSocketAsked else { throw .unaskedProtocolSwitch }
        guard head.headers.upgradesToWebSocket else { throw .switchedToAnotherProtocol }
        reusable = false
        delegate.upstreamSwitchedProtocols(head)
        switch state {
        case .tunnel(let peer):
            readDelegate = peer
            if let rest = reader.takeBuffered() { peer.upstreamTunnelled(rest) }
        case .leased:
            // Nobody took the tunnel: the connection cannot serve HTTP again.
            close()
        case .idle, .closed:
            break
        }
    }

    /// Hands a connection whose backend switched protocols to `peer`, for as long as it stays open.
    func tunnel(to peer: any TunnelPeer) {
        guard case .leased = state else { return }
        state = .tunnel(peer)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if let delegate = readDelegate {
            readDelegate = nil
            delegate.upstreamReadComplete()
        }
    }

    /// Whoever the connection works for now: the delegate of a lease or the tunnel's peer.
    private var delegate: (any UpstreamPeer)? {
        switch state {
        case .leased(let delegate): delegate
        case .tunnel(let peer): peer
        case .idle, .closed: nil
        }
    }

    func read(context: ChannelHandlerContext) {
        if let delegate, !delegate.clientIsWritable {
            pendingRead = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        delegate?.upstreamWritabilityChanged(isWritable: context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimeout?.cancel()
        pool?.forget(self)
        if case .tunnel(let peer) = state {
            state = .closed
            peer.upstreamTunnelClosed()
        } else if case .leased(let delegate) = state, reader.endOfStream() {
            // A body that runs until the backend closes ends here.
            state = .closed
            delegate.upstreamReceivedEnd()
        } else {
            failLease(ChannelError.eof)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failLease(error)
        context.close(promise: nil)
    }

    private func failLease(_ error: any Error) {
        let previous = state
        state = .closed
        reader.discardBuffered()
        switch previous {
        case .leased(let delegate): delegate.upstreamFailed(error)
        case .tunnel(let peer): peer.upstreamTunnelClosed()
        case .idle, .closed: break
        }
    }
}
