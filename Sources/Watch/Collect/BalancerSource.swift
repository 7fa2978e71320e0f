import AsyncHTTPClient
import BalancerAPI
import Foundation
import NIOCore

/// An Evenkeel balancer's admin API, read each poll: `/admin/stats` for the pools and `/admin/events` for the
/// configuration changes.
public struct BalancerSource: TrafficSource {
    /// What one poll read.
    public struct Reading: Sendable {
        /// The stats report.
        public var stats: StatsReport
        /// The reload events the balancer keeps, oldest first.
        public var events: [ReloadEvent]
    }

    /// The admin base URL, e.g. `http://127.0.0.1:9090`.
    public let baseURL: String
    /// The largest answer accepted; a stats report of 50 pools × 20 backends is about 1.5 MB.
    public let maxBytes: Int
    let client: HTTPClient

    /// Reads `baseURL` with `client`.
    public init(baseURL: String, client: HTTPClient, maxBytes: Int = 8 << 20) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.client = client
        self.maxBytes = maxBytes
    }

    public var name: String { baseURL }

    /// The pools and the applied reloads, as Watch takes them.
    public func read(timeout: Duration) async throws(SourceError) -> SourceReading {
        let reading = try await readDocuments(timeout: timeout)
        return SourceReading(
            pools: PoolSample.merge([reading.stats]),
            changes: reading.events.filter { $0.result == .applied }.map {
                ConfigChange(at: $0.time, source: baseURL, diff: $0.diff, hash: $0.newHash, previousHash: $0.previousHash, trigger: $0.trigger)
            })
    }

    /// Reads the stats and events, each within `timeout`.
    public func readDocuments(timeout: Duration) async throws(SourceError) -> Reading {
        async let stats = document(StatsReport.self, path: "/admin/stats", timeout: timeout)
        async let events = document([ReloadEvent].self, path: "/admin/events", timeout: timeout)
        do {
            return Reading(stats: try await stats, events: try await events)
        } catch let error as SourceError {
            throw error
        } catch {
            throw .unreachable(url: baseURL, reason: "\(error)")
        }
    }

    private func document<Document: Decodable>(_ type: Document.Type, path: String, timeout: Duration) async throws(SourceError) -> Document {
        let url = baseURL + path
        let body = try await HTTPFetch.body(of: url, client: client, timeout: timeout, maxBytes: maxBytes)
        do {
            return try BalancerAPIVersion.decoder().decode(Document.self, from: Data(body.readableBytesView))
        } catch {
            throw .malformed(url: url, reason: Self.reason(error))
        }
    }

    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as DecodingError:
            switch error {
            case .keyNotFound(let key, let context): "missing \(Self.path(context.codingPath + [key]))"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                "\(Self.path(context.codingPath)): \(context.debugDescription)"
            @unknown default: "\(error)"
            }
        default: "\(error)"
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the document" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}
