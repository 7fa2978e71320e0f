import Foundation
import SwiftASN1
import X509

/// A certificate chain and its private key, read from PEM files and checked against each other: what the proxy
/// listener serves, and what ConfigCheck inspects before a deploy.
public struct CertificateFiles: Sendable {
    /// The chain file as given in the configuration (for messages).
    public let certificatePath: String
    /// The key file as given in the configuration.
    public let keyPath: String
    /// The chain's PEM text, the server's own certificate first.
    public let chainPEM: String
    /// The private key's PEM text.
    public let keyPEM: String
    /// The server's own certificate, parsed.
    public let leaf: Certificate

    /// Reads both files (relative paths from `folder`) and refuses a chain that does not parse, is empty, or whose
    /// first certificate is not the key's.
    public static func load(certificate: String, key: String, relativeTo folder: String?) throws(CertificateError) -> CertificateFiles {
        let chainPEM = try read(certificate, relativeTo: folder)
        let keyPEM = try read(key, relativeTo: folder)
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: chainPEM).filter { $0.discriminator == "CERTIFICATE" }
        } catch {
            throw .unparsable(path: certificate, what: "a PEM certificate chain", reason: "\(error)")
        }
        guard let first = documents.first else {
            throw .unparsable(path: certificate, what: "a PEM certificate chain", reason: "it holds no CERTIFICATE block")
        }
        let leaf: Certificate
        do {
            leaf = try Certificate(pemDocument: first)
        } catch {
            throw .unparsable(path: certificate, what: "a PEM certificate chain", reason: "\(error)")
        }
        let privateKey: Certificate.PrivateKey
        do {
            privateKey = try Certificate.PrivateKey(pemEncoded: keyPEM)
        } catch {
            throw .unparsable(path: key, what: "a PEM private key (PKCS#8, RSA or EC)", reason: "\(error)")
        }
        guard privateKey.publicKey == leaf.publicKey else {
            throw .keyMismatch(certificate: certificate, key: key)
        }
        return CertificateFiles(certificatePath: certificate, keyPath: key, chainPEM: chainPEM, keyPEM: keyPEM, leaf: leaf)
    }

    /// The host names the certificate is for: its DNS subject alternative names (wildcards as `*.example.com`),
    /// or its common name when it has none. SNI picks among certificates by these.
    public var hostNames: [String] {
        var names: [String] = []
        if let alternatives = try? leaf.extensions.subjectAlternativeNames {
            for name in alternatives {
                if case .dnsName(let dns) = name { names.append(dns.lowercased()) }
            }
        }
        if names.isEmpty {
            for rdn in leaf.subject {
                for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                    names.append(String(describing: attribute.value).lowercased())
                }
            }
        }
        return names
    }

    /// When the certificate stops being valid.
    public var notValidAfter: Date { leaf.notValidAfter }

    private static func read(_ path: String, relativeTo folder: String?) throws(CertificateError) -> String {
        let resolved = path.hasPrefix("/") || folder == nil ? path : "\(folder!)/\(path)"
        do {
            return try String(contentsOfFile: resolved, encoding: .utf8)
        } catch {
            throw .unreadable(path: resolved, reason: error.localizedDescription)
        }
    }
}
