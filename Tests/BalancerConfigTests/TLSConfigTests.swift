import BalancerConfig
import Testing

/// `listeners.proxy.tls`: read with every default, each fault located.
@Suite("TLS configuration")
struct TLSConfigTests {
    static let pools = "pools:\n  - backends: [{ address: h:1 }]\n"

    func error(_ yaml: String) -> ConfigError? { loadError(yaml) }

    @Test func certificatesVersionAndHTTP2AreReadWithTheirDefaults() throws {
        let yaml = """
            listeners:
              proxy:
                port: 8443
                tls:
                  certificates:
                    - {certificate: a.pem, key: a.key}
                    - certificate: /etc/b.pem
                      key: /etc/b.key
            limits: {http2_max_concurrent_streams: 50}

            """ + Self.pools
        let config = try BalancerConfigLoader.parse(yaml: yaml, file: "lb.yaml")
        let tls = try #require(config.listeners.proxyTLS)
        #expect(tls.certificates.map(\.certificate) == ["a.pem", "/etc/b.pem"])
        #expect(tls.certificates.map(\.key) == ["a.key", "/etc/b.key"])
        #expect(tls.certificates.first?.location?.line == 6, "each pair knows its line, for errors about its files")
        #expect(tls.minimumVersion == .v1_2)
        #expect(tls.http2)
        #expect(config.limits.http2MaxConcurrentStreams == 50)
        let plain = try BalancerConfigLoader.parse(yaml: Self.pools, file: "lb.yaml")
        #expect(plain.listeners.proxyTLS == nil)
        #expect(plain.limits.http2MaxConcurrentStreams == 100)
    }

    @Test func tlsChangesTheConfigurationHashAndPlainConfigurationsKeepTheirs() throws {
        let plain = try BalancerConfigLoader.parse(yaml: Self.pools, file: "lb.yaml")
        #expect(!plain.canonicalText.contains("tls"), "a configuration without TLS hashes as it did before TLS existed")
        let tls = try BalancerConfigLoader.parse(
            yaml: "listeners:\n  proxy:\n    tls: {certificates: [{certificate: a.pem, key: a.key}]}\n" + Self.pools, file: "lb.yaml")
        let older = try BalancerConfigLoader.parse(
            yaml: "listeners:\n  proxy:\n    tls: {certificates: [{certificate: a.pem, key: a.key}], min_version: \"1.3\"}\n" + Self.pools, file: "lb.yaml")
        #expect(Set([plain.configHash, tls.configHash, older.configHash]).count == 3)
    }

    @Test func eachFaultNamesItsPlace() throws {
        let noCertificates = try #require(error("listeners:\n  proxy:\n    tls: {min_version: \"1.2\"}\n" + Self.pools))
        #expect(noCertificates.description.contains("lb.yaml:3:10"), "\(noCertificates)")
        #expect(noCertificates.description.contains("certificates"))
        let empty = try #require(error("listeners:\n  proxy:\n    tls: {certificates: []}\n" + Self.pools))
        #expect(empty.description.contains("at least one certificate"), "\(empty)")
        let noKey = try #require(error("listeners:\n  proxy:\n    tls:\n      certificates:\n        - {certificate: a.pem}\n" + Self.pools))
        #expect(noKey.description.hasPrefix("lb.yaml:5:11"), "\(noKey)")
        #expect(noKey.description.contains("key"))
        let version = try #require(error("listeners:\n  proxy:\n    tls: {certificates: [{certificate: a, key: b}], min_version: \"2.0\"}\n" + Self.pools))
        #expect(version.description.contains("'2.0'") && version.description.contains("\"1.3\""), "\(version)")
        let unknown = try #require(error("listeners:\n  proxy:\n    tls: {certificates: [{certificate: a, key: b}], ciphers: x}\n" + Self.pools))
        #expect(unknown.description.contains("unknown key 'ciphers'"), "\(unknown)")
        let streams = try #require(error("limits: {http2_max_concurrent_streams: 0}\n" + Self.pools))
        #expect(streams.description.contains("http2_max_concurrent_streams"), "\(streams)")
    }
}
