import Cluster
import ConfigCheck
import Foundation
import Testing

/// Runs a balancer's own configuration test on a text, so the cases the rule tests use are real configurations.
enum RealBalancer {
    /// The program's path, looked up where Debian installs it; nil when it is not installed.
    static func find(_ name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Exit status and combined output of `program arguments…`.
    static func run(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let run = try await ChildProgram.run(program, arguments)
        return (run.status, run.output)
    }

    /// A fresh folder for one test's files.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

@Suite("Every HAProxy and nginx case is a configuration the real balancer accepts")
struct RealBalancerAcceptsCasesTests {
    @Test func haproxyAcceptsEveryCase() async throws {
        let haproxy = try #require(RealBalancer.find("haproxy"), "haproxy is not installed: apt-get install haproxy (.ci/run installs it)")
        let folder = try RealBalancer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (index, example) in DialectCases.haproxyCases.enumerated() {
            let file = folder.appendingPathComponent("case\(index).cfg")
            try example.text.write(to: file, atomically: true, encoding: .utf8)
            let (status, output) = try await RealBalancer.run(haproxy, ["-c", "-f", file.path])
            #expect(status == 0, "haproxy -c refuses '\(example.name)': \(output)")
        }
    }

    @Test func nginxAcceptsEveryCase() async throws {
        let nginx = try #require(RealBalancer.find("nginx"), "nginx is not installed: apt-get install nginx-light (.ci/run installs it)")
        let folder = try RealBalancer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (index, example) in DialectCases.nginxCases.enumerated() {
            let file = folder.appendingPathComponent("case\(index).conf")
            // nginx -t also checks the pid and log paths; keep them in the test's folder.
            let text = "pid \(folder.path)/nginx.pid;\nerror_log \(folder.path)/error.log;\n" + example.text
            try text.write(to: file, atomically: true, encoding: .utf8)
            let (status, output) = try await RealBalancer.run(nginx, ["-t", "-q", "-p", folder.path, "-e", "\(folder.path)/error.log", "-c", file.path])
            #expect(status == 0, "nginx -t refuses '\(example.name)': \(output)")
        }
    }

    @Test func theExampleConfigurationsInTheDocsAreRealToo() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let examples = root.appendingPathComponent("docs/examples")
        let haproxy = try #require(RealBalancer.find("haproxy"), "haproxy is not installed")
        let nginx = try #require(RealBalancer.find("nginx"), "nginx is not installed")
        let folder = try RealBalancer.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted()
        #expect(files.contains { $0.hasSuffix(".cfg") } && files.contains { $0.hasSuffix(".conf") })
        for name in files {
            let path = examples.appendingPathComponent(name).path
            if name.hasSuffix(".cfg") {
                let (status, output) = try await RealBalancer.run(haproxy, ["-c", "-f", path])
                #expect(status == 0, "haproxy -c refuses docs/examples/\(name): \(output)")
            } else if name.hasSuffix(".conf") {
                let text = "pid \(folder.path)/nginx.pid;\nerror_log \(folder.path)/error.log;\n" + (try String(contentsOfFile: path, encoding: .utf8))
                let copy = folder.appendingPathComponent(name)
                try text.write(to: copy, atomically: true, encoding: .utf8)
                let (status, output) = try await RealBalancer.run(nginx, ["-t", "-q", "-p", folder.path, "-e", "\(folder.path)/error.log", "-c", copy.path])
                #expect(status == 0, "nginx -t refuses docs/examples/\(name): \(output)")
            }
        }
    }
}
