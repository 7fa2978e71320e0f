import Balancer
import BalancerAPI
import BalancerConfig
import EvenkeelTestSupport
import Foundation
import Testing

/// TLS on the proxy listener with real clients: curl (HTTP/1.1 and HTTP/2) and a raw TLS client.
@Suite("TLS and HTTP/2 at the proxy listener", .serialized, .timeLimit(.minutes(1)))
struct TLSEdgeTests {
    @Test func httpsRequestsOverHTTP1AndHTTP2AreBalancedAndCountedAlike() async throws {
        let fixture = try await EdgeFixture.start()
        let teardown = Teardown { await fixture.stop() }
        defer { teardown.runIfForgotten() }
        let url = "https://127.0.0.1:\(fixture.proxyPort)/"
        // Ten requests on one connection each way: curl reuses it for every URL given.
        let each = Array(repeating: ["-o", "/dev/null", url], count: 10).flatMap { $0 }
        let http1 = try await fixture.curl(["--http1.1", "-w", "%{http_version} %{http_code}\\n"] + each)
        #expect(http1.status == 0, "\(http1.output)")
        #expect(http1.output.split(separator: "\n").allSatisfy { $0 == "1.1 200" }, "\(http1.output)")
        let http2 = try await fixture.curl(["--http2", "-w", "%{http_version} %{http_code}\\n"] + each)
        #expect(http2.status == 0, "\(http2.output)")
        #expect(http2.output.split(separator: "\n").count == 10)
        #expect(http2.output.split(separator: "\n").allSatisfy { $0 == "2 200" }, "\(http2.output)")
        // Round robin over both protocols: the share statistics do not depend on the protocol.
        #expect(fixture.backends.map(\.requestCount) == [10, 10])
        let report = fixture.balancer.stats()
        #expect(report.pools[0].backends.map(\.requests) == [10, 10])
        #expect(report.pools[0].backends.map(\.responses2xx) == [10, 10])
        #expect(fixture.metric(#"evenkeel_tls_connections_total{protocol="h2"}"#) == 1)
        #expect(fixture.metric(#"evenkeel_tls_connections_total{protocol="http/1.1"}"#) == 1)
        #expect(fixture.metric("evenkeel_http2_streams_total") == 10)
        await teardown.run()
    }

    @Test func requestsOverTLSReachTheBackendMarkedHTTPSWithTheirBodies() async throws {
        let fixture = try await EdgeFixture.start(backends: ["a"])
        let teardown = Teardown { await fixture.stop() }
        defer { teardown.runIfForgotten() }
        let url = "https://127.0.0.1:\(fixture.proxyPort)/echo"
        for version in ["--http1.1", "--http2"] {
            let posted = try await fixture.curl([version, "-D", "-", "-H", "Cookie: a=1", "-H", "Cookie: b=2", "--data-binary", "hello over tls", url])
            #expect(posted.status == 0)
            #expect(posted.output.contains("x-req-x-forwarded-proto: https"), "\(version): \(posted.output)")
            #expect(posted.output.hasSuffix("hello over tls"), "\(version): the body went up and came back")
            if version == "--http2" {
                #expect(posted.output.contains("x-req-cookie: a=1; b=2"), "HTTP/2's cookie fields go on as one HTTP/1.1 field: \(posted.output)")
            }
            // A body of unknown length (chunked; in HTTP/2 DATA frames without content-length) arrives whole.
            let unknownLength = version == "--http2" ? ["-H", "Content-Length:"] : ["-H", "Content-Length:", "-H", "Transfer-Encoding: chunked"]
            let chunked = try await fixture.curl([version] + unknownLength + ["--data-binary", "streamed", url])
            #expect(chunked.output == "streamed", "\(version): \(chunked.output)")
            let head = try await fixture.curl([version, "-I", "https://127.0.0.1:\(fixture.proxyPort)/big?bytes=5000"])
            #expect(head.status == 0, "\(version): a HEAD response has no body, whatever its content-length says: \(head.output)")
            let big = try await fixture.curl([version, "-o", "/dev/null", "-w", "%{size_download}", "https://127.0.0.1:\(fixture.proxyPort)/big?bytes=300000"])
            #expect(big.output == "300000", "\(version)")
        }
        await teardown.run()
    }

    @Test func sniPicksTheCertificateForTheNamedHostAndTheFirstOtherwise() async throws {
        let fixture = try await EdgeFixture.start(backends: ["a"], more: [("jobs", ["jobs.test"]), ("wild", ["*.wild.test"])])
        let teardown = Teardown { await fixture.stop() }
        defer { teardown.runIfForgotten() }
        for (name, expected) in [("jobs.test", "jobs.test"), ("x.wild.test", "*.wild.test"), ("other.test", "localhost"), (nil, "localhost")] as [(String?, String)] {
            let client = try await TLSTestClient.connect(port: fixture.proxyPort, serverName: name, alpn: ["http/1.1"])
            #expect(client.peerCommonName == expected, "SNI \(name ?? "none")")
            await client.close()
        }
        await teardown.run()
    }

