import Foundation
import Histogram
import NIOCore
import NIOPosix
import NIOSSL
import Picking
import Synchronization

/// A bounded load test against one HTTP server: who to hit, how hard, for how long.
public struct LoadTest: Sendable {
    /// Open model: requests leave on schedule whatever the server does, and latency counts from the intended
    /// send time, so a stalled server shows in the percentiles. Closed model: N connections send back to back
    /// (as wrk does), each waiting for the previous answer.
    public enum Model: Sendable, Equatable {
        case open(RateProfile)
        case closed(connections: Int)
    }

    public var host: String
    public var port: Int
    public var mix: RequestMix
    public var model: Model
    public var duration: Double
    /// Stop after this many requests, if set.
    public var maxRequests: Int?
    /// Connections the open model may use at most.
    public var connections: Int
    public var timeout: Double
    /// Response headers naming the backend, first found wins.
    public var backendHeaders: [String]
    /// Intended share weights per backend name, for the distribution figures.
    public var expectedWeights: [String: Double]
    /// Where connections come from: the system's address, or N loopback addresses (as N clients).
    public var clientAddresses: ClientAddresses = .system
    /// TLS for an `https://` target; plain HTTP/1.1 when nil.
    public var tls: ClientTLS?
    /// With `tls`, the open model's connections speak HTTP/2 (each request a stream on its worker's connection).
    public var http2 = false

    public init(
        host: String, port: Int, mix: RequestMix, model: Model, duration: Double, maxRequests: Int? = nil, connections: Int = 64,
        timeout: Double = 10, backendHeaders: [String] = ["X-Evenkeel-Backend", "X-Evenkeel-Replica"],
        expectedWeights: [String: Double] = [:]
    ) {
        self.host = host
        self.port = port
        self.mix = mix
        self.model = model
        self.duration = duration
        self.maxRequests = maxRequests
        self.connections = connections
        self.timeout = timeout
        self.backendHeaders = backendHeaders
        self.expectedWeights = expectedWeights
    }

    /// A one-line view of progress, reported about once a second.
    public struct Progress: Sendable {
        public var elapsed: Double
        public var requests: Int
        public var currentRate: Int
        public var p99: Double
        public var errors: Int
    }

    struct Job: Sendable {
        var request: RequestSpec
        var intended: ContinuousClock.Instant
    }

