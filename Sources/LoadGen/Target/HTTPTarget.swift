import Foundation

/// Where load (or a live check's probes) goes: an `http[s]://HOST[:PORT][/PATH[?QUERY]]` URL read once, with IPv6
/// literals (`http://[::1]:8080/`) unbracketed for connecting.
public struct HTTPTarget: Sendable, Equatable {
    /// Why a URL is not a target.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        /// The text given.
        public var text: String
        /// What is wrong with it.
        public var reason: String

        public var description: String { "\(text): \(reason)" }
    }

    /// Host name or address to connect to (no brackets).
    public var host: String
    /// Port (80 when the URL names none).
    public var port: Int
    /// Path and query, `/` at least.
    public var path: String
    /// Whether the URL is `https`: HTTP/1.1 over TLS.
    public var secure: Bool

    /// A target given by its parts.
    public init(host: String, port: Int, path: String = "/", secure: Bool = false) {
        self.host = host
        self.port = port
        self.path = path
        self.secure = secure
    }

    /// Reads `text`.
    public init(parsing text: String) throws(Invalid) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw Invalid(text: text, reason: "not a URL (expected http://HOST:PORT or https://HOST:PORT)")
        }
        guard scheme == "http" || scheme == "https" else { throw Invalid(text: text, reason: "only http and https are supported (HTTP/1.1)") }
        guard let host = components.host, !host.isEmpty else { throw Invalid(text: text, reason: "no host") }
        secure = scheme == "https"
        let port = components.port ?? (secure ? 443 : 80)
        guard (1...65_535).contains(port) else { throw Invalid(text: text, reason: "port \(port) is out of range") }
        var path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { path += "?" + query }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = port
        self.path = path
    }
}
