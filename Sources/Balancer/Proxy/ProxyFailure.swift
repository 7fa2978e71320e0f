import BalancerConfig

/// Why the proxy could not get a response from a backend to its client; decides the status sent to the client (when
/// no part of the response has gone out yet).
public enum ProxyFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// No backend of the pool is eligible (all down, ejected or draining) → 503.
    case noBackendAvailable(pool: String)
    /// Every eligible backend is at `max_connections` and the pool queue is full → 503 + Retry-After.
    case queueFull(pool: String)
    /// The request waited in the queue longer than `timeouts.queue` → 503 + Retry-After.
    case queueTimeout(pool: String)
    /// The TCP connection to the backend failed or timed out → 502 (retryable).
    case connectFailed(backend: String, reason: String)
    /// The backend closed or reset the connection before the response was complete → 502.
    case upstreamClosed(backend: String)
    /// The backend's response is not HTTP/1.1 the proxy can pass on (`reason` says where) → 502.
    case invalidResponse(backend: String, reason: String)
    /// The backend did not send a response head within `timeouts.response` → 504.
    case responseTimeout(backend: String)
    /// The backend sent part of a response, then nothing more for `after` (`timeouts.response`): the response is cut
    /// off.
    case responseStalled(backend: String, after: Duration)
    /// The client took none of the response for `after` (`timeouts.response`) while the proxy held more for it: the
    /// connection is closed (a client that stops reading must not hold a backend slot for ever).
    case clientStoppedReading(after: Duration)
    /// The client sent nothing more of its request body for `after` (`timeouts.response`) while the backend could take
    /// it → 408, and the connection closes.
    case clientStoppedSending(after: Duration)

    /// The status the client gets.
    public var status: Int {
        switch self {
        case .noBackendAvailable, .queueFull, .queueTimeout: 503
        case .connectFailed, .upstreamClosed, .invalidResponse: 502
        case .responseTimeout, .responseStalled: 504
        case .clientStoppedReading, .clientStoppedSending: 408
        }
    }

    /// What went wrong, for logs and the response body.
    public var description: String {
        switch self {
        case .noBackendAvailable(let p): "no backend of pool '\(p)' is available"
        case .queueFull(let p): "all backends of pool '\(p)' are at max_connections and the queue is full"
        case .queueTimeout(let p): "timed out waiting for a free backend of pool '\(p)'"
        case .connectFailed(let b, let r): "could not connect to backend '\(b)': \(r)"
        case .upstreamClosed(let b): "backend '\(b)' closed the connection before completing the response"
        case .invalidResponse(let b, let r): "backend '\(b)' sent an invalid response: \(r)"
        case .responseTimeout(let b): "backend '\(b)' did not respond in time"
        case .responseStalled(let b, let after): "backend '\(b)' sent nothing more of the response for \(DurationText.format(after))"
        case .clientStoppedReading(let after): "the client took none of the response for \(DurationText.format(after))"
        case .clientStoppedSending(let after): "the request body stopped arriving for \(DurationText.format(after))"
        }
    }
}
