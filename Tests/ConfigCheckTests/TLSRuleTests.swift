import ConfigCheck
import Foundation
import TLSMaterial
import Testing

/// EK123 (expiry), EK124 (a certificate that cannot be served) and EK125 (TLS 1.0/1.1) on real certificate files, in
/// all three dialects; the HAProxy and nginx configurations are checked by the real programs too, so each case is
/// one they would load (or, for a key that is not the certificate's, one they refuse as well).
@Suite("TLS rules on real certificate files")
struct TLSRuleTests {
    /// A folder with certificates: `good` (90 days), `soon` (5 days left), `old` (expired), and `other`, each as a
    /// `.pem` and `.key` pair and as one `.both` file (chain then key, as HAProxy takes it); `mixed.both` holds
    /// `good`'s certificate with `other`'s key.
    static func certificateFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-tls-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let now = Date()
        let made = [
            ("good", try SelfSignedCertificate(commonName: "good.test", dnsNames: ["good.test"], days: 90)),
            ("soon", try SelfSignedCertificate(commonName: "soon.test", dnsNames: ["soon.test"], days: 5)),
            ("old", try SelfSignedCertificate(commonName: "old.test", dnsNames: ["old.test"], days: 30, now: now.addingTimeInterval(-40 * 86_400))),
            ("other", try SelfSignedCertificate(commonName: "other.test", dnsNames: ["other.test"], days: 90)),
        ]
        for (name, certificate) in made {
            try certificate.certificatePEM.write(to: folder.appendingPathComponent("\(name).pem"), atomically: true, encoding: .utf8)
            try certificate.keyPEM.write(to: folder.appendingPathComponent("\(name).key"), atomically: true, encoding: .utf8)
            try (certificate.certificatePEM + certificate.keyPEM).write(to: folder.appendingPathComponent("\(name).both"), atomically: true, encoding: .utf8)
        }
        try (made[0].1.certificatePEM + made[3].1.keyPEM).write(to: folder.appendingPathComponent("mixed.both"), atomically: true, encoding: .utf8)
        return folder
    }

    static func findings(_ text: String, file: String, in folder: URL) throws -> [Finding] {
        let path = folder.appendingPathComponent(file).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try ConfigChecker().check(paths: [path]).findings.filter { ["EK123", "EK124", "EK125"].contains($0.rule) }
    }

    static func evenkeel(_ pair: String, key: String? = nil, minVersion: String? = nil) -> String {
        """
        listeners:
          proxy:
            port: 8443
            tls:
              certificates:
                - {certificate: \(pair).pem, key: \(key ?? pair).key}
        \(minVersion.map { "      min_version: \"\($0)\"\n" } ?? "")pools:
          - name: web
            backends:
              - {name: a, address: "10.0.0.1:8080"}
              - {name: b, address: "10.0.0.2:8080"}

        """
    }

    @Test func evenkeelCertificatesAreCheckedForExpiryKeyAndVersion() throws {
        let folder = try Self.certificateFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try Self.findings(Self.evenkeel("good"), file: "lb.yaml", in: folder).isEmpty)

        let soon = try Self.findings(Self.evenkeel("soon"), file: "lb.yaml", in: folder)
        #expect(soon.map(\.rule) == ["EK123"])
        #expect(soon.first?.severity == .warning)
        #expect(soon.first?.line == 6)
        #expect(soon.first?.message.contains("soon.pem expires on") == true, "\(soon)")

        let old = try Self.findings(Self.evenkeel("old"), file: "lb.yaml", in: folder)
        #expect(old.map(\.rule) == ["EK123"])
        #expect(old.first?.severity == .error)
        #expect(old.first?.message.contains("expired on") == true)

        let mismatched = try Self.findings(Self.evenkeel("good", key: "other"), file: "lb.yaml", in: folder)
        #expect(mismatched.map(\.rule) == ["EK124"])
        #expect(mismatched.first?.severity == .error)
        #expect(mismatched.first?.message.contains("other.key is not the private key of the first certificate in good.pem") == true, "\(mismatched)")

        let missing = try Self.findings(Self.evenkeel("absent"), file: "lb.yaml", in: folder)
        #expect(missing.map(\.rule) == ["EK124"])
        #expect(missing.first?.message.contains("cannot read") == true)

        let legacy = try Self.findings(Self.evenkeel("good", minVersion: "1.0"), file: "lb.yaml", in: folder)
        #expect(legacy.map(\.rule) == ["EK125"])
        #expect(legacy.first?.line == 7, "at min_version")
        #expect(legacy.first?.message.contains("TLS 1.0 and TLS 1.1") == true, "\(legacy)")
        #expect(legacy.first?.hint.contains("min_version") == true)
    }

    @Test func haproxyCertificatesAreCheckedAndHAProxyAgrees() async throws {
        let haproxy = try #require(RealBalancer.find("haproxy"), "haproxy is not installed: apt-get install haproxy (.ci/run installs it)")
        let folder = try Self.certificateFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func text(_ bind: String) -> String { HAProxyText().with { $0.frontend[0] = bind }.text }
        func accepted(_ text: String) async throws -> Bool {
            let path = folder.appendingPathComponent("check.cfg").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return try await RealBalancer.run(haproxy, ["-c", "-f", path]).status == 0
        }
        let good = text("bind 127.0.0.1:18443 ssl crt \(folder.path)/good.both")
        #expect(try Self.findings(good, file: "haproxy.cfg", in: folder).isEmpty)
        #expect(try await accepted(good))

        let legacy = text("bind 127.0.0.1:18443 ssl crt \(folder.path)/good.both ssl-min-ver TLSv1.0")
        let legacyFindings = try Self.findings(legacy, file: "haproxy.cfg", in: folder)
        #expect(legacyFindings.map(\.rule) == ["EK125"])
        #expect(legacyFindings.first?.hint.contains("ssl-min-ver TLSv1.2") == true)
        #expect(try await accepted(legacy))

        let old = text("bind 127.0.0.1:18443 ssl crt \(folder.path)/old.both")
        #expect(try Self.findings(old, file: "haproxy.cfg", in: folder).map(\.rule) == ["EK123"])
        #expect(try await accepted(old), "HAProxy starts with an expired certificate; only the clients refuse it")

        let mixed = text("bind 127.0.0.1:18443 ssl crt \(folder.path)/mixed.both")
        #expect(try Self.findings(mixed, file: "haproxy.cfg", in: folder).map(\.rule) == ["EK124"])
        #expect(try await !accepted(mixed), "HAProxy refuses a key that is not the certificate's, as the rule says")
    }

    @Test func nginxCertificatesAreCheckedAndNginxAgrees() async throws {
        let nginx = try #require(RealBalancer.find("nginx"), "nginx is not installed: apt-get install nginx-light (.ci/run installs it)")
        let folder = try Self.certificateFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func text(_ pair: String, key: String? = nil, protocols: String = "") -> String {
            NginxText().with {
                $0.extra = [
                    "server { listen 127.0.0.1:18443 ssl; ssl_certificate \(folder.path)/\(pair).pem; ssl_certificate_key \(folder.path)/\(key ?? pair).key; \(protocols) location / { proxy_pass http://web; } }"
                ]
            }.text
        }
        func accepted(_ text: String) async throws -> Bool {
            let path = folder.appendingPathComponent("check.conf").path
            let full = "pid \(folder.path)/nginx.pid;\nerror_log \(folder.path)/error.log;\n" + text
            try full.write(toFile: path, atomically: true, encoding: .utf8)
            return try await RealBalancer.run(nginx, ["-t", "-q", "-p", folder.path, "-e", "\(folder.path)/error.log", "-c", path]).status == 0
        }
        #expect(try Self.findings(text("good"), file: "nginx.conf", in: folder).isEmpty)
        #expect(try await accepted(text("good")))

        let legacy = text("good", protocols: "ssl_protocols TLSv1 TLSv1.1 TLSv1.2;")
        let legacyFindings = try Self.findings(legacy, file: "nginx.conf", in: folder)
        #expect(legacyFindings.map(\.rule) == ["EK125"])
        #expect(legacyFindings.first?.message.contains("TLS 1.0 and TLS 1.1") == true)
        #expect(try await accepted(legacy))

        #expect(try Self.findings(text("soon"), file: "nginx.conf", in: folder).map(\.rule) == ["EK123"])
        let mismatched = text("good", key: "other")
        #expect(try Self.findings(mismatched, file: "nginx.conf", in: folder).map(\.rule) == ["EK124"])
        #expect(try await !accepted(mismatched), "nginx refuses a key that is not the certificate's, as the rule says")
    }

    @Test func aReloadIsNotCheckedForFilesTheBalancerReadsItself() throws {
        // The reload veto checks a configuration in memory: its relative file names mean nothing there.
        let config = try CheckedConfig.parse(Self.evenkeel("absent"), file: "<reload>", dialect: .evenkeel)
        #expect(ConfigChecker().check(config).findings.filter { ["EK123", "EK124"].contains($0.rule) }.isEmpty)
    }
}
