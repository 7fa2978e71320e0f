import Cluster
import Foundation
import Testing
@testable import Watch

/// The rules `evenkeel rules` prints pass promtool's check, and its unit tests on a skew series and a surge series
/// (the skew alert fires on a skew and not on a surge).
@Suite struct PrometheusRulesTests {
    static func promtool() -> String? {
        ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ tool: String, _ arguments: [String], in folder: URL) async throws -> (status: Int32, output: String) {
        let run = try await ChildProgram.run(tool, arguments, in: folder)
        return (run.status, run.output)
    }

    @Test func theRulesPassPromtoolAndItsSkewAndSurgeTests() async throws {
        let promtool = try #require(Self.promtool(), "promtool is needed: apt-get install prometheus (scripts/test installs it)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try PrometheusRules.text().write(to: folder.appendingPathComponent("evenkeel-rules.yml"), atomically: true, encoding: .utf8)
        let tests = try #require(Bundle.module.url(forResource: "evenkeel-rules.test", withExtension: "yml", subdirectory: "Resources"))
        try FileManager.default.copyItem(at: tests, to: folder.appendingPathComponent("evenkeel-rules.test.yml"))

        let check = try await Self.run(promtool, ["check", "rules", "evenkeel-rules.yml"], in: folder)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("SUCCESS"))
        let test = try await Self.run(promtool, ["test", "rules", "evenkeel-rules.test.yml"], in: folder)
        #expect(test.status == 0, "\(test.output)")
    }

    @Test func everyAlertNamesAWatchDiagnosisAndItsRunbook() throws {
        let text = try PrometheusRules.text()
        for diagnosis in [Diagnosis.configSkew, .trafficSurge, .backendDegraded, .backendErrors, .backendDown] {
            #expect(text.contains("diagnosis: \(diagnosis.rawValue)"), "\(diagnosis)")
            #expect(text.contains(diagnosis.runbook), "\(diagnosis.runbook)")
        }
    }
}
