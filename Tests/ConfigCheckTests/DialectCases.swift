import ConfigCheck
import Foundation

/// Every HAProxy and nginx case the rule tests use; each text is also checked by the real `haproxy -c` or
/// `nginx -t`, so the cases are configurations those balancers accept.
enum DialectCases {
    static let haproxy = HAProxyText()
    static let nginx = NginxText()

    /// This machine's host name, which resolves here (nginx resolves upstream host names when it loads).
    static let resolvableHostName = ProcessInfo.processInfo.hostName

    static func replaceServer(_ index: Int, _ line: String) -> (inout HAProxyText) -> Void { { $0.servers[index] = line } }

    static let haproxyCases: [DialectCase] = [
        .init(name: "sound", dialect: .haproxy, text: haproxy.text, rule: "any", fires: false),
        .init(name: "weight 100 among 10s", dialect: .haproxy, text: haproxy.with(replaceServer(2, "server app3 10.0.0.3:8080 weight 100")).text, rule: "EK101", fires: true, severity: .error),
        .init(name: "weight 30 among 10s", dialect: .haproxy, text: haproxy.with(replaceServer(2, "server app3 10.0.0.3:8080 weight 30")).text, rule: "EK101", fires: false),
        .init(name: "weight 0", dialect: .haproxy, text: haproxy.with(replaceServer(1, "server app2 10.0.0.2:8080 weight 0")).text, rule: "EK102", fires: true),
        .init(name: "weight 0 on a backup", dialect: .haproxy, text: haproxy.with(replaceServer(1, "server app2 10.0.0.2:8080 weight 0 backup")).text, rule: "EK102", fires: false),
        .init(name: "two backups, one primary", dialect: .haproxy, text: haproxy.with { $0.servers[1] += " backup"; $0.servers[2] += " backup" }.text, rule: "EK103", fires: true),
        .init(name: "one backup, two primaries", dialect: .haproxy, text: haproxy.with { $0.servers[2] += " backup" }.text, rule: "EK103", fires: false),
        .init(name: "a server in two backends", dialect: .haproxy, text: haproxy.with { $0.extra = ["backend api", "    server api1 10.0.0.1:8080 check"] }.text, rule: "EK104", fires: true),
        .init(name: "two backends apart", dialect: .haproxy, text: haproxy.with { $0.extra = ["backend api", "    server api1 10.0.0.8:8080 check"] }.text, rule: "EK104", fires: false),
        .init(name: "no check", dialect: .haproxy, text: haproxy.with { $0.backend[2] = "default-server inter 2s slowstart 30s" }.text, rule: "EK105", fires: true, severity: .error),
        .init(name: "inter 20s fall 3", dialect: .haproxy, text: haproxy.with { $0.backend[2] = "default-server check inter 20s rise 2 fall 3 slowstart 30s" }.text, rule: "EK106", fires: true),
        .init(name: "inter 5s fall 3", dialect: .haproxy, text: haproxy.with { $0.backend[2] = "default-server check inter 5s rise 2 fall 3 slowstart 30s" }.text, rule: "EK106", fires: false),
        .init(name: "rise 1 fall 1", dialect: .haproxy, text: haproxy.with { $0.backend[2] = "default-server check inter 2s rise 1 fall 1 slowstart 30s" }.text, rule: "EK107", fires: true),
        .init(name: "rise 1 fall 2", dialect: .haproxy, text: haproxy.with { $0.backend[2] = "default-server check inter 2s rise 1 fall 2 slowstart 30s" }.text, rule: "EK107", fires: false),
        .init(name: "balance source", dialect: .haproxy, text: haproxy.with { $0.backend[0] = "balance source" }.text, rule: "EK108", fires: true),
        .init(name: "balance hdr(User-Agent)", dialect: .haproxy, text: haproxy.with { $0.backend[0] = "balance hdr(User-Agent)" }.text, rule: "EK109", fires: true, severity: .warning),
        .init(name: "balance url_param", dialect: .haproxy, text: haproxy.with { $0.backend[0] = "balance url_param session" }.text, rule: "EK109", fires: false),
        .init(name: "maxconn 10 per server behind maxconn 4000", dialect: .haproxy, text: haproxy.with { $0.servers = $0.servers.map { $0 + " maxconn 10" } }.text, rule: "EK110", fires: true),
        .init(name: "maxconn 20 per server behind maxconn 4000", dialect: .haproxy, text: haproxy.with { $0.servers = $0.servers.map { $0 + " maxconn 20" } }.text, rule: "EK110", fires: false),
        .init(name: "maxconn without any queue or connect timeout", dialect: .haproxy, text: haproxy.with { $0.servers = $0.servers.map { $0 + " maxconn 100" }; $0.defaults = ["mode http", "timeout client 30s", "timeout server 30s"] }.text, rule: "EK111", fires: true),
        .init(name: "maxconn with timeout queue", dialect: .haproxy, text: haproxy.with { $0.servers = $0.servers.map { $0 + " maxconn 100" } }.text, rule: "EK111", fires: false),
        .init(name: "retry-on all-retryable-errors", dialect: .haproxy, text: haproxy.with { $0.backend += ["retries 3", "retry-on all-retryable-errors"] }.text, rule: "EK112", fires: true),
        .init(name: "retry-on conn-failure", dialect: .haproxy, text: haproxy.with { $0.backend += ["retries 3", "retry-on conn-failure"] }.text, rule: "EK112", fires: false),
        .init(name: "host name without resolvers", dialect: .haproxy, text: haproxy.with(replaceServer(0, "server app1 app1.internal:8080 weight 10 init-addr last,libc,none")).text, rule: "EK113", fires: true),
        .init(name: "host name with resolvers", dialect: .haproxy, text: haproxy.with { $0.servers[0] = "server app1 app1.internal:8080 weight 10 resolvers dns init-addr last,libc,none"; $0.extra = ["resolvers dns", "    nameserver ns1 127.0.0.1:53"] }.text, rule: "EK113", fires: false),
        .init(name: "no slowstart", dialect: .haproxy, text: haproxy.with { $0.backend[2] = "default-server check inter 2s rise 2 fall 3" }.text, rule: "EK114", fires: true, severity: .info),
        .init(name: "a single server", dialect: .haproxy, text: haproxy.with { $0.servers = [$0.servers[0]] }.text, rule: "EK115", fires: true),
        .init(name: "balance first without maxconn", dialect: .haproxy, text: haproxy.with { $0.backend[0] = "balance first" }.text, rule: "EK116", fires: true, severity: .error),
        .init(name: "balance leastconn", dialect: .haproxy, text: haproxy.with { $0.backend[0] = "balance leastconn" }.text, rule: "EK116", fires: false),
        .init(name: "the same address twice", dialect: .haproxy, text: haproxy.with(replaceServer(2, "server app3 10.0.0.1:8080 weight 10")).text, rule: "EK117", fires: true, severity: .error),
        .init(name: "consistent hashing with weight 1", dialect: .haproxy, text: haproxy.with { $0.backend[0] = "balance uri"; $0.backend.append("hash-type consistent"); $0.servers = $0.servers.map { $0.replacingOccurrences(of: "weight 10", with: "weight 1") } }.text, rule: "EK119", fires: true),
        .init(name: "consistent hashing with weight 10", dialect: .haproxy, text: haproxy.with { $0.backend[0] = "balance uri"; $0.backend.append("hash-type consistent") }.text, rule: "EK119", fires: false),
        .init(name: "balance first with weights 30, 10, 10", dialect: .haproxy, text: haproxy.with { $0.backend[0] = "balance first"; $0.servers = $0.servers.map { $0 + " maxconn 50" }; $0.servers[0] = "server app1 10.0.0.1:8080 weight 30 maxconn 50" }.text, rule: "EK120", fires: true),
        .init(name: "balance first with equal weights", dialect: .haproxy, text: haproxy.with { $0.backend[0] = "balance first"; $0.servers = $0.servers.map { $0 + " maxconn 50" } }.text, rule: "EK120", fires: false),
        .init(name: "cookie insert without maxidle", dialect: .haproxy, text: haproxy.with { $0.backend.append("cookie SERVERID insert indirect nocache") }.text, rule: "EK121", fires: true),
        .init(name: "cookie insert with maxidle and maxlife", dialect: .haproxy, text: haproxy.with { $0.backend.append("cookie SERVERID insert indirect nocache maxidle 30m maxlife 8h") }.text, rule: "EK121", fires: false),
        .init(name: "stick table without expire", dialect: .haproxy, text: haproxy.with { $0.backend += ["stick-table type ip size 100k", "stick on src"] }.text, rule: "EK121", fires: true),
        .init(name: "stick table with expire", dialect: .haproxy, text: haproxy.with { $0.backend += ["stick-table type ip size 100k expire 30m", "stick on src"] }.text, rule: "EK121", fires: false),
    ]

