/// Size and queue limits; requests over a limit are refused with a clear status, never buffered.
public struct LimitsConfig: Sendable, Equatable {
    /// Largest request head (request line plus headers) accepted; larger gets 431.
    public var maxHeaderBytes: Int
    /// Largest request body accepted; larger gets 413.
    public var maxBodyBytes: Int
    /// Requests that may wait per pool for a backend slot; more get 503 with `Retry-After`.
    public var queueSize: Int
    /// Most simultaneous client connections on the proxy listener.
    public var maxClientConnections: Int
    /// Whether request header fields with an underscore in their name are forwarded. Off by default, as in nginx:
    /// a CGI-style backend reads `X_Forwarded_For` as `X-Forwarded-For`, so a client could pass off its own value
    /// beside the one the proxy writes.
    public var underscoresInHeaders: Bool
    /// Most streams (requests) one HTTP/2 client connection may have open at once; the client is told in its
    /// SETTINGS, and a stream over it is refused.
    public var http2MaxConcurrentStreams: Int

    /// Creates limits with the documented defaults.
    public init(
        maxHeaderBytes: Int = 16 * 1024,
        maxBodyBytes: Int = 10 * 1024 * 1024,
        queueSize: Int = 100,
        maxClientConnections: Int = 10_000,
        underscoresInHeaders: Bool = false,
        http2MaxConcurrentStreams: Int = 100
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.queueSize = queueSize
        self.maxClientConnections = maxClientConnections
        self.underscoresInHeaders = underscoresInHeaders
        self.http2MaxConcurrentStreams = http2MaxConcurrentStreams
    }
}
