import AsyncHTTPClient
import NIOCore

/// An HAProxy's statistics page in CSV (`--haproxy http://127.0.0.1:8404/stats;csv`).
public struct HAProxySource: TrafficSource {
    /// The CSV URL.
    public let url: String
    /// The largest answer accepted.
    public let maxBytes: Int
    let client: HTTPClient

    public init(url: String, client: HTTPClient, maxBytes: Int = 8 << 20) {
        self.url = url
        self.client = client
        self.maxBytes = maxBytes
    }

    public var name: String { url }

    public func read(timeout: Duration) async throws(SourceError) -> SourceReading {
        let body = try await HTTPFetch.body(of: url, client: client, timeout: timeout, maxBytes: maxBytes)
        do {
            return SourceReading(pools: try HAProxyStats.parse(String(buffer: body)), changes: [])
        } catch {
            throw .malformed(url: url, reason: error.description)
        }
    }
}