    /// Runs the test to its end and reports.
    public func run(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async -> LoadReport {
        let start = ContinuousClock.now
        let recorder = Recorder(start: start)
        let deadline = start + .milliseconds(Int(duration * 1000))
        let queue = JobQueue<Job>()
        let timeoutAmount = TimeAmount.milliseconds(Int64(timeout * 1000))
        let counter = RequestCounter(limit: maxRequests)
        let progressTask = Task { await reportProgress(recorder: recorder, start: start, progress: progress) }
        // Made once for the run; when it cannot be made, nothing is sent and the report says why.
        let sslContext: NIOSSLContext?
        do {
            sslContext = try tls?.makeContext(alpn: http2 ? ["h2"] : ["http/1.1"])
        } catch {
            recorder.noteExample(of: .connect, "TLS: \(error)")
            progressTask.cancel()
            return report(recorder: recorder, elapsed: 0)
        }
        await withTaskGroup(of: Void.self) { tasks in
            switch model {
            case .open(let profile):
                tasks.addTask { await schedule(profile: profile, start: start, queue: queue, recorder: recorder) }
                for worker in 0..<connections {
                    tasks.addTask { await work(worker: worker, queue: queue, recorder: recorder, group: group, tls: sslContext) }
                }
            case .closed(let count):
                let plan = ClosedLoopHandler.Plan(
                    mix: mix, host: "\(host):\(port)", backendHeaders: backendHeaders, timeout: timeoutAmount, deadline: deadline,
                    counter: counter, recorder: recorder)
                for worker in 0..<count {
                    tasks.addTask { await closedLoop(worker: worker, plan: plan, group: group, tls: sslContext) }
                }
            }
            await tasks.waitForAll()
        }
        progressTask.cancel()
        // The open model's window is its schedule: the last answer may come just before its end.
        var elapsed = min(duration, (ContinuousClock.now - start).seconds)
        if case .open = model, maxRequests == nil { elapsed = duration }
        return report(recorder: recorder, elapsed: elapsed)
    }

    /// Puts each request in the queue at its intended time; connections take them from there. When the
    /// generator is late it releases what is due at once and records by how much it was late (send lag).
    func schedule(profile: RateProfile, start: ContinuousClock.Instant, queue: JobQueue<Job>, recorder: Recorder) async {
        var random = SplitMix64(seed: 1)
        for offset in SendSchedule(profile: profile, duration: duration, limit: maxRequests) {
            // Cancelled (a drill ending its load early): stop, rather than release the rest of the schedule at once.
            if Task.isCancelled { break }
            let intended = start + .nanoseconds(Int64(offset * 1e9))
            if intended > ContinuousClock.now { try? await Task.sleep(until: intended, tolerance: .microseconds(100)) }
            let late = ContinuousClock.now - intended
            recorder.recordScheduled(intended: intended, lag: UInt64(max(0, late.seconds * 1_000_000)))
            queue.push(Job(request: mix.next(&random), intended: intended))
        }
        queue.finish()
    }

    /// One connection of the open model: take the next due request, send it, record the answer.
    func work(worker: Int, queue: JobQueue<Job>, recorder: Recorder, group: any EventLoopGroup, tls: NIOSSLContext?) async {
        var connection: (any RequestConnection)?
        let timeoutAmount = TimeAmount.milliseconds(Int64(timeout * 1000))
        while let job = await queue.pop() {
            let sent = ContinuousClock.now
            let outcome: Result<ResponseSummary, RequestFailure>
            do {
                if connection?.isActive != true {
                    if http2, let tls {
                        connection = try await HTTP2Connection.connect(
                            host: host, port: port, backendHeaders: backendHeaders, timeout: timeoutAmount, group: group, tls: tls,
                            from: clientAddresses.address(for: worker))
                    } else {
                        connection = try await HTTPConnection.connect(
                            host: host, port: port, backendHeaders: backendHeaders, timeout: timeoutAmount, group: group,
                            from: clientAddresses.address(for: worker), tls: tls)
                    }
                }
                outcome = .success(try await connection!.send(job.request, host: "\(host):\(port)", timeout: timeoutAmount))
            } catch {
                outcome = .failure(recorder.failureKind(of: error))
                await connection?.close()
                connection = nil
            }
            recorder.record(kind: job.request.kind, intended: job.intended, sent: sent, finished: .now, outcome: outcome)
        }
        await connection?.close()
    }

    /// One connection of the closed model: the loop itself runs on the event loop (``ClosedLoopHandler``);
    /// this reconnects after a failure until the test is over.
    func closedLoop(worker: Int, plan: ClosedLoopHandler.Plan, group: any EventLoopGroup, tls: NIOSSLContext?) async {
        var seed = UInt64(1000 + worker)
        while ContinuousClock.now < plan.deadline, !plan.counter.exhausted {
            let handlerSeed = seed
            do {
                let channel = try await ClientBootstrap.loadClient(group: group, from: clientAddresses.address(for: worker), timeout: plan.timeout)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            if let tls { try ClientTLS.addHandler(tls, host: host, to: channel) }
                            try channel.pipeline.syncOperations.addHandler(ClosedLoopHandler(plan: plan, seed: handlerSeed))
                        }
                    }
                    .connect(host: host, port: port).get()
                try? await channel.closeFuture.get()
            } catch {
                guard plan.counter.take() else { return }
                // The first connect failure says why, in the report's failure examples.
                plan.recorder.noteExample(of: .connect, "\(error)")
                let now = ContinuousClock.now
                plan.recorder.record(kind: "connect", intended: now, sent: now, finished: now, outcome: .failure(.connect))
            }
            seed &+= 0x1_0000
        }
    }

    /// Reports progress about once a second until cancelled.
    func reportProgress(recorder: Recorder, start: ContinuousClock.Instant, progress: @escaping @Sendable (Progress) -> Void) async {
        var lastCount = 0
        while true {
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            let (count, errors, p99) = recorder.data.withLock { data in
                (
                    data.seconds.reduce(0) { $0 + $1.completed },
                    data.failures.values.reduce(0, +) + data.statuses.filter { $0.key >= 500 }.values.reduce(0, +),
                    Double(data.overall.valueAtPercentile(99)) / 1000
                )
            }
            progress(Progress(elapsed: (ContinuousClock.now - start).seconds, requests: count, currentRate: count - lastCount, p99: p99, errors: errors))
            lastCount = count
        }
    }

    func report(recorder: Recorder, elapsed: Double) -> LoadReport {
        recorder.data.withLock { data in
            let total = data.seconds.reduce(0) { $0 + $1.completed }
            let fivehundreds = data.statuses.filter { $0.key >= 500 }.values.reduce(0, +)
            let failures = data.failures.values.reduce(0, +)
            let distribution = LoadReport.distribution(counts: data.backends, expected: expectedWeights)
            var modelName = "open"
            var profile: RateProfile?
            switch model {
            case .open(let p): profile = p
            case .closed(let count): modelName = "closed(\(count))"
            }
            return LoadReport(
                model: modelName, profile: profile?.summary, durationSeconds: elapsed, scheduled: profile == nil ? nil : data.scheduled,
                requests: total, achievedRate: elapsed > 0 ? Double(total) / elapsed : 0, latency: .init(data.overall),
                latencyByKind: data.byKind.mapValues { .init($0) },
                statuses: Dictionary(uniqueKeysWithValues: data.statuses.map { (String($0.key), $0.value) }),
                failures: Dictionary(uniqueKeysWithValues: data.failures.map { ($0.key.rawValue, $0.value) }),
                failureExamples: Dictionary(uniqueKeysWithValues: data.failureExamples.map { ($0.key.rawValue, $0.value) }),
                errorRate: total > 0 ? Double(fivehundreds + failures) / Double(total) : 0,
                perSecond: data.seconds.enumerated().map { index, bucket in
                    LoadReport.Second(bucket, second: index, hasTarget: profile != nil)
                },
                backends: distribution.backends, maxShareRatio: distribution.ratio, jainIndex: distribution.jain,
                sendLagP99: Double(data.sendLag.valueAtPercentile(99)) / 1000, sendLagMax: Double(data.sendLag.max) / 1000)
        }
    }
}

