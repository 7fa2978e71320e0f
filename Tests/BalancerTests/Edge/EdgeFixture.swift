import Balancer
import BalancerAPI
import BalancerConfig
import Cluster
import Foundation
import TLSMaterial

/// A balancer with TLS on its proxy listener in front of test backends, with its configuration and certificates in
/// a folder of their own, so reloads read real files.
struct EdgeFixture {
    let folder: URL
    let configPath: String
    let harness: BalancerHarness
    let backends: [TestBackend]

    var proxyPort: Int { harness.ports.proxy }
    var balancer: LoadBalancer { harness.balancer }

    /// Writes a self-signed certificate for `names` (the first is its common name) as `file.pem` and `file.key`.
    static func writeCertificate(_ file: String, names: [String], in folder: URL) throws {
        let made = try SelfSignedCertificate(commonName: names[0], dnsNames: names, ipAddresses: ["127.0.0.1"])
        try made.certificatePEM.write(to: folder.appendingPathComponent("\(file).pem"), atomically: true, encoding: .utf8)
        try made.keyPEM.write(to: folder.appendingPathComponent("\(file).key"), atomically: true, encoding: .utf8)
    }

    static func yaml(backends: [TestBackend], certificates: [String], extra: String = "", limits: String = "", timeouts: String = "") -> String {
        var text = """
            listeners:
              proxy:
                address: 127.0.0.1
                port: 0
                tls:
                  certificates:

            """
        for file in certificates { text += "        - {certificate: \(file).pem, key: \(file).key}\n" }
        text += extra
        text += "  admin: {address: 127.0.0.1, port: 0}\n"
        if !limits.isEmpty { text += "limits: {\(limits)}\n" }
        if !timeouts.isEmpty { text += "timeouts: {\(timeouts)}\n" }
        text += "pools:\n  - name: web\n    health: {enabled: false}\n    backends:\n"
        for b in backends { text += "      - {name: \(b.name), address: \"127.0.0.1:\(b.port)\"}\n" }
        return text
    }

    /// Starts backends `names` and a balancer serving certificate `default` (for localhost) and any `more`
    /// (file name and host names).
    static func start(
        backends names: [String] = ["a", "b"], more: [(String, [String])] = [], limits: String = "", timeouts: String = ""
    ) async throws -> EdgeFixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-edge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try writeCertificate("default", names: ["localhost"], in: folder)
        for (file, hosts) in more { try writeCertificate(file, names: hosts, in: folder) }
        var backends: [TestBackend] = []
        for name in names { backends.append(try await TestBackend.start(name)) }
        let configPath = folder.appendingPathComponent("balancer.yaml").path
        let text = yaml(backends: backends, certificates: ["default"] + more.map(\.0), limits: limits, timeouts: timeouts)
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        let harness = try await BalancerHarness.start(try BalancerConfigLoader.load(contentsOf: configPath), configPath: configPath)
        return EdgeFixture(folder: folder, configPath: configPath, harness: harness, backends: backends)
    }

    func stop() async {
        await harness.stop()
        for backend in backends { await backend.kill() }
        try? FileManager.default.removeItem(at: folder)
    }

    /// `curl` with `arguments`, trusting any certificate; its output and exit status.
    func curl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let run = try await ChildProgramRunner.curl(["-sk", "--max-time", "20"] + arguments)
        return (run.status, run.output)
    }

    /// The value of metric line `name{labels}` in the balancer's `/metrics`, 0 when absent.
    func metric(_ nameAndLabels: String) -> Double {
        for line in balancer.metricsText().split(separator: "\n") where line.hasPrefix(nameAndLabels + " ") {
            return Double(line.split(separator: " ").last ?? "0") ?? 0
        }
        return 0
    }
}
