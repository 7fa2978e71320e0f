import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// One GET of a source's document: within a timeout, 200 only, at most `maxBytes`; every failure as a
/// ``SourceError`` naming the URL.
enum HTTPFetch {
    static func body(of url: String, client: HTTPClient, timeout: Duration, maxBytes: Int) async throws(SourceError) -> ByteBuffer {
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: TimeAmount(timeout))
            guard response.status == .ok else { throw SourceError.status(url: url, code: Int(response.status.code)) }
            do {
                return try await response.body.collect(upTo: maxBytes)
            } catch is NIOTooManyBytesError {
                throw SourceError.tooLarge(url: url, limit: maxBytes)
            }
        } catch let error as SourceError {
            throw error
        } catch {
            throw .unreachable(url: url, reason: "\(error)")
        }
    }
}
