import HTTPWire
import NIOCore

/// A client connection's states, and what to do on each of its events, decided without touching a socket: the
/// ``ProxyClientHandler`` asks, carries the answer out, and tells it what happened. Every state change of the
/// connection goes through here, so its rules are in one place and testable on their own:
///
/// - one exchange at a time: a request head is taken only while awaiting one; bytes pipelined behind a complete
///   request wait in the reader until its response is done;
/// - a request's body goes to the exchange that read its head, and its end is marked there;
/// - reading from the client pauses while what it sends has nowhere to go;
/// - a connection that answered with a close, or whose exchange may not keep it, reads nothing more;
/// - after a `101` the connection belongs to a tunnel (``TunnelHandler``); nothing is parsed any more.
struct ProxyConnectionStateMachine<Exchange: ExchangeProgress> {
    enum State {
        /// Waiting for the next request head.
        case awaitingRequest
        /// A request is being proxied.
        case proxying(Exchange)
        /// The backend switched the exchange to WebSocket and the connection was handed to a ``TunnelHandler``,
        /// which owns the exchange from then on; this handler has left the pipeline and decides nothing more.
        case handedToTunnel
        /// A response with a close was sent (or is being): the rest of the request is dropped.
        case discarding
        /// The client connection is gone.
        case closed
    }

    private(set) var state: State = .awaitingRequest

    /// The exchange being proxied, if one is (not a tunnel's).
    var proxying: Exchange? {
        if case .proxying(let exchange) = state { return exchange }
        return nil
    }

    /// Whether `exchange` is still the one being proxied: a late callback for an earlier one changes nothing.
    func isCurrent(_ exchange: Exchange) -> Bool { proxying === exchange }

    // MARK: Reading from the client

    /// Whether the request-reading loop takes the reader's next event.
    enum ReadingStep: Equatable {
        /// Take the next event.
        case readNext
        /// Stop; what is buffered waits for the exchange in progress.
        case wait
        /// Stop and drop what is buffered: nothing more is read on this connection.
        case discardBuffered
    }

    func readingStep() -> ReadingStep {
        switch state {
        case .discarding, .closed: .discardBuffered
        case .proxying(let exchange) where exchange.requestComplete: .wait
        case .handedToTunnel: .wait
        case .awaitingRequest, .proxying: .readNext
        }
    }

    /// What an event of the request reader means.
    enum ReadAction {
        /// A request head between exchanges: begin an exchange for it (then call ``began(_:)``).
        case begin(ByteBuffer)
        /// Body bytes of the exchange in progress, to forward.
        case forward(ByteBuffer, to: Exchange)
        /// The body grew past the configuration's limit: answer 413 (or cut a started response off) and close.
        case bodyTooLarge(Exchange)
        /// The request is complete (marked so); with a body sent upstream, the backend's time to answer runs from now.
        case requestEnded(Exchange, restartResponseTimeout: Bool)
        /// An event out of order: answer 400 and close.
        case malformed
    }

    /// `bodyBytesSoFar` is the reader's count of body bytes of the current message, this event's included.
    mutating func read(_ event: MessageReader.Event, bodyBytesSoFar: Int) -> ReadAction {
        switch (event, state) {
        case (.head(let bytes), .awaitingRequest):
            return .begin(bytes)
        case (.body(let bytes), .proxying(let exchange)):
            if bodyBytesSoFar > exchange.maxBodyBytes { return .bodyTooLarge(exchange) }
            return .forward(bytes, to: exchange)
        case (.end, .proxying(let exchange)):
            exchange.requestComplete = true
            return .requestEnded(exchange, restartResponseTimeout: bodyBytesSoFar > 0 && exchange.hasUpstream)
        default:
            // The reader yields head, body, end in order, and a head only between exchanges.
            return .malformed
        }
    }

    /// An exchange began for the head just read.
    mutating func began(_ exchange: Exchange) {
        state = .proxying(exchange)
    }

    /// Whether reading from the client waits: a pipelined request is buffered behind a complete one (read no
    /// more until it is taken), or the request body has nowhere to go yet (no upstream, or it is not writable).
    /// A partial head behind a finished exchange does not wait: the rest of it is needed.
    func holdsReads(readerHasBufferedBytes: Bool) -> Bool {
        switch state {
        case .proxying(let exchange) where exchange.requestComplete:
            return readerHasBufferedBytes
        case .proxying(let exchange):
            return !exchange.upstreamIsWritable
        case .awaitingRequest, .handedToTunnel, .discarding, .closed:
            return false
        }
    }

    // MARK: Timeouts and shutdown

    /// What the connection's one timer firing means.
    enum TimeoutAction {
        /// The exchange's response timeout: see ``ExchangeTimeoutVerdict``.
        case exchangeTimedOut(Exchange)
        /// A client that did not take its last bytes: close.
        case close
        case nothing
    }

    func timeoutFired() -> TimeoutAction {
        switch state {
        case .proxying(let exchange): .exchangeTimedOut(exchange)
        case .discarding: .close
        case .awaitingRequest, .handedToTunnel, .closed: .nothing
        }
    }

    /// Graceful shutdown: an idle connection closes now, a busy one after its exchange (a tunnel's own handler
    /// closes it).
    func closesOnQuiesce(readerAtMessageBoundary: Bool) -> Bool {
        switch state {
        case .awaitingRequest: readerAtMessageBoundary
        case .proxying, .handedToTunnel, .discarding, .closed: false
        }
    }

    // MARK: Endings

    /// A local response (the proxy's own) is going out; with `close` nothing more is read. Returns the exchange it
    /// replaces, whose upstream and slot are to be let go.
    mutating func answeredLocally(close: Bool) -> Exchange? {
        let replaced = proxying
        state = close ? .discarding : .awaitingRequest
        return replaced
    }

    /// The connection closes once its last bytes are written: nothing more is read.
    mutating func closingWhenWritten() {
        state = .discarding
    }

    /// Whether the client connection stays open after `exchange`'s response: both sides allowed it, the whole
    /// request was read (or the rest of it could not be told from the next one), and no shutdown is under way.
    static func keepsConnection(after exchange: Exchange, shuttingDown: Bool) -> Bool {
        exchange.keepAlive && exchange.requestComplete && !shuttingDown
    }

    /// The backend's response ended; the next request is awaited when `keepAlive`, else the connection closes.
    mutating func responseEnded(keepAlive: Bool) {
        state = keepAlive ? .awaitingRequest : .discarding
    }

    /// The backend accepted an upgrade and a ``TunnelHandler`` took the connection (and the exchange) over.
    /// Returns the exchange handed over, nil when nothing is proxied.
    mutating func handedToTunnel() -> Exchange? {
        guard let exchange = proxying else { return nil }
        state = .handedToTunnel
        return exchange
    }

    /// The client connection is gone. Returns the exchange it abandons, if one was being proxied.
    mutating func closed() -> Exchange? {
        defer { state = .closed }
        return proxying
    }
}
