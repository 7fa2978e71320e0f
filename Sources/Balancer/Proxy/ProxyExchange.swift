import BalancerConfig
import NIOCore
import NIOHTTP1

/// One client request on its way through the proxy: the request as received, the attempts made so far
/// and what has been forwarded. Owned by one ``ProxyClientHandler`` and touched only on its event loop.
final class ProxyExchange {
    /// Largest request body kept in memory so an attempt can be replayed on another backend.
    static let maxReplayBytes = 64 * 1024

    let head: HTTPRequestHead
    let upstreamHead: HTTPRequestHead
    let generation: BalancerRuntime.Generation
    let pool: PoolRuntime
    let key: String?
    /// Whether the client connection stays open after this exchange.
    var keepAlive: Bool

    var requestComplete = false
    var bodyBytes = 0
    /// Every part received so far, while the body is small enough to replay.
    var replay: [HTTPClientRequestPart] = []
    var replayBytes = 0
    var replayable = true
    /// Parts not yet written to the current upstream (received while acquiring or connecting).
    var unsent: [HTTPClientRequestPart] = []

    var attempts = 0
    var tried: Set<Int> = []
    /// The backend whose slot this exchange holds, if any.
    var backend: Int?
    /// The backend of the latest attempt (kept after its slot is released).
    var lastBackend: Int?
    var upstream: UpstreamHandler?
    var attemptStart = ContinuousClock.now
    var responseStarted = false
    var responseStatus = 0

    init(head: HTTPRequestHead, upstreamHead: HTTPRequestHead, generation: BalancerRuntime.Generation, pool: PoolRuntime, key: String?, keepAlive: Bool) {
        self.head = head
        self.upstreamHead = upstreamHead
        self.generation = generation
        self.pool = pool
        self.key = key
        self.keepAlive = keepAlive
    }

    /// Remembers a request part for replay, giving up replay once the body grows past the limit.
    func remember(_ part: HTTPClientRequestPart) {
        guard replayable else { return }
        if case .body(.byteBuffer(let b)) = part { replayBytes += b.readableBytes }
        if replayBytes > Self.maxReplayBytes {
            replayable = false
            replay = []
        } else {
            replay.append(part)
        }
    }
}
