import AsyncHTTPClient
import Balancer
import BalancerAPI
import BalancerConfig
import Cluster
import ConfigCheck
import Foundation
import Synchronization
import Logging
import NIOCore
import NIOHTTP1
import TLSMaterial

/// What a drill runs against, in a scratch folder, as `evenkeel up` does: seeded `evenkeel serve` replicas (with
/// fault injection on), the balancer in front of them with ConfigCheck as its reload gate, and the drill's own
/// notification receiver. One fleet serves every scenario of a suite; each scenario leaves it as it found it.
final class DrillFleet: Sendable {
    let folder: URL
    let executable: URL
    let names: [String]
    let ports: [Int]
    let balancer: LoadBalancer
    let listening: ListeningPorts
    let receiver: DrillReceiver
    let client: HTTPClient
    let configPath: String
    /// The certificate and key files (in `folder`) when the balancer terminates TLS.
    let certificate: (certificate: String, key: String)?
    private let replicas: ReplicaSet

    /// The replicas as they run now (one may have been killed and started again).
    final class ReplicaSet: Sendable {
        private let running: Synchronization.Mutex<[String: ReplicaProcess]>
        init(_ replicas: [ReplicaProcess]) { running = Synchronization.Mutex(Dictionary(uniqueKeysWithValues: replicas.map { ($0.name, $0) })) }
        subscript(name: String) -> ReplicaProcess? { running.withLock { $0[name] } }
        func replace(_ replica: ReplicaProcess) { running.withLock { $0[replica.name] = replica } }
        var all: [ReplicaProcess] { running.withLock { Array($0.values) } }
    }

    private init(
        folder: URL, executable: URL, replicas: [ReplicaProcess], balancer: LoadBalancer, listening: ListeningPorts, receiver: DrillReceiver,
        client: HTTPClient, configPath: String, certificate: (certificate: String, key: String)?
    ) {
        self.certificate = certificate
        self.folder = folder
        self.executable = executable
        names = replicas.map(\.name)
        ports = replicas.map(\.port)
        self.replicas = ReplicaSet(replicas)
        self.balancer = balancer
        self.listening = listening
        self.receiver = receiver
        self.client = client
        self.configPath = configPath
    }

    /// Seeds a database in `folder` and starts three replicas, the balancer and the receiver.
    static func start(folder: URL, executable: URL, settings: DrillSettings, logger: Logger) async throws -> DrillFleet {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = folder.appendingPathComponent("jobboard.sqlite").path
        let seed = Process()
        seed.executableURL = executable
        seed.arguments = ["seed", "--db", "sqlite:\(database)", "--jobs", String(settings.seedJobs)]
        seed.standardOutput = FileHandle.nullDevice
        seed.standardError = FileHandle.nullDevice
        try seed.run()
        await seed.ended()
        guard seed.terminationStatus == 0 else { throw DrillError.setup("evenkeel seed exited with \(seed.terminationStatus)") }
        var started: [ReplicaProcess] = []
        do {
            for index in 1...3 {
                started.append(try await ReplicaProcess.start(executable: executable, name: "replica-\(index)", arguments: replicaArguments(database), echo: false))
            }
        } catch {
            for replica in started { replica.kill() }
            throw DrillError.setup("\(error)")
        }
        let configPath = folder.appendingPathComponent("balancer.yaml").path
        let certificate = settings.tls ? try LocalCertificate.ensure(in: folder) : nil
        try LocalBalancerConfig.yaml(replicas: started.map { ($0.name, $0.port) }, proxyPort: 0, adminPort: 0, tls: certificate)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let balancer = LoadBalancer(
            configuration: try BalancerConfigLoader.load(contentsOf: configPath), configPath: configPath, checker: ConfigChecker().reloadChecker(),
            logger: Logger(label: "evenkeel.drill.balancer") { _ in SwiftLogNoOpLogHandler() })
        let listening = try await balancer.start()
        let receiver = try await DrillReceiver.start()
        let fleet = DrillFleet(
            folder: folder, executable: executable, replicas: started, balancer: balancer, listening: listening, receiver: receiver,
            client: HTTPClient(eventLoopGroupProvider: .singleton), configPath: configPath, certificate: certificate)
        try await fleet.waitUntilHealthy()
        logger.info("drill fleet up", metadata: ["replicas": "\(started.map { "\($0.name):\($0.port)" })", "proxy": "\(listening.proxy)"])
        return fleet
    }

