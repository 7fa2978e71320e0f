import ArgumentParser
import Drill
import Foundation
import Logging

/// `evenkeel drill SCENARIO|all`: replays the postmortem's outage and its look-alikes on a fleet of its own and
/// scores whether Watch saw each, named it right and told both teams, and how fast.
struct DrillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Replay an outage on a fleet of its own and score detection, diagnosis and notification.",
        discussion: """
            Scenarios: \(DrillScenario.allCases.map(\.rawValue).joined(separator: ", ")), or 'all'. Each starts from a fresh \
            Watch on the drill's balancer, learns a baseline under the job-board mix, injects the fault, removes it and \
            waits for the incident to resolve. Exit codes: 0 every scenario passed, 1 one missed (wrong or no diagnosis, \
            detection over --max-detect, a notice over 2 s, any incident in 'clean'), 64 a usage error.
            """)

    @Argument(help: "A scenario, or 'all'.")
    var scenario: String

    @Option(help: "Base load, requests per second.")
    var rate: Double = 40

    @Option(help: "Seconds of baseline before the fault.")
    var warm: Double = 30

    @Option(help: "The longest the fault stays on, seconds ('clean' runs --clean-seconds).")
    var duration: Double = 30

    @Option(name: .customLong("clean-seconds"), help: "How long 'clean' runs with nothing injected.")
    var cleanSeconds: Double = 60

    @Option(name: .customLong("max-detect"), help: "A detection slower than this many seconds fails (skews: 10 at most).")
    var maxDetect: Double = 15

    @Flag(name: .customLong("auto-rollback"), help: "Let Watch roll a skew back by itself, and report the time to mitigation.")
    var autoRollback = false

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    @Option(help: "Write an HTML page with the timeline and charts to this file.")
    var html: String?

    @Flag(help: "The balancer terminates TLS (self-signed, HTTP/2 offered) and the load goes over HTTPS.")
    var tls = false

    @Flag(help: "Keep the scratch folder (database, configuration) and say where.")
    var keep = false

    func scenarios() throws -> [DrillScenario] {
        if scenario == "all" { return DrillScenario.allCases }
        guard let one = DrillScenario(rawValue: scenario) else {
            throw ValidationError("no scenario '\(scenario)': \(DrillScenario.allCases.map(\.rawValue).joined(separator: ", ")), or all")
        }
        return [one]
    }

    func validate() throws {
        _ = try scenarios()
        guard rate > 0, rate <= 2000 else { throw ValidationError("--rate must be in (0, 2000]") }
        guard warm >= 10 else { throw ValidationError("--warm must be at least 10 s: Watch needs a baseline") }
        guard duration >= 5 else { throw ValidationError("--duration must be at least 5 s") }
        guard maxDetect > 0 else { throw ValidationError("--max-detect must be positive") }
    }

    func run() async throws {
        var settings = DrillSettings()
        settings.rate = rate
        settings.warmSeconds = warm
        settings.faultSeconds = duration
        settings.cleanSeconds = cleanSeconds
        settings.maxDetectSeconds = maxDetect
        settings.autoRollback = autoRollback
        settings.tls = tls
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-drill-\(UUID().uuidString)")
        let runner = DrillRunner(
            settings: settings, executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(), folder: folder,
            logger: Logger(label: "evenkeel.drill") { _ in SwiftLogNoOpLogHandler() })
        let results: [DrillResult]
        do {
            results = try await runner.run(try scenarios()) { line in say(line) }
        } catch {
            if !keep { try? FileManager.default.removeItem(at: folder) }
            throw error
        }
        print(DrillReport.text(results), terminator: "")
        if let json { try DrillReport.json(results).write(to: URL(fileURLWithPath: json)) }
        if let html { try DrillReport.html(results).write(toFile: html, atomically: true, encoding: .utf8) }
        if keep { say("kept \(folder.path)") } else { try? FileManager.default.removeItem(at: folder) }
        if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}