extension LoadReport.Second {
    init(_ bucket: Recorder.SecondBucket, second: Int, hasTarget: Bool) {
        func ms(_ percentile: Double) -> Double { Double(bucket.latency.valueAtPercentile(percentile)) / 1000 }
        var classes: [String: Int] = [:]
        for (index, count) in bucket.statusClasses.enumerated() where count > 0 { classes["\(index)xx"] = count }
        let failed = bucket.failures.values.reduce(0, +)
        self.init(
            second: second, target: hasTarget ? bucket.scheduled : nil, sent: bucket.sent, completed: bucket.completed,
            p50: ms(50), p90: ms(90), p99: ms(99), errors: failed + bucket.statusClasses[5],
            failures: Dictionary(uniqueKeysWithValues: bucket.failures.map { ($0.key.rawValue, $0.value) }),
            statusClasses: classes, sendLagMax: Double(bucket.sendLagMax) / 1000)
    }
}

/// Counts requests in the closed model against the optional limit; lock-free because every connection
/// asks before every request.
final class RequestCounter: Sendable {
    private let taken = Atomic<Int>(0)
    private let limit: Int?

    init(limit: Int?) {
        self.limit = limit
    }

    /// Whether the limit has been reached.
    var exhausted: Bool { limit.map { taken.load(ordering: .relaxed) >= $0 } ?? false }

    /// Takes one request from the budget; false once it is spent.
    func take() -> Bool {
        guard let limit else { return true }
        return taken.wrappingAdd(1, ordering: .relaxed).oldValue < limit
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
