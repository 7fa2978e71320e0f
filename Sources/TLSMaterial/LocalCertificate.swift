import Foundation

/// The self-signed certificate a local run serves HTTPS with, kept in its folder across runs.
public enum LocalCertificate {
    /// The certificate and key files in `folder` (`localhost.pem`, `localhost.key`): reused while they are good
    /// for another week and still belong together, made anew for localhost and 127.0.0.1 otherwise. Returns their
    /// file names, relative to `folder`.
    public static func ensure(in folder: URL, now: Date = Date()) throws -> (certificate: String, key: String) {
        let names = (certificate: "localhost.pem", key: "localhost.key")
        if let files = try? CertificateFiles.load(certificate: names.certificate, key: names.key, relativeTo: folder.path),
            files.notValidAfter > now.addingTimeInterval(7 * 86_400)
        {
            return names
        }
        let made = try SelfSignedCertificate(commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], days: 90, now: now)
        try Data(made.certificatePEM.utf8).write(to: folder.appendingPathComponent(names.certificate), options: .atomic)
        let keyPath = folder.appendingPathComponent(names.key).path
        try? FileManager.default.removeItem(atPath: keyPath)
        guard FileManager.default.createFile(atPath: keyPath, contents: Data(made.keyPEM.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CertificateError.unreadable(path: keyPath, reason: "the key could not be written")
        }
        return names
    }
}