    @Test func aRenewedCertificateIsServedAfterAReloadWhileOpenConnectionsCarryOn() async throws {
        let fixture = try await EdgeFixture.start(backends: ["a"])
        let teardown = Teardown { await fixture.stop() }
        defer { teardown.runIfForgotten() }
        let open = try await TLSTestClient.connect(port: fixture.proxyPort, alpn: ["http/1.1"])
        #expect(open.peerCommonName == "localhost")
        try await open.send("GET / HTTP/1.1\r\nhost: localhost\r\n\r\n")
        try await open.wait(seconds: 10) { String(decoding: $0.bytes, as: UTF8.self).contains("\r\n\r\na") }

        try EdgeFixture.writeCertificate("default", names: ["renewed.test", "localhost"], in: fixture.folder)
        let event = await fixture.balancer.reload(trigger: "test")
        #expect(event.result == .unchanged, "the configuration is the same; its certificate files are new")
        let fresh = try await TLSTestClient.connect(port: fixture.proxyPort, alpn: ["http/1.1"])
        #expect(fresh.peerCommonName == "renewed.test")
        await fresh.close()
        // The connection opened before the reload still works.
        try await open.send("GET /again HTTP/1.1\r\nhost: localhost\r\n\r\n")
        try await open.wait(seconds: 10) { String(decoding: $0.bytes, as: UTF8.self).components(separatedBy: "HTTP/1.1 200").count == 3 }
        #expect(!open.closed)
        await open.close()
        await teardown.run()
    }

    @Test func aBadCertificateRefusesTheReloadAndTheRunningOneKeepsServing() async throws {
        let fixture = try await EdgeFixture.start(backends: ["a"], more: [("other", ["other.test"])])
        let teardown = Teardown { await fixture.stop() }
        defer { teardown.runIfForgotten() }
        // The default certificate's key replaced by another certificate's key.
        let keyPath = fixture.folder.appendingPathComponent("default.key")
        let goodKey = try Data(contentsOf: keyPath)
        try Data(contentsOf: fixture.folder.appendingPathComponent("other.key")).write(to: keyPath)
        let mismatched = await fixture.balancer.reload(trigger: "test")
        #expect(mismatched.result == .refused)
        #expect(mismatched.error?.contains("is not the private key of the first certificate in default.pem") == true, "\(mismatched.error ?? "")")
        #expect(mismatched.error?.contains("balancer.yaml:7:") == true, "the error names where the pair is written: \(mismatched.error ?? "")")
        try goodKey.write(to: keyPath)
        // A certificate file that is gone.
        try FileManager.default.removeItem(at: fixture.folder.appendingPathComponent("other.pem"))
        let missing = await fixture.balancer.reload(trigger: "test")
        #expect(missing.result == .refused)
        #expect(missing.error?.contains("cannot read") == true, "\(missing.error ?? "")")
        // Not PEM at all.
        try "not a certificate".write(to: fixture.folder.appendingPathComponent("other.pem"), atomically: true, encoding: .utf8)
        let garbage = await fixture.balancer.reload(trigger: "test")
        #expect(garbage.result == .refused)
        #expect(garbage.error?.contains("other.pem is not a PEM certificate chain") == true, "\(garbage.error ?? "")")
        // Still serving, with the certificate it had.
        let client = try await TLSTestClient.connect(port: fixture.proxyPort, alpn: ["http/1.1"])
        #expect(client.peerCommonName == "localhost")
        await client.close()
        let served = try await fixture.curl(["-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:\(fixture.proxyPort)/"])
        #expect(served.output == "200")
        await teardown.run()
    }

    @Test func aBalancerWithABadCertificateDoesNotStartAndSaysWhy() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-edge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try EdgeFixture.writeCertificate("default", names: ["localhost"], in: folder)
        try EdgeFixture.writeCertificate("other", names: ["other.test"], in: folder)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("default.key"))
        try FileManager.default.copyItem(at: folder.appendingPathComponent("other.key"), to: folder.appendingPathComponent("default.key"))
        let a = try await TestBackend.start("a")
        let configPath = folder.appendingPathComponent("balancer.yaml").path
        try EdgeFixture.yaml(backends: [a], certificates: ["default"]).write(toFile: configPath, atomically: true, encoding: .utf8)
        await #expect {
            _ = try await BalancerHarness.start(try BalancerConfigLoader.load(contentsOf: configPath), configPath: configPath)
        } throws: { error in
            "\(error)".contains("is not the private key")
        }
        await a.kill()
    }

    @Test func aConnectionThatNeverCompletesAHandshakeIsClosedAndCounted() async throws {
        let fixture = try await EdgeFixture.start(backends: ["a"], timeouts: "header_read: 1s")
        let teardown = Teardown { await fixture.stop() }
        defer { teardown.runIfForgotten() }
        // Plain HTTP on the TLS port: not a ClientHello.
        // (The balancer may have closed before the write on a busy machine: that is a refusal too.)
        let plain = (try? await TestClient.raw(port: fixture.proxyPort, "GET / HTTP/1.1\r\nhost: x\r\n\r\n")) ?? ""
        #expect(!plain.contains("200"))
        // Silence: closed once the handshake's time is up.
        let clock = ContinuousClock()
        let start = clock.now
        let silent = try await RawConversation.with(port: fixture.proxyPort) { try await $0.readToClose() }
        #expect(silent.isEmpty)
        #expect(clock.now - start < .seconds(8), "closed after \(clock.now - start)")
        #expect(fixture.metric("evenkeel_tls_handshake_failures_total") >= 2)
        #expect(fixture.backends[0].requestCount == 0)
        await teardown.run()
    }
}
