import ConfigCheck
import Foundation
import Testing

/// Builds a small, sound HAProxy configuration that `haproxy -c` accepts; each case changes one thing.
struct HAProxyText: Sendable {
    var global = ["maxconn 4000"]
    var defaults = ["mode http", "timeout connect 5s", "timeout client 30s", "timeout server 30s", "timeout queue 5s"]
    var frontend = ["bind 127.0.0.1:18080", "default_backend web"]
    var backend = ["balance roundrobin", "option httpchk GET /healthz", "default-server check inter 2s rise 2 fall 3 slowstart 30s"]
    var servers = [
        "server app1 10.0.0.1:8080 weight 10",
        "server app2 10.0.0.2:8080 weight 10",
        "server app3 10.0.0.3:8080 weight 10",
    ]
    var extra: [String] = []

    var text: String {
        func section(_ header: String, _ lines: [String]) -> String {
            ([header] + lines.map { "    " + $0 }).joined(separator: "\n") + "\n"
        }
        return [
            section("global", global), section("defaults", defaults), section("frontend www", frontend),
            section("backend web", backend + servers), extra.map { $0 + "\n" }.joined(),
        ].joined(separator: "\n")
    }

    func findings() throws -> [Finding] {
        ConfigChecker().check(try CheckedConfig.parse(text, file: "haproxy.cfg", dialect: .haproxy)).findings
    }

    /// A copy with one change.
    func with(_ change: (inout HAProxyText) -> Void) -> HAProxyText {
        var copy = self
        change(&copy)
        return copy
    }
}

/// Builds a small, sound nginx configuration that `nginx -t` accepts; each case changes one thing.
struct NginxText: Sendable {
    var main = ["worker_processes 2;"]
    var events = ["worker_connections 1024;"]
    var upstream = [String]()
    var servers = ["server 10.0.0.1:8080 weight=10;", "server 10.0.0.2:8080 weight=10;", "server 10.0.0.3:8080 weight=10;"]
    var location = ["proxy_pass http://web;"]
    var extra: [String] = []

    var text: String {
        """
        \(main.joined(separator: "\n"))
        events {
            \(events.joined(separator: "\n    "))
        }
        http {
            access_log off;
            upstream web {
                \((upstream + servers).joined(separator: "\n        "))
            }
            \(extra.joined(separator: "\n    "))
            server {
                listen 127.0.0.1:18081;
                server_name www.example.com;
                location / {
                    \(location.joined(separator: "\n            "))
                }
            }
        }

        """
    }

    func findings() throws -> [Finding] {
        ConfigChecker().check(try CheckedConfig.parse(text, file: "nginx.conf", dialect: .nginx)).findings
    }

    func with(_ change: (inout NginxText) -> Void) -> NginxText {
        var copy = self
        change(&copy)
        return copy
    }
}

/// A configuration that should (or should not) trigger one rule.
struct DialectCase: Sendable, CustomTestStringConvertible {
    var name: String
    var dialect: Dialect
    var text: String
    var rule: String
    var fires: Bool
    var severity: Severity? = nil

    var testDescription: String { "\(dialect.rawValue): \(name) \(fires ? "triggers" : "does not trigger") \(rule)" }

    func findings() throws -> [Finding] {
        ConfigChecker().check(try CheckedConfig.parse(text, file: "case.\(dialect == .haproxy ? "cfg" : "conf")", dialect: dialect)).findings
    }
}