    static func replicaArguments(_ database: String) -> [String] {
        ["--db", "sqlite:\(database)", "--trust-forwarded-for", "--no-rate-limits", "--fault-injection"]
    }

    /// The configuration file with the pool's `algorithm` and `weights` (by replica name, default 1), reloaded.
    @discardableResult
    func reconfigure(algorithm: String = "round_robin", weights: [String: Int] = [:]) async throws -> ReloadEventSummary {
        var text = LocalBalancerConfig.yaml(
            replicas: Array(zip(names, currentPorts)), proxyPort: listening.proxy, adminPort: listening.admin, tls: certificate)
        text = text.replacingOccurrences(of: "algorithm: round_robin", with: "algorithm: \(algorithm)")
        if !weights.isEmpty {
            // Each backend's `weight: 1` line follows its `- name:` line.
            var current: String?
            text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("- name: ") { current = String(trimmed.dropFirst("- name: ".count)) }
                if trimmed == "weight: 1", let name = current, let weight = weights[name] {
                    return line.replacingOccurrences(of: "weight: 1", with: "weight: \(weight)")
                }
                return String(line)
            }.joined(separator: "\n")
        }
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        let event = await balancer.reload(trigger: "drill")
        return ReloadEventSummary(result: event.result.rawValue, diff: event.diff, error: event.error)
    }

    /// What a reload did, in words.
    struct ReloadEventSummary: Sendable {
        var result: String
        var diff: String
        var error: String?
    }

    var currentPorts: [Int] { names.map { port(of: $0) } }

    func port(of name: String) -> Int { replicas[name]?.port ?? 0 }

    /// Injects a fault on replica `name` (see `evenkeel serve --fault-injection`).
    func inject(_ name: String, latencyMs: Int = 0, errorRatio: Double = 0, seconds: Double) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["latency_ms": latencyMs, "error_ratio": errorRatio, "seconds": seconds])
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port(of: name))/admin/faults")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(5))
        guard response.status == .ok else { throw DrillError.setup("\(name) refused the fault: HTTP \(response.status.code)") }
    }

    /// Ends the fault on replica `name`.
    func clearFault(_ name: String) async {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port(of: name))/admin/faults")
        request.method = .DELETE
        _ = try? await client.execute(request, timeout: .seconds(5))
    }

    /// Kills replica `name` as a crash would.
    func kill(_ name: String) { replicas[name]?.kill() }

    /// Starts replica `name` again on its port, after `kill`.
    func restart(_ name: String) async throws {
        guard let old = replicas[name] else { return }
        let database = folder.appendingPathComponent("jobboard.sqlite").path
        // The port may linger a moment after the kill.
        var lastError: (any Error)?
        for _ in 0..<20 {
            do {
                replicas.replace(
                    try await ReplicaProcess.start(executable: executable, name: name, arguments: Self.replicaArguments(database), port: old.port, echo: false))
                return
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        throw DrillError.setup("\(name) did not start again: \(lastError.map { "\($0)" } ?? "?")")
    }

    /// Waits until the balancer sees every replica healthy.
    func waitUntilHealthy(timeout: Duration = .seconds(60)) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < timeout {
            if balancer.stats().pools.allSatisfy({ $0.backends.allSatisfy { $0.state == .healthy } }) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw DrillError.setup("the replicas did not all become healthy in \(timeout)")
    }

    /// Puts everything back as it was: round robin at even weights, no fault, every replica running.
    func reset() async throws {
        for name in names where replicas[name]?.isRunning != true { try await restart(name) }
        for name in names { await clearFault(name) }
        if balancer.runtime.generation.config.pools[0].algorithm != .roundRobin
            || balancer.runtime.generation.config.pools[0].backends.contains(where: { $0.weight != 1 })
        {
            try await reconfigure()
        }
        try await waitUntilHealthy()
    }

    func stop() async {
        await balancer.stop(deadline: .seconds(2))
        await receiver.stop()
        await withTaskGroup(of: Void.self) { group in
            for replica in replicas.all { group.addTask { await replica.stop(timeout: .seconds(5)) } }
        }
        try? await client.shutdown()
    }
}
