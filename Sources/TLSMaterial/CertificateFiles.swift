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
        let keyPEM = key == certificate ? chainPEM : try read(key, relativeTo: folder)
        let leaf = try Self.leaf(in: chainPEM, path: certificate)
        let privateKey: Certificate.PrivateKey
        do {
            // The key may share its file with the chain (HAProxy's `crt`): the first PRIVATE KEY block is it.
            let documents = try PEMDocument.parseMultiple(pemString: keyPEM)
            guard let block = documents.first(where: { $0.discriminator.hasSuffix("PRIVATE KEY") }) else {
                throw CertificateError.unparsable(path: key, what: "a PEM private key (PKCS#8, RSA or EC)", reason: "it holds no PRIVATE KEY block")
            }
            privateKey = try Certificate.PrivateKey(pemEncoded: block.pemString)
        } catch let error as CertificateError {
            throw error
        } catch {
            throw .unparsable(path: key, what: "a PEM private key (PKCS#8, RSA or EC)", reason: "\(error)")
        }
        guard privateKey.publicKey == leaf.publicKey else {
            throw .keyMismatch(certificate: certificate, key: key)
        }
        return CertificateFiles(certificatePath: certificate, keyPath: key, chainPEM: chainPEM, keyPEM: keyPEM, leaf: leaf)
    }

    /// The first certificate of the chain in file `path` (relative to `folder` unless absolute): enough to know its
    /// names and expiry even when its key is wrong or missing.
    public static func leaf(of path: String, relativeTo folder: String?) throws(CertificateError) -> Certificate {
        try leaf(in: try read(path, relativeTo: folder), path: path)
    }

    /// When the first certificate in file `path` stops being valid.
    public static func expiry(of path: String, relativeTo folder: String?) throws(CertificateError) -> Date {
        try leaf(of: path, relativeTo: folder).notValidAfter
    }

    static func leaf(in chainPEM: String, path: String) throws(CertificateError) -> Certificate {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: chainPEM).filter { $0.discriminator == "CERTIFICATE" }
        } catch {
            throw .unparsable(path: path, what: "a PEM certificate chain", reason: "\(error)")
        }
        guard let first = documents.first else {
            throw .unparsable(path: path, what: "a PEM certificate chain", reason: "it holds no CERTIFICATE block")
        }
        do {
            return try Certificate(pemDocument: first)
        } catch {
            throw .unparsable(path: path, what: "a PEM certificate chain", reason: "\(error)")
        }
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
