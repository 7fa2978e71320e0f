import AsyncHTTPClient
import Foundation
import NIOPosix
import Synchronization
import Testing
@testable import Watch

/// An admin API that answers something else than the balancer's documents is refused with the reason, never trusted.
@Suite struct BalancerSourceTests {
    @Test func aBodyThatIsNotTheStatsDocumentOrTooLargeIsRefusedWithTheReason() async throws {
        let server = try await KnobBackend.start("not-json")
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let base = "http://127.0.0.1:\(server.port)"
        do {
            _ = try await BalancerSource(baseURL: base, client: client).read(timeout: .seconds(2))
            Issue.record("a text body was taken for a stats report")
        } catch {
            guard case .malformed(let url, let reason) = error else { throw error }
            #expect(url.hasSuffix("/admin/stats") || url.hasSuffix("/admin/events"))
            #expect(!reason.isEmpty)
        }
        do {
            _ = try await BalancerSource(baseURL: base, client: client, maxBytes: 4).read(timeout: .seconds(2))
            Issue.record("a body over the limit was read")
        } catch {
            #expect(error == .tooLarge(url: base + "/admin/stats", limit: 4) || error == .tooLarge(url: base + "/admin/events", limit: 4))
        }
        server.knobs.withLock { $0.failEvery = 1 }
        do {
            _ = try await BalancerSource(baseURL: base + "/", client: client).read(timeout: .seconds(2))
            Issue.record("a 500 was read")
        } catch {
            guard case .status(_, let code) = error else { throw error }
            #expect(code == 500)
        }
        await server.stop()
        try await client.shutdown()
    }

    @Test func aMissingFieldIsNamedByItsPath() {
        let reason = BalancerSource.reason(DecodingError.keyNotFound(
            StatsReport_CodingKey("config_hash"), .init(codingPath: [], debugDescription: "")))
        #expect(reason == "missing .config_hash")
    }
}

private struct StatsReport_CodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
