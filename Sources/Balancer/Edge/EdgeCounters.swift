import Synchronization

/// What happens at the TLS and HTTP/2 edge of the proxy listener, counted on the event loops and exported on
/// `/metrics`.
final class EdgeCounters: Sendable {
    let handshakeFailures = Atomic<Int>(0)
    let http1Connections = Atomic<Int>(0)
    let http2Connections = Atomic<Int>(0)
    let http2Streams = Atomic<Int>(0)
    private let closures = Mutex<[HTTP2LimitBreach: Int]>([:])

    func countClosure(_ breach: HTTP2LimitBreach) {
        closures.withLock { $0[breach, default: 0] += 1 }
    }

    /// Connections closed for each limit broken so far.
    var closuresByBreach: [HTTP2LimitBreach: Int] { closures.withLock { $0 } }
}

/// Why the balancer closed an HTTP/2 connection: the floods HTTP/2 is known for, and the limits that stop them.
enum HTTP2LimitBreach: String, Sendable, CaseIterable {
    /// Streams opened and reset at once, over and over (CVE-2023-44487).
    case rapidReset = "rapid_reset"
    /// A header block that never ends: CONTINUATION frame after CONTINUATION frame (CVE-2024-27316 and kin).
    case continuationFlood = "continuation_flood"
    /// SETTINGS, PING or PRIORITY frames faster than any client needs.
    case controlFrameFlood = "control_frame_flood"
    /// Answers the client does not read (it sends PINGs or SETTINGS but never takes the ACKs).
    case outboundBuffering = "outbound_buffering"
    /// Empty DATA frames in a row.
    case emptyDataFlood = "empty_data_flood"
    /// A header block larger than the listener takes.
    case headerListTooLarge = "header_list_too_large"
    /// Too many suspicious events of any kind on one connection.
    case glitches
    /// Stream errors (malformed requests) faster than a working client makes them.
    case streamErrors = "stream_errors"
    /// More streams open at once than the SETTINGS the client was sent allow (NIOHTTP2 ends the connection with
    /// PROTOCOL_ERROR; a client that reads the SETTINGS never does this).
    case concurrentStreams = "concurrent_streams"
}
