import NIOCore
import NIOSSL

/// TLS for the load generator's connections (an `https://` target): HTTP/1.1 over TLS, with the target's host name
/// sent for SNI.
public struct ClientTLS: Sendable {
    /// Whether the server's certificate must chain to a trusted root and name the host. Off (`--insecure`) for a
    /// self-signed certificate such as `evenkeel up --tls` serves.
    public var verifyCertificates: Bool

    public init(verifyCertificates: Bool = true) {
        self.verifyCertificates = verifyCertificates
    }

    /// The context every connection of a run shares, offering `alpn` (`h2` for `--http2`).
    func makeContext(alpn: [String] = ["http/1.1"]) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.applicationProtocols = alpn
        if !verifyCertificates { configuration.certificateVerification = .none }
        return try NIOSSLContext(configuration: configuration)
    }

    /// Whether `error` is a TLS handshake's (an untrusted certificate, no shared protocol): a failure to connect
    /// whose reason the report gives.
    static func isHandshakeFailure(_ error: any Error) -> Bool {
        error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError
    }

    /// Adds the TLS handler first in `channel`'s pipeline; SNI names `host` unless it is an IP address.
    static func addHandler(_ context: NIOSSLContext, host: String, to channel: any Channel) throws {
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host))
    }
}
