import BalancerConfig
import NIOHTTP1

/// Turns a client's request head into the head sent upstream and an upstream response head into the
/// head sent to the client: hop-by-hop headers removed, forwarding headers and the backend header added.
enum RequestHeadRewriter {
    /// The head sent to a backend.
    static func upstream(_ head: HTTPRequestHead, clientIP: String?, ids: inout RequestIdentifier) -> HTTPRequestHead {
        var headers = head.headers
        let chunked = headers["transfer-encoding"].contains { $0.lowercased().contains("chunked") }
        headers.removeHopByHop()
        headers.remove(name: "expect")
        if chunked { headers.add(name: "transfer-encoding", value: "chunked") }
        if let clientIP {
            let prior = headers["x-forwarded-for"].joined(separator: ", ")
            headers.replaceOrAdd(name: "x-forwarded-for", value: prior.isEmpty ? clientIP : "\(prior), \(clientIP)")
        }
        headers.replaceOrAdd(name: "x-forwarded-proto", value: "http")
        if headers["x-request-id"].first?.isEmpty ?? true {
            headers.replaceOrAdd(name: "x-request-id", value: ids.make())
        }
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri, headers: headers)
    }

    /// The head sent to the client for a backend's response.
    static func downstream(_ head: HTTPResponseHead, version: HTTPVersion, backendHeader: String, backendName: String, keepAlive: Bool) -> HTTPResponseHead {
        var headers = head.headers
        let chunked = headers["transfer-encoding"].contains { $0.lowercased().contains("chunked") }
        headers.removeHopByHop()
        if chunked, !headers.contains(name: "content-length") {
            headers.add(name: "transfer-encoding", value: "chunked")
        }
        headers.replaceOrAdd(name: backendHeader, value: backendName)
        if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
        return HTTPResponseHead(version: version, status: head.status, headers: headers)
    }

    /// Bytes a request head takes on the wire, to enforce `max_header_bytes`.
    static func size(of head: HTTPRequestHead) -> Int {
        head.headers.reduce(head.method.rawValue.utf8.count + head.uri.utf8.count + 12) {
            $0 + $1.name.utf8.count + $1.value.utf8.count + 4
        }
    }

    /// The hash key of a request for a consistent-hash pool.
    static func hashKey(_ head: HTTPRequestHead, source: HashKeySource, clientIP: String?) -> String? {
        switch source {
        case .sourceIP:
            return clientIP
        case .header(let name):
            return head.headers[name].first ?? clientIP
        case .cookie(let name):
            for line in head.headers["cookie"] {
                for pair in line.split(separator: ";") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2, parts[0].trimmingSpaces() == name { return String(parts[1]) }
                }
            }
            return clientIP
        }
    }
}
