import Crypto
import Foundation
import SwiftASN1
import X509

/// A self-signed certificate and its key, made on the spot so a local run (`evenkeel up --tls`) and the tests can
/// serve HTTPS without a certificate authority.
public struct SelfSignedCertificate: Sendable {
    /// The certificate, PEM.
    public let certificatePEM: String
    /// Its P-256 private key, PEM (PKCS#8).
    public let keyPEM: String

    /// Makes a certificate for `dnsNames` and `ipAddresses` (IPv4 dotted quads), valid from an hour ago for `days`.
    public init(commonName: String, dnsNames: [String], ipAddresses: [String] = [], days: Int = 30, now: Date = Date()) throws {
        let key = P256.Signing.PrivateKey()
        let privateKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName {
            CommonName(commonName)
            OrganizationName("Evenkeel (self-signed)")
        }
        var alternatives: [GeneralName] = dnsNames.map { .dnsName($0) }
        for address in ipAddresses {
            let octets = address.split(separator: ".").compactMap { UInt8($0) }
            guard octets.count == 4 else { throw SelfSignedCertificateError.notAnIPv4Address(address) }
            alternatives.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(octets))))
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: privateKey.publicKey,
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(TimeInterval(days) * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                KeyUsage(digitalSignature: true)
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternatives)
            },
            issuerPrivateKey: privateKey)
        // Ending in a newline, as PEM files do, so a chain or a combined file is the texts one after the other.
        certificatePEM = try certificate.serializeAsPEM().pemString + "\n"
        keyPEM = try privateKey.serializeAsPEM().pemString + "\n"
    }
}

/// Why a self-signed certificate could not be made.
public enum SelfSignedCertificateError: Error, CustomStringConvertible {
    case notAnIPv4Address(String)
    public var description: String {
        switch self {
        case .notAnIPv4Address(let text): "\(text) is not an IPv4 address (a.b.c.d)"
        }
    }
}
