import Foundation

/// One line of an nginx access log written with Evenkeel's log format (docs/watch.md):
///
///     log_format evenkeel '$remote_addr [$time_iso8601] "$request" $status $upstream_addr $upstream_status $upstream_response_time';
///
/// nginx OSS has no per-upstream counters; this line has what Watch needs per request: who asked, for what, which
/// upstream servers were tried (several after a retry, `-` when none), what each answered and how long it took.
public struct NginxLogLine: Sendable, Equatable {
    /// One upstream attempt.
    public struct Attempt: Sendable, Equatable {
        /// `host:port` as nginx names it.
        public var address: String
        /// Its status; nil when it gave none (`-`: connection failed or timed out).
        public var status: Int?
        /// Seconds it took; nil when unknown.
        public var seconds: Double?
    }

    /// The client's address.
    public var client: String
    /// The request path, without the query.
    public var path: String
    /// The status sent to the client.
    public var status: Int
    /// The upstream attempts, in order; empty when nginx answered itself.
    public var attempts: [Attempt]

    /// Reads `line`, or nil when it is not in the format.
    public init?(_ line: Substring) {
        // client [time] "request" status upstreams statuses times
        guard let open = line.firstIndex(of: "["), let close = line[open...].firstIndex(of: "]") else { return nil }
        client = line[..<open].trimmingCharacters(in: .whitespaces)
        let afterTime = line[line.index(after: close)...]
        guard let q1 = afterTime.firstIndex(of: "\""), let q2 = afterTime[afterTime.index(after: q1)...].firstIndex(of: "\"") else { return nil }
        let request = afterTime[afterTime.index(after: q1)..<q2].split(separator: " ")
        guard request.count >= 2 else { return nil }
        let target = request[1]
        path = String(target.prefix { $0 != "?" })
        let rest = afterTime[afterTime.index(after: q2)...].split(separator: " ", omittingEmptySubsequences: true)
        guard !client.isEmpty, !client.contains(" "), rest.count >= 4, let status = Int(rest[0]) else { return nil }
        self.status = status
        // Upstream fields list attempts separated by ", " (and " : " between upstream groups), so the words after
        // the status are regrouped: addresses end where the statuses begin.
        let fields = Self.groups(rest.dropFirst().joined(separator: " "))
        guard fields.count == 3 else { return nil }
        let (addresses, statuses, times) = (fields[0], fields[1], fields[2])
        // One status and one time per attempt, and an address is host:port (or `-`): anything else is another format.
        guard addresses.count == statuses.count, addresses.count == times.count,
            addresses.allSatisfy({ $0 == "-" || $0.contains(":") })
        else { return nil }
        if addresses == ["-"] {
            attempts = []
            return
        }
        attempts = addresses.enumerated().map { i, address in
            Attempt(
                address: address, status: i < statuses.count ? Int(statuses[i]) : nil,
                seconds: i < times.count ? Double(times[i]) : nil)
        }
    }

    /// `a, b : c 502, 200 : 200 0.001, 0.010 : 0.004` → three lists of items.
    static func groups(_ text: String) -> [[String]] {
        var groups: [[String]] = []
        var current: [String] = []
        var continues = false
        for word in text.split(separator: " ") {
            if word == ":" {
                continues = true
                continue
            }
            var item = String(word)
            let more = item.hasSuffix(",")
            if more { item.removeLast() }
            if current.isEmpty || continues {
                current.append(item)
            } else {
                groups.append(current)
                current = [item]
            }
            continues = more
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }
}
