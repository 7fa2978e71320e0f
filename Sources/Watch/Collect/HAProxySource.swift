import AsyncHTTPClient
import NIOCore
import NIOHTTP1

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
        let body: ByteBuffer
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: TimeAmount(timeout))
            guard response.status == .ok else { throw SourceError.status(url: url, code: Int(response.status.code)) }
            do {
                body = try await response.body.collect(upTo: maxBytes)
            } catch is NIOTooManyBytesError {
                throw SourceError.tooLarge(url: url, limit: maxBytes)
            }
        } catch let error as SourceError {
            throw error
        } catch {
            throw .unreachable(url: url, reason: "\(error)")
        }
        do {
            return SourceReading(pools: try HAProxyStats.parse(String(buffer: body)), changes: [])
        } catch {
            throw .malformed(url: url, reason: error.description)
        }
    }
}
