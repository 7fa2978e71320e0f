import Histogram
import Synchronization

/// Everything measured during a test, recorded from many connections at once: one lock, held for a few
/// counter updates per request.
final class Recorder: Sendable {
    struct Data: Sendable {
        var overall = Recorder.histogram(digits: .three)
        var byKind: [String: Histogram<UInt64>] = [:]
        var statuses: [Int: Int] = [:]
        var failures: [RequestFailure: Int] = [:]
        /// What the first failure of each kind said, where it said more than its kind (a malformed response's fault).
        var failureExamples: [RequestFailure: String] = [:]
        var backends: [String: Int] = [:]
        var seconds: [SecondBucket] = []
        /// How late the generator itself handed requests to connections, microseconds.
        var sendLag = Recorder.histogram(digits: .two)
        var scheduled = 0

        /// The bucket of second `index`, creating the seconds up to it.
        mutating func bucket(_ index: Int) -> Int {
            let index = max(0, index)
            while seconds.count <= index { seconds.append(SecondBucket()) }
            return index
        }
    }

    /// One second of the test.
    struct SecondBucket: Sendable {
        /// Requests the schedule asked for in this second (open model).
        var scheduled = 0
        /// Requests actually sent in this second.
        var sent = 0
        /// Requests answered (or failed) in this second.
        var completed = 0
        /// Latency of the requests due in this second.
        var latency = Recorder.histogram(digits: .two)
        /// Failures without a response, of requests due in this second.
        var failures: [RequestFailure: Int] = [:]
        /// Responses by status class (index 1 is 1xx … 5 is 5xx), of requests due in this second.
        var statusClasses = [Int](repeating: 0, count: 6)
        /// Largest send lag in this second, microseconds.
        var sendLagMax: UInt64 = 0
    }

    /// Latency histograms: microseconds up to two minutes.
    static func histogram(digits: SignificantDigits) -> Histogram<UInt64> {
        Histogram(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: digits)
    }

    let start: ContinuousClock.Instant
    let data = Mutex(Data())

    init(start: ContinuousClock.Instant) {
        self.start = start
    }

    func second(of instant: ContinuousClock.Instant) -> Int {
        Int((instant - start).seconds.rounded(.down))
    }

    /// Records a finished request; latency counts from its intended send time (the open model's correction).
    func record(
        kind: String, intended: ContinuousClock.Instant, sent: ContinuousClock.Instant, finished: ContinuousClock.Instant,
        outcome: Result<ResponseSummary, RequestFailure>
    ) {
        let latency = UInt64(min(120_000_000, max(0, (finished - intended).seconds * 1_000_000)))
        let (due, sentSecond, doneSecond) = (second(of: intended), second(of: sent), second(of: finished))
        data.withLock { data in
            let due = data.bucket(due)
            data.seconds[data.bucket(sentSecond)].sent += 1
            data.seconds[data.bucket(doneSecond)].completed += 1
            switch outcome {
            case .success(let response):
                data.overall.record(latency)
                data.byKind[kind, default: Recorder.histogram(digits: .three)].record(latency)
                data.seconds[due].latency.record(latency)
                data.statuses[response.status, default: 0] += 1
                data.seconds[due].statusClasses[min(5, max(1, response.status / 100))] += 1
                if let backend = response.backend { data.backends[backend, default: 0] += 1 }
            case .failure(let failure):
                data.failures[failure, default: 0] += 1
                data.seconds[due].failures[failure, default: 0] += 1
            }
        }
    }

    /// The failure kind of a request that failed with `error`: a ``RequestFailure`` as it is, a response the
    /// scanner refused as `malformed` (its fault kept as that kind's example), anything else as `reset`.
    func failureKind(of error: any Error) -> RequestFailure {
        if let malformed = error as? HTTPResponseScanner.Malformed {
            noteExample(of: .malformed, malformed.description)
            return .malformed
        }
        // A TLS handshake that failed (an untrusted certificate, no shared protocol) is a failure to connect, and says why.
        if ClientTLS.isHandshakeFailure(error) {
            noteExample(of: .connect, "TLS: \(error) (a self-signed certificate needs --insecure)")
            return .connect
        }
        return error as? RequestFailure ?? .reset
    }

    /// Keeps `text` as the example of `failure` unless one is kept already: the first fault explains the rest.
    func noteExample(of failure: RequestFailure, _ text: String) {
        data.withLock { data in
            if data.failureExamples[failure] == nil { data.failureExamples[failure] = text }
        }
    }

    /// Records that the schedule released a request `lag` microseconds after its intended time.
    func recordScheduled(intended: ContinuousClock.Instant, lag: UInt64) {
        let index = second(of: intended)
        data.withLock { data in
            let index = data.bucket(index)
            data.scheduled += 1
            data.seconds[index].scheduled += 1
            data.seconds[index].sendLagMax = max(data.seconds[index].sendLagMax, lag)
            data.sendLag.record(lag)
        }
    }
}
