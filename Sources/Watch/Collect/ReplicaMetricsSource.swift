import AsyncHTTPClient
import NIOCore

/// One job-board replica's own `/metrics` (`--metrics NAME=URL`, NAME being the backend's name in the balancer):
/// its requests, 5xx answers and latency histogram as the replica sees them, so Watch can tell a replica that is slow
/// itself from time lost between the balancer and it.
public struct ReplicaMetricsSource: TrafficSource {
    /// The backend name this replica is known by.
    public let backend: String
    /// Its metrics URL.
    public let url: String
    public let maxBytes: Int
    let client: HTTPClient

    public init(backend: String, url: String, client: HTTPClient, maxBytes: Int = 4 << 20) {
        self.backend = backend
        self.url = url
        self.client = client
        self.maxBytes = maxBytes
    }

    public var name: String { url }
    public var isEssential: Bool { false }

    public func read(timeout: Duration) async throws(SourceError) -> SourceReading {
        let body = try await HTTPFetch.body(of: url, client: client, timeout: timeout, maxBytes: maxBytes)
        let samples: [PrometheusText.Sample]
        do {
            samples = try PrometheusText.parse(String(buffer: body))
        } catch {
            throw .malformed(url: url, reason: error.description)
        }
        return SourceReading(pools: [], changes: [], replicas: [ReplicaSample(backend: backend, samples: samples)])
    }
}

/// A replica's cumulative counts from its own metrics.
public struct ReplicaSample: Sendable, Equatable {
    /// The backend name.
    public var backend: String
    /// Requests answered.
    public var requests: Int
    /// Of them, with a 5xx status.
    public var errors5xx: Int
    /// Latency histogram in ms: bucket upper bound (nil: +Inf) → count in that bucket alone.
    public var latencyBuckets: [Double?: Int]

    public init(backend: String, requests: Int, errors5xx: Int, latencyBuckets: [Double?: Int]) {
        self.backend = backend
        self.requests = requests
        self.errors5xx = errors5xx
        self.latencyBuckets = latencyBuckets
    }

    /// From the job board's metrics: `evenkeel_http_requests_total{status}` and the cumulative
    /// `evenkeel_http_request_duration_seconds_bucket{le}` summed over routes and methods.
    public init(backend: String, samples: [PrometheusText.Sample]) {
        self.backend = backend
        var requests = 0.0, errors = 0.0
        var cumulative: [Double: Double] = [:]
        for sample in samples {
            switch sample.name {
            case "evenkeel_http_requests_total":
                requests += sample.value
                if sample.labels["status"]?.hasPrefix("5") == true { errors += sample.value }
            case "evenkeel_http_request_duration_seconds_bucket":
                guard let text = sample.labels["le"] else { continue }
                let le = text == "+Inf" ? Double.infinity : (Double(text) ?? .nan)
                if !le.isNaN { cumulative[le, default: 0] += sample.value }
            default: continue
            }
        }
        // Cumulative "at most le" counts into per-bucket counts, bounds in milliseconds.
        var buckets: [Double?: Int] = [:]
        var below = 0.0
        for le in cumulative.keys.sorted() {
            let count = cumulative[le, default: 0]
            let inBucket = max(0, Int((count - below).rounded()))
            if inBucket > 0 { buckets[le.isFinite ? le * 1000 : nil] = inBucket }
            below = max(below, count)
        }
        self.requests = Int(requests.rounded())
        self.errors5xx = Int(errors.rounded())
        self.latencyBuckets = buckets
    }
}
