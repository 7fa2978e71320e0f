import Balancer
import BalancerConfig
import EvenkeelTestSupport
import Foundation
import LoadGen
import Logging
import TLSMaterial
import Testing

/// `evenkeel load https://…`: both models over TLS to a real balancer terminating it, and a certificate the
/// generator does not trust refused unless told otherwise.
@Suite("Load over TLS", .timeLimit(.minutes(1)))
struct LoadOverTLSTests {
    static func balancer(in folder: URL, backendPort: Int) async throws -> (LoadBalancer, Int) {
        let made = try SelfSignedCertificate(commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        try made.certificatePEM.write(to: folder.appendingPathComponent("c.pem"), atomically: true, encoding: .utf8)
        try made.keyPEM.write(to: folder.appendingPathComponent("c.key"), atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("lb.yaml").path
        try """
            listeners:
              proxy: {address: 127.0.0.1, port: 0, tls: {certificates: [{certificate: c.pem, key: c.key}]}}
              admin: {address: 127.0.0.1, port: 0}
            pools:
              - name: web
                health: {enabled: false}
                backends: [{name: only, address: "127.0.0.1:\(backendPort)"}]

            """.write(toFile: path, atomically: true, encoding: .utf8)
        let balancer = LoadBalancer(
            configuration: try BalancerConfigLoader.load(contentsOf: path), configPath: path,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        return (balancer, try await balancer.start().proxy)
    }

    @Test func bothModelsRunOverTLSAndAnUntrustedCertificateIsRefused() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-load-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await StubServer.start()
        let (balancer, port) = try await Self.balancer(in: folder, backendPort: server.port)

        var closed = LoadTest(host: "127.0.0.1", port: port, mix: .single(path: "/"), model: .closed(connections: 2), duration: 30, maxRequests: 200)
        closed.tls = ClientTLS(verifyCertificates: false)
        let closedReport = await closed.run()
        #expect(closedReport.statuses == ["200": 200], "\(closedReport.failureExamples)")
        #expect(closedReport.backends.map(\.name) == ["only"], "the balancer's backend header came back through TLS")

        var open = LoadTest(host: "127.0.0.1", port: port, mix: .single(path: "/"), model: .open(.constant(rate: 100)), duration: 1, connections: 4)
        open.tls = ClientTLS(verifyCertificates: false)
        let openReport = await open.run()
        #expect(openReport.statuses == ["200": 100], "\(openReport.failureExamples)")

        var overHTTP2 = LoadTest(host: "127.0.0.1", port: port, mix: .single(path: "/"), model: .open(.constant(rate: 100)), duration: 1, connections: 4)
        overHTTP2.tls = ClientTLS(verifyCertificates: false)
        overHTTP2.http2 = true
        let http2Report = await overHTTP2.run()
        #expect(http2Report.statuses == ["200": 100], "\(http2Report.failureExamples)")
        #expect(http2Report.backends.map(\.name) == ["only"])
        let metrics = balancer.metricsText()
        #expect(metrics.contains("evenkeel_http2_streams_total 100"), "every request was an HTTP/2 stream")

        var trusting = LoadTest(host: "127.0.0.1", port: port, mix: .single(path: "/"), model: .closed(connections: 1), duration: 5, maxRequests: 3)
        trusting.tls = ClientTLS(verifyCertificates: true)
        let refused = await trusting.run()
        #expect(refused.statuses.isEmpty, "a self-signed certificate is not trusted by default")
        #expect(refused.errorRate == 1)
        #expect(refused.failures.keys.sorted() == ["connect"], "\(refused.failures)")
        #expect(refused.failureExamples["connect"]?.contains("TLS") == true, "the report says why: \(refused.failureExamples)")
        for http2 in [false, true] {
            var untrusted = LoadTest(host: "127.0.0.1", port: port, mix: .single(path: "/"), model: .open(.constant(rate: 20)), duration: 0.5, connections: 2)
            untrusted.tls = ClientTLS(verifyCertificates: true)
            untrusted.http2 = http2
            let report = await untrusted.run()
            #expect(report.failures.keys.sorted() == ["connect"], "http2 \(http2): \(report.failures)")
            #expect(report.failureExamples["connect"]?.contains("--insecure") == true, "http2 \(http2): \(report.failureExamples)")
        }

        #expect(HTTPTarget(parsingOrNil: "https://127.0.0.1/")?.port == 443)
        #expect(HTTPTarget(parsingOrNil: "https://127.0.0.1:8443/")?.secure == true)
        #expect(HTTPTarget(parsingOrNil: "http://127.0.0.1:8080/")?.secure == false)
        await balancer.stop(deadline: .seconds(2))
        await server.stop()
    }
}

extension HTTPTarget {
    init?(parsingOrNil text: String) {
        guard let target = try? HTTPTarget(parsing: text) else { return nil }
        self = target
    }
}