    static func replaceUpstreamServer(_ index: Int, _ line: String) -> (inout NginxText) -> Void { { $0.servers[index] = line } }

    static let nginxCases: [DialectCase] = [
        .init(name: "sound", dialect: .nginx, text: nginx.text, rule: "any", fires: false),
        .init(name: "weight=100 among 10s", dialect: .nginx, text: nginx.with(replaceUpstreamServer(2, "server 10.0.0.3:8080 weight=100;")).text, rule: "EK101", fires: true, severity: .error),
        .init(name: "two backups, one primary", dialect: .nginx, text: nginx.with { $0.servers[1] = "server 10.0.0.2:8080 backup;"; $0.servers[2] = "server 10.0.0.3:8080 backup;" }.text, rule: "EK103", fires: true),
        .init(name: "a server in two upstreams", dialect: .nginx, text: nginx.with { $0.extra = ["upstream api { server 10.0.0.1:8080; server 10.0.0.9:8080; }"] }.text, rule: "EK104", fires: true),
        .init(name: "two upstreams apart", dialect: .nginx, text: nginx.with { $0.extra = ["upstream api { server 10.0.0.8:8080; server 10.0.0.9:8080; }"] }.text, rule: "EK104", fires: false),
        .init(name: "max_fails=0 everywhere", dialect: .nginx, text: nginx.with { $0.servers = $0.servers.map { $0.replacingOccurrences(of: ";", with: " max_fails=0;") } }.text, rule: "EK105", fires: true, severity: .error),
        .init(name: "ip_hash", dialect: .nginx, text: nginx.with { $0.upstream = ["ip_hash;"] }.text, rule: "EK108", fires: true),
        .init(name: "hash on a cookie", dialect: .nginx, text: nginx.with { $0.upstream = ["hash $cookie_session consistent;"] }.text, rule: "EK108", fires: false),
        .init(name: "hash on a constant", dialect: .nginx, text: nginx.with { $0.upstream = ["hash static;"] }.text, rule: "EK109", fires: true, severity: .error),
        .init(name: "hash on the request URI", dialect: .nginx, text: nginx.with { $0.upstream = ["hash $request_uri;"] }.text, rule: "EK109", fires: false),
        .init(name: "max_conns=1 behind 2 × 1024 connections", dialect: .nginx, text: nginx.with { $0.servers = $0.servers.map { $0.replacingOccurrences(of: ";", with: " max_conns=1;") } }.text, rule: "EK110", fires: true),
        .init(name: "max_conns=10 behind 2 × 1024 connections", dialect: .nginx, text: nginx.with { $0.servers = $0.servers.map { $0.replacingOccurrences(of: ";", with: " max_conns=10;") } }.text, rule: "EK110", fires: false),
        .init(name: "retries on 5xx, unbounded tries", dialect: .nginx, text: nginx.with { $0.location.append("proxy_next_upstream error timeout http_502 http_503;") }.text, rule: "EK112", fires: true),
        .init(name: "retries on 5xx, two tries", dialect: .nginx, text: nginx.with { $0.location += ["proxy_next_upstream error timeout http_502 http_503;", "proxy_next_upstream_tries 2;"] }.text, rule: "EK112", fires: false),
        .init(name: "a host name", dialect: .nginx, text: nginx.with(replaceUpstreamServer(0, "server \(resolvableHostName):8080 weight=10;")).text, rule: "EK113", fires: true),
        .init(name: "a single server", dialect: .nginx, text: nginx.with { $0.servers = [$0.servers[0]] }.text, rule: "EK115", fires: true),
        .init(name: "hash on a constant, simulated", dialect: .nginx, text: nginx.with { $0.upstream = ["hash static;"] }.text, rule: "EK116", fires: true),
        .init(name: "the same address twice", dialect: .nginx, text: nginx.with(replaceUpstreamServer(2, "server 10.0.0.1:8080 weight=10;")).text, rule: "EK117", fires: true),
        .init(name: "max_fails=0 on one server", dialect: .nginx, text: nginx.with(replaceUpstreamServer(1, "server 10.0.0.2:8080 weight=10 max_fails=0;")).text, rule: "EK118", fires: true),
        .init(name: "max_fails=3 on one server", dialect: .nginx, text: nginx.with(replaceUpstreamServer(1, "server 10.0.0.2:8080 weight=10 max_fails=3;")).text, rule: "EK118", fires: false),
        .init(name: "consistent hash (160 points per weight)", dialect: .nginx, text: nginx.with { $0.upstream = ["hash $request_uri consistent;"] }.text, rule: "EK119", fires: false),
        .init(name: "retries of POSTs", dialect: .nginx, text: nginx.with { $0.location.append("proxy_next_upstream error timeout non_idempotent;") }.text, rule: "EK122", fires: true),
        .init(name: "retries of idempotent requests only", dialect: .nginx, text: nginx.with { $0.location.append("proxy_next_upstream error timeout;") }.text, rule: "EK122", fires: false),
    ]

    static let all = haproxyCases + nginxCases
}
