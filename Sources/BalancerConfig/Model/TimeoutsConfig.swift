/// Timeouts that bound every stage of a proxied request.
public struct TimeoutsConfig: Sendable, Equatable {
    /// Establishing a TCP connection to a backend.
    public var connect: Duration
    /// From the request being sent until the response head arrives.
    public var response: Duration
    /// An idle keep-alive connection (client or upstream) is closed after this long.
    public var idle: Duration
    /// A client must send a complete request head within this time (defeats slowloris).
    public var headerRead: Duration
    /// Longest wait in a pool queue for a free backend slot before answering 503.
    public var queue: Duration
    /// A connection switched to WebSocket is closed (both sides) when no bytes have passed either way for this long.
    public var tunnel: Duration

    /// Creates timeouts with the documented defaults.
    public init(
        connect: Duration = .seconds(2),
        response: Duration = .seconds(30),
        idle: Duration = .seconds(60),
        headerRead: Duration = .seconds(10),
        queue: Duration = .seconds(5),
        tunnel: Duration = .seconds(3600)
    ) {
        self.connect = connect
        self.response = response
        self.idle = idle
        self.headerRead = headerRead
        self.queue = queue
        self.tunnel = tunnel
    }
}
