import NIOHTTP1

extension HTTPHeaders {
    /// Headers that describe one hop, not the message (RFC 9110 §7.6.1), and must not be forwarded.
    static let hopByHop: [String] = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization",
    ]

    /// Removes hop-by-hop headers, including any named in `Connection`.
    ///
    /// This runs twice per proxied request, and nearly every response carries `Connection: keep-alive`, so it
    /// removes in place with `HTTPHeaders`' own case-insensitive name search: no copy of the headers, no
    /// re-validation, no allocation unless `Connection` names extra headers.
    mutating func removeHopByHop() {
        let named = self["connection"]
        for name in Self.hopByHop where contains(name: name) { remove(name: name) }
        for value in named {
            // Split as bytes: header values are ASCII, and splitting by Characters cost more than the rest here.
            for token in value.utf8.split(separator: UInt8(ascii: ",")) {
                let name = Substring(token).trimmingSpaces()
                if !name.isEmpty { remove(name: name) }
            }
        }
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs. It walks bytes, not characters: header tokens are
    /// ASCII, and grapheme-by-grapheme iteration here once cost more CPU per proxied request than the trim was worth.
    func trimmingSpaces() -> String {
        let bytes = utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") {
            start = bytes.index(after: start)
        }
        while start < end {
            let last = bytes.index(before: end)
            guard bytes[last] == UInt8(ascii: " ") || bytes[last] == UInt8(ascii: "\t") else { break }
            end = last
        }
        return String(self[start..<end])
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
