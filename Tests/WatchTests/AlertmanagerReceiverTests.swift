import AsyncHTTPClient
import EvenkeelTestSupport
import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import Watch

/// Watch's `alertmanager` receiver against a real Alertmanager (Debian's `prometheus-alertmanager`) on 127.0.0.1:
/// the alert appears with its labels while the incident is open and goes when it resolves.
@Suite struct AlertmanagerReceiverTests {
    static func startAlertmanager() async throws -> (RunningBalancer, Int) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-am-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("alertmanager.yml")
        try "route:\n  receiver: nobody\nreceivers:\n  - name: nobody\n".write(to: config, atomically: true, encoding: .utf8)
        let port = RunningBalancer.freePort()
        let program = ["/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let program else {
            throw RunningBalancerError.didNotStart("prometheus-alertmanager (not installed: apt-get install prometheus-alertmanager)", port)
        }
        let running = try await RunningBalancer.start(
            program: program,
            arguments: [
                "--config.file=\(config.path)", "--storage.path=\(folder.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
            ],
            folder: folder, waitingFor: port)
        return (running, port)
    }

    /// The alerts Alertmanager holds now (active ones: resolved alerts are not listed).
    static func alerts(_ client: HTTPClient, port: Int) async throws -> [[String: Any]] {
        let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v2/alerts"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        return try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [[String: Any]])
    }

    @Test func anIncidentsAlertIsInAlertmanagerWithItsLabelsWhileOpenAndGoneWhenResolved() async throws {
        let (alertmanager, port) = try await Self.startAlertmanager()
        defer { alertmanager.stop() }
        let settings = NotifySettings(
            receivers: [ReceiverSettings(name: "am", kind: .alertmanager, url: "http://127.0.0.1:\(port)", audience: .engineering)],
            routes: [NotifyRoute(receivers: ["am"])])
        let rig = try await NotificationDeliveryTests.Rig(settings)
        let incident = try await rig.open("jobboard")
        await rig.delivery.deliverDue(at: Date())
        #expect(try await rig.outbox.counts()[.delivered] == 1)

        let open = try await Self.alerts(rig.client, port: port)
        #expect(open.count == 1)
        let alert = try #require(open.first)
        let labels = try #require(alert["labels"] as? [String: String])
        #expect(labels["alertname"] == "EvenkeelConfigSkew")
        #expect(labels["pool"] == "jobboard")
        #expect(labels["diagnosis"] == "config_skew")
        #expect(labels["severity"] == "page")
        #expect(labels["incident_id"] == "\(incident.id)")
        #expect((alert["annotations"] as? [String: String])?["runbook_url"]?.contains("config-skew") == true)
        #expect(((alert["status"] as? [String: Any])?["state"] as? String) == "active")
        // Watch's webhook names the alert with the fingerprint Alertmanager itself gives the same labels.
        #expect(alert["fingerprint"] as? String == AlertFingerprint.of(labels))

        // Resolved: Watch sends endsAt, and Alertmanager no longer lists it as active.
        // (The resolve delay is 1 s; resolved "now", not in the future, or Alertmanager would keep it active until then.)
        try await Task.sleep(for: .milliseconds(1100))
        let resolved = try #require(try await rig.tracker.observe("jobboard", finding: nil, at: Date()).first)
        #expect(resolved.kind == .resolved)
        await rig.notifier.handle(resolved, at: Date())
        await rig.delivery.deliverDue(at: Date())
        #expect(try await rig.outbox.counts()[.delivered] == 2)
        #expect(try await Self.alerts(rig.client, port: port).isEmpty)
        try await rig.shutdown()
    }
}
