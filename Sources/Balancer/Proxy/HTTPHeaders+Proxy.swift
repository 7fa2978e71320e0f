import NIOHTTP1

extension HTTPHeaders {
    /// Headers that describe one hop, not the message (RFC 9110 §7.6.1), and must not be forwarded.
    static let hopByHop: [String] = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization",
    ]

    /// Removes hop-by-hop headers, including any named in `Connection`.
    ///
    /// This runs twice per proxied request, so it makes one allocation-free pass first and only rebuilds
    /// the headers when there is something to remove.
    mutating func removeHopByHop() {
        var found = false
        var named: [Substring] = []
        for (name, value) in self where Self.isHopByHop(name) {
            found = true
            if name.utf8.count == 10, name.asciiEqualsLowercased("connection") {
                for token in value.split(separator: ",") {
                    let trimmed = token.trimmingSpaces()
                    if !trimmed.isEmpty { named.append(Substring(trimmed)) }
                }
            }
        }
        guard found else { return }
        let kept = self.filter { header in
            !Self.isHopByHop(header.name) && !named.contains { header.name.asciiEqualsIgnoringCase(String($0)) }
        }
        self = HTTPHeaders(kept.map { ($0.name, $0.value) })
    }

    static func isHopByHop(_ name: String) -> Bool {
        let count = name.utf8.count
        for candidate in hopByHop where candidate.utf8.count == count && name.asciiEqualsLowercased(candidate) {
            return true
        }
        return false
    }
}

extension String {
    /// ASCII case-insensitive equality with an all-lowercase `other`, without allocating.
    func asciiEqualsLowercased(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        for (a, b) in zip(utf8, other.utf8) where a != b {
            guard a >= 65, a <= 90, a + 32 == b else { return false }
        }
        return true
    }

    /// ASCII case-insensitive equality.
    func asciiEqualsIgnoringCase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        for (a, b) in zip(utf8, other.utf8) where a != b {
            let la = a >= 65 && a <= 90 ? a + 32 : a
            let lb = b >= 65 && b <= 90 ? b + 32 : b
            if la != lb { return false }
        }
        return true
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
