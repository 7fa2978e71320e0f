import NIOHTTP1

extension HTTPHeaders {
    /// Headers that describe one hop, not the message (RFC 9110 §7.6.1), and must not be forwarded.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization",
    ]

    /// Removes hop-by-hop headers, including any named in `Connection`.
    mutating func removeHopByHop() {
        let named = self["connection"].flatMap { $0.split(separator: ",") }.map {
            $0.trimmingSpaces().lowercased()
        }
        for name in Self.hopByHop.union(named) { remove(name: name) }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension HTTPMethod {
    /// Methods that can be repeated without changing the outcome, so a failed attempt may be retried.
    var isIdempotent: Bool {
        switch self {
        case .GET, .HEAD, .OPTIONS, .TRACE, .PUT, .DELETE: true
        default: false
        }
    }
}
