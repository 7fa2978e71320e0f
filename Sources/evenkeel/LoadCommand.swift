import ArgumentParser
import BalancerConfig
import Foundation
import LoadGen

/// `evenkeel load`: a bounded load test with correct latency figures and pass/fail thresholds for CI.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load-test an HTTP server (open model by default) and check thresholds.",
        discussion: """
            The open model sends on schedule whatever the server does and measures latency from each request's \
            intended send time, so stalls show in the percentiles. --closed N keeps N connections busy instead \
            (as wrk does). The test always ends by itself: after --duration seconds or --requests requests.

            --scenario is 'jobboard' (the job board's built-in mix), a YAML scenario file (FILE.yaml: weighted \
            requests with templates, and optionally the profile, duration, request count and connections; \
            command-line flags override the file), or one URL path such as /api/v1/jobs?q=swift.

            Example, a spike to 5x for 10 s with CI thresholds:
              evenkeel load http://127.0.0.1:8080 --spike 100:5:10:10 \\
                --duration 30 --threshold 'p99<250ms' --threshold 'errors<1%' \\
                --threshold 'share_ratio<1.2' --html report.html

            Exit codes:
              0   every threshold holds (or none was given)
              1   a threshold is broken (the summary says which, by how much)
              64  usage error: a bad option, threshold or scenario file
                  (scenario faults are reported as file:line:column)
            """)

    @Argument(help: "Target, e.g. http://127.0.0.1:8080 or https://127.0.0.1:8443 (HTTP/1.1 over TLS)")
    var url: String

    @Flag(help: "With an https target: accept any certificate (a self-signed one, as `evenkeel up --tls` serves).")
    var insecure = false

    @Flag(help: "With an https target and the open model: HTTP/2, each request a stream on its connection.")
    var http2 = false

    @Option(help: "Requests: 'jobboard', a YAML scenario file, or a URL path such as /api/v1/jobs?q=swift.")
    var scenario: String = "jobboard"

    @Option(help: "Highest job id the built-in jobboard mix opens (as many as were seeded).")
    var jobs: Int = 10_000

    @Option(help: "Demo seekers the built-in jobboard mix logs in before the test to apply to jobs as (0: no applications).")
    var seekers: Int = 10

    @Option(help: "Target rate, requests/s (open model, constant; default 100).")
    var rate: Double?

    @Option(help: "Linear ramp FROM:TO requests/s over the test.")
    var ramp: String?

    @Option(help: "Steps of rates, e.g. 100,200,400, each held --step-seconds.")
    var steps: String?

    @Option(help: "Seconds per step.")
    var stepSeconds: Double = 10

    @Option(help: "Spike BASE:FACTOR:START:LENGTH, e.g. 100:5:10:10 (rate ×5 from second 10 for 10 s).")
    var spike: String?

    @Option(help: "Closed model with N connections (like wrk).")
    var closed: Int?

    @Option(help: "Test length in seconds (default 10).")
    var duration: Double?

    @Option(help: "Stop after this many requests.")
    var requests: Int?

    @Option(help: "Connections the open model may use at most (default 64).")
    var connections: Int?

    @Option(name: .customLong("client-addresses"), help: "Open connections from N distinct loopback addresses (127.0.0.1, .2, …), as N clients would (loopback targets only; default 1).")
    var clientAddresses: Int = 1

    @Option(help: "Per-request timeout, seconds.")
    var timeout: Double = 10

    @Option(help: "Response header naming the backend (default X-Evenkeel-Backend, or the --expect-config file's backend_header; falls back to X-Evenkeel-Replica).")
    var backendHeader: String?

    @Option(help: "Intended weights, e.g. replica-1=1,replica-2=1,replica-3=1.")
    var expect: String?

    @Option(help: "Read intended weights from an Evenkeel balancer configuration (the pool serving '/', its backend names and weights).")
    var expectConfig: String?

    @Option(help: "Pass/fail condition, repeatable: p99<250ms, p99.9<1s, errors<1%, share_ratio<1.2, jain>0.99, rate>90.")
    var threshold: [String] = []

    @Option(help: "Write the full report as JSON to this file.")
    var json: String?

    @Option(help: "Write a self-contained HTML report with charts to this file.")
    var html: String?

    func validate() throws {
        let file = try scenarioFile()
        let duration = self.duration ?? file?.duration ?? 10
        guard duration > 0 && duration <= 86_400 else { throw ValidationError("--duration must be in (0, 86400] seconds") }
        if let connections, !(1...10_000).contains(connections) { throw ValidationError("--connections must be 1...10000") }
        if let closed, !(1...10_000).contains(closed) { throw ValidationError("--closed must be 1...10000") }
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1") }
        guard (0...100).contains(seekers) else { throw ValidationError("--seekers must be 0...100 (evenkeel seed creates seeker1 to seeker100)") }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard jobs > 0 else { throw ValidationError("--jobs must be positive") }
        let (host, _) = try target()
        if http2 {
            guard clientTLS != nil else { throw ValidationError("--http2 needs an https:// target (HTTP/2 is offered over TLS)") }
            guard closed == nil else { throw ValidationError("--http2 runs the open model; leave out --closed") }
        }
        do {
            _ = try ClientAddresses(count: clientAddresses, targetHost: host)
        } catch {
            throw ValidationError(error.description)
        }
        _ = try profile(file: file)
        _ = try weights()
        _ = try thresholds()
    }

    func target() throws -> (host: String, port: Int) {
        do {
            let target = try HTTPTarget(parsing: url)
            return (target.host, target.port)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// TLS for an https target.
    var clientTLS: ClientTLS? {
        guard let target = try? HTTPTarget(parsing: url), target.secure else { return nil }
        return ClientTLS(verifyCertificates: !insecure)
    }

    /// Whether `--scenario` names a file rather than the built-in mix or a URL path.
    var scenarioIsFile: Bool {
        scenario.hasSuffix(".yaml") || scenario.hasSuffix(".yml") || (!scenario.hasPrefix("/") && scenario != "jobboard")
    }

    /// The scenario file, if `--scenario` names one; its faults are usage errors with their location.
    func scenarioFile() throws -> Scenario? {
        guard scenarioIsFile else { return nil }
        do {
            return try Scenario.load(contentsOf: scenario)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func mix(file: Scenario?, seekerTokens: [String]) -> RequestMix {
        if let file { return file.mix }
        return scenario == "jobboard" ? .jobBoard(jobCount: jobs, seekerTokens: seekerTokens) : .single(path: scenario)
    }

    /// Session tokens for the built-in mix's applications: seekers logged in before the test starts.
    func seekerTokens(host: String, port: Int, file: Scenario?) async -> [String] {
        guard file == nil, scenario == "jobboard", seekers > 0 else { return [] }
        let outcome = await JobBoardSessions.logIn(seekers: seekers, host: host, port: port, timeout: timeout, tls: clientTLS)
        let note = outcome.problem.map { "; \($0), so the mix applies as \(outcome.tokens.count) seekers" } ?? ""
        FileHandle.standardError.write(Data("logged in \(outcome.tokens.count) of \(seekers) seekers for applications\(note)\n".utf8))
        return outcome.tokens
    }

    /// The rate profile: a flag wins over the scenario file, which wins over the default 100/s.
    func profile(file: Scenario?) throws -> RateProfile {
        do {
            return try RateProfile.fromOptions(ramp: ramp, steps: steps, stepSeconds: stepSeconds, spike: spike, rate: rate)
                ?? file?.profile ?? .constant(rate: 100)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The balancer configuration's expectation, when `--expect-config` names one.
    func expectedShares() throws -> ExpectedShares? {
        guard let expectConfig else { return nil }
        let config: BalancerConfiguration
        do {
            config = try BalancerConfigLoader.load(contentsOf: expectConfig)
        } catch {
            throw ValidationError(error.description)
        }
        do {
            return try ExpectedShares(config: config)
        } catch {
            throw ValidationError("\(expectConfig): \(error.description)")
        }
    }

    func weights() throws -> [String: Double] {
        if let shares = try expectedShares() { return shares.weights }
        guard let expect else { return [:] }
        var weights: [String: Double] = [:]
        for pair in expect.split(separator: ",") {
            let parts = pair.split(separator: "=")
            guard parts.count == 2, let weight = Double(parts[1]), weight >= 0 else {
                throw ValidationError("--expect \(expect): expected NAME=WEIGHT pairs separated by commas")
            }
            weights[String(parts[0])] = weight
        }
        return weights
    }

    func thresholds() throws -> [Threshold] {
        var parsed: [Threshold] = []
        for text in threshold {
            do { parsed.append(try Threshold(parsing: text)) } catch { throw ValidationError(error.description) }
        }
        return parsed
    }

    func run() async throws {
        let (host, port) = try target()
        let file = try scenarioFile()
        let duration = self.duration ?? file?.duration ?? 10
        let header = try backendHeader ?? expectedShares()?.header ?? "X-Evenkeel-Backend"
        let model: LoadTest.Model = try closed.map { .closed(connections: $0) } ?? .open(profile(file: file))
        var test = LoadTest(
            host: host, port: port, mix: mix(file: file, seekerTokens: await seekerTokens(host: host, port: port, file: file)), model: model,
            duration: duration, maxRequests: requests ?? file?.maxRequests, connections: connections ?? file?.connections ?? 64,
            timeout: timeout, backendHeaders: [header, "X-Evenkeel-Replica"],
            expectedWeights: try weights())
        test.clientAddresses = try ClientAddresses(count: clientAddresses, targetHost: host)
        test.tls = clientTLS
        test.http2 = http2
        let interactive = isatty(STDERR_FILENO) == 1
        var report = await test.run { progress in
            let line = String(
                format: "%5.1f/%.0f s  %7d requests  %6d req/s  p99 %8.2f ms  errors %d", progress.elapsed, duration, progress.requests,
                progress.currentRate, progress.p99, progress.errors)
            // One updating line in a terminal; plain lines in a log.
            FileHandle.standardError.write(Data((interactive ? "\r\(line)\u{1B}[K" : line + "\n").utf8))
        }
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        let verdict = LoadVerdict(report: report, thresholds: try thresholds())
        report.thresholds = verdict.results
        print(SummaryText.render(report), terminator: "")
        if let json {
            try report.jsonData().write(to: URL(fileURLWithPath: json))
        }
        if let html {
            try Data(HTMLReport.render(report, target: url).utf8).write(to: URL(fileURLWithPath: html))
        }
        if verdict.exitCode != .passed { throw ExitCode(verdict.exitCode.rawValue) }
    }
}
