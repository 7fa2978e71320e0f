import BalancerConfig
import NIOCore
import NIOSSL
import TLSMaterial

/// The certificates the proxy listener serves, and the TLS context built from them. Built from the configuration
/// at start and on every reload, so renewed certificate files reach new connections while open ones keep theirs.
final class ServedCertificates: Sendable {
    /// One certificate chain and key, ready for NIOSSL.
    struct Served: Sendable {
        let chain: [NIOSSLCertificateSource]
        let key: NIOSSLPrivateKeySource
        let names: [String]
    }

    let context: NIOSSLContext
    let http2: Bool
    /// Every certificate, the default first.
    let served: [Served]

    /// Reads and checks every certificate and key of `tls` (relative paths from `folder`).
    init(_ tls: TLSConfig, relativeTo folder: String?) throws(TLSSetupError) {
        var served: [Served] = []
        for pair in tls.certificates {
            do {
                let files = try CertificateFiles.load(certificate: pair.certificate, key: pair.key, relativeTo: folder)
                let chain = try NIOSSLCertificate.fromPEMBytes(Array(files.chainPEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
                let key = try NIOSSLPrivateKey(bytes: Array(files.keyPEM.utf8), format: .pem)
                served.append(Served(chain: chain, key: .privateKey(key), names: files.hostNames))
            } catch let error as CertificateError {
                throw .certificate(pair.location, error)
            } catch {
                throw .certificate(pair.location, .unparsable(path: pair.certificate, what: "a certificate and key NIOSSL can serve", reason: "\(error)"))
            }
        }
        guard let first = served.first else { throw .noCertificate }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: first.chain, privateKey: first.key)
        configuration.minimumTLSVersion =
            switch tls.minimumVersion {
            case .v1_0: .tlsv1
            case .v1_1: .tlsv11
            case .v1_2: .tlsv12
            case .v1_3: .tlsv13
            }
        configuration.applicationProtocols = tls.http2 ? ["h2", "http/1.1"] : ["http/1.1"]
        if served.count > 1 {
            let choices = served
            configuration.sslContextCallback = { hello, promise in
                promise.succeed(Self.override(for: hello.serverHostname, among: choices))
            }
        }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw .context("\(error)")
        }
        self.served = served
        http2 = tls.http2
    }

    /// The certificate for the host a client named (SNI): an exact name first, then a wildcard one level up;
    /// the default certificate (no change) when none is for that host or the client named none.
    static func override(for serverName: String?, among served: [Served]) -> NIOSSLContextConfigurationOverride {
        guard let name = serverName?.lowercased(), let chosen = pick(name, among: served), chosen > 0 else { return .noChanges }
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = served[chosen].chain
        override.privateKey = served[chosen].key
        return override
    }

    /// The index of the certificate for `name`, if one is for it.
    static func pick(_ name: String, among served: [Served]) -> Int? {
        if let exact = served.firstIndex(where: { $0.names.contains(name) }) { return exact }
        guard let dot = name.firstIndex(of: ".") else { return nil }
        let wildcard = "*" + name[dot...]
        return served.firstIndex { $0.names.contains(wildcard) }
    }
}

/// Why the proxy listener's TLS cannot be set up from the configuration.
enum TLSSetupError: Error, CustomStringConvertible {
    case certificate(ConfigLocation?, CertificateError)
    case noCertificate
    case context(String)

    var description: String {
        switch self {
        case .certificate(let location?, let error): "\(location): listeners.proxy.tls: \(error)"
        case .certificate(nil, let error): "listeners.proxy.tls: \(error)"
        case .noCertificate: "listeners.proxy.tls: no certificate to serve"
        case .context(let reason): "listeners.proxy.tls: the TLS context could not be made: \(reason)"
        }
    }
}
