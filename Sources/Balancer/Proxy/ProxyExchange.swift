import BalancerConfig
import HTTPWire
import NIOCore

/// One client request on its way through the proxy: the request as received, the attempts made so far
/// and what has been forwarded. Owned by one ``ProxyClientHandler`` and touched only on its event loop.
final class ProxyExchange {
    /// Largest request body kept in memory so an attempt can be replayed on another backend.
    static let maxReplayBytes = 64 * 1024

    let head: RequestHead
    /// The request head as sent to backends (rewritten once, sent again on a retry).
    let upstreamHead: ByteBuffer
    let generation: BalancerRuntime.Generation
    let pool: PoolRuntime
    let key: String?
    /// Whether the client connection stays open after this exchange.
    var keepAlive: Bool

    var requestComplete = false
    /// Body bytes received so far, as framed on the wire, while the body is small enough to replay.
    var replay: [ByteBuffer] = []
    var replayBytes = 0
    var replayable = true
    /// Body bytes not yet written to the current upstream (received while acquiring or connecting).
    var unsent: [ByteBuffer] = []

    var attempts = 0
    /// The backend of the first attempt, kept apart from later ones so that an exchange that needs no retry
    /// allocates no set.
    private var firstTried: Int?
    private var laterTried: Set<Int> = []
    /// The backend whose slot this exchange holds, if any.
    var backend: Int?
    /// The backend of the latest attempt (kept after its slot is released).
    var lastBackend: Int?
    var upstream: UpstreamHandler?
    /// When the current attempt got its backend slot (set then; the placeholder costs no clock read).
    var attemptStart = NIODeadline.uptimeNanoseconds(0)
    var responseStarted = false
    var responseStatus = 0
    /// Set when the proxy ends a response it has started (the access log says `cut_off`, not `client_closed`).
    var cutOff = false
    /// Whether the access log has its line for this exchange.
    var accessLogged = false

    init(head: RequestHead, upstreamHead: ByteBuffer, generation: BalancerRuntime.Generation, pool: PoolRuntime, key: String?, keepAlive: Bool) {
        self.head = head
        self.upstreamHead = upstreamHead
        self.generation = generation
        self.pool = pool
        self.key = key
        self.keepAlive = keepAlive
    }

    /// How long the current attempt has taken at `now`, from getting its backend slot.
    func attemptLatency(at now: NIODeadline) -> Duration {
        .nanoseconds((now - attemptStart).nanoseconds)
    }

    /// The request's method and target as received, for log lines.
    var methodAndTarget: (method: String, target: String) {
        (head.text(head.method), head.text(head.target))
    }

    /// The request's `X-Request-ID` as sent upstream, for log lines: the client's, or the one the proxy made.
    var requestID: String? { requestIDBytes.map { String(buffer: $0) } }

    /// ``requestID`` as bytes, for the access log: the proxy's own id is a view of the head sent upstream, where
    /// ``HeadWriter`` writes it as the last field (32 hex digits, then CRLF and the empty line), so it is not copied.
    var requestIDBytes: ByteBuffer? {
        if head.headers.hasRequestID { return head.values(of: "x-request-id").first.map { ByteBuffer(string: $0) } }
        return upstreamHead.getSlice(at: upstreamHead.writerIndex - 36, length: 32)
    }

    /// Backends this exchange has been sent to (never the same one twice).
    var tried: Set<Int> {
        guard let firstTried else { return laterTried }
        var all = laterTried
        all.insert(firstTried)
        return all
    }

    func markTried(_ backend: Int) {
        if firstTried == nil { firstTried = backend } else { laterTried.insert(backend) }
    }

    /// Remembers body bytes for replay, giving up replay once the body grows past the limit.
    func remember(_ bytes: ByteBuffer) {
        guard replayable else { return }
        replayBytes += bytes.readableBytes
        if replayBytes > Self.maxReplayBytes {
            replayable = false
            replay = []
        } else {
            replay.append(bytes)
        }
    }
}
