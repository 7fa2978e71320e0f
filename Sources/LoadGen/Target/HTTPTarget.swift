import Foundation

/// Where load (or a live check's probes) goes: an `http://HOST[:PORT][/PATH[?QUERY]]` URL read once, with IPv6
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

    /// A target given by its parts.
    public init(host: String, port: Int, path: String = "/") {
        self.host = host
        self.port = port
        self.path = path
    }

    /// Reads `text`.
    public init(parsing text: String) throws(Invalid) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw Invalid(text: text, reason: "not a URL (expected http://HOST:PORT)")
        }
        guard scheme == "http" else { throw Invalid(text: text, reason: "only http is supported (plain HTTP/1.1)") }
        guard let host = components.host, !host.isEmpty else { throw Invalid(text: text, reason: "no host") }
        let port = components.port ?? 80
        guard (1...65_535).contains(port) else { throw Invalid(text: text, reason: "port \(port) is out of range") }
        var path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { path += "?" + query }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = port
        self.path = path
    }
}
