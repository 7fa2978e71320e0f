import BalancerAPI
import Distribution
import Foundation
import Synchronization

/// An nginx access log written with Evenkeel's log format (``NginxLogLine``), followed as it grows and across
/// rotation (a new file at the path, or the file cut shorter): each read takes what was appended, at most `maxBytes`,
/// and keeps cumulative counts per upstream server as a balancer's admin API would give them. nginx does not say how
/// it means to share traffic, so each server that has answered is expected to get an equal share.
public final class NginxLogSource: TrafficSource {
    /// The log file.
    public let path: String
    /// The pool's name in Watch.
    public let pool: String
    /// The most read at once; a log growing faster is read over several polls.
    public let maxBytes: Int

    private struct Server {
        var requests = 0
        var errors5xx = 0
        var connectErrors = 0
        var latency = LatencyHistogram()
    }

    private struct State {
        var inode: UInt64?
        var offset: UInt64 = 0
        var partial = Data()
        var servers: [String: Server] = [:]
        var order: [String] = []
        var sources = (period: Int64(0), clients: HeavyHitters(), paths: HeavyHitters(), previousClients: HeavyHitters(), previousPaths: HeavyHitters())
        var unreadable = 0
    }

    private let state = Mutex(State())

    public init(path: String, pool: String? = nil, maxBytes: Int = 8 << 20) {
        self.path = path
        self.pool = pool ?? "nginx"
        self.maxBytes = maxBytes
    }

    public var name: String { path }

    /// Lines that were not in the format, so far.
    public var unreadableLines: Int { state.withLock { $0.unreadable } }

    public func read(timeout: Duration) async throws(SourceError) -> SourceReading {
        let attributes: [FileAttributeKey: Any]
        let handle: FileHandle
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw .unreachable(url: path, reason: error.localizedDescription)
        }
        defer { try? handle.close() }
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value
        let size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        let second = Int64(Date().timeIntervalSince1970)
        let offset = state.withLock { s -> UInt64 in
            // Rotated (a new file) or truncated: start again at its beginning; counts go on.
            if s.inode != inode || size < s.offset {
                s.inode = inode
                s.offset = 0
                s.partial = Data()
            }
            return s.offset
        }
        var chunk = Data()
        if size > offset {
            do {
                try handle.seek(toOffset: offset)
                chunk = try handle.read(upToCount: Int(min(size - offset, UInt64(maxBytes)))) ?? Data()
            } catch {
                throw .unreachable(url: path, reason: error.localizedDescription)
            }
        }
        return state.withLock { s in
            s.offset = offset + UInt64(chunk.count)
            // A line not finished yet waits for the next read (at most 16 KiB of it is kept).
            var data = Data(s.partial)
            data.append(chunk)
            if let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) {
                s.partial = Data(data[(lastNewline + 1)...].prefix(16 << 10))
                data = Data(data[..<lastNewline])
            } else {
                s.partial = Data(data.prefix(16 << 10))
                data = Data()
            }
            Self.roll(&s, to: second)
            for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
                guard let entry = NginxLogLine(line) else {
                    s.unreadable += 1
                    continue
                }
                Self.count(entry, into: &s)
            }
            return SourceReading(pools: [sample(s)], changes: [])
        }
    }

    private static func roll(_ s: inout State, to second: Int64) {
        let period = second - second % 10
        guard period != s.sources.period else { return }
        let adjacent = period - s.sources.period == 10
        s.sources.previousClients = adjacent ? s.sources.clients : HeavyHitters()
        s.sources.previousPaths = adjacent ? s.sources.paths : HeavyHitters()
        s.sources.clients = HeavyHitters()
        s.sources.paths = HeavyHitters()
        s.sources.period = period
    }

    private static func count(_ entry: NginxLogLine, into s: inout State) {
        s.sources.clients.record(entry.client)
        s.sources.paths.record(entry.path)
        for attempt in entry.attempts {
            if s.servers[attempt.address] == nil {
                s.servers[attempt.address] = Server()
                s.order.append(attempt.address)
            }
            s.servers[attempt.address]?.requests += 1
            guard let status = attempt.status else {
                s.servers[attempt.address]?.connectErrors += 1
                continue
            }
            if status >= 500 { s.servers[attempt.address]?.errors5xx += 1 }
            if let seconds = attempt.seconds { s.servers[attempt.address]?.latency.record(.milliseconds(Int64(seconds * 1000))) }
        }
    }

    private func sample(_ s: State) -> PoolSample {
        let share = s.order.isEmpty ? 0 : 1 / Double(s.order.count)
        let backends = s.order.map { address in
            let server = s.servers[address] ?? Server()
            var buckets: [Double?: Int] = [:]
            for bucket in server.latency.nonEmptyBucketsInMilliseconds { buckets[bucket.le] = bucket.count }
            return PoolSample.Backend(
                name: address, state: .healthy, weight: 1, effectiveWeight: 1, expectedShare: share, backup: false,
                requests: server.requests, errors5xx: server.errors5xx, connectErrors: server.connectErrors, responses: server.requests,
                inFlight: 0, latencyBuckets: buckets)
        }
        var clients = s.sources.previousClients
        clients.merge(s.sources.clients)
        var paths = s.sources.previousPaths
        paths.merge(s.sources.paths)
        let sources = PoolSample.RecentSources(
            requests: clients.total, clients: Dictionary(clients.top(10).map { ($0.key, $0.count) }, uniquingKeysWith: +),
            paths: Dictionary(paths.top(10).map { ($0.key, $0.count) }, uniquingKeysWith: +))
        return PoolSample(name: pool, algorithm: "nginx", queueDepth: 0, backends: backends, configHashes: [], sources: sources)
    }
}
